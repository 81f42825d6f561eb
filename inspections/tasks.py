"""Celery tasks: thin wrappers that take ids and plain values and call plain functions.

Tasks acknowledge late (settings), so a worker lost mid-chunk hands the chunk to another;
every function called here is safe to run twice.
"""

import datetime

from celery import shared_task
from django.utils import timezone

from . import ladder, sweep


def _date(value):
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="inspections.compliance_sweep", time_limit=600)
def compliance_sweep(as_of=None, trigger="schedule", user_id=None, chunk_size=sweep.CHUNK_SIZE):
    """Coordinator: record the run and fan its chunks out to the workers."""
    user = None if user_id is None else _user(user_id)
    run = sweep.start_run(_date(as_of), trigger=trigger, user=user, chunk_size=chunk_size)
    for chunk_id in run.chunks.values_list("pk", flat=True):  # start_run has committed them
        sweep_chunk.delay(chunk_id)
    return run.pk


@shared_task(
    name="inspections.sweep_chunk", time_limit=600, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3
)
def sweep_chunk(chunk_id):
    """One range of premises; the last chunk to finish records the run's totals."""
    return sweep.run_chunk(chunk_id)


@shared_task(name="inspections.warning_ladder", time_limit=600)
def warning_ladder(as_of=None):
    return ladder.advance_warning_ladder(_date(as_of))


def _user(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_id)
