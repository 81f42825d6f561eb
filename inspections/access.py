"""Who may open a page: signed-in first (anonymous → the login page), then the permission (403)."""

from django.contrib.auth.decorators import login_required, permission_required


def signed_in_with(perm):
    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate
