from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Auditor files: one column catalogue, CSV and zip, COPY streaming."""

    name = "exports"
    verbose_name = _("Exports")
