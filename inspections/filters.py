"""The premises filters of the officer dashboard (and its CSV download)."""

import django_filters
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.choices import FeedStatus
from registry.models import Camera, Kecamatan, Kelurahan, Premises, ProtocolRoad, is_obligated, obligated_q

from .models import CURRENT, UNRESOLVED, ComplianceFlag, FlagKind, WarningLetter, WarningStatus, WarningStep

COMPLIANCE_CHOICES = [
    ("compliant", _("Compliant")),
    ("non_compliant", _("Not compliant")),
    ("not_judged", _("Owes nothing yet")),
]
WARNING_STATUS_CHOICES = [
    (WarningStatus.ACTIVE, WarningStatus.ACTIVE.label),
    (WarningStatus.AWAITING_APPROVAL, WarningStatus.AWAITING_APPROVAL.label),
]


# --- what each filter selects: the premises list filters with these, and the overview counts
# with the very same conditions (`params_q`), so that every figure opens a list of its size.


def compliance_q(value, today):
    """compliant / non_compliant: obligated and without / with an open warnable breach;
    not_judged: owes nothing (yet). The three split the registry."""
    if value == "compliant":
        return obligated_q(today) & Q(in_breach=False)
    if value == "non_compliant":
        return obligated_q(today) & Q(in_breach=True)
    return ~obligated_q(today)


# A premises' feed, from its cameras' last probes (feeds/): the worst of them. The map colours by it.
FEED_CHOICES = [
    (FeedStatus.OFFLINE, _("A feed is dark")),
    (FeedStatus.NEEDS_CREDENTIALS, _("A feed needs the city's credentials")),
    (FeedStatus.ONLINE, _("Every probed feed answers")),
    (FeedStatus.NEVER, _("No feed probed")),
]


def feed_q(value):
    """offline: a camera in use whose stream is silent; needs_credentials: none silent, one asking for
    credentials; online: every probed stream answers; never: no camera probed. The four split the
    registry."""
    cameras = Camera.objects.filter(premises=OuterRef("pk")).exclude(status=Camera.Status.REMOVED)
    has = {status: Exists(cameras.filter(feed_status=status)) for status in FeedStatus.values}
    if value == FeedStatus.OFFLINE:
        return Q(has[FeedStatus.OFFLINE])
    if value == FeedStatus.NEEDS_CREDENTIALS:
        return Q(has[FeedStatus.NEEDS_CREDENTIALS]) & ~Q(has[FeedStatus.OFFLINE])
    if value == FeedStatus.ONLINE:
        return Q(has[FeedStatus.ONLINE]) & ~Q(has[FeedStatus.NEEDS_CREDENTIALS]) & ~Q(has[FeedStatus.OFFLINE])
    return ~Q(has[FeedStatus.ONLINE]) & ~Q(has[FeedStatus.NEEDS_CREDENTIALS]) & ~Q(has[FeedStatus.OFFLINE])


def compliance_of(premises, today):
    """compliance_q's answer for one premises already loaded: no query."""
    if not is_obligated(premises.designated_on, premises.verification_status, premises.first_verified_at, today):
        return "not_judged"
    return "non_compliant" if premises.in_breach else "compliant"


def overdue_q(today):
    """Obligated, and the inspection's due date has passed."""
    return obligated_q(today) & Q(next_inspection_due__lt=today)


def registered_q():
    """In the registry: everything but rejected registrations."""
    return ~Q(verification_status=Premises.Verification.REJECTED)


def open_flag_q(kind):
    return Q(pk__in=ComplianceFlag.objects.filter(UNRESOLVED, kind=kind).values("premises_id"))


def warning_q(step=None, status=None):
    """Premises whose current warning is at `step` (and in `status`): one current warning each."""
    letters = WarningLetter.objects.filter(CURRENT)
    if step:
        letters = letters.filter(step=step)
    if status:
        letters = letters.filter(status=status)
    return Q(pk__in=letters.values("premises_id"))


def params_q(params, today):
    """The condition of the premises list for these query parameters (the ones the overview's links
    carry), built from the same functions as PremisesFilter's methods."""
    q = Q()
    for name, value in params.items():
        if name == "registered":
            q &= registered_q() if value == "true" else ~registered_q()
        elif name == "obligated":
            q &= obligated_q(today) if value == "true" else ~obligated_q(today)
        elif name == "compliance":
            q &= compliance_q(value, today)
        elif name == "overdue":
            q &= overdue_q(today) if value == "true" else ~overdue_q(today)
        elif name == "flag_kind":
            q &= open_flag_q(value)
        elif name == "warning_step":
            q &= warning_q(step=value)
        elif name == "warning_status":
            q &= warning_q(status=value)
        elif name in ("verification_status", "category"):
            q &= Q(**{name: value})
        elif name == "road":
            q &= Q(road_id=value)
        else:
            raise ValueError(f"no figure filters on {name!r}")
    return q


def premises_with_status():
    """Premises with what the dashboard shows per row beside their compliance (compliance_of): open
    flags and warning step. The subqueries run per row: use it for a page of rows, not to filter or
    count a city."""
    open_flags = (
        ComplianceFlag.objects.filter(UNRESOLVED, premises=OuterRef("pk"))
        .order_by()
        .values("premises")
        .annotate(n=Count("pk"))
        .values("n")
    )
    step = WarningLetter.objects.filter(CURRENT, premises=OuterRef("pk")).values("step")[:1]
    return Premises.objects.select_related("road", "kelurahan__kecamatan").annotate(
        open_flag_count=Subquery(open_flags), warning_step=Subquery(step)
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
    registered = django_filters.BooleanFilter(method="by_registered", label=_("Registered (not rejected)"))
    obligated = django_filters.BooleanFilter(method="by_obligated", label=_("Obligated"))
    compliance = django_filters.ChoiceFilter(choices=COMPLIANCE_CHOICES, method="by_compliance", label=_("Compliance"))
    flag_kind = django_filters.ChoiceFilter(choices=FlagKind.choices, method="by_flag", label=_("Open flag"))
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("Inspection overdue"))
    warning_step = django_filters.ChoiceFilter(choices=WarningStep.choices, method="by_step", label=_("Warning step"))
    warning_status = django_filters.ChoiceFilter(
        choices=WARNING_STATUS_CHOICES, method="by_warning_status", label=_("Warning status")
    )
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

    def by_registered(self, queryset, name, value):
        return queryset.filter(registered_q() if value else ~registered_q())

    def by_obligated(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(obligated_q(today) if value else ~obligated_q(today))

    def by_compliance(self, queryset, name, value):
        return queryset.filter(compliance_q(value, timezone.localdate()))

    def by_flag(self, queryset, name, value):
        return queryset.filter(open_flag_q(value))

    def by_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(overdue_q(today) if value else ~overdue_q(today))

    def by_step(self, queryset, name, value):
        return queryset.filter(warning_q(step=value))

    def by_warning_status(self, queryset, name, value: str):
        return queryset.filter(warning_q(status=value))
