"""gunicorn for the load benchmarks (bench/load.py, bench/pages.py): production settings, on
127.0.0.1 only, behind a pretend TLS proxy (clients send X-Forwarded-Proto: https)."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_QUEUE = "bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workdir, workers=2, broker=None):
    """Yield (port, master Popen) of a running gunicorn; its access log is workdir/gunicorn.log,
    one line per request: method, path, status, milliseconds spent inside the worker. With a
    `broker` URL, tasks go through it to one Celery worker started beside (as in production, where
    the judging after each write runs on a worker); its log is workdir/celery.log."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        # Everyone comes from 127.0.0.1 here; in production these count per client.
        "REGISTRATION_RATE": "100000/h",
        "API_THROTTLE_RATE": "100000/min",
    }
    env.pop("CELERY_BROKER_URL", None)  # mail is queued in the database; no broker needed here
    env["CELERY_TASK_ALWAYS_EAGER"] = "1"  # production refuses to run without a broker otherwise
    if broker:
        env.update(CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER="0", CELERY_TASK_DEFAULT_QUEUE=BENCH_QUEUE)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "perwali_cctv.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        + ["--access-logfile", "-", "--access-logformat", "%(m)s %(U)s %(s)s %(M)sms"],
        cwd=ROOT,
        env=env,
        stdout=open(workdir / "gunicorn.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = None
    if broker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "perwali_cctv", "worker", "--loglevel=WARNING", "-Q", BENCH_QUEUE]
            + ["--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=open(workdir / "celery.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        for _ in range(150):
            try:
                probe = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(probe, timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer; see {workdir / 'gunicorn.log'}")
        yield port, server
    finally:
        for process in (server, worker):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(30)


def cpu_seconds():
    """{pid: (role, CPU seconds so far, user + system)} of every process on the machine, the role
    being the web (gunicorn), the Celery worker, PostgreSQL, or the rest (wrk, waited for by this
    process, counts in this process's children's time)."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        role = (
            "gunicorn"
            if "gunicorn" in command
            else "celery"
            if "celery" in command
            else "postgres"
            if name.startswith("postgres")
            else "wrk"
            if name == "wrk"
            else "other"
        )
        children = (int(fields[13]) + int(fields[14])) / tick
        spent[int(entry.name)] = (role, seconds + children)
    return spent


def cpu_spent(before, after):
    """CPU seconds by role between two snapshots, per process (one that exited in between is lost)."""
    by_role = {}
    for pid, (role, seconds) in after.items():
        previous = before.get(pid)
        by_role[role] = by_role.get(role, 0) + seconds - (previous[1] if previous and previous[0] == role else 0)
    return by_role


def worker_rss_mib(master_pid):
    """Resident memory of each gunicorn worker (the master's children), in MiB, from /proc."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)
