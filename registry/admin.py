"""Django admin for the registry, usable by officers (staff users in the `officer` group)."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from outbox.models import DeliveryAttempt
from outbox.models import Message as OutboxMessage

from . import personal_data
from .models import (
    STANDARD_SETTING_FIELDS,
    AccessLog,
    Camera,
    CameraStandard,
    CatalogueCamera,
    Kecamatan,
    Kelurahan,
    Premises,
    ProtocolRoad,
    ResponsiblePerson,
    ServiceContact,
    ViewerAccount,
)

SETTING_FIELDS = STANDARD_SETTING_FIELDS


class AtCityScale:
    """For the changelists of tables that grow with the city (100,000 premises, 300,000 cameras,
    their flags, history and logs): no second count of the whole table beside the filtered one,
    and dates filtered by range (a `list_filter` on the date) rather than drilled down
    (`date_hierarchy` first asks the database for every distinct year, month or day). Pair it with
    `list_select_related` for the foreign keys a list shows."""

    show_full_result_count = False
    # A page of 100 rows spent most of its time drawing them (the flags list: 190 ms a page at 100k).
    list_per_page = 50

    def action_checkbox(self, obj):
        """Django's own markup for a row's selection box, written directly: Django renders it through
        the form widget templates, about 1 ms a row (tests/registry/test_admin_at_scale.py compares)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the submitted value up again to show the form with its
    errors; a value that is not an id ("abc", a NUL byte) made that lookup a 500. Drop it instead:
    the form already says the choice is not valid."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        bounds = connection.ops.integer_field_ranges.get(target.get_internal_type())
        valid = []
        for v in value:
            try:
                number = target.to_python(v)
            except ValidationError:
                continue
            if "\x00" in str(v) or (bounds and isinstance(number, int) and not bounds[0] <= number <= bounds[1]):
                continue  # a NUL byte, or an id past the column's range (SQLite raises OverflowError)
            valid.append(v)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if type(formfield.widget) is AutocompleteSelect:
            formfield.widget.__class__ = SafeAutocompleteSelect
        return formfield


class MaskingHistoryHelper(HistoricalRecordContextHelper):
    """The history page's diffs, with each sensitive value as the user may see it."""

    def __init__(self, model, historical_record, *, user):
        super().__init__(model, historical_record)
        self.user = user

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return personal_data.shown(self.user, self.model, change.field, value)


