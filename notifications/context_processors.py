"""The unread count in every staff page's navigation, computed only when a page shows it."""

import functools

from . import digest


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template calls it only where the navigation is drawn (one query then).
    return {"unread_notifications": functools.partial(digest.unread_count, user)}
