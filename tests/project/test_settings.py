"""Language, time zone and the environment switches of the one settings module."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def test_indonesian_is_the_default_with_english_available_and_time_is_wita():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings.TIME_ZONE == "Asia/Makassar"
    assert settings.USE_TZ


@pytest.mark.django_db
def test_pages_speak_indonesian_by_default_and_english_on_request(client):
    assert "CCTV di jalan protokol Kota Bontang" in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CCTV on Bontang's protocol roads" in english


def _settings_in_subprocess(env, expression):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings as s; print({expression})",
        ],
        env=clean_environ(DJANGO_SETTINGS_MODULE="perwali_cctv.settings", **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_with_no_environment_it_runs_on_sqlite_eager_celery_and_console_mail():
    result = _settings_in_subprocess(
        {},
        "s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.MAILER_EMAIL_BACKEND",
    )
    assert result.stdout.strip() == (
        "True django.db.backends.sqlite3 True mailer.backend.DbBackend django.core.mail.backends.console.EmailBackend"
    ), result.stderr


def test_database_url_and_broker_url_switch_to_postgresql_and_redis():
    result = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql False redis://127.0.0.1:6379/0", result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _settings_in_subprocess({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "cctv.bontangkota.go.id"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "cctv.bontangkota.go.id",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def test_production_refuses_to_start_without_a_broker_unless_eager_tasks_are_asked_for():
    without = {k: v for k, v in PRODUCTION.items() if k != "CELERY_BROKER_URL"}
    refused = _settings_in_subprocess(without, "s.CELERY_TASK_ALWAYS_EAGER")
    assert refused.returncode != 0 and "CELERY_BROKER_URL" in refused.stderr
    asked = _settings_in_subprocess({**without, "CELERY_TASK_ALWAYS_EAGER": "1"}, "s.CELERY_TASK_ALWAYS_EAGER")
    assert asked.stdout.strip() == "True", asked.stderr
    with_broker = _settings_in_subprocess(PRODUCTION, "s.CELERY_TASK_ALWAYS_EAGER")
    assert with_broker.stdout.strip() == "False", with_broker.stderr


def test_production_settings_are_secure():
    result = _settings_in_subprocess(
        PRODUCTION,
        "s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0",
    )
    assert result.stdout.strip() == "False ['cctv.bontangkota.go.id'] True True True", result.stderr


def test_the_tests_run_on_a_fixed_clock_in_wita():
    from django.utils import timezone

    from tests.conftest import FROZEN_AT

    assert timezone.localdate() == datetime.date(2026, 11, 28)
    assert datetime.timedelta(0) <= timezone.now() - FROZEN_AT < datetime.timedelta(hours=1)
