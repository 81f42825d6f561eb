"""An import's life: read and plan (the preview), then write on a supervisor's confirmation, or
cancel. The plan is made again from the stored file when confirmed, so what is written is what the
file says against the registry as it is then. Large files run on a worker (imports.tasks) and
report their progress on the batch."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import premises, roads
from .models import ImportBatch
from .reading import Refused


def plan_batch(batch):
    data = batch.file.open("rb").read()
    if batch.kind == ImportBatch.Kind.PREMISES:
        return premises.plan_import(data, batch.mapping or None)
    return roads.plan_roads(data)


def preview(batch_id):
    """Read the batch's file and record what it would do (or why the file is refused)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        plan = plan_batch(batch)
    except Refused as refused:
        batch.status, batch.summary = ImportBatch.Status.REFUSED, {"refused": str(refused)}
    else:
        batch.status, batch.rows, batch.summary = ImportBatch.Status.PREVIEW, plan.rows, plan.summary()
    batch.save(update_fields=["status", "rows", "summary"])
    return batch.status


def confirm(batch_id, user_id):
    """Write the valid rows (the supervisor who confirmed is the one history names)."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.WRITING).first()
    if batch is None:  # not claimed, or already written (a task delivered twice)
        return None
    user = get_user_model().objects.get(pk=user_id)
    try:
        plan = plan_batch(batch)
        total = len(plan.create) + len(plan.update)
        ImportBatch.objects.filter(pk=batch.pk).update(rows=max(total, 1), done_rows=0)

        def progress(done):
            ImportBatch.objects.filter(pk=batch.pk).update(done_rows=done)

        if batch.kind == ImportBatch.Kind.PREMISES:
            counts = premises.apply_plan(plan, batch_id=batch.pk, user=user, by=batch.uploaded_by, progress=progress)
        else:
            counts = roads.apply_roads(plan, batch_id=batch.pk, user=user, progress=progress)
    except Refused as refused:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, summary={"refused": str(refused)}
        )
        return None
    summary = {**plan.summary(), "written": counts}
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE, summary=summary, done_rows=counts["created"] + counts["updated"]
    )
    return counts


def start_confirm(batch, user):
    """Claim the batch for writing (once, whoever clicks twice): True when this call claimed it."""
    return bool(
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.WRITING, confirmed_by=user, confirmed_at=timezone.now()
        )
    )


def cancel(batch):
    """Nothing left behind: the file and the batch go."""
    if batch.status not in (ImportBatch.Status.PREVIEW, ImportBatch.Status.REFUSED, ImportBatch.Status.READING):
        return False
    batch.file.delete(save=False)
    batch.delete()
    return True
