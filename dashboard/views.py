"""The officer dashboard: the city at a glance, the map, the premises list, one premises' story,
the flag queue, the camera standard and the sweep. Every page runs a bounded number of queries."""

import datetime
import math
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inspections import clusters, figures, ladder, recording, tasks, totals
from inspections.access import field_staff, signed_in_with
from inspections.filters import (
    COMPLIANCE_CHOICES,
    PremisesFilter,
    compliance_of,
    compliance_q,
    premises_with_status,
)
from inspections.models import (
    UNRESOLVED,
    ComplianceFlag,
    FlagKind,
    SweepRun,
    WarningStep,
)
from registry import personal_data
from registry.csv_cells import LineWriter, cell
from registry.jobs import enqueue
from registry.models import (
    STANDARD_SETTING_FIELDS,
    Camera,
    CameraStandard,
    FeedProbe,
    Premises,
    ProtocolRoad,
    ResponsiblePerson,
)

PAGE_SIZE = 50
_guard = signed_in_with("registry.view_premises")


_percent = figures.percent


# ---------------------------------------------------------------------------
# Overview


class Figure:
    """One number on the overview and the premises list it opens: the list's filter parameters are
    the figure's definition (inspections.totals.FIGURES), and its count is kept with the list's
    conditions (inspections.filters.params_q)."""

    def __init__(self, key, label, count, params=None):
        self.key, self.label, self.count = key, label, count
        self.params = params if params is not None else totals.FIGURES[key]
        self.percent = None

    @property
    def url(self):
        return f"{reverse('dashboard:premises-list')}?{urlencode(self.params)}"


CARDS = [
    ("registered", gettext_lazy("registered")),
    ("pending", gettext_lazy("awaiting verification")),
    ("verified", gettext_lazy("verified")),
    ("obligated", gettext_lazy("obligated")),
    ("compliant", gettext_lazy("compliant")),
    ("non_compliant", gettext_lazy("not compliant")),
    ("overdue", gettext_lazy("inspection overdue")),
]


@_guard
def overview(request):
    today = timezone.localdate()
    kept = totals.current(today)  # read, not counted (inspections.totals)
    city = kept.city
    cards = [Figure(key, label, city[key]) for key, label in CARDS]
    flags = [Figure(f"flag_{kind}", label, city[f"flag_{kind}"]) for kind, label in FlagKind.choices]
    warnings = [Figure(f"step_{step}", label, city[f"step_{step}"]) for step, label in WarningStep.choices]
    awaiting = Figure("awaiting", _("awaiting a supervisor"), city["awaiting"])
    by_key = {f.key: f for f in cards}
    obligated = by_key["obligated"].count
    for key in ("compliant", "non_compliant", "overdue"):
        by_key[key].percent = _percent(by_key[key].count, obligated)
    probed, answering = city["cameras_probed"], city["cameras_answering"]
    last_run = SweepRun.objects.select_related("standard").first()
    return render(
        request,
        "dashboard/overview.html",
        {
            "feeds": {"probed": probed, "answering": answering, "percent": _percent(answering, probed)},
            "dark": next(f for f in flags if f.key == "flag_feed_dark"),
            "cards": cards,
            "by_road": _compliance_by("road", kept.by_road, ProtocolRoad.objects.values_list("pk", "name")),
            "by_category": _compliance_by("category", kept.by_category, Premises.Category.choices),
            "flags_by_kind": [f for f in flags if f.count],
            "warnings": [f for f in warnings if f.count],
            "awaiting": awaiting,
            "trend": figures.trend(today),
            "last_run": last_run,
            "nav": "overview",
        },
    )


def _compliance_by(param, groups, choices):
    """Per road or category with an obligated premises: the obligated and the compliant ones, each a
    figure with its list."""
    labels = dict(choices)
    rows = []
    for key, counts in groups.items():
        n, ok = counts["obligated"], counts["compliant"]
        if not n:
            continue
        label = labels.get(key, key)
        total = Figure(f"{param}_{key}", label, n, {**totals.FIGURES["obligated"], param: key})
        good = Figure(f"{param}_{key}_ok", label, ok, {**totals.FIGURES["compliant"], param: key})
        rows.append({"label": label, "total": total, "compliant": good, "percent": _percent(ok, n)})
    return sorted(rows, key=lambda row: str(row["label"]))


# ---------------------------------------------------------------------------
# Premises list, CSV and one premises


