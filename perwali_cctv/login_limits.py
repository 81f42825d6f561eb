"""Sign-in limits (django-axes): per user name and address, and per user name across addresses.

axes compares one failure count with one limit. Our handler counts both ways and scales the
per-user count onto the per-pair limit, so that either limit, reached, locks: LOGIN_FAILURE_LIMIT
failures from one address, or LOGIN_FAILURE_LIMIT_PER_USER from any number of addresses (an
attacker rotating addresses). The per-user limit is higher, because anyone who knows an
officer's user name can use it to lock that officer out for the cool-off time.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum

USERNAME_MAX_LENGTH = 150  # Django's user name; axes stores what it is given in a 255-character column


def username(request, credentials):
    """The user name as axes records it: at most 150 characters (a longer one is no user's name)."""
    source = credentials if credentials else request.POST
    value = source.get(settings.AXES_USERNAME_FORM_FIELD, "") if source is not None else ""
    return (value or "")[:USERNAME_MAX_LENGTH] or None


class LoginLimitsHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        # One count per entry of AXES_LOCKOUT_PARAMETERS, in its order: (user name, address), user name.
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        per_pair, per_user = (counts + [0, 0])[:2]
        scaled = per_user * settings.AXES_FAILURE_LIMIT // settings.LOGIN_FAILURE_LIMIT_PER_USER
        return max(per_pair, scaled)
