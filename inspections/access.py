"""Who may open a page: signed-in first (anonymous → the login page), then the permission (403)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required


def signed_in_with(perm):
    def decorate(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


# The groups whose members inspect and work the flags (registry migration 0002 creates them).
FIELD_STAFF_GROUPS = ("officer", "supervisor")


def field_staff():
    """Active officers and supervisors, once each, by user name: who can be assigned or told."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=FIELD_STAFF_GROUPS)
        .distinct()
        .order_by("username")
    )
