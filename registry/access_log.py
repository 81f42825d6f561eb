"""Who looked at or removed personal data, or downloaded an export (UU 27/2022: breaches must be
reportable within 3 × 24 hours)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .client_ip import client_ip


class AccessLog(models.Model):
    """Who looked at or removed personal data or downloaded an export, and when (UU 27/2022)."""

    class Action(models.TextChoices):
        VIEW_PERSONAL_DATA = "view_personal_data", _("Viewed unmasked personal data")
        VIEW_STREAM_ADDRESS = "view_stream_address", _("Viewed camera stream addresses")
        EXPORT = "export", _("Downloaded an export")
        PURGE = "purge", _("Purged personal data after the retention period")
        USE_VIEWER_ACCOUNT = "use_viewer_account", _("Used cameras' viewer accounts")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target = models.CharField(_("what"), max_length=200)
    filters = models.JSONField(_("filter used"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        permissions = [("export_data", _("Can download exports"))]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.target}"


def log_access(request, action, target, *, filters=None, rows=None):
    return AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        action=action,
        target=str(target)[:200],
        filters=filters or {},
        rows=rows,
        ip=client_ip(request),
    )
