from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The officers' pages: overview, map, premises list and story, flag queue, standard, sweep."""

    name = "dashboard"
    verbose_name = _("Dashboard")
