"""Celery tasks: thin wrappers that take ids and plain values and call plain functions.

Tasks acknowledge late (settings), so a worker lost mid-chunk hands the chunk to another;
every function called here is safe to run twice.
"""

from celery import shared_task

from registry.dates import date_or_today

from . import ladder, measurements, sweep, totals


@shared_task(name="inspections.compliance_sweep", time_limit=600)
def compliance_sweep(as_of=None, trigger="schedule", user_id=None, chunk_size=sweep.CHUNK_SIZE):
    """Coordinator: record the run and fan its chunks out to the workers."""
    user = None if user_id is None else _user(user_id)
    run = sweep.start_run(date_or_today(as_of), trigger=trigger, user=user, chunk_size=chunk_size)
    for chunk_id in run.chunks.values_list("pk", flat=True):  # start_run has committed them
        sweep_chunk.delay(chunk_id)
    return run.pk


@shared_task(
    name="inspections.sweep_chunk", time_limit=600, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3
)
def sweep_chunk(chunk_id):
    """One range of premises; the last chunk to finish records the run's totals."""
    return sweep.run_chunk(chunk_id)


@shared_task(name="inspections.judge_premises", time_limit=60, autoretry_for=(ConnectionError,), max_retries=3)
def judge_premises(premises_id, as_of=None, left=None):
    """One premises judged now, after a write that can change its verdict (inspections.triggers)."""
    moved = {"left": tuple(left)} if left else {}  # the road and category it moved from
    sweep.judge_premises(premises_id, date_or_today(as_of), **moved)


@shared_task(name="inspections.recount_totals", time_limit=120)
def recount_totals(as_of=None):
    """The kept totals of every group marked since the last recount (queued by the judging)."""
    return totals.recount_marked(date_or_today(as_of))


@shared_task(name="inspections.delete_old_measurement_images", time_limit=600)
def delete_old_measurement_images():
    """The pictures of pixel-density measurements past the standard's retention (the figures stay)."""
    return measurements.delete_old_images()


@shared_task(name="inspections.warning_ladder", time_limit=600)
def warning_ladder(as_of=None):
    return ladder.advance_warning_ladder(date_or_today(as_of))


def _user(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_id)