@_guard
def premises_list(request):
    today = timezone.localdate()
    filterset = PremisesFilter(request.GET, queryset=Premises.objects.order_by("name", "pk"))
    rows = filterset.qs if filterset.is_valid() else Premises.objects.none()
    if request.GET.get("format") == "csv" and filterset.is_valid():
        return _csv(rows, today)
    page = Paginator(rows.only("pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    # Filter and count on plain rows; compute the per-row status only for the page shown.
    ids = [p.pk for p in page.object_list]
    shown = {p.pk: p for p in premises_with_status().filter(pk__in=ids)}
    page.object_list = [shown[pk] for pk in ids]
    for premises in page.object_list:
        premises.status = compliance_of(premises, today)
        premises.warning_label = WarningStep(premises.warning_step).label if premises.warning_step else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/premises_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "compliance_labels": dict(COMPLIANCE_CHOICES),
            "nav": "premises",
        },
    )


def _csv(rows, today):
    """The filtered list as CSV, formatted by the exports' own cell rule (formulas neutralised)."""
    writer = LineWriter()
    header = [
        "id",
        "name",
        "category",
        "ownership",
        "road",
        "kelurahan",
        "kecamatan",
        "address",
        "latitude",
        "longitude",
        "nib",
        "verification_status",
        "designated_on",
        "next_inspection_due",
        "open_flags",
        "warning_step",
        "compliance",
    ]

    def lines():
        yield "\ufeff" + writer.writerow(header)
        annotated = premises_with_status().filter(pk__in=rows.values("pk")).order_by("name", "pk")
        for p in annotated.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    cell(v)
                    for v in (
                        p.pk,
                        p.name,
                        p.category,
                        p.ownership,
                        p.road.name,
                        p.kelurahan.name,
                        p.kelurahan.kecamatan.name,
                        p.address,
                        p.latitude,
                        p.longitude,
                        p.nib,
                        p.verification_status,
                        p.designated_on,
                        p.next_inspection_due,
                        p.open_flag_count or 0,
                        p.warning_step or "",
                        compliance_of(p, today),
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="premises.csv"'
    return response


@_guard
def premises_detail(request, pk):
    premises = get_object_or_404(Premises.objects.select_related("road", "kelurahan__kecamatan", "verified_by"), pk=pk)
    standard = CameraStandard.objects.in_force(timezone.localdate())
    cameras = list(premises.cameras.order_by("pk").annotate(**FeedProbe.objects.uptime_counts(timezone.now())))
    persons = list(premises.responsible_persons.order_by("pk"))
    personal_data.log_unmasked_views(request, {ResponsiblePerson: persons}, f"premises {premises.pk}")
    inspections = list(premises.inspections.select_related("recorded_by").order_by("-performed_on", "-pk"))
    flags = list(premises.flags.order_by("-opened_at"))
    warnings = list(premises.warnings.order_by("-issued_on", "-pk"))
    return render(
        request,
        "dashboard/premises_detail.html",
        {
            "premises": premises,
            "persons": persons,
            "verdicts": [(c, c.check_against(standard) if standard else None) for c in cameras],
            "inspections": inspections,
            "flags": flags,
            "warnings": warnings,
            "timeline": _timeline(premises, cameras, persons, inspections, flags, warnings),
            "nav": "premises",
        },
    )


def _timeline(premises, cameras, persons, inspections, flags, warnings):
    """Every change and event of one premises, newest first."""
    events = []
    histories = list(premises.history.select_related("history_user"))
    histories += list(Camera.history.filter(premises_id=premises.pk).select_related("history_user"))
    histories += list(
        premises.responsible_persons.model.history.filter(premises_id=premises.pk).select_related("history_user")
    )
    kinds = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    # Each record is compared with the one before it of the same object, paired here in memory:
    # `record.prev_record` would cost a query per change (the page's queries grew with its history).
    previous = {}
    for record in sorted(histories, key=lambda r: (r.history_date, r.history_id)):
        key = (record.instance_type, record.id)
        who = record.history_user or record.history_change_reason or _("system")
        label = record.instance_type._meta.verbose_name
        changed = ""
        if record.history_type == "~" and key in previous:
            changed = ", ".join(c.field for c in record.diff_against(previous[key]).changes)
        previous[key] = record
        events.append((record.history_date, f"{label.capitalize()} {kinds[record.history_type]}", changed, who))
    for i in inspections:
        events.append(
            (
                _start_of(i.performed_on),
                _("Inspection: %(result)s") % {"result": i.get_result_display()},
                i.summary,
                i.recorded_by or "",
            )
        )
    for f in flags:
        events.append((f.opened_at, _("Flag opened: %(kind)s") % {"kind": f.get_kind_display()}, "", _("sweep")))
        if f.resolved_at:
            events.append(
                (f.resolved_at, _("Flag resolved: %(kind)s") % {"kind": f.get_kind_display()}, f.resolution_reason, "")
            )
    for w in warnings:
        events.append(
            (
                _start_of(w.issued_on),
                _("Warning issued: %(step)s") % {"step": w.get_step_display()},
                "",
                w.issued_by or _("daily ladder"),
            )
        )
    return sorted(events, key=lambda e: e[0], reverse=True)


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


# ---------------------------------------------------------------------------
# Map


@_guard
def map_page(request):
    near = None
    form = NearForm(request.GET or None)
    if request.GET and form.is_valid():
        near = _premises_near(**form.cleaned_data)
    return render(
        request,
        "dashboard/map.html",
        {
            "roads": ProtocolRoad.objects.filter(active=True).order_by("name"),
            "form": form,
            "near": near,
            "status_choices": COMPLIANCE_CHOICES,
            "colourings": [
                ("compliance", gettext_lazy("Compliance"), clusters.status_labels("compliance")),
                ("feed", gettext_lazy("Feed"), clusters.status_labels("feed")),
            ],
            "nav": "map",
        },
    )


class NearForm(forms.Form):
    latitude = forms.FloatField(label=gettext_lazy("Latitude"), min_value=0.017, max_value=0.2)
    longitude = forms.FloatField(label=gettext_lazy("Longitude"), min_value=117.383, max_value=117.633)
    radius_m = forms.IntegerField(label=gettext_lazy("Within (metres)"), min_value=10, max_value=5000, initial=200)


def _premises_near(latitude, longitude, radius_m):
    """Premises within `radius_m` of a point: a bounding-box query, then the exact distance."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * math.cos(math.radians(latitude)))
    candidates = Premises.objects.filter(
        latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon)
    ).annotate(camera_count=Count("cameras", filter=Q(cameras__status=Camera.Status.ACTIVE)))
    found = []
    for p in candidates:
        d = _distance_m(latitude, longitude, float(p.latitude), float(p.longitude))
        if d <= radius_m:
            found.append((round(d), p))
    return sorted(found, key=lambda pair: pair[0])


def _distance_m(lat1, lon1, lat2, lon2):
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


@_guard
def map_data(request):
    """What one view of the map shows (`?bbox=west,south,east,north&zoom=`), clustered in SQL
    (inspections.clusters), filtered by road and status; and the protocol roads as lines."""
    try:
        view = clusters.View.from_params(request.GET.get("bbox"), request.GET.get("zoom"))
    except clusters.BadView as error:
        return JsonResponse({"error": str(error)}, status=400)
    rows = Premises.objects.all()
    if request.GET.get("road", "").isdigit():
        rows = rows.filter(road_id=int(request.GET["road"]))
    status = request.GET.get("status")
    if status in dict(COMPLIANCE_CHOICES):
        rows = rows.filter(compliance_q(status, timezone.localdate()))
    colouring = request.GET.get("colour") if request.GET.get("colour") in clusters.COLOURINGS else "compliance"
    found = clusters.cluster(rows, view, timezone.localdate(), colouring)
    for marker in found["markers"]:
        marker["url"] = reverse("dashboard:premises", args=[marker["id"]])
    roads = [
        {"name": r.name, "line": r.geometry} for r in ProtocolRoad.objects.filter(active=True).exclude(geometry=None)
    ]
    return JsonResponse(
        {
            **found,
            "roads": roads,
            "colouring": colouring,
            "labels": clusters.status_labels(colouring),
        },
        json_dumps_params={"ensure_ascii": False},
    )


# ---------------------------------------------------------------------------
# Flag queue


class CountedPaginator(Paginator):
    """A paginator told its count (a kept total) instead of counting the rows."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self):
        return self.known_count


@_guard
def flag_queue(request):
    flags = (
        ComplianceFlag.objects.filter(UNRESOLVED)
        .select_related("premises__road", "assigned_to", "standard")
        .order_by("opened_at", "pk")
    )
    kind = request.GET.get("kind")
    if kind in dict(ComplianceFlag._meta.get_field("kind").choices):
        flags = flags.filter(kind=kind)
    else:
        kind = None
    count = totals.current(timezone.localdate()).open_flags(kind)  # kept, not counted
    page = CountedPaginator(flags, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    officers = field_staff()
    return render(
        request,
        "dashboard/flags.html",
        {
            "page": page,
            "officers": officers,
            "today": timezone.localdate(),
            "kind": kind,
            "kinds": ComplianceFlag._meta.get_field("kind").choices,
            "nav": "flags",
        },
    )


@require_POST
@login_required
@permission_required("inspections.change_complianceflag", raise_exception=True)
def flag_action(request, pk):
    flag = get_object_or_404(ComplianceFlag.objects.select_related("premises"), UNRESOLVED, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "acknowledge":
            recording.acknowledge_flag(flag, actor=request.user)
            messages.success(request, _("Flag acknowledged."))
        elif action == "assign":
            officer = get_object_or_404(get_user_model(), pk=request.POST.get("officer") or 0)
            recording.assign_flag(flag, officer=officer, actor=request.user)
            messages.success(request, _("Flag assigned to %(name)s.") % {"name": officer.get_username()})
        elif action == "plan":
            planned_on = forms.DateField().clean(request.POST.get("planned_on"))
            recording.plan_inspection(
                premises=flag.premises,
                officer=request.user,
                planned_on=planned_on,
                actor=request.user,
                kind="follow_up",
            )
            messages.success(request, _("Inspection planned for %(date)s.") % {"date": planned_on})
        elif action == "escalate":
            letter = ladder.escalate_now(flag.premises, actor=request.user)
            messages.success(request, _("%(step)s issued.") % {"step": letter.get_step_display()})
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("next", "")
    back = back if back.startswith("/dashboard/") else reverse("dashboard:flags")
    return redirect(f"{back.split('#')[0]}#flag-{flag.pk}")  # back to the row the officer acted on


# ---------------------------------------------------------------------------
# The standard and the sweep


class StandardForm(forms.ModelForm):
    class Meta:
        model = CameraStandard
        fields = ["effective_from", "notes", *STANDARD_SETTING_FIELDS]
        widgets = {"effective_from": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}


@_guard
def standard_page(request):
    standards = list(CameraStandard.objects.select_related("created_by").order_by("-effective_from"))
    can_edit = request.user.has_perm("registry.add_camerastandard")
    form = None
    if can_edit:
        current = CameraStandard.objects.in_force(timezone.localdate())
        initial = (
            {f.name: getattr(current, f.name) for f in CameraStandard._meta.fields if f.editable} if current else {}
        )
        initial["effective_from"] = timezone.localdate() + datetime.timedelta(days=1)
        form = StandardForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            standard = form.save(commit=False)
            standard.created_by = request.user
            standard.save()
            messages.success(
                request,
                _("Standard v%(version)s saved; in force from %(date)s.")
                % {"version": standard.version, "date": standard.effective_from},
            )
            return redirect("dashboard:standard")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "dashboard/standard.html",
        {
            "standards": standards,
            "form": form,
            "today": timezone.localdate(),
            "nav": "standard",
            "current_pk": getattr(CameraStandard.objects.in_force(timezone.localdate()), "pk", None),
        },
    )


@_guard
def sweep_page(request):
    if request.method == "POST":
        if not request.user.has_perm("inspections.start_sweep"):
            raise PermissionDenied
        if enqueue(tasks.compliance_sweep, trigger=f"user {request.user.get_username()}", user_id=request.user.pk):
            messages.success(request, _("The sweep has started."))
        else:
            messages.error(request, _("The job queue is not reachable, so the sweep did not start. Try again later."))
        return redirect("dashboard:sweep")
    runs = list(SweepRun.objects.select_related("standard", "started_by")[:20])
    return render(
        request,
        "dashboard/sweep.html",
        {
            "runs": runs,
            "can_start": request.user.has_perm("inspections.start_sweep"),
            "nav": "sweep",
        },
    )


@_guard
def sweep_progress(request, pk):
    run = get_object_or_404(SweepRun, pk=pk)
    done = run.chunks.filter(done=True).count()
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "chunks_done": done,
            "chunks_total": run.chunks_total,
            "premises_evaluated": run.premises_evaluated,
            "flags_opened": run.flags_opened,
            "flags_confirmed": run.flags_confirmed,
            "flags_resolved": run.flags_resolved,
            "errors": len(run.errors),
        }
    )