class SensitiveFieldsMixin:
    """Every sensitive field (registry/personal_data.py) as the user may see it, on every admin path:
    forms and inlines, lists, history and its diffs, search, filters and sorting."""

    def _hidden(self, request):
        return personal_data.hidden_fields(request.user, self.model)

    def _swap(self, request, names):
        hidden = self._hidden(request)
        return [f"masked_{name}" if name in hidden else name for name in names]

    def get_fields(self, request, obj=None):
        return self._swap(request, super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        if not self.fieldsets:
            return super().get_fieldsets(request, obj)
        return [
            (title, {**options, "fields": self._swap(request, options["fields"])}) for title, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(f"masked_{f}" for f in self._hidden(request))]

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_search_fields(self, request):
        return [
            term
            for term in super().get_search_fields(request)
            if not personal_data.lookup_touches_hidden_field(request.user, self.model, term.lstrip("^=@"))
        ]

    def lookup_allowed(self, lookup, value, request=None):
        # A filter on a value the user may not see would answer yes/no to guesses: refused (400).
        if request is not None and personal_data.lookup_touches_hidden_field(request.user, self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskingHistoryHelper(self.model, historical_record, user=request.user)

    def _log_unmasked(self, request, object_id, what=""):
        obj = self.get_object(request, object_id) if request.method == "GET" else None
        if obj is not None:
            target = f"{self.model._meta.model_name} {object_id}{what}"
            personal_data.log_unmasked_views(request, {self.model: [obj]}, target)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._log_unmasked(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._log_unmasked(request, object_id, " history")  # old and new values, in full if permitted
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._log_unmasked(request, object_id, f" version {version_id}")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _masked(self, obj, field):
        return personal_data.masked(self.model, field, getattr(obj, field, "")) or "—"

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return self._masked(obj, "nik")

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return self._masked(obj, "phone")

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj):
        return self._masked(obj, "email")

    @admin.display(description=_("RTSP stream address"))
    def masked_rtsp_url(self, obj):
        return self._masked(obj, "rtsp_url")

    @admin.display(description=_("ONVIF device address"))
    def masked_onvif_address(self, obj):
        return self._masked(obj, "onvif_address")

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj):
        return self._masked(obj, "recipient")


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ["name", "kecamatan"]
    list_filter = ["kecamatan"]
    list_select_related = ["kecamatan"]


@admin.register(ProtocolRoad)
class ProtocolRoadAdmin(admin.ModelAdmin):
    list_display = ["name", "kecamatan", "active"]
    list_filter = ["active", "kecamatan"]
    search_fields = ["name"]


class ResponsiblePersonInline(SensitiveFieldsMixin, admin.StackedInline):
    model = ResponsiblePerson
    extra = 0
    fields = ["name", "role", "phone", "email", "nik"]


class CameraInline(SensitiveFieldsMixin, admin.StackedInline):
    model = Camera
    extra = 0
    show_change_link = True


@admin.register(Premises)
class PremisesAdmin(AtCityScale, SafeAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "category", "ownership", "road", "kelurahan", "verification_status", "designated_on"]
    list_filter = [
        "verification_status",
        "category",
        "ownership",
        "source",
        "road",
        "kelurahan__kecamatan",
        "designated_on",
    ]
    list_select_related = ["road", "kelurahan__kecamatan"]
    search_fields = ["name", "nib", "address"]
    autocomplete_fields = ["road"]
    inlines = [ResponsiblePersonInline, CameraInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        premises = self.get_object(request, object_id) if request.method == "GET" else None
        if premises is not None:
            shown = {ResponsiblePerson: premises.responsible_persons.all(), Camera: premises.cameras.all()}
            personal_data.log_unmasked_views(request, shown, f"premises {object_id}")
        return super().change_view(request, object_id, form_url, extra_context)

    fieldsets = [
        (None, {"fields": ["name", "category", "ownership", "nib"]}),
        (_("Location"), {"fields": ["road", "address", "kelurahan", "latitude", "longitude"]}),
        (
            _("Obligation and verification"),
            {"fields": ["designated_on", "source", "verification_status", "rejection_reason"]},
        ),
    ]


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(AtCityScale, SafeAutocompleteMixin, SensitiveFieldsMixin, SimpleHistoryAdmin):
    list_display = ["name", "role", "premises", "phone", "masked_nik"]  # the NIK masked in lists, for everyone
    search_fields = ["name", "premises__name", "phone"]
    list_select_related = ["premises"]
    autocomplete_fields = ["premises"]
    fields = ["premises", "name", "role", "phone", "email", "nik"]


@admin.register(Camera)
class CameraAdmin(AtCityScale, SafeAutocompleteMixin, SensitiveFieldsMixin, SimpleHistoryAdmin):
    list_display = ["label", "premises", "brand_and_model", "camera_type", "status"]
    list_filter = ["status", "feed_status", "camera_type", "faces_road", "premises__road"]
    list_select_related = ["premises"]
    search_fields = ["label", "brand", "model", "premises__name"]
    autocomplete_fields = ["premises", "catalogue_model"]
    readonly_fields = ["spec_check", "feed_status", "feed_checked_at", "feed_last_seen_at", "viewer_account_granted"]
    fieldsets = [
        (None, {"fields": ["premises", "label", "status", "spec_check"]}),
        (
            _("Feed (probed every hour)"),
            {"fields": ["feed_status", "feed_checked_at", "feed_last_seen_at", "viewer_account_granted"]},
        ),
        (
            _("Camera"),
            {
                "fields": ["catalogue_model", "brand", "model", "camera_type", "installed_on", "faces_road"],
                "description": _(
                    "A model chosen from the catalogue sets brand, model and the data sheet's figures on saving."
                ),
            },
        ),
        (_("Pan and lens"), {"fields": ["pan_range_deg", "hfov_wide_deg", "hfov_tele_deg", "optical_zoom"]}),
        (
            _("Picture and recording"),
            {
                "fields": [
                    "resolution_h_px",
                    "resolution_v_px",
                    "night_vision",
                    "night_vision_range_m",
                    "retention_days",
                ]
            },
        ),
        (
            _("Connection to the command centre"),
            {"fields": [*Camera.ONVIF_FIELDS, "rtsp_url", "onvif_address"]},
        ),
    ]

    @admin.display(description=_("viewer account for the city"))
    def viewer_account_granted(self, obj):
        """Whether the owner granted one, and when: never the account itself (registry.viewer_accounts)."""
        account = ViewerAccount.objects.filter(camera=obj).only("granted_at").first() if obj.pk else None
        if account is None:
            return _("none granted")
        return _("granted on %(date)s; stored encrypted, never shown") % {
            "date": date_format(timezone.localtime(account.granted_at), "DATETIME_FORMAT")
        }

    def save_model(self, request, obj, form, change):
        """A model newly picked from the catalogue gives its figures (an officer correcting a camera)."""
        if "catalogue_model" in form.changed_data and obj.catalogue_model is not None:
            obj.catalogue_model.apply_to(obj)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("brand and model"), ordering="brand")
    def brand_and_model(self, obj):
        return f"{obj.brand} {obj.model}"

    def get_list_display(self, request):
        standard = CameraStandard.objects.in_force(timezone.localdate())  # once per page, not per row

        @admin.display(description=_("meets the standard"), boolean=True)
        def verdict(obj):
            return None if standard is None else obj.check_against(standard).meets_standard

        return [*super().get_list_display(request), verdict]

    @admin.display(description=_("check against the standard in force"))
    def spec_check(self, obj):
        standard = CameraStandard.objects.in_force(timezone.localdate())
        if obj.pk is None or standard is None:
            return "—"
        result = obj.check_against(standard)
        head = format_html(
            "{}: {} m. {}",
            _("Face identification distance"),
            number_format(result.identification_distance_m, 2),
            _("Meets the standard.") if result.meets_standard else _("Does not meet the standard:"),
        )
        return head + format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((f.message,) for f in result.findings))
        )


