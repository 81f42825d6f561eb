import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registry.models import Camera, CameraStandard, FeedProbe, Premises, ServiceContact
from registry.registration import premises_for_secret

from . import ladder, letters, measurements, pixel_density, recording, rules, sweep
from . import owner_status as owner_status_message
from .forms import AssignmentForm, InspectionForm
from .models import (
    CAMERA_CHECKS,
    CURRENT,
    OPEN_PLAN,
    PREMISES_CHECKS,
    ComplianceFlag,
    Inspection,
    InspectionAssignment,
    Outcome,
    PixelDensityMeasurement,
    WarningLetter,
)


@login_required
@permission_required("inspections.view_warningletter", raise_exception=True)
def warning_letter(request, pk):
    """The printable letter of one warning step, always in Bahasa Indonesia (an official letter)."""
    letter = get_object_or_404(WarningLetter, pk=pk)
    with translation.override("id"):
        return render(request, "inspections/warning_letter.html", letters.letter_context(letter))


@require_POST
@login_required
@permission_required("inspections.approve_escalation", raise_exception=True)
def approve_freeze(request, pk):
    letter = get_object_or_404(WarningLetter, pk=pk)
    try:
        ladder.approve_freeze(letter, supervisor=request.user)
        messages.success(request, translation.gettext("The permit freeze recommendation is approved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    # Back to the page the supervisor approved from (the notifications list, the admin…), if it is ours.
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("inspections:warning-letter", args=[letter.pk])
    return redirect(back)


@never_cache  # the owner's personal data: no shared or browser cache keeps it
def owner_status(request, secret):
    """The owner's status page, opened by the secret link: verification, verdicts, flags, warnings."""
    premises = premises_for_secret(secret)
    if premises is None:
        raise Http404
    today = timezone.localdate()
    standard = CameraStandard.objects.in_force(today)
    cameras = premises.cameras.exclude(status=Camera.Status.REMOVED).order_by("pk")
    cameras = cameras.annotate(**FeedProbe.objects.uptime_counts(timezone.now()))
    verdicts = [(camera, camera.check_against(standard) if standard else None) for camera in cameras]
    flags = list(ComplianceFlag.objects.unresolved().filter(premises=premises).order_by("opened_at"))
    warnings = list(WarningLetter.objects.filter(CURRENT, premises=premises).order_by("-issued_on"))
    contact = ServiceContact.current()
    return render(
        request,
        "inspections/owner_status.html",
        {
            "premises": premises,
            "secret": secret,
            "persons": premises.responsible_persons.order_by("pk"),
            "verdicts": verdicts,
            "flags": flags,
            "warnings": warnings,
            "contact": contact,
            "message": owner_status_message.compose(
                premises, verdicts, flags, warnings[0] if warnings else None, standard, contact, today
            ),
        },
    )


# ---------------------------------------------------------------------------
# Inspections: plan, record, correct, print


def _after_recording(inspection):
    """Say plainly what the inspection changed and what still keeps the premises non-compliant."""
    _ = translation.gettext
    premises = Premises.objects.get(pk=inspection.premises_id)
    said = [_("The inspection is recorded: %(result)s.") % {"result": inspection.get_result_display()}]
    if premises.next_inspection_due:
        said.append(
            _("The next inspection is due on %(date)s.") % {"date": date_format(premises.next_inspection_due, "j F Y")}
        )
    today = timezone.localdate()
    warnable = rules.warnable_kinds(CameraStandard.objects.in_force(today))
    owed = [b for b in sweep.breaches_now(premises.pk, today) if b.kind in warnable]
    if owed:
        reasons = [line for b in owed for line in rules.RULES_BY_KIND[b.kind].wording(b.details)]
        said.append(_("Still not compliant: %(reasons)s") % {"reasons": " ".join(reasons)})
    elif Premises.objects.obligated(timezone.localdate()).filter(pk=premises.pk).exists():
        said.append(_("Nothing else keeps this premises from complying."))
    return " ".join(said)


def _checklist_page(request, premises, *, original=None, assignment=None):
    form = InspectionForm(request.POST or None, request.FILES or None, premises=premises, original=original)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the inspection and its measurements, or nothing
                recorded = recording.record_inspection(
                    premises=premises,
                    performed_on=form.cleaned_data["performed_on"],
                    actor=request.user,
                    items=form.items(),
                    kind=form.cleaned_data["kind"],
                    summary=form.cleaned_data["summary"],
                    photos=form.cleaned_data["photos"],
                    assignment=assignment,
                    corrects=original,
                )
                for camera in form.cameras:
                    if camera.pk in form.measured:
                        picture, distance = form.measured[camera.pk]
                        measurements.record(
                            camera,
                            picture,
                            source=PixelDensityMeasurement.Source.UPLOAD,
                            user=request.user,
                            marker_side_mm=pixel_density.DEFAULT_MARKER_SIDE_MM,
                            distance_m=distance,
                            inspection=recorded,
                        )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _after_recording(recorded))
            return redirect("inspections:inspection", pk=recorded.pk)
    return render(
        request,
        "inspections/record.html",
        {"form": form, "premises": premises, "original": original, "assignment": assignment},
    )


@login_required
@permission_required("inspections.add_inspection", raise_exception=True)
def record_inspection(request, premises_pk):
    premises = get_object_or_404(Premises, pk=premises_pk)
    assignment = InspectionAssignment.objects.filter(OPEN_PLAN, premises=premises).first()
    return _checklist_page(request, premises, assignment=assignment)


@login_required
@permission_required("inspections.add_inspection", raise_exception=True)
def correct_inspection(request, pk):
    original = get_object_or_404(Inspection.objects.select_related("premises"), pk=pk)
    if Inspection.objects.filter(corrects=original).exists():
        messages.error(
            request, translation.gettext("This inspection was already corrected: correct the correction instead.")
        )
        return redirect("inspections:inspection", pk=original.correction.pk)
    return _checklist_page(request, original.premises, original=original)


@login_required
@permission_required("inspections.view_inspection", raise_exception=True)
def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.select_related("premises__road", "recorded_by", "corrects").prefetch_related(
            "items__camera", "photos", "inspectors"
        ),
        pk=pk,
    )
    return render(
        request,
        "inspections/detail.html",
        {"inspection": inspection, "correction": Inspection.objects.filter(corrects=inspection).first()},
    )


