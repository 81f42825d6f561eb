from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and compliance")

    def ready(self):
        from . import triggers  # noqa: F401 (connects the receivers that judge a premises after a write)
