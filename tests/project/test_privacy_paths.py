"""The remaining rows of the outside security test: client address, caching, status secrets in
sessions and logs, image metadata, sign-in limits per user, cookie flags and the guide's nginx."""

import io
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from registry.models import Premises
from registry.registration import hash_secret
from registry.uploads import clean_photo
from tests.factories import PremisesFactory
from tests.processes import clean_environ, start, stop

ROOT = Path(__file__).resolve().parents[2]
SECRET = "owners-secret-status-link-value-42"


# --- every limit keys on the one client-address function -------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/spec-check/", "/api/schema/"])
def test_api_throttles_count_the_configured_client_address_not_a_forged_forwarded_for(client, settings, url):
    from rest_framework.settings import api_settings

    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "spec_check": "3/min", "anon": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}

    def ask(real_ip, forged):
        headers = {"HTTP_X_REAL_IP": real_ip, "HTTP_X_FORWARDED_FOR": forged, "REMOTE_ADDR": "127.0.0.1"}
        if url.endswith("spec-check/"):
            return client.post(url, {}, content_type="application/json", **headers).status_code
        return client.get(url, **headers).status_code

    answers = [ask("203.0.113.5", f"198.51.100.{n}") for n in range(6)]
    assert answers[3:] == [429, 429, 429], answers  # a made-up X-Forwarded-For per request does not help
    assert ask("203.0.113.6", "198.51.100.1") != 429  # another client behind the same proxy has its own quota


def test_nothing_reads_x_forwarded_for_but_the_client_address_function():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        if "FORWARDED_FOR" in path.read_text():
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_guides_nginx_sets_the_header_the_app_trusts_and_hides_its_version():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    assert "proxy_set_header X-Real-IP $remote_addr;" in guide
    assert "| `DJANGO_CLIENT_IP_META_KEY` | `HTTP_X_REAL_IP` |" in guide
    assert "server_tokens off;" in guide
    assert "proxy_set_header X-Forwarded-For" not in guide  # the app does not read it, so nginx need not send it


# --- owner pages: never cached; the secret leaves the session and the logs -------------------


@pytest.fixture
def road(db):
    from tests.factories import ProtocolRoadFactory

    return ProtocolRoadFactory()


@pytest.mark.django_db
def test_owner_pages_with_personal_data_are_never_cached(client, road):
    from tests.registry.test_registration import form_data

    client.post("/register/", form_data(road, cameras=1, **{"person-nik": "6474010101900001"}))
    done = client.get("/register/done/")
    secret = re.search(r"/status/([^/\"]+)/", done.content.decode()).group(1)
    for response in (done, client.get(f"/status/{secret}/"), client.get(f"/status/{secret}/edit/")):
        assert response.status_code == 200
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, response["Cache-Control"]


@pytest.mark.django_db
def test_the_status_secret_leaves_the_session_once_it_has_been_shown(client, road):
    from tests.registry.test_registration import form_data

    client.post("/register/", form_data(road, cameras=1))
    first = client.get("/register/done/").content.decode()
    secret = re.search(r"/status/([^/\"]+)/", first).group(1)
    assert not [s for s in Session.objects.all() if secret in str(s.get_decoded())]
    again = client.get("/register/done/")  # a reload shows the tracking code, not the link
    premises = Premises.objects.get()
    assert again.status_code == 200
    assert premises.tracking_code in again.content.decode() and secret not in again.content.decode()


@pytest.mark.django_db
def test_status_secrets_are_redacted_in_the_apps_logs(client, app_log):
    PremisesFactory(status_secret_hash=hash_secret(SECRET))
    client.get(f"/status/{SECRET}x/")  # a mistyped link: Django logs "Not Found: <path>"
    client.get(f"/status/{SECRET}x/edit/")
    logging.getLogger("django.request").warning("Not Found: %s", f"/status/{SECRET}/edit/?a=1")
    logging.getLogger("registry").warning(f"opened /status/{SECRET}")
    text = app_log.getvalue()
    assert text.count("/status/[redacted]") == 4, text
    assert SECRET not in text


