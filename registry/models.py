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

from registry.client_ip import client_ip

from . import spec_check
from .dates import add_months
from .uploads import PhotoField
from .validators import (
    BONTANG_LAT_MAX,
    BONTANG_LAT_MIN,
    BONTANG_LON_MAX,
    BONTANG_LON_MIN,
    RTSP_CREDENTIALS_RE,
    mask_nik,
    normalise_phone,
    validate_latitude,
    validate_line_geometry,
    validate_longitude,
    validate_nib,
    validate_nik,
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


class PremisesQuerySet(models.QuerySet):
    def obligated(self, as_of):
        """Premises designated as obligated on or before `as_of` (by mayoral decree)."""
        return self.filter(designated_on__lte=as_of).exclude(verification_status=Premises.Verification.REJECTED)

    def overdue(self, as_of):
        """No passing inspection within the interval: one range query on the stored due date."""
        return self.filter(next_inspection_due__lt=as_of)


class PremisesCategory(models.TextChoices):
    RUKO = "ruko", _("Shophouse (ruko)")
    MINIMARKET = "minimarket", _("Minimarket")
    OFFICE = "office", _("Office")
    PLAZA = "plaza", _("Plaza / mall")
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom office")
    POST_OFFICE = "post_office", _("Post office")
    GOVERNMENT_OFFICE = "government_office", _("Government office")
    HOTEL = "hotel", _("Hotel")
    OTHER = "other", _("Other")


class Ownership(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private")


class EntrySource(models.TextChoices):
    OFFICER = "officer", _("Entered by an officer")
    SELF_REGISTRATION = "self_registration", _("Self-registration by the owner")
    IMPORT = "import", _("Import")


class Verification(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Premises(models.Model):
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
        super().save(*args, **kwargs)

    def inspection_due_after(self, last_passed_on=None):
        """The one rule for the due date (Perwali: monitoring every 6 months): one inspection
        interval after the last passing inspection, or after designation before any. The
        interval is the standard's in force on that day; a day before the first version (a
        premises designated before the standard existed) takes the first version's. None when
        no version exists at all. Written here on creation and by inspections.services after
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


class ResponsiblePerson(models.Model):
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

    @property
    def masked_nik(self):
        return mask_nik(self.nik)

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


class OnvifProfile(models.TextChoices):
    S = "S", _("Profile S (streaming, PTZ)")
    T = "T", _("Profile T (H.265, events)")
    G = "G", _("Profile G (recording)")
    M = "M", _("Profile M (analytics)")


class CameraType(models.TextChoices):
    FIXED = "fixed", _("Fixed (bullet)")
    DOME = "dome", _("Dome")
    PTZ = "ptz", _("PTZ (pan-tilt-zoom)")
    FISHEYE = "fisheye", _("Fisheye / 360°")


class CameraStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FAULTY = "faulty", _("Faulty")
    REMOVED = "removed", _("Removed")


class Camera(models.Model):
    Type = CameraType
    Status = CameraStatus

    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="cameras", verbose_name=_("premises"))
    label = models.CharField(_("label / location"), max_length=100, help_text=_("For example: front door, parking."))
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
    faces_road = models.BooleanField(_("faces the public road"), default=False)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
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

    history = HistoricalRecords()

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
        ]

    # The fields the spec check reads (registry.spec_check), in one list for the API and the sweep.
    SPEC_FIELDS = (
        "camera_type",
        "pan_range_deg",
        "hfov_wide_deg",
        "hfov_tele_deg",
        "optical_zoom",
        "resolution_h_px",
        "resolution_v_px",
        "night_vision",
        "retention_days",
        "onvif_profile_s",
        "onvif_profile_t",
        "onvif_profile_g",
        "onvif_profile_m",
        "rtsp_url",
        "faces_road",
    )

    def __str__(self):
        return f"{self.label} ({self.brand} {self.model})"

    @property
    def onvif_profiles(self):
        return {p for p in OnvifProfile.values if getattr(self, f"onvif_profile_{p.lower()}")}

    @onvif_profiles.setter
    def onvif_profiles(self, profiles):
        for p in OnvifProfile.values:
            setattr(self, f"onvif_profile_{p.lower()}", p in profiles)

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


# ---------------------------------------------------------------------------
# The camera standard: versioned, effective-dated settings (DOMAIN.md section 3)


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


class AccessLog(models.Model):
    """Who looked at or removed personal data or downloaded an export, and when (UU 27/2022)."""

    class Action(models.TextChoices):
        VIEW_PERSONAL_DATA = "view_personal_data", _("Viewed unmasked personal data")
        VIEW_STREAM_ADDRESS = "view_stream_address", _("Viewed camera stream addresses")
        EXPORT = "export", _("Downloaded an export")
        PURGE = "purge", _("Purged personal data after the retention period")

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


class ApiToken(models.Model):
    """A named key for another city system (the command centre). Only a hash is stored; the key
    is shown once. A request with it acts as the officer who created it, read-only by default."""

    name = models.CharField(_("system"), max_length=100, help_text=_("For example: command centre."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("acts as")
    )
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
