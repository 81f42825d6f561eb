"""/imports/: officers upload the licensing office's list (or the roads), see what it would do, and a
supervisor confirms; nothing is written before. The column mapping is kept for next time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.jobs import enqueue

from . import run, tasks
from .forms import MappingForm, UploadForm
from .models import ImportBatch, ImportMapping
from .premises import HEADERS


@login_required
@permission_required("imports.add_importbatch", raise_exception=True)
def index(request):
    saved = ImportMapping.objects.filter(kind=ImportBatch.Kind.PREMISES).first()
    columns = saved.columns if saved else dict(HEADERS)
    upload = UploadForm(request.POST or None, request.FILES or None, prefix="upload")
    mapping = MappingForm(request.POST or None, prefix="map", columns=columns)
    if request.method == "POST" and upload.is_valid() and mapping.is_valid():
        kind = upload.cleaned_data["kind"]
        chosen = {name: value.strip() for name, value in mapping.cleaned_data.items() if value.strip()}
        if kind == ImportBatch.Kind.PREMISES and chosen != columns:
            ImportMapping.objects.update_or_create(kind=kind, defaults={"columns": chosen, "updated_by": request.user})
        batch = ImportBatch(
            kind=kind,
            filename=upload.cleaned_data["file"].name[:200],
            uploaded_by=request.user,
            mapping=chosen if kind == ImportBatch.Kind.PREMISES else {},
        )
        batch.file.save(upload.cleaned_data["file"].name, upload.cleaned_data["file"], save=False)
        batch.save()
        enqueue(tasks.preview_import, batch.pk)
        return redirect("imports:batch", pk=batch.pk)
    return render(
        request,
        "imports/index.html",
        {"upload": upload, "mapping": mapping, "batches": ImportBatch.objects.select_related("uploaded_by")[:20]},
    )


@login_required
@permission_required("imports.view_importbatch", raise_exception=True)
def batch(request, pk):
    found = get_object_or_404(ImportBatch.objects.select_related("uploaded_by", "confirmed_by"), pk=pk)
    return render(
        request,
        "imports/batch.html",
        {
            "batch": found,
            "running": found.status in (ImportBatch.Status.READING, ImportBatch.Status.WRITING),
            "may_confirm": request.user.has_perm("imports.confirm_importbatch"),
        },
    )


@require_POST
@login_required
@permission_required("imports.view_importbatch", raise_exception=True)
def decide(request, pk):
    found = get_object_or_404(ImportBatch, pk=pk)
    if request.POST.get("decision") == "cancel":
        if run.cancel(found):
            messages.success(request, _("The import was cancelled: nothing was written, the file is deleted."))
            return redirect("imports:index")
        messages.error(request, _("This import can no longer be cancelled."))
        return redirect("imports:batch", pk=pk)
    if not request.user.has_perm("imports.confirm_importbatch"):
        raise PermissionDenied
    if run.start_confirm(found, request.user):
        enqueue(tasks.confirm_import, found.pk, request.user.pk)
        messages.success(request, _("Confirmed: the valid rows are being written."))
    else:
        messages.error(request, _("This import was already confirmed or cancelled."))
    return redirect("imports:batch", pk=pk)
