"""The camera standard: versioned, effective-dated settings (DOMAIN.md section 3). A threshold
change is a new version, never an edit of the one in force."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def default_pixel_density_levels():
    """IEC 62676-4 levels in px/m; the 2024 renaming can be entered as a new version."""
    return {"detect": 25, "observe": 62.5, "recognise": 125, "identify": 250}


def default_required_onvif_profiles():
    return ["S"]


def default_min_road_cameras_by_category():
    return {"bank": 2, "plaza": 2, "government_office": 2}


class StandardInForce(Exception):
    """A standard version in force is never edited in place: create a new version."""


class CameraStandardQuerySet(models.QuerySet):
    def in_force(self, as_of):
        """The version in force on `as_of` (a date), or None before the first one."""
        return self.filter(effective_from__lte=as_of).order_by("-effective_from").first()


class CameraStandard(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    effective_from = models.DateField(_("in force from"), unique=True)
    notes = models.TextField(
        _("notes"), blank=True, max_length=2000, help_text=_("What changed and why, with the decision's reference.")
    )

    min_pan_deg = models.PositiveSmallIntegerField(
        _("minimum pan range (°)"),
        default=90,
        validators=[MaxValueValidator(360)],
        help_text=_("Perwali 25/2019: the camera turns 360°, or at least 90°."),
    )
    recommended_pan_deg = models.PositiveSmallIntegerField(
        _("recommended pan range (°)"), default=360, validators=[MaxValueValidator(360)]
    )
    pixel_density_levels = models.JSONField(
        _("pixel-density levels (px/m)"),
        default=default_pixel_density_levels,
        help_text=_("IEC 62676-4 levels: name → pixels per metre of scene width."),
    )
    face_level = models.CharField(
        _("level for face identification"),
        max_length=30,
        default="identify",
        help_text=_("One of the pixel-density levels above."),
    )
    face_distance_m = models.FloatField(
        _("face identification distance (m)"),
        default=10,
        validators=[MinValueValidator(0.5), MaxValueValidator(200)],
        help_text=_("The face level must be reached at this distance, at the tele end."),
    )
    min_resolution_h_px = models.PositiveIntegerField(_("minimum horizontal resolution (px)"), default=1920)
    min_resolution_v_px = models.PositiveIntegerField(_("minimum vertical resolution (px)"), default=1080)
    min_retention_days = models.PositiveSmallIntegerField(_("minimum recording retention (days)"), default=30)
    night_vision_required_facing_road = models.BooleanField(
        _("night vision required for cameras facing the road"), default=True
    )
    required_onvif_profiles = models.JSONField(
        _("required ONVIF profiles"), default=default_required_onvif_profiles, help_text=_('For example ["S"].')
    )
    rtsp_required = models.BooleanField(_("RTSP stream address required"), default=True)
    judge_road_cameras_only = models.BooleanField(
        _("judge only cameras facing the road"),
        default=True,
        help_text=_(
            "A premises complies when its cameras facing the public road meet the standard; cameras inside "
            "(a cashier, a store room) are registered and checked but do not make the premises non-compliant."
        ),
    )
    min_road_cameras = models.PositiveSmallIntegerField(_("minimum cameras facing the road"), default=1)
    min_road_cameras_by_category = models.JSONField(
        _("minimum cameras facing the road, by category"),
        default=default_min_road_cameras_by_category,
        blank=True,
        help_text=_("Exceptions to the minimum, by premises category."),
    )
    inspection_interval_months = models.PositiveSmallIntegerField(
        _("inspection interval (months)"),
        default=6,
        validators=[MinValueValidator(1)],
        help_text=_("Perwali 25/2019: monitoring and evaluation every 6 months."),
    )
    grace_period_days = models.PositiveSmallIntegerField(_("grace period for a new obligation (days)"), default=90)
    warning_grace_days = models.PositiveSmallIntegerField(
        _("grace period after each warning (days)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("Perwali 25/2019 Pasal 15: 7 days after SP1, SP2 and SP3."),
    )
    feed_dark_hours = models.PositiveSmallIntegerField(
        _("a feed may be silent for (hours)"),
        default=72,
        help_text=_(
            "Perwali 25/2019: connected to the city's system. A stream that has not answered the hourly "
            "probe for longer opens a “feed dark” flag; 0 turns the rule off."
        ),
    )
    feed_dark_warnable = models.BooleanField(
        _("a dark feed leads to warnings"),
        default=False,
        help_text=_(
            "Off: a “feed dark” flag is for officers to look into (it can be the network's fault). On: it "
            "counts as a breach and the warning ladder (SP1, SP2, SP3) follows it."
        ),
    )
    measurement_valid_days = models.PositiveSmallIntegerField(
        _("a measured pixel density counts for (days)"),
        default=365,
        help_text=_(
            "A pixel density measured from the test card at an inspection wins over the declared figures "
            "for face identification for this many days; below the level it is a finding. 0: declared "
            "figures always decide."
        ),
    )
    measurement_image_retention_days = models.PositiveSmallIntegerField(
        _("keep measurement pictures for (days)"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("The camera's picture can show people (UU 27/2022): it is deleted after this; the figures stay."),
    )
    revocation_after_freeze_months = models.PositiveSmallIntegerField(
        _("revocation after permit freeze (months)"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Perwali 25/2019 Pasal 15: revoked no later than 3 months after freezing."),
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = CameraStandardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("camera standard version")
        verbose_name_plural = _("camera standard versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_pan_deg__lte=360, recommended_pan_deg__lte=360), name="standard_pan_0_360"
            ),
            models.CheckConstraint(condition=Q(face_distance_m__gt=0), name="standard_face_distance_positive"),
            models.CheckConstraint(
                condition=Q(min_resolution_h_px__gt=0, min_resolution_v_px__gt=0), name="standard_resolution_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    inspection_interval_months__gt=0, warning_grace_days__gt=0, revocation_after_freeze_months__gt=0
                ),
                name="standard_intervals_positive",
            ),
        ]

    def __str__(self):
        return _("Standard v%(version)s (from %(date)s)") % {"version": self.version, "date": self.effective_from}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("effective_from", flat=True).first()
            if stored is not None and stored <= timezone.localdate():
                raise StandardInForce(
                    _("Standard v%(version)s is in force: create a new version instead.") % {"version": self.version}
                )
        if self.version is None:
            last = type(self).objects.aggregate(models.Max("version"))["version__max"] or 0
            self.version = last + 1
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_in_force(timezone.localdate()):
            raise StandardInForce(
                _("Standard v%(version)s is in force: it is kept for the audit trail.") % {"version": self.version}
            )
        return super().delete(*args, **kwargs)

    @property
    def face_px_per_m(self):
        return float(self.pixel_density_levels[self.face_level])

    def min_road_cameras_for(self, category):
        return int(self.min_road_cameras_by_category.get(category, self.min_road_cameras))

    def is_in_force(self, as_of):
        return self.effective_from <= as_of

    def clean(self):
        errors = {}
        levels = self.pixel_density_levels
        if (
            not isinstance(levels, dict)
            or not levels
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in levels.values())
        ):
            errors["pixel_density_levels"] = _('Enter levels as {"name": pixels per metre, …}, each above 0.')
        elif self.face_level not in levels:
            errors["face_level"] = _("Choose one of the pixel-density levels: %(levels)s.") % {
                "levels": ", ".join(levels)
            }
        from .models import OnvifProfile, Premises  # models.py imports this module at its end

        profiles = self.required_onvif_profiles
        if not isinstance(profiles, list) or not set(profiles) <= set(OnvifProfile.values):
            errors["required_onvif_profiles"] = _('Enter a list of ONVIF profiles from S, T, G, M, for example ["S"].')
        by_category = self.min_road_cameras_by_category or {}
        if not isinstance(by_category, dict) or not all(
            key in Premises.Category.values and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for key, v in by_category.items()
        ):
            errors["min_road_cameras_by_category"] = _(
                'Enter {"category": number of cameras, …} with categories from the premises list.'
            )
        today = timezone.localdate()
        if self.effective_from and self.effective_from < today and self._state.adding:
            errors["effective_from"] = _(
                "A new version cannot start in the past: findings already made stay judged by the old one."
            )
        if errors:
            raise ValidationError(errors)


# The settings a supervisor sets on a new version (everything but its number, date, notes and author).
STANDARD_SETTING_FIELDS = [
    f.name for f in CameraStandard._meta.fields if f.editable and f.name not in ("id", "effective_from", "notes")
]
