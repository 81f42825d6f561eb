"""Pixel density measured at an inspection (inspections.pixel_density), kept as evidence.

A measurement keeps the figures for good: px/m, the marker's size, the distance the officer
entered, the threshold of the standard in force and whether it was met. Its two pictures (the
frame or photo, and a copy with the detected corners drawn) can show people: they live in private
storage (settings.PRIVATE_MEDIA_ROOT, never served as media), open only to staff through a view
that logs each look, and are deleted after the standard's measurement_image_retention_days.

The camera keeps its last measurement beside the declared figures (Camera.measured_px_per_m,
measured_on); the rules judge it (rules.MEASURED_BELOW_STANDARD) while it is fresh.
"""

import datetime
import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from registry.models import Camera, CameraStandard, default_pixel_density_levels
from registry.uploads import private_storage

from . import pixel_density


class PixelDensityMeasurement(models.Model):
    class Source(models.TextChoices):
        FRAME = "frame", _("a frame grabbed from the stream")
        UPLOAD = "upload", _("a picture uploaded by the officer")

    camera = models.ForeignKey(
        Camera, on_delete=models.CASCADE, related_name="pixel_measurements", verbose_name=_("camera")
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pixel_measurements",
        verbose_name=_("inspection"),
    )
    measured_at = models.DateTimeField(_("measured at"), default=timezone.now)
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("measured by")
    )
    source = models.CharField(_("picture"), max_length=10, choices=Source.choices)
    marker_side_mm = models.FloatField(_("marker side (mm)"))
    distance_m = models.DecimalField(_("distance of the card (m)"), max_digits=5, decimal_places=1, null=True)
    px_per_m = models.FloatField(_("measured pixel density (px/m)"))
    perspective = models.FloatField(_("longest side / shortest side"))
    threshold_px_per_m = models.FloatField(_("level required (px/m)"))
    meets_identify = models.BooleanField(_("meets the level"))
    image = models.FileField(_("picture"), storage=private_storage, upload_to="measurements/%Y/%m/", blank=True)
    annotated = models.FileField(
        _("picture with the corners found"), storage=private_storage, upload_to="measurements/%Y/%m/", blank=True
    )
    images_deleted_at = models.DateTimeField(_("pictures deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-measured_at", "-pk"]
        verbose_name = _("pixel density measurement")
        verbose_name_plural = _("pixel density measurements")

    def __str__(self):
        return f"{self.camera_id} · {self.px_per_m:.0f} px/m · {self.measured_at:%Y-%m-%d}"

    @property
    def strong_perspective(self):
        return self.perspective > pixel_density.STRONG_PERSPECTIVE


def identify_threshold(day):
    """The px/m faces need under the standard in force on `day` (IEC 62676-4's level before any)."""
    standard = CameraStandard.objects.in_force(day)
    return standard.face_px_per_m if standard else float(default_pixel_density_levels()["identify"])


def record(camera, image, *, source, user, marker_side_mm, distance_m=None, inspection=None, now=None):
    """Measure the picture `image` (an RGB array: pixel_density.read_image of an upload, or a grabbed
    frame), store the measurement and its pictures, and set the camera's last measurement. Raises
    pixel_density.MeasurementError with a message for the officer; then nothing is stored."""
    now = now or timezone.now()
    found = pixel_density.measure(image, marker_side_mm)
    threshold = identify_threshold(timezone.localdate(now))
    label = f"{found.px_per_m:.0f} px/m"
    name = uuid.uuid4().hex
    with transaction.atomic():
        measurement = PixelDensityMeasurement(
            camera=camera,
            inspection=inspection,
            measured_at=now,
            measured_by=user,
            source=source,
            marker_side_mm=marker_side_mm,
            distance_m=distance_m,
            px_per_m=found.px_per_m,
            perspective=round(found.perspective, 3),
            threshold_px_per_m=threshold,
            meets_identify=found.meets(threshold),
        )
        measurement.image.save(f"{name}.jpg", ContentFile(_as_jpeg(image)), save=False)
        measurement.annotated.save(
            f"{name}-corners.jpg", ContentFile(pixel_density.annotated_jpeg(image, found, label)), save=False
        )
        measurement.save()
        Camera.objects.filter(pk=camera.pk).update(
            measured_px_per_m=found.px_per_m, measured_on=timezone.localdate(now)
        )
    return measurement


def _as_jpeg(image):
    """The picture kept as evidence: re-encoded, so nothing of the upload but its pixels is kept (no
    location or other metadata)."""
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="JPEG", quality=90)
    return out.getvalue()


def delete_old_images(now=None):
    """Delete the pictures of measurements older than the standard's retention; the figures stay.
    Returns how many measurements lost their pictures."""
    now = now or timezone.now()
    standard = CameraStandard.objects.in_force(timezone.localdate(now))
    days = standard.measurement_image_retention_days if standard else 30
    old = PixelDensityMeasurement.objects.filter(
        measured_at__lt=now - datetime.timedelta(days=days), images_deleted_at=None
    )
    count = 0
    for measurement in old.iterator():
        for picture in (measurement.image, measurement.annotated):
            if picture:
                picture.delete(save=False)
        measurement.images_deleted_at = now
        measurement.save(update_fields=["image", "annotated", "images_deleted_at"])
        count += 1
    return count