@admin.register(CameraStandard)
class CameraStandardAdmin(SimpleHistoryAdmin):
    """Supervisors add versions; a version in force is read-only (a change is a new version)."""

    list_display = ["version", "effective_from", "min_pan_deg", "face_distance_m", "min_retention_days", "created_by"]
    readonly_fields = ["version", "created_by", "new_version_link"]

    def _in_force(self, obj):
        return obj is not None and obj.pk is not None and obj.is_in_force(timezone.localdate())

    def get_readonly_fields(self, request, obj=None):
        if self._in_force(obj):
            return ["version", "effective_from", "notes", *SETTING_FIELDS, "created_by", "new_version_link"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return not self._in_force(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("change"))
    def new_version_link(self, obj):
        if not self._in_force(obj):
            return "—"
        url = reverse("admin:registry_camerastandard_add") + f"?from_version={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Create a new version from this one"))

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        source = CameraStandard.objects.filter(pk=request.GET.get("from_version") or None).first()
        if source is not None:
            initial.pop("from_version", None)
            initial.update({name: getattr(source, name) for name in SETTING_FIELDS})
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AccessLog)
class AccessLogAdmin(AtCityScale, admin.ModelAdmin):
    list_display = ["at", "user", "action", "target", "rows", "ip"]
    list_filter = ["action", "at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["at", "ok", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(AtCityScale, SensitiveFieldsMixin, admin.ModelAdmin):
    """What the city told owners, and whether it arrived: read-only (the outbox writes it)."""

    list_display = ["created_at", "key", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["key", "recipient"]
    fields = ["key", "channel", "recipient", "subject", "body", "status", "attempts", "next_attempt_at", "sent_at"]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ServiceContact)
class ServiceContactAdmin(admin.ModelAdmin):
    list_display = ["unit", "phone", "whatsapp", "email", "verification_days", "updated_at"]


@admin.register(CatalogueCamera)
class CatalogueCameraAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """Officers curate the catalogue owners pick from; models not yet checked against their data sheet first."""

    list_display = [
        "brand",
        "model",
        "camera_type",
        "pan_range_deg",
        "optical_zoom",
        "resolution_h_px",
        "checked_on",
        "active",
    ]
    list_filter = ["active", ("checked_on", admin.EmptyFieldListFilter), "camera_type", "brand"]
    search_fields = ["brand", "model"]
    ordering = [F("checked_on").asc(nulls_first=True), "brand", "model"]
    autocomplete_fields = ["checked_by"]
