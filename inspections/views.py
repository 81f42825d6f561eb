from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_POST

from . import notifications, services
from .models import WarningLetter


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
