"""A large import through a real broker and a real Celery worker: the page answers at once, the
worker reads the file and writes the rows, and the page shows the progress and the result."""

import os
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportBatch
from perwali_cctv.celery import app as celery_app
from registry.models import Premises
from tests.factories import ProtocolRoadFactory
from tests.imports.sheets import row, xlsx
from tests.processes import start_worker, stop, test_database_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL"), reason="needs a broker: set CELERY_BROKER_URL (CI does)"
    ),
]


def _wait(batch_id, status, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == status:
            return batch
        time.sleep(0.3)
    raise AssertionError(f"the worker did not reach {status}: {batch.status}")


def test_a_large_file_is_read_and_written_by_the_worker_with_progress_on_the_page(
    client, officer, supervisor, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ProtocolRoadFactory(name="Jl. Ahmad Yani")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_TASK_DEFAULT_QUEUE": queue}
    env["DJANGO_PRIVATE_MEDIA_ROOT"] = str(tmp_path)
    worker = start_worker(env, queue, concurrency=1)
    original_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        client.force_login(officer)
        data = xlsx([row(n) for n in range(1, 3001)])
        fields = {"upload-kind": "premises", "upload-file": SimpleUploadedFile("besar.xlsx", data)}
        response = client.post("/imports/", fields)
        batch_id = ImportBatch.objects.get().pk
        assert response.status_code == 302
        page = client.get(f"/imports/{batch_id}/").content.decode()
        assert 'http-equiv="refresh"' in page or 'data-status="preview"' in page  # reading, or already read
        _wait(batch_id, "preview")
        client.force_login(supervisor)
        client.post(f"/imports/{batch_id}/decide/", {"decision": "confirm"})
        batch = _wait(batch_id, "done")
    finally:
        celery_app.conf.task_default_queue = original_queue
        output = stop(worker)
    assert Premises.objects.filter(source="import").count() == 3000, output[-2000:]
    assert batch.done_rows == 3000 and batch.summary["written"]["created"] == 3000
    assert 'data-status="done"' in client.get(f"/imports/{batch_id}/").content.decode()
