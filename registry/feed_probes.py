"""What each probe of a camera's stream found (feeds/ probes them): a compact row per probe, kept
for FEED_PROBE_RETENTION_DAYS, from which a camera's uptime over 30 days is counted. The
camera's current feed status and last-seen time are on the camera itself."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import FeedStatus

UPTIME_DAYS = 30
# A camera the probes ask: one with a stream address or an ONVIF device address.
HAS_FEED_ADDRESS = ~Q(rtsp_url="", onvif_address="")


class FeedProbeQuerySet(models.QuerySet):
    def uptime_counts(self, now):
        """Annotations for a Camera queryset: probes_30d and answered_30d, one subquery each."""
        since = now - datetime.timedelta(days=UPTIME_DAYS)

        def counted(q):
            rows = self.filter(q, camera=OuterRef("pk"), at__gte=since).order_by().values("camera")
            return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=models.IntegerField())

        return {"probes_30d": counted(Q()), "answered_30d": counted(~Q(outcome=FeedStatus.OFFLINE))}

    def expired(self, now=None):
        keep = datetime.timedelta(days=settings.FEED_PROBE_RETENTION_DAYS)
        return self.filter(at__lt=(now or timezone.now()) - keep)


class FeedProbe(models.Model):
    camera = models.ForeignKey("registry.Camera", on_delete=models.CASCADE, related_name="probes")
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=FeedStatus.choices)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True, help_text=_("Why it failed, in short."))
    codec = models.CharField(_("codec"), max_length=20, blank=True)
    width = models.PositiveIntegerField(_("width (px)"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height (px)"), null=True, blank=True)
    onvif = models.CharField(
        _("ONVIF"), max_length=20, choices=FeedStatus.choices, blank=True, help_text=_("Empty: no ONVIF address.")
    )
    device = models.CharField(_("device (from ONVIF)"), max_length=100, blank=True)
    profiles = models.PositiveSmallIntegerField(_("media profiles (from ONVIF)"), null=True, blank=True)

    objects = FeedProbeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("feed probe")
        verbose_name_plural = _("feed probes")
        indexes = [models.Index(fields=["camera", "at"], name="feedprobe_camera_at_idx")]  # uptime()
        constraints = [
            models.CheckConstraint(condition=~Q(outcome=FeedStatus.NEVER), name="feedprobe_outcome_is_a_result")
        ]

    def __str__(self):
        return f"{self.camera_id} · {self.at:%Y-%m-%d %H:%M} · {self.outcome}"
