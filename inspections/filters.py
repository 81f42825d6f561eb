"""The premises filters of the officer dashboard (and its CSV download)."""

import django_filters
from django.db.models import BooleanField, Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Kecamatan, Kelurahan, Premises, ProtocolRoad

from .models import CURRENT, UNRESOLVED, ComplianceFlag, FlagKind, WarningLetter, WarningStep

COMPLIANCE_CHOICES = [
    ("compliant", _("Compliant")),
    ("non_compliant", _("Not compliant")),
    ("not_judged", _("Not judged yet")),
]


def obligated_q(today):
    return Q(designated_on__lte=today) & ~Q(verification_status=Premises.Verification.REJECTED)


def premises_with_status(today=None):
    """Premises with what the dashboard shows per row: compliance, open flags, warning step.

    The subqueries run per row: use it for a page of rows, not to filter or count a city.
    """
    today = today or timezone.localdate()
    open_flags = (
        ComplianceFlag.objects.filter(UNRESOLVED, premises=OuterRef("pk"))
        .order_by()
        .values("premises")
        .annotate(n=Count("pk"))
        .values("n")
    )
    step = WarningLetter.objects.filter(CURRENT, premises=OuterRef("pk")).values("step")[:1]
    return Premises.objects.select_related("road", "kelurahan__kecamatan").annotate(
        has_breach=F("in_breach"),
        open_flag_count=Subquery(open_flags),
        warning_step=Subquery(step),
        is_obligated=Case(
            When(obligated_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


class PremisesFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, NIB or address"))
    road = django_filters.ModelChoiceFilter(queryset=ProtocolRoad.objects.all(), label=_("Protocol road"))
    kecamatan = django_filters.ModelChoiceFilter(
        field_name="kelurahan__kecamatan", queryset=Kecamatan.objects.all(), label=_("District (kecamatan)")
    )
    kelurahan = django_filters.ModelChoiceFilter(
        queryset=Kelurahan.objects.select_related("kecamatan"), label=_("Sub-district (kelurahan)")
    )
    category = django_filters.ChoiceFilter(choices=Premises.Category.choices, label=_("Category"))
    ownership = django_filters.ChoiceFilter(choices=Premises.Ownership.choices, label=_("Ownership"))
    verification_status = django_filters.ChoiceFilter(choices=Premises.Verification.choices, label=_("Verification"))
    compliance = django_filters.ChoiceFilter(choices=COMPLIANCE_CHOICES, method="by_compliance", label=_("Compliance"))
    flag_kind = django_filters.ChoiceFilter(choices=FlagKind.choices, method="by_flag", label=_("Open flag"))
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("Inspection overdue"))
    warning_step = django_filters.ChoiceFilter(choices=WarningStep.choices, method="by_step", label=_("Warning step"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("next_inspection_due", "due"), ("created_at", "registered")),
        field_labels={"name": _("Name"), "next_inspection_due": _("Inspection due"), "created_at": _("Registered")},
        label=_("Sort by"),
    )

    class Meta:
        model = Premises
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()[:100]
        return (
            queryset.filter(Q(name__icontains=value) | Q(nib=value) | Q(address__icontains=value))
            if value
            else queryset
        )

    def by_compliance(self, queryset, name, value):
        today = timezone.localdate()
        if value == "compliant":
            return queryset.filter(obligated_q(today), in_breach=False)
        if value == "non_compliant":
            return queryset.filter(in_breach=True)
        return queryset.exclude(obligated_q(today))

    def by_flag(self, queryset, name, value):
        return queryset.filter(pk__in=ComplianceFlag.objects.filter(UNRESOLVED, kind=value).values("premises_id"))

    def by_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return (
            queryset.filter(next_inspection_due__lt=today) if value else queryset.exclude(next_inspection_due__lt=today)
        )

    def by_step(self, queryset, name, value):
        return queryset.filter(pk__in=WarningLetter.objects.filter(CURRENT, step=value).values("premises_id"))
