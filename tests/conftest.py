"""The shared cast (an officer, a supervisor and an auditor; owners have no accounts yet) and a
fixed clock for every test."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache


def _member(django_user_model, username, group):
    user = django_user_model.objects.create_user(username=username, password="not-a-real-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer(db, django_user_model):
    return _member(django_user_model, "olivia_officer", "officer")


@pytest.fixture
def supervisor(db, django_user_model):
    return _member(django_user_model, "sam_supervisor", "supervisor")


@pytest.fixture
def auditor(db, django_user_model):
    return _member(django_user_model, "aditya_auditor", "auditor")


def _load_reference_data():
    """Bontang's kecamatan/kelurahan, standard v1, the role groups and the camera catalogue, as the
    data migrations load them (unless present)."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from registry.models import Kelurahan

    if Kelurahan.objects.exists() and Group.objects.exists():
        return False
    apps = MigrationExecutor(connection).loader.project_state().apps
    importlib.import_module("registry.migrations.0002_reference_data_standard_v1_and_roles").load(apps, None)
    importlib.import_module("inspections.migrations.0002_roles").grant(apps, None)
    importlib.import_module("registry.migrations.0010_export_permission_for_roles").grant(apps, None)
    importlib.import_module("registry.migrations.0012_token_permissions_for_officers").grant(apps, None)
    importlib.import_module("registry.migrations.0015_contact_data_permission").grant(apps, None)
    importlib.import_module("registry.migrations.0018_owner_messages_permissions").grant(apps, None)
    importlib.import_module("inspections.migrations.0012_measurement_permissions").grant(apps, None)
    importlib.import_module("imports.migrations.0002_roles").grant(apps, None)
    catalogue = importlib.import_module("registry.migrations.0020_seed_camera_catalogue")
    catalogue.seed(apps, None)
    catalogue.grant(apps, None)
    return True


@pytest.fixture
def reference_data(transactional_db):
    """The reference data for a transactional test: a transactional test empties every table when it
    ends; the next one loads them again here."""
    _load_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_for_every_db_test(request):
    """pytest-django runs the tests inside a transaction before the transactional ones, which empty
    every table, the data migrations' rows included. With xdist's worksteal a worker can be handed
    such a test after a transactional one (seen as "Group matching query does not exist" in
    tests/project/test_personal_data_matrix.py): the reference data is then loaded again, inside
    the test's own transaction."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if transactional:
        return
    request.getfixturevalue("db")
    _load_reference_data()


@pytest.fixture
def eager_tasks(monkeypatch):
    """Celery tasks run in the test's process: with CI's broker they would wait for a worker (the
    tests under tests/*/test_*_worker.py run them on a real one)."""
    from perwali_cctv.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


WARNED_ON = datetime.date(2026, 11, 28)


@pytest.fixture
def warned(db):
    """A premises with a dome below the standard, swept and warned (SP1) on 28 November 2026."""
    from inspections import ladder, sweep
    from inspections.models import WarningLetter
    from tests.factories import PremisesFactory, ResponsiblePersonFactory, dome_below_standard

    premises = PremisesFactory(
        name="Toko Peringatan", designated_on=datetime.date(2025, 1, 1), address="Jl. Awang Long No. 9"
    )
    ResponsiblePersonFactory(premises=premises, name="Budi Santoso", role="Pemilik")
    dome_below_standard(premises, label="Depan toko")
    sweep.run_sweep(WARNED_ON)
    ladder.advance_warning_ladder(WARNED_ON)
    return WarningLetter.objects.get(premises=premises)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at Django's 1,000,000 rounds costs 0.27 s per password here, and most tests create or
    sign in users: the suite hashes with MD5 instead (what a hash is used for does not change)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache; one test's requests must not throttle the next."""
    cache.clear()
    yield
    cache.clear()


# Every test process runs on this clock, ticking on from 28 November 2026, 10:00 WITA: no test
# depends on the day it runs (module-level TODAY constants included: they are read after this).
# Processes a test starts (gunicorn, Celery workers) keep the real clock; those tests pass dates.
FROZEN_AT = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))


def pytest_configure(config):
    time_machine.travel(FROZEN_AT, tick=True).start()


def pytest_report_header(config):
    from django.conf import settings

    broker = settings.CELERY_BROKER_URL or "none (eager)"
    return f"database: {settings.DATABASES['default']['ENGINE']}, broker: {broker}"


@pytest.fixture(scope="session", autouse=True)
def _own_broker_queue():
    """With a real broker, tasks the tests enqueue go to a queue of this session, deleted at the end,
    so nothing is left for a worker on the usual queue to pick up."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        yield
        return
    import uuid

    from perwali_cctv.celery import app

    original, queue = app.conf.task_default_queue, f"test-session-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    yield
    app.conf.task_default_queue = original
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
        conn.default_channel.client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture
def app_log():
    """What the app's configured log handlers write (settings.LOGGING, filters included), as text.

    pytest's caplog listens on the root logger before any handler's filter, and never sees the
    `django` loggers, which do not propagate: it cannot show what an operator would read."""
    import io
    import logging

    handlers = {h for name in ("", "django") for h in logging.getLogger(name).handlers}
    streams = [h for h in handlers if isinstance(h, logging.StreamHandler) and h.name == "console"]
    assert streams, "the console handler of settings.LOGGING is not installed"
    out = io.StringIO()
    previous = [h.setStream(out) for h in streams]
    yield out
    for handler, stream in zip(streams, previous, strict=True):
        handler.setStream(stream)
