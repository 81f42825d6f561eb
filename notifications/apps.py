from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What staff are told: the in-app list of changes and the daily e-mail digest."""

    name = "notifications"
    verbose_name = _("Notifications")