def test_the_access_log_of_the_guides_gunicorn_redacts_status_secrets_in_path_and_referer(tmp_path):
    """A real gunicorn with the guide's options; the access log holds neither the secret nor the referer's."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "access.log"
    # An empty database: the status page fails, and both the access log and the error log write its path.
    env = clean_environ(DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    guide = (ROOT / "docs" / "deployment.md").read_text()
    assert "--logger-class perwali_cctv.log_redaction.RedactingGunicornLogger" in guide
    process = start(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "perwali_cctv.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "--logger-class",
            "perwali_cctv.log_redaction.RedactingGunicornLogger",
        ],
        env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/status/{SECRET}/edit/?x=1",
            headers={"Referer": f"http://127.0.0.1:{port}/status/{SECRET}/"},
        )
        try:
            urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError:
            pass  # no tables in this database: a 500, logged all the same
        for _ in range(50):
            if "/status/" in log.read_text():
                break
            time.sleep(0.1)
    finally:
        errors = stop(process)
    text = log.read_text()
    assert "/status/" in text and "/status/" in errors
    assert SECRET not in text and SECRET not in errors


# --- uploaded images: no metadata, no comments --------------------------------------------------


def _jpeg_with_everything():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (0.0, 8.0, 0.0)}
    exif[0x010E] = "Toko Siti, NIK 6474010101900001"  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(
        out, "JPEG", exif=exif, comment=b"owner phone +6281234567890", icc_profile=b"\0" * 128
    )
    return out.getvalue()


def _png_with_text():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "owner phone +6281234567890")
    info.add_itxt("Author", "Siti Rahmawati")
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _webp_with_exif():
    exif = Image.Exif()
    exif[0x010E] = "owner phone +6281234567890"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "WEBP", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name"),
    [(_jpeg_with_everything(), "a.jpg"), (_png_with_text(), "a.png"), (_webp_with_exif(), "a.webp")],
)
def test_uploaded_images_lose_every_metadata_and_comment(content, name):
    assert b"+6281234567890" in content
    cleaned = clean_photo(SimpleUploadedFile(name, content, content_type="application/octet-stream")).read()
    assert b"+6281234567890" not in cleaned and b"6474010101900001" not in cleaned and b"Siti" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert dict(image.getexif()) == {}
        assert not {"comment", "exif", "icc_profile", "xmp", "Comment", "Author"} & set(image.info)
        assert image.size == (64, 48)


# --- sign-in: a limit per user across addresses, as well as per user and address ---------------


@pytest.mark.django_db
def test_wrong_passwords_from_many_addresses_lock_the_user_name(client, officer, settings):
    assert settings.LOGIN_FAILURE_LIMIT_PER_USER > settings.AXES_FAILURE_LIMIT
    settings.LOGIN_FAILURE_LIMIT_PER_USER = 8  # fewer sign-ins to hash in the test
    tried = []
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_USER + 3):
        response = client.post(
            "/admin/login/", {"username": officer.username, "password": f"guess-{n}"}, REMOTE_ADDR=f"10.1.0.{n + 1}"
        )
        tried.append(response.status_code)
    assert tried.count(200) == settings.LOGIN_FAILURE_LIMIT_PER_USER - 1  # the form again, then locked
    assert tried[-3:] == [429, 429, 429]
    # Another user at one of those addresses is not locked out.
    other = client.post("/admin/login/", {"username": "sam_supervisor", "password": "x"}, REMOTE_ADDR="10.1.0.1")
    assert other.status_code == 200


# --- cookies ----------------------------------------------------------------------------------


def test_the_language_cookie_is_httponly_lax_and_secure_in_production():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)",
        ],
        env=clean_environ(
            DJANGO_SETTINGS_MODULE="perwali_cctv.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="x" * 60,
            DJANGO_ALLOWED_HOSTS="cctv.bontangkota.go.id",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "True True Lax", result.stderr


@pytest.mark.django_db
def test_the_language_switch_sets_a_cookie_with_the_flags(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