@login_required
@permission_required("inspections.view_inspection", raise_exception=True)
def inspection_sheet(request, premises_pk):
    """A printable checklist for paper work in the field."""
    premises = get_object_or_404(Premises.objects.select_related("road", "kelurahan__kecamatan"), pk=premises_pk)
    return render(
        request,
        "inspections/sheet.html",
        {
            "premises": premises,
            "cameras": premises.cameras.exclude(status=Camera.Status.REMOVED).order_by("pk"),
            "camera_checks": CAMERA_CHECKS,
            "premises_checks": PREMISES_CHECKS,
            "outcomes": Outcome.choices,
        },
    )


@login_required
@permission_required("inspections.add_inspection", raise_exception=True)
def planning(request):
    """What falls due: overdue first, then the next 30 days, grouped by road; assign in one step."""
    today = timezone.localdate()
    if request.method == "POST":
        form = AssignmentForm(request.POST)
        premises = get_object_or_404(Premises, pk=request.POST.get("premises"))
        if form.is_valid():
            try:
                recording.plan_inspection(
                    premises=premises,
                    officer=form.cleaned_data["officer"],
                    planned_on=form.cleaned_data["planned_on"],
                    actor=request.user,
                )
                messages.success(
                    request, translation.gettext("Inspection of %(name)s planned.") % {"name": premises.name}
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(f"{reverse('inspections:planning')}#premises-{premises.pk}")  # back to the row, not the top
    due = (
        Premises.objects.obligated(today)
        .filter(next_inspection_due__lte=today + datetime.timedelta(days=30))
        .select_related("road", "kelurahan")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=InspectionAssignment.objects.filter(OPEN_PLAN).select_related("officer"),
                to_attr="open_plans",
            )
        )
        .order_by("road__name", "next_inspection_due", "pk")
    )
    roads = {}
    for premises in due:
        roads.setdefault(premises.road, []).append(premises)
    groups = sorted(roads.items(), key=lambda kv: min(p.next_inspection_due for p in kv[1]))
    return render(
        request,
        "inspections/planning.html",
        {
            "groups": groups,
            "today": today,
            "form": AssignmentForm(initial={"planned_on": today}),
            "overdue": sum(1 for p in due if p.next_inspection_due < today),
        },
    )


@login_required
@permission_required("inspections.add_inspection", raise_exception=True)
def my_inspections(request):
    """The officer's own list for today (and anything planned earlier still open), for the phone."""
    today = timezone.localdate()
    plans = (
        InspectionAssignment.objects.filter(OPEN_PLAN, officer=request.user, planned_on__lte=today)
        .select_related("premises__road", "premises__kelurahan")
        .order_by("planned_on", "premises__road__name", "pk")
    )
    return render(request, "inspections/my_inspections.html", {"plans": plans, "today": today})
