"""The hourly probe through a real broker and a real Celery worker: the coordinator fans ranges of
FEED_PROBE_CHUNK_SIZE cameras out, and every camera is probed once."""

import os
import time
import uuid

import pytest

from feeds import run, tasks
from perwali_cctv.celery import app as celery_app
from registry.models import FeedProbe
from tests.factories import CameraFactory
from tests.feeds.conftest import free_port
from tests.processes import start_worker, stop, test_database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_chunks_cover_every_camera_to_probe_once():
    cameras = [CameraFactory(rtsp_url=f"rtsp://10.0.0.{n}/s") for n in range(1, 6)]
    CameraFactory(rtsp_url="", onvif_address="")  # nothing to ask
    ranges = run.chunks(2)
    assert ranges == [(cameras[0].pk, cameras[1].pk), (cameras[2].pk, cameras[3].pk), (cameras[4].pk, cameras[4].pk)]


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs a broker: set CELERY_BROKER_URL (CI does)")
def test_the_coordinator_fans_chunks_out_to_the_workers_and_every_camera_is_probed():
    cameras = [CameraFactory(rtsp_url=f"rtsp://127.0.0.1:{free_port()}/s") for _ in range(5)]  # closed ports
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "FEED_PROBE_ALLOWED_NETWORKS": "127.0.0.0/8",
        "FEED_PROBE_TIMEOUT_SECONDS": "2",
    }
    worker = start_worker(env, queue, concurrency=2)
    original_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        tasks.probe_feeds.delay(chunk_size=2)
        deadline = time.monotonic() + 60
        while FeedProbe.objects.count() < 5 and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        celery_app.conf.task_default_queue = original_queue
        output = stop(worker)
    probes = list(FeedProbe.objects.values_list("camera_id", "outcome", "detail"))
    assert sorted(p[0] for p in probes) == [c.pk for c in cameras], output[-2000:]
    assert {(outcome, detail) for _pk, outcome, detail in probes} == {("offline", "connection refused")}
