from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from . import digest


@login_required
@permission_required("inspections.view_complianceflag", raise_exception=True)
def notification_list(request):
    """What changed since this officer last looked."""
    changes = digest.changes_for(request.user, timezone.localdate())
    return render(request, "notifications/list.html", changes)
