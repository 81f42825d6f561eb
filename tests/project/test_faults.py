"""Faults survived: the broker down, a worker killed mid-sweep, PostgreSQL restarted under the app.

Real processes throughout: the site runs in gunicorn, tasks in a Celery worker, the broker is a
Redis server this test starts and stops itself (so the machine's own Redis stays up), and the
database restart is the machine's PostgreSQL. They need PostgreSQL (the processes share the
test database over the network); CI runs them, the SQLite run skips them and says why.
"""

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from celery import Celery
from django.db import connection

from inspections import sweep
from inspections.models import ComplianceFlag, SweepRun, SweepStatus
from registry.models import Premises, ProtocolRoad
from tests.factories import CameraFactory, PremisesFactory, ProtocolRoadFactory, dome_below_standard
from tests.processes import clean_environ, start, start_worker, stop, test_database_url
from tests.registry.test_registration import form_data

ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime.date(2026, 11, 28)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def database_url():
    return test_database_url()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(message)


class RedisServer:
    """A throwaway Redis for this test, on its own port."""

    def __init__(self):
        if not shutil.which("redis-server"):
            pytest.skip("needs redis-server (Debian's redis-server package)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "redis did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(7) == b"+PONG\r\n"
        except OSError:
            return False


def app_env(database_url, broker_url, **extra):
    return clean_environ(DATABASE_URL=database_url, CELERY_BROKER_URL=broker_url, **extra)


def gunicorn(env):
    port = free_port()
    process = start(
        [sys.executable, "-m", "gunicorn", "perwali_cctv.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "-t", "60"],
        env,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code in (200, 503)
        except requests.ConnectionError:
            return False

    wait_until(up, 30, "gunicorn did not start")
    return process, base


def send_task(redis, name, queue, **kwargs):
    """Enqueue on the test's own Redis (a bare Celery app would prefer $CELERY_BROKER_URL)."""
    app = Celery(set_as_current=False)  # else shared tasks elsewhere would bind to this bare app
    with app.connection_for_write(redis.url) as conn:
        app.send_task(name, kwargs=kwargs, queue=queue, connection=conn)


def register(base, email):
    """An owner's registration through the real form: GET for the CSRF token, then POST."""
    session = requests.Session()
    page = session.get(f"{base}/register/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = form_data(
        ProtocolRoad.objects.first(),
        cameras=1,
        csrfmiddlewaretoken=token,
        **{"premises-name": "Toko Tahan Gangguan", "person-email": email},
    )
    started = time.monotonic()
    response = session.post(f"{base}/register/", data=data, headers={"Referer": f"{base}/register/"}, timeout=30)
    return response, time.monotonic() - started


def test_with_the_broker_down_the_site_serves_and_saves_and_the_mail_goes_out_when_it_is_back(database_url, tmp_path):
    from mailer.models import Message, MessageLog

    ProtocolRoadFactory(name="Jl. Awang Long")
    redis = RedisServer()
    redis.start()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = app_env(
        database_url,
        redis.url,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_URL=f"filemail:///{tmp_path / 'outbox'}",  # environ drops one slash
    )
    web, base = gunicorn(env)
    try:
        redis.stop()  # the broker goes down under the running site

        assert requests.get(f"{base}/", timeout=10).status_code == 200
        health = requests.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["broker"].startswith("error")
        response, seconds = register(base, "siti@example.com")
        assert response.status_code == 200 and "/register/done/" in response.url, response.text[:3000]
        assert seconds < 10  # the failed enqueue is given up quickly, not hung on
        premises = Premises.objects.get(name="Toko Tahan Gangguan")
        assert premises.cameras.count() == 1 and premises.responsible_persons.count() == 1
        assert Message.objects.count() == 1  # the confirmation waits in the database, with the row

        redis.start()  # the broker is back: beat's next minute (here: sent by hand) sends it
        mail_worker = start_worker(env, queue)
        try:
            send_task(redis, "registry.send_queued_mail", queue)
            wait_until(lambda: not Message.objects.exists(), 60, "the queued mail was not sent")
        finally:
            print(stop(mail_worker))
        assert MessageLog.objects.filter(result="1").count() == 1 and MessageLog.objects.get().message_data is None
        sent = "".join(p.read_text() for p in (tmp_path / "outbox").iterdir())
        assert "siti@example.com" in sent and premises.tracking_code in sent
    finally:
        output = stop(web)
        if redis.process.poll() is None:
            redis.stop()
    assert "Traceback" not in output, output


def test_a_worker_killed_mid_sweep_and_a_second_run_give_exactly_the_clean_flags(database_url):
    for n in range(300):
        premises = PremisesFactory(name=f"P{n}", designated_on=datetime.date(2026, 1, 1))
        if n % 3 == 0:
            dome_below_standard(premises)
        elif n % 3 == 1:
            CameraFactory(premises=premises)
    _, plans = sweep.preview_sweep(AS_OF, chunk_size=5)
    expected = sorted((pid, b.kind) for plan in plans for pid, b in plan.to_open)
    assert expected

    redis = RedisServer()
    redis.start()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    env = app_env(database_url, redis.url, CELERY_TASK_DEFAULT_QUEUE=queue)
    first = start_worker(env, queue)
    try:
        send_task(
            redis, "inspections.compliance_sweep", queue, as_of=AS_OF.isoformat(), trigger="fault test", chunk_size=5
        )
        run = wait_until(lambda: SweepRun.objects.first(), 60, "the sweep did not start")

        def partly_done():
            done = run.chunks.filter(done=True).count()
            return 1 <= done < run.chunks_total - 5

        wait_until(partly_done, 60, "the sweep did not get under way")
    finally:
        stop(first, signal.SIGKILL)  # the whole worker, pool processes included, mid-chunk
    run.refresh_from_db()
    assert run.status == SweepStatus.RUNNING and run.chunks.filter(done=False).exists()

    second = start_worker(env, queue, concurrency=2)  # also takes what the first run left in the queue
    try:
        send_task(
            redis,
            "inspections.compliance_sweep",
            queue,
            as_of=AS_OF.isoformat(),
            trigger="fault test, again",
            chunk_size=5,
        )
        wait_until(
            lambda: SweepRun.objects.filter(trigger="fault test, again", finished_at__isnull=False).first(),
            120,
            "the second run did not finish",
        )
    finally:
        stop(second)
        redis.stop()
    again = SweepRun.objects.get(trigger="fault test, again")
    assert again.status == SweepStatus.SUCCEEDED, again.errors
    assert sorted(ComplianceFlag.objects.unresolved().values_list("premises_id", "kind")) == expected


def _pg_ctl(action):
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, capture_output=True
    )


@pytest.mark.serial  # restarting PostgreSQL cuts the connections of tests running beside it (Makefile)
def test_the_running_app_recovers_from_a_postgresql_restart_without_being_restarted(database_url):
    if not (shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql") and os.geteuid() == 0):
        pytest.skip("restarting PostgreSQL needs pg_ctlcluster and root (CI's machine has both)")
    road = ProtocolRoadFactory(name="Jl. MH Thamrin")
    # Persistent connections, as production runs: the app holds a connection that the restart kills.
    env = app_env(database_url, "", DJANGO_CONN_MAX_AGE="600")
    web, base = gunicorn(env)
    try:
        assert requests.get(f"{base}/healthz", timeout=10).json()["database"] == "ok"
        connection.close()
        _pg_ctl("restart")
        wait_until(lambda: subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0, 60, "pg down")
        answers = [requests.get(f"{base}/healthz", timeout=10).status_code for _ in range(5)]
        assert answers == [200] * 5  # the dead connection is noticed before use and replaced
        response, _ = register(base, "")
        assert "/register/done/" in response.url
    finally:
        stop(web)
    connection.close()
    assert Premises.objects.filter(road=road, name="Toko Tahan Gangguan").exists()
