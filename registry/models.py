"""What exists: protocol roads, premises on them, the people responsible, their CCTV units,
and the versioned camera standard they are judged against (Perwali Bontang No. 25/2019)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import spec_check
from .choices import (  # noqa: F401 (the vocabularies are found here)
    CameraStatus,
    CameraType,
    EntrySource,
    FeedStatus,
    OnvifProfile,
    Ownership,
    PremisesCategory,
    Verification,
)
from .constraint_checks import ChecksInOneQuery
from .dates import add_months
from .uploads import PhotoField
from .validators import (
    BONTANG_LAT_MAX,
    BONTANG_LAT_MIN,
    BONTANG_LON_MAX,
    BONTANG_LON_MIN,
    RTSP_CREDENTIALS_RE,
    normalise_phone,
    validate_latitude,
    validate_line_geometry,
    validate_longitude,
    validate_nib,
    validate_nik,
    validate_onvif_address,
    validate_rtsp_url,
)


def in_choices(field, choices):
    """A check constraint: the column holds one of the TextChoices' values."""
    return Q(**{f"{field}__in": choices.values})


# ---------------------------------------------------------------------------
# Administrative areas (Kemendagri code 64.74), loaded by migration 0002.


class Kecamatan(models.Model):
    code = models.CharField(_("Kemendagri code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["kecamatan__code", "name"]
        verbose_name = _("sub-district (kelurahan)")
        verbose_name_plural = _("sub-districts (kelurahan)")
        constraints = [models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_per_kecamatan")]

    def __str__(self):
        return f"{self.name}, {self.kecamatan.name}"


# ---------------------------------------------------------------------------
# Protocol roads and premises


class ProtocolRoad(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="roads", verbose_name=_("district"))
    geometry = models.JSONField(
        _("line geometry"),
        null=True,
        blank=True,
        validators=[validate_line_geometry],
        help_text=_("Optional: a list of [latitude, longitude] points along the road."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("protocol road")
        verbose_name_plural = _("protocol roads")

    def __str__(self):
        return self.name


def obligated_q(as_of):
    """Who owes compliance on `as_of`: designated by mayoral decree on or before it, verified by
    an officer at least once, and not rejected. A registration never verified owes only its
    verification; a rejected one owes nothing; a verified premises whose owner sent a correction
    stays obligated while the correction waits (inspections/rules.py, "What a premises owes").
    `is_obligated` is the same rule for one premises' values."""
    return Q(designated_on__lte=as_of, first_verified_at__isnull=False) & ~Q(verification_status="rejected")


def is_obligated(designated_on, verification_status, first_verified_at, as_of):
    return (
        designated_on is not None
        and designated_on <= as_of
        and first_verified_at is not None
        and verification_status != "rejected"
    )


class PremisesQuerySet(models.QuerySet):
    def obligated(self, as_of):
        """Premises that owe compliance on `as_of` (obligated_q)."""
        return self.filter(obligated_q(as_of))

    def overdue(self, as_of):
        """No passing inspection within the interval: one range query on the stored due date."""
        return self.filter(next_inspection_due__lt=as_of)


class Premises(ChecksInOneQuery, models.Model):
    Category = PremisesCategory
    Ownership = Ownership
    Source = EntrySource
    Verification = Verification

    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    ownership = models.CharField(_("ownership"), max_length=12, choices=Ownership.choices)
    road = models.ForeignKey(
        ProtocolRoad, on_delete=models.PROTECT, related_name="premises", verbose_name=_("protocol road")
    )
    address = models.CharField(_("street address"), max_length=200)
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="premises", verbose_name=_("sub-district (kelurahan)")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, validators=[validate_latitude])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=[validate_longitude])
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[validate_nib],
        help_text=_("Business registration number from OSS: 13 digits. Required for private businesses."),
    )
    designated_on = models.DateField(
        _("designated as obligated on"),
        null=True,
        blank=True,
        help_text=_("Date of the mayoral decree (SK) that obliges this building to run CCTV."),
    )
    source = models.CharField(_("entered through"), max_length=20, choices=Source.choices, default=Source.OFFICER)
    verification_status = models.CharField(
        _("verification"), max_length=10, choices=Verification.choices, default=Verification.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, max_length=1000)
    tracking_code = models.CharField(
        _("tracking code"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Given to an owner who registers online, to quote on the phone."),
    )
    status_secret_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("possible duplicate of"),
    )
    verified_at = models.DateTimeField(_("verified or rejected at"), null=True, blank=True, editable=False)
    first_verified_at = models.DateTimeField(
        _("first verified at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set the first time an officer verifies the premises; from then on it owes compliance."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("verified or rejected by"),
    )
    in_breach = models.BooleanField(
        _("in breach"),
        default=False,
        editable=False,
        help_text=_("Set by the compliance sweep: the premises has an open breach the owner must put right."),
    )
    next_inspection_due = models.DateField(
        _("next inspection due"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set on designation and by each passing inspection (Perwali: every 6 months)."),
    )
    personal_data_purged_at = models.DateTimeField(
        _("personal data purged at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Rejected registrations lose their persons and photos after the retention period."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PremisesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        permissions = [("verify_premises", _("Can verify or reject a registration"))]
        indexes = [
            # The sweep's and the dashboard's overdue query: next_inspection_due < as_of.
            models.Index(fields=["next_inspection_due"], name="premises_inspection_due_idx"),
            # The dashboard's premises list, in its default order (name, then id), any page.
            models.Index(fields=["name", "id"], name="premises_name_idx"),
            # The dashboard's "not compliant" filter and counts.
            models.Index(fields=["name", "id"], condition=Q(in_breach=True), name="premises_in_breach_idx"),
            # The overview's kept totals: one road and category's premises, counted again after a write.
            models.Index(fields=["road", "category"], name="premises_road_category_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=in_choices("category", PremisesCategory), name="premises_category_valid"),
            models.CheckConstraint(condition=in_choices("ownership", Ownership), name="premises_ownership_valid"),
            models.CheckConstraint(condition=in_choices("source", EntrySource), name="premises_source_valid"),
            models.CheckConstraint(
                condition=in_choices("verification_status", Verification), name="premises_verification_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=BONTANG_LAT_MIN, latitude__lte=BONTANG_LAT_MAX)
                & Q(longitude__gte=BONTANG_LON_MIN, longitude__lte=BONTANG_LON_MAX),
                name="premises_inside_bontang",
                violation_error_message=_("The location is outside Kota Bontang."),
            ),
            # Private businesses carry their 13-digit NIB; government buildings have none.
            models.CheckConstraint(
                condition=Q(ownership="private", nib__regex=r"^[0-9]{13}$") | Q(ownership="government", nib=""),
                name="premises_nib_matches_ownership",
                violation_error_message=_("A private business needs its 13-digit NIB; a government building has none."),
            ),
            models.CheckConstraint(
                condition=Q(verification_status="rejected") & ~Q(rejection_reason="")
                | ~Q(verification_status="rejected"),
                name="premises_rejection_has_reason",
                violation_error_message=_("Give the reason for the rejection."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.designated_on and self.next_inspection_due is None:
            self.next_inspection_due = self.inspection_due_after()
        if self.verification_status == self.Verification.VERIFIED and self.first_verified_at is None:
            self.first_verified_at = self.verified_at or timezone.now()
        super().save(*args, **kwargs)

    def inspection_due_after(self, last_passed_on=None):
        """The one rule for the due date (Perwali: monitoring every 6 months): one inspection
        interval after the last passing inspection, or after designation before any. The
        interval is the standard's in force on that day; a day before the first version (a
        premises designated before the standard existed) takes the first version's. None when
        no version exists at all. Written here on creation and by inspections.recording after
        every inspection, and nowhere else."""
        start = last_passed_on or self.designated_on
        if start is None:
            return None
        standard = (
            CameraStandard.objects.in_force(start) or CameraStandard.objects.order_by("effective_from", "pk").first()
        )
        return add_months(start, standard.inspection_interval_months) if standard is not None else None

    @property
    def kecamatan(self):
        return self.kelurahan.kecamatan

    def clean(self):
        errors = {}
        if self.ownership == self.Ownership.PRIVATE and not self.nib:
            errors["nib"] = _("A private business must give its 13-digit NIB.")
        if self.ownership == self.Ownership.GOVERNMENT and self.nib:
            errors["nib"] = _("A government building has no NIB: leave it empty.")
        if self.verification_status == self.Verification.REJECTED and not self.rejection_reason.strip():
            errors["rejection_reason"] = _("Give the reason for the rejection.")
        if errors:
            raise ValidationError(errors)


class ResponsiblePerson(ChecksInOneQuery, models.Model):
    """The owner or manager answerable for a building's CCTV (penanggung jawab)."""

    premises = models.ForeignKey(
        Premises, on_delete=models.CASCADE, related_name="responsible_persons", verbose_name=_("premises")
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=80, help_text=_("For example: owner, branch manager."))
    phone = models.CharField(_("phone"), max_length=16, help_text=_("Stored as +62…"))
    email = models.EmailField(_("e-mail"), blank=True)
    nik = models.CharField(
        _("NIK"),
        max_length=16,
        blank=True,
        validators=[validate_nik],
        help_text=_("Optional. Citizen ID number, 16 digits: personal data, shown masked."),
    )
    consent_at = models.DateTimeField(
        _("consented to the use of personal data at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the person accepted the notice on personal data (UU 27/2022), for online registrations."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["premises", "name"]
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible persons")
        # Who sees what in full: registry/personal_data.py.
        permissions = [
            ("view_personal_data", _("Can see unmasked personal data (NIK)")),
            ("view_contact_data", _("Can see owners' phone numbers and e-mail addresses")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"), name="person_nik_16_digits"),
            models.CheckConstraint(condition=Q(phone__regex=r"^\+62[1-9][0-9]{6,11}$"), name="person_phone_normalised"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})"

    def clean_fields(self, exclude=None):
        # Normalise before the constraint checks see the number.
        if self.phone:
            try:
                self.phone = normalise_phone(self.phone)
            except ValidationError as error:
                raise ValidationError({"phone": error.messages}) from None
        super().clean_fields(exclude=exclude)


# ---------------------------------------------------------------------------
# CCTV units


class Camera(ChecksInOneQuery, models.Model):
    Type = CameraType
    Status = CameraStatus

    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="cameras", verbose_name=_("premises"))
    label = models.CharField(_("label / location"), max_length=100, help_text=_("For example: front door, parking."))
    catalogue_model = models.ForeignKey(  # the catalogue entry its specs were filled from, if any
        "registry.CatalogueCamera", models.SET_NULL, null=True, blank=True, verbose_name=_("model from the catalogue")
    )
    brand = models.CharField(_("brand"), max_length=60)
    model = models.CharField(_("model"), max_length=80)
    camera_type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    pan_range_deg = models.PositiveSmallIntegerField(
        _("pan range (°)"), validators=[MaxValueValidator(360)], help_text=_("How far it turns: 0 to 360 degrees.")
    )
    hfov_wide_deg = models.FloatField(
        _("field of view, wide end (°)"),
        validators=[MinValueValidator(1), MaxValueValidator(360)],
        help_text=_("Horizontal field of view at the widest zoom, from the data sheet."),
    )
    hfov_tele_deg = models.FloatField(
        _("field of view, tele end (°)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1), MaxValueValidator(360)],
        help_text=_("Horizontal field of view at full optical zoom. Leave empty if you give the zoom factor."),
    )
    optical_zoom = models.FloatField(
        _("optical zoom (×)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Optical zoom factor, for example 25. Digital zoom does not count."),
    )
    resolution_h_px = models.PositiveIntegerField(
        _("horizontal resolution (px)"), validators=[MinValueValidator(1), MaxValueValidator(20000)]
    )
    resolution_v_px = models.PositiveIntegerField(
        _("vertical resolution (px)"), validators=[MinValueValidator(1), MaxValueValidator(20000)]
    )
    night_vision = models.BooleanField(_("night vision (IR)"), default=False)
    night_vision_range_m = models.PositiveSmallIntegerField(
        _("night vision range (m)"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    retention_days = models.PositiveSmallIntegerField(
        _("recording retention (days)"), validators=[MaxValueValidator(3650)]
    )
    onvif_profile_s = models.BooleanField(_("ONVIF Profile S"), default=False)
    onvif_profile_t = models.BooleanField(_("ONVIF Profile T"), default=False)
    onvif_profile_g = models.BooleanField(_("ONVIF Profile G"), default=False)
    onvif_profile_m = models.BooleanField(_("ONVIF Profile M"), default=False)
    rtsp_url = models.CharField(
        _("RTSP stream address"),
        max_length=300,
        blank=True,
        validators=[validate_rtsp_url],
        help_text=_("For example rtsp://192.168.1.10:554/stream1, without user name or password."),
    )
    onvif_address = models.CharField(
        _("ONVIF device address"),
        max_length=300,
        blank=True,
        validators=[validate_onvif_address],
        help_text=_("For example http://192.168.1.10/onvif/device_service, without user name or password."),
    )
    faces_road = models.BooleanField(_("faces the public road"), default=False)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    # What the daily probe of the stream found (feeds/); written by the probes, not by people.
    feed_status = models.CharField(_("feed"), max_length=20, choices=FeedStatus.choices, default=FeedStatus.NEVER)
    feed_checked_at = models.DateTimeField(_("feed checked at"), null=True, blank=True)
    feed_last_seen_at = models.DateTimeField(_("feed last answered at"), null=True, blank=True)
    feed_dark_since = models.DateTimeField(_("feed silent since"), null=True, blank=True)
    # The last pixel density measured from the test card at an inspection (inspections.measurements).
    measured_px_per_m = models.FloatField(_("measured pixel density (px/m)"), null=True, blank=True)
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    photo = PhotoField(
        _("installation photo"),
        upload_to="cameras/%Y/%m/",
        blank=True,
        help_text=_("JPEG, PNG or WebP, at most 5 MB. Location data in the photo is removed."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    declared_specs = models.JSONField(
        _("values declared by the owner"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("When an inspection found less than declared, the declared values are kept here."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "feed_status",
            "feed_checked_at",
            "feed_last_seen_at",
            "feed_dark_since",
            "measured_px_per_m",
            "measured_on",
        ]
    )

    class Meta:
        ordering = ["premises", "label", "pk"]
        verbose_name = _("CCTV camera")
        verbose_name_plural = _("CCTV cameras")
        permissions = [("view_stream_address", _("Can see camera stream addresses"))]
        constraints = [
            models.CheckConstraint(condition=in_choices("camera_type", CameraType), name="camera_type_valid"),
            models.CheckConstraint(condition=in_choices("status", CameraStatus), name="camera_status_valid"),
            models.CheckConstraint(condition=Q(pan_range_deg__lte=360), name="camera_pan_range_0_360"),
            models.CheckConstraint(
                condition=Q(hfov_wide_deg__gt=0, hfov_wide_deg__lte=360), name="camera_hfov_wide_range"
            ),
            models.CheckConstraint(
                condition=Q(hfov_tele_deg__isnull=True)
                | Q(hfov_tele_deg__gt=0, hfov_tele_deg__lte=models.F("hfov_wide_deg")),
                name="camera_hfov_tele_not_wider_than_wide",
                violation_error_message=_("The tele field of view cannot be wider than the wide one."),
            ),
            models.CheckConstraint(
                condition=Q(optical_zoom__isnull=True) | Q(optical_zoom__gte=1), name="camera_zoom_at_least_1"
            ),
            models.CheckConstraint(
                condition=Q(resolution_h_px__gt=0, resolution_v_px__gt=0), name="camera_resolution_positive"
            ),
            # A stream address never carries user:password (DOMAIN.md section 3).
            models.CheckConstraint(
                condition=~Q(rtsp_url__regex=RTSP_CREDENTIALS_RE),
                name="camera_rtsp_without_credentials",
                violation_error_message=_("Remove the user name and password from the stream address."),
            ),
            models.CheckConstraint(
                condition=~Q(onvif_address__regex=RTSP_CREDENTIALS_RE),
                name="camera_onvif_without_credentials",
                violation_error_message=_("Remove the user name and password from the ONVIF address."),
            ),
        ]

    # The camera's specs as the owner declares them: the one list. The spec check reads them
    # (registry.spec_check); the owner form, the API (cameras and the spec check), the exports,
    # the sweep and the benchmarks take their fields from here, in this order.
    SPEC_FIELDS = (
        "camera_type",
        "faces_road",
        "pan_range_deg",
        "hfov_wide_deg",
        "hfov_tele_deg",
        "optical_zoom",
        "resolution_h_px",
        "resolution_v_px",
        "night_vision",
        "night_vision_range_m",
        "retention_days",
        "onvif_profile_s",
        "onvif_profile_t",
        "onvif_profile_g",
        "onvif_profile_m",
        "rtsp_url",
    )
    ONVIF_FIELDS = tuple(name for name in SPEC_FIELDS if name.startswith("onvif_profile_"))

    def __str__(self):
        return f"{self.label} ({self.brand} {self.model})"

    @classmethod
    def spec_fields_with_onvif_list(cls):
        """SPEC_FIELDS with the four ONVIF booleans as one `onvif_profiles` list (forms and the API)."""
        first = cls.SPEC_FIELDS.index(cls.ONVIF_FIELDS[0])
        rest = [name for name in cls.SPEC_FIELDS if name not in cls.ONVIF_FIELDS]
        return [*rest[:first], "onvif_profiles", *rest[first:]]

    @staticmethod
    def onvif_field_values(profiles):
        """{"onvif_profile_s": True, …} for a set of profiles like {"S", "T"}: the one mapping."""
        return {f"onvif_profile_{p.lower()}": p in profiles for p in OnvifProfile.values}

    @property
    def onvif_profiles(self):
        return {p for p in OnvifProfile.values if getattr(self, f"onvif_profile_{p.lower()}")}

    @onvif_profiles.setter
    def onvif_profiles(self, profiles):
        for name, value in self.onvif_field_values(profiles).items():
            setattr(self, name, value)

    def clean(self):
        if (
            self.hfov_tele_deg is not None
            and self.hfov_wide_deg is not None
            and self.hfov_tele_deg > self.hfov_wide_deg
        ):
            raise ValidationError({"hfov_tele_deg": _("The tele field of view cannot be wider than the wide one.")})

    def check_against(self, standard):
        """This camera's verdict under `standard` (see registry.spec_check)."""
        return spec_check.check_camera(self, standard)


# The camera standard, the access log and the API tokens live in their own modules; imported here
# so that Django registers them with this app (and `registry.models.CameraStandard` keeps working).
from .access_log import AccessLog, log_access  # noqa: E402, F401
from .api_tokens import ApiToken  # noqa: E402, F401
from .camera_catalogue import CatalogueCamera  # noqa: E402, F401
from .camera_standard import (  # noqa: E402, F401
    STANDARD_SETTING_FIELDS,
    CameraStandard,
    StandardInForce,
    default_min_road_cameras_by_category,
    default_pixel_density_levels,
    default_required_onvif_profiles,
)
from .feed_probes import FeedProbe  # noqa: E402, F401
from .service_contact import ServiceContact  # noqa: E402, F401
from .viewer_accounts import ViewerAccount  # noqa: E402, F401
