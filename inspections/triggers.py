"""Judge a premises as soon as something that decides its verdict changes, not at night.

After the write commits, the sweep's own judgement of that one premises runs as a Celery task
(eagerly in the web process when there is no broker). The writes that trigger it:
- the premises saved: a registration submitted, corrected by the owner, verified or rejected, a
  designation changed (owner form, officer pages, admin);
- a camera added, changed or removed (the owner's form, an inspection, the admin's inline);
- an inspection recorded or corrected.
A new version of the camera standard already in force starts a whole sweep; one that takes effect
later is picked up by the nightly sweep of its first day (standard_for(as_of) chooses it).
The nightly sweep stays the safety net: when the broker is down, the judgement waits for it.

Each of these writes also marks the kept totals of its premises' road and category changed, in its
own transaction (inspections.totals): the judgement then counts them again. A premises that moves to
another road or category marks its former group too; a deleted one, its last.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from registry.jobs import enqueue
from registry.models import Camera, CameraStandard, Premises

from . import totals
from .models import Inspection


def judge_on_commit(premises_id, *, left=None):
    """After the commit; `robust`: a judgement that fails (eagerly, without a broker) is logged and
    left to the nightly sweep, and never turns the saved write into an error page. `left`: the road
    and category the premises left, whose totals the judgement counts again too."""
    from . import tasks

    kwargs = {"left": list(left)} if left else {}
    transaction.on_commit(lambda: enqueue(tasks.judge_premises, premises_id, **kwargs), robust=True)


def _group(premises):
    return (premises.road_id, premises.category)


@receiver(pre_save, sender=Premises, dispatch_uid="premises-group-before-save")
def _premises_group_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._group_before = Premises.objects.filter(pk=instance.pk).values_list("road_id", "category").first()


@receiver(post_save, sender=Premises, dispatch_uid="judge-premises-saved")
def _premises_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_group_before", None)
    left = before if before and before != _group(instance) else None
    totals.mark([_group(instance), *([left] if left else [])])
    judge_on_commit(instance.pk, left=left)


@receiver(post_delete, sender=Premises, dispatch_uid="recount-premises-deleted")
def _premises_deleted(sender, instance, **kwargs):
    totals.mark([_group(instance)])


def _mark_premises_of(instance):
    """The group of a camera's or inspection's premises: no query when the premises is loaded."""
    if type(instance).premises.is_cached(instance):
        totals.mark([_group(instance.premises)])
    else:
        totals.mark_premises([instance.premises_id])


@receiver(post_save, sender=Camera, dispatch_uid="judge-camera-saved")
@receiver(post_delete, sender=Camera, dispatch_uid="judge-camera-deleted")
def _camera_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _mark_premises_of(instance)  # the feed line counts cameras
        judge_on_commit(instance.premises_id)


@receiver(post_save, sender=Inspection, dispatch_uid="judge-inspection-recorded")
def _inspection_recorded(sender, instance, raw=False, **kwargs):
    if not raw:
        _mark_premises_of(instance)  # the due date moves
        judge_on_commit(instance.premises_id)


@receiver(post_save, sender=CameraStandard, dispatch_uid="sweep-standard-in-force")
def _standard_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.effective_from <= timezone.localdate():
        from . import tasks

        transaction.on_commit(lambda: enqueue(tasks.compliance_sweep, trigger="new standard"), robust=True)
