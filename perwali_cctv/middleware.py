"""Request guards that apply to every page."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """A NUL byte in a query string is never meant: PostgreSQL cannot compare with it (a 500 in any
    filter or search), so the whole request is refused with a 400 before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            raise BadRequest(_("The address contains a NUL character."))
        return self.get_response(request)
