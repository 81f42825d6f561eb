"""Real processes for the tests: the app's environment, the test database's URL, Celery workers.

Shared by the worker, fault, backup and settings tests, so that each starts a process the same way.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def clean_environ(**extra):
    """This process's environment without the app's own settings, plus `extra`."""
    prefixes = ("DJANGO_", "DATABASE_URL", "CELERY_", "EMAIL_")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(prefixes)}, **extra}


def test_database_url():
    """The PostgreSQL test database, for processes that share it over the network (skips on SQLite)."""
    if connection.vendor != "postgresql":
        pytest.skip("other processes share the test database over the network: needs DATABASE_URL=postgres://…")
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def start(args, env):
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: stopped whole, pool processes included
    )


def stop(process, sig=signal.SIGTERM):
    """Signal the whole process group; returns what it printed."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        return process.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[0]


def start_worker(env, queue, concurrency=1):
    """A Celery worker of this project listening on `queue` only."""
    return start(
        [sys.executable, "-m", "celery", "-A", "perwali_cctv", "worker", "--loglevel=WARNING", "-Q", queue]
        + [f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env,
    )
