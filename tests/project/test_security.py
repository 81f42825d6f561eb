"""Production settings, security headers, login lockout, password rules and session expiry."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.processes import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = clean_environ(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="cctv.bontangkota.go.id",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        VIEWER_ACCOUNT_KEYS=Fernet.generate_key().decode(),  # without it: registry.W001
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=clean_environ(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="example.org"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy_and_security_headers(client):
    response = client.get("/register/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_template_uses_inline_scripts_or_event_handlers():
    """The policy forbids them, so one would silently stop working in the browser."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for needle in (" onclick=", " onchange=", " onsubmit=", " onload=", "<script>", 'href="javascript:'):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle.strip()}")
    assert not offenders


def test_password_rules_refuse_short_common_and_numeric_passwords():
    for weak in ("bontang1", "password123", "12345678901", "qwertyuiop"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("kata-sandi-petugas-yang-panjang")


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/dashboard/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="id",
    )


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_sign_in_with_a_page_in_indonesian(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, officer.username, "wrong-password").status_code == 200  # the form again
    locked = _login(client, officer.username, "wrong-password")
    assert locked.status_code == 429
    assert "Terlalu banyak" in locked.content.decode()
    # Locked: even the right password is refused now.
    assert _login(client, officer.username, "not-a-real-password-1").status_code == 429
    # The lock is per user name and address: the officer at another desk can still sign in.
    other_desk = _login(client, officer.username, "not-a-real-password-1", ip="10.0.0.2")
    assert other_desk.status_code == 302 and other_desk["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, officer):
    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, officer.username, "wrong-password")
    assert _login(client, officer.username, "not-a-real-password-1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert _login(client, officer.username, "not-a-real-password-1").status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_counts_the_client_address_from_the_configured_header(client, officer, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": officer.username, "password": "x"}, HTTP_X_REAL_IP="203.0.113.9")
    # Same proxy address, another client: not locked out by the first one's failures.
    response = client.post(
        "/admin/login/?next=/dashboard/",
        {"username": officer.username, "password": "not-a-real-password-1"},
        HTTP_X_REAL_IP="203.0.113.10",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_officers_session_ends_after_a_working_day_and_with_the_browser(client, officer):
    assert _login(client, officer.username, "not-a-real-password-1").status_code == 302
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert client.session.get_expire_at_browser_close()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]


def test_static_files_collect_with_the_production_storage(tmp_path):
    """Hashed, compressed names (whitenoise): fails on a vendored file that points at a missing one."""
    env = clean_environ(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="cctv.bontangkota.go.id",
        DJANGO_STATIC_ROOT=str(tmp_path),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "js/register.js" in manifest and "vendor/leaflet-1.9.4/leaflet.js" in manifest


def test_the_client_address_falls_back_to_the_peer_when_the_header_is_not_an_address(rf, settings):
    from registry.client_ip import client_ip

    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_ip(rf.get("/", HTTP_X_REAL_IP="203.0.113.7", REMOTE_ADDR="10.0.0.1")) == "203.0.113.7"
    assert client_ip(rf.get("/", HTTP_X_REAL_IP="<script>", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


@pytest.mark.django_db
def test_a_missing_proxy_header_does_not_break_the_registration_limit(client, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"  # configured for a proxy, but the header is absent
    response = client.post("/register/", {"premises-name": "x"})
    assert response.status_code == 200  # the form with its errors, not a server error
