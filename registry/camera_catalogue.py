"""The camera catalogue: models sold in Indonesia with the figures of their data sheets, curated
by officers. An owner picks brand and model; the form fills the specs from here, so that a good
camera does not fail because a box was left unticked (registry/forms.py, static/js/register.js).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Camera, CameraType  # defined before models.py imports this module


class CatalogueCamera(models.Model):
    # The figures a camera takes from its model (Camera's fields of the same names); the rest
    # (where it hangs, whether it faces the road, how long the recorder keeps, its stream) is the site's.
    SPECS = (
        "camera_type",
        "pan_range_deg",
        "hfov_wide_deg",
        "hfov_tele_deg",
        "optical_zoom",
        "resolution_h_px",
        "resolution_v_px",
        "night_vision",
        "night_vision_range_m",
        "onvif_profile_s",
        "onvif_profile_t",
        "onvif_profile_g",
        "onvif_profile_m",
    )

    brand = models.CharField(_("brand"), max_length=60)
    model = models.CharField(_("model"), max_length=80)
    camera_type = models.CharField(_("type"), max_length=10, choices=CameraType.choices)
    pan_range_deg = models.PositiveSmallIntegerField(_("pan range (°)"), validators=[MaxValueValidator(360)])
    hfov_wide_deg = models.FloatField(
        _("field of view, wide end (°)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    hfov_tele_deg = models.FloatField(
        _("field of view, tele end (°)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(360)],
    )
    optical_zoom = models.FloatField(
        _("optical zoom (×)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    resolution_h_px = models.PositiveIntegerField(
        _("horizontal resolution (px)"), validators=[MaxValueValidator(20000)]
    )
    resolution_v_px = models.PositiveIntegerField(_("vertical resolution (px)"), validators=[MaxValueValidator(20000)])
    night_vision = models.BooleanField(_("night vision (IR)"), default=False)
    night_vision_range_m = models.PositiveSmallIntegerField(
        _("night vision range (m)"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    onvif_profile_s = models.BooleanField(_("ONVIF Profile S"), default=False)
    onvif_profile_t = models.BooleanField(_("ONVIF Profile T"), default=False)
    onvif_profile_g = models.BooleanField(_("ONVIF Profile G"), default=False)
    onvif_profile_m = models.BooleanField(_("ONVIF Profile M"), default=False)
    datasheet = models.CharField(
        _("data sheet"), max_length=300, help_text=_("Where the figures come from: the data sheet's title and address.")
    )
    figure_sources = models.JSONField(
        _("other sources"),
        default=dict,
        blank=True,
        help_text=_('A figure taken from elsewhere than the data sheet: {"field": "source"}.'),
    )
    checked_on = models.DateField(
        _("checked against the data sheet on"),
        null=True,
        blank=True,
        help_text=_("Set when an officer has compared every figure with the data sheet."),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    active = models.BooleanField(_("offered to owners"), default=True)

    class Meta:
        ordering = ["brand", "model"]
        verbose_name = _("catalogue camera")
        verbose_name_plural = _("camera catalogue")
        constraints = [
            models.UniqueConstraint(fields=["brand", "model"], name="catalogue_brand_model_unique"),
            models.CheckConstraint(
                condition=Q(hfov_tele_deg__isnull=True) | Q(hfov_tele_deg__lte=models.F("hfov_wide_deg")),
                name="catalogue_tele_not_wider_than_wide",
            ),
        ]

    def __str__(self):
        return f"{self.brand} {self.model}"

    # The same four ONVIF flags as a camera's, read the same way: {"S", "T", …}.
    onvif_profiles = Camera.onvif_profiles

    def specs(self):
        """{field: value} of the model's figures, for a Camera."""
        return {name: getattr(self, name) for name in self.SPECS}

    def apply_to(self, camera):
        """Give `camera` this model's brand, model and figures."""
        camera.brand, camera.model = self.brand, self.model
        for name, value in self.specs().items():
            setattr(camera, name, value)
