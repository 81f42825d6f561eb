"""The chunked sweep through a real broker and a real Celery worker (PostgreSQL + Redis in CI)."""

import datetime
import os
import time
import uuid
from pathlib import Path

import pytest

from inspections import sweep, totals
from inspections.models import ComplianceFlag, FigureTotal, SweepRun, SweepStatus
from inspections.tasks import compliance_sweep
from perwali_cctv.celery import app as celery_app
from tests.factories import CameraFactory, PremisesFactory, dome_below_standard
from tests.processes import start_worker, stop, test_database_url

ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime.date(2026, 11, 28)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"), reason="needs a broker: set CELERY_BROKER_URL (CI does)"
    ),
]


@pytest.fixture
def worker():
    """A real worker on its own queue, reading the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_TASK_DEFAULT_QUEUE": queue}
    process = start_worker(env, queue, concurrency=2)
    original_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        yield process
    finally:
        celery_app.conf.task_default_queue = original_queue
        print(stop(process))


def wait_for_run(timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = SweepRun.objects.filter(finished_at__isnull=False).first()
        if run:
            return run
        time.sleep(0.3)
    raise AssertionError("the worker did not finish the sweep in time")


def not_yet_opened():
    _standard, plans = sweep.preview_sweep(AS_OF, chunk_size=3)
    return [item for plan in plans for item in plan.to_open]


def test_writes_are_judged_on_the_worker_and_the_chunked_sweep_then_finds_them_in_place(worker):
    for n in range(10):
        premises = PremisesFactory(name=f"P{n}", designated_on=datetime.date(2026, 1, 1))
        if n % 2:
            dome_below_standard(premises)
        elif n % 4 == 0:
            CameraFactory(premises=premises)
    # Each write queued the judgement of its premises (inspections.triggers); the worker runs them.
    deadline = time.monotonic() + 60
    while not_yet_opened() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not_yet_opened() == [], "the worker did not judge the written premises"
    expected = sorted(ComplianceFlag.objects.unresolved().values_list("premises_id", "kind"))
    assert len(expected) > 10
    # The judgements left their groups marked and queued one recount (inspections.totals), which
    # the worker runs a few seconds later: the kept totals then equal a count made now, as of the
    # worker's own day (it runs unfrozen), and nothing is left for a page to count.
    deadline = time.monotonic() + 30
    while FigureTotal.objects.filter(changed=True).exists() and time.monotonic() < deadline:
        time.sleep(0.3)
    kept = {(t.road_id, t.category): (t.as_of, t.counts) for t in FigureTotal.objects.all()}
    assert kept and not FigureTotal.objects.filter(changed=True).exists(), "the recount task did not run"
    ((worker_day,),) = {(as_of,) for as_of, _counts in kept.values()}
    assert {group: counts for group, (_day, counts) in kept.items()} == totals.count_groups(worker_day)

    compliance_sweep.delay(as_of=AS_OF.isoformat(), trigger="integration test", chunk_size=3)
    run = wait_for_run()

    assert run.status == SweepStatus.SUCCEEDED, run.errors
    assert (run.chunks_total, run.premises_evaluated, run.flags_opened, run.flags_resolved) == (4, 10, 0, 0)
    assert run.flags_confirmed == len(expected)
    assert sorted(ComplianceFlag.objects.unresolved().values_list("premises_id", "kind")) == expected
    assert run.chunks.filter(done=True).count() == 4
