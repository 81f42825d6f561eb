from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from registry.models import Camera, CameraStandard
from registry.registration import premises_for_secret

from . import notifications, services
from .models import CURRENT, ComplianceFlag, WarningLetter


@login_required
@permission_required("inspections.view_complianceflag", raise_exception=True)
def notification_list(request):
    """What changed since this officer last looked."""
    changes = notifications.changes_for(request.user, timezone.localdate())
    return render(request, "inspections/notifications.html", changes)


@login_required
@permission_required("inspections.view_warningletter", raise_exception=True)
def warning_letter(request, pk):
    """The printable letter of one warning step, always in Bahasa Indonesia (an official letter)."""
    letter = get_object_or_404(
        WarningLetter.objects.select_related("premises__road", "premises__kelurahan__kecamatan", "approved_by"), pk=pk
    )
    with translation.override("id"):
        return render(
            request,
            "inspections/warning_letter.html",
            {
                "letter": letter,
                "premises": letter.premises,
                "persons": letter.premises.responsible_persons.all(),
                "flags": letter.flags.order_by("kind"),
            },
        )


@require_POST
@login_required
@permission_required("inspections.approve_escalation", raise_exception=True)
def approve_freeze(request, pk):
    letter = get_object_or_404(WarningLetter, pk=pk)
    try:
        services.approve_freeze(letter, supervisor=request.user)
        messages.success(request, translation.gettext("The permit freeze recommendation is approved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("inspections:notifications")


def owner_status(request, secret):
    """The owner's status page, opened by the secret link: verification, verdicts, flags, warnings."""
    premises = premises_for_secret(secret)
    if premises is None:
        raise Http404
    standard = CameraStandard.objects.in_force(timezone.localdate())
    cameras = premises.cameras.exclude(status=Camera.Status.REMOVED).order_by("pk")
    return render(
        request,
        "inspections/owner_status.html",
        {
            "premises": premises,
            "secret": secret,
            "persons": premises.responsible_persons.order_by("pk"),
            "verdicts": [(camera, camera.check_against(standard) if standard else None) for camera in cameras],
            "flags": ComplianceFlag.objects.unresolved().filter(premises=premises).order_by("opened_at"),
            "warnings": WarningLetter.objects.filter(CURRENT, premises=premises).order_by("-issued_on"),
        },
    )
