"""Admin for inspections, flags, sweep runs and warnings. Flags and runs are records: read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from registry.admin import AtCityScale

from . import ladder, recording
from .models import ComplianceFlag, Inspection, InspectionItem, SweepRun, WarningLetter, WarningStep


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InspectionItemInline(admin.TabularInline):
    model = InspectionItem
    extra = 0
    can_delete = False
    fields = ["camera", "item", "outcome", "observed", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(AtCityScale, ReadOnlyAdmin):
    """Read-only: inspections are recorded and corrected on their own pages, never edited here."""

    list_display = ["premises", "performed_on", "kind", "result", "recorded_by", "corrects"]
    list_filter = ["result", "kind", "performed_on"]
    list_select_related = ["premises", "recorded_by", "corrects"]
    search_fields = ["premises__name"]
    inlines = [InspectionItemInline]


@admin.register(ComplianceFlag)
class ComplianceFlagAdmin(AtCityScale, ReadOnlyAdmin):
    list_display = ["premises", "kind", "severity", "status", "opened_at", "last_confirmed"]
    list_filter = ["status", "kind", "severity", "premises__road", "opened_at"]
    list_select_related = ["premises"]
    search_fields = ["premises__name"]
    actions = ["acknowledge"]
    readonly_fields = ["findings"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_last_confirmed()

    @admin.display(description=_("last confirmed at"), ordering="last_confirmed_at")
    def last_confirmed(self, obj):
        return obj.last_confirmed_at

    @admin.display(description=_("findings"))
    def findings(self, obj):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in obj.finding_lines()))
        )

    @admin.action(description=_("Acknowledge the selected flags"), permissions=["acknowledge"])
    def acknowledge(self, request, queryset):
        count = sum(recording.acknowledge_flag(flag, actor=request.user) for flag in queryset)
        self.message_user(request, _("%(count)s flag(s) acknowledged.") % {"count": count}, messages.SUCCESS)

    def has_acknowledge_permission(self, request):
        return request.user.has_perm("inspections.change_complianceflag")


@admin.register(SweepRun)
class SweepRunAdmin(AtCityScale, ReadOnlyAdmin):
    list_display = [
        "pk",
        "as_of",
        "standard",
        "status",
        "trigger",
        "started_at",
        "finished_at",
        "premises_evaluated",
        "flags_opened",
        "flags_confirmed",
        "flags_resolved",
    ]
    list_filter = ["status"]


@admin.register(WarningLetter)
class WarningLetterAdmin(AtCityScale, ReadOnlyAdmin):
    list_display = ["premises", "step", "status", "issued_on", "due_on", "approved_by", "letter"]
    list_filter = ["step", "status"]
    list_select_related = ["premises", "approved_by"]
    search_fields = ["premises__name"]
    actions = ["approve"]

    @admin.display(description=_("letter"))
    def letter(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("inspections:warning-letter", args=[obj.pk]), _("Print"))

    @admin.action(description=_("Approve the selected permit freeze recommendations"), permissions=["approve"])
    def approve(self, request, queryset):
        approved = 0
        for letter in queryset.filter(step=WarningStep.FREEZE):
            try:
                ladder.approve_freeze(letter, supervisor=request.user, as_of=timezone.localdate())
                approved += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request, f"{letter}: {' '.join(getattr(error, 'messages', [str(error)]))}", messages.WARNING
                )
        self.message_user(request, _("%(count)s recommendation(s) approved.") % {"count": approved}, messages.SUCCESS)

    def has_approve_permission(self, request):
        return request.user.has_perm("inspections.approve_escalation")
