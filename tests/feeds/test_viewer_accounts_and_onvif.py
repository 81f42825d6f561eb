"""Cameras that need the city's credentials, and ONVIF devices, against real servers on loopback:
GStreamer's RTSP server asking for digest credentials, and a small ONVIF device answering
GetServices, GetDeviceInformation, GetProfiles and GetStreamUri.

The viewer account an owner grants goes in through the owner's form, is stored encrypted, is
used by the probe (and the use logged), and is never shown or exported again."""

import csv
import io
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from feeds import run
from registry import registration, viewer_accounts
from registry.models import AccessLog, Camera, FeedProbe, Premises, ViewerAccount
from tests.factories import CameraFactory
from tests.feeds.conftest import VIEWER_ACCOUNT
from tests.registry.test_registration import camera_fields, form_data

pytestmark = pytest.mark.django_db

USER, PASSWORD = VIEWER_ACCOUNT


def _probe(*args):
    out = io.StringIO()
    call_command("probe_feeds", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def registered(client, settings, tmp_path):
    """A premises registered through the public form, with the viewer account in its first camera row."""
    from tests.factories import ProtocolRoadFactory

    settings.MEDIA_ROOT = tmp_path
    road = ProtocolRoadFactory(name="Jl. Awang Long")
    data = form_data(road, cameras=1)
    data.update({"cameras-0-viewer_username": USER, "cameras-0-viewer_password": PASSWORD})
    response = client.post("/register/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    premises = Premises.objects.get()
    return premises, premises.cameras.get()


def test_an_account_given_in_the_form_is_stored_encrypted_and_never_in_clear(registered):
    _premises, camera = registered
    account = ViewerAccount.objects.get(camera=camera)
    secret = bytes(account.secret)
    assert PASSWORD.encode() not in secret and USER.encode() not in secret
    assert viewer_accounts.reveal([camera.pk], purpose="test") == {camera.pk: VIEWER_ACCOUNT}
    assert PASSWORD not in repr(account) and PASSWORD not in str(account)


def test_the_probe_uses_the_account_for_a_stream_that_asks_for_it_and_logs_the_use(
    registered, loopback_allowed, gstreamer_rtsp_with_account, caplog
):
    _premises, camera = registered
    Camera.objects.filter(pk=camera.pk).update(rtsp_url=gstreamer_rtsp_with_account)
    other = CameraFactory(rtsp_url=gstreamer_rtsp_with_account, label="tanpa akun")
    with caplog.at_level(logging.DEBUG):
        output = _probe("--commit")
    assert f"camera {camera.pk}: online" in output and "H264 640×480" in output
    assert f"camera {other.pk}: needs_credentials" in output  # no account granted: still only "answers"
    assert Camera.objects.get(pk=camera.pk).feed_status == "online"
    use = AccessLog.objects.get(action=AccessLog.Action.USE_VIEWER_ACCOUNT)
    assert use.filters["cameras"] == [camera.pk] and use.rows == 1 and use.target == "feed probe"
    assert ViewerAccount.objects.get(camera=camera).last_used_at is not None
    assert PASSWORD not in output and PASSWORD not in caplog.text and "127.0.0.1" not in output


def test_a_wrong_account_is_reported_as_refused(loopback_allowed, gstreamer_rtsp_with_account):
    camera = CameraFactory(rtsp_url=gstreamer_rtsp_with_account)
    viewer_accounts.grant(camera, USER, "salah")
    _probe("--commit")
    probe = FeedProbe.objects.get(camera=camera)
    assert probe.outcome == "needs_credentials" and "viewer account refused" in probe.detail


def test_the_account_is_never_shown_again_on_any_path(registered, client, supervisor, settings):
    premises, camera = registered
    secret = "rahasia-akun"
    Premises.objects.filter(pk=premises.pk).update(status_secret_hash=registration.hash_secret(secret))
    edit = client.get(f"/status/{secret}/edit/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Akun penonton tersimpan untuk kamera ini" in edit
    assert PASSWORD not in edit and f'value="{USER}"' not in edit
    client.force_login(supervisor)  # sees everything a person may see
    for url in (
        f"/admin/registry/camera/{camera.pk}/change/",
        f"/admin/registry/camera/{camera.pk}/history/",
        f"/dashboard/premises/{premises.pk}/",
        f"/api/v1/cameras/{camera.pk}/",
        "/exports/cameras.csv",
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, url
        assert PASSWORD.encode() not in body and USER.encode() not in body, url
    api = client.get(f"/api/v1/cameras/{camera.pk}/").json()
    assert api["viewer_account_granted"] is True
    admin_page = client.get(f"/admin/registry/camera/{camera.pk}/change/").content.decode()
    assert "tersimpan terenkripsi" in admin_page
    assert not any("viewer" in key for key in client.session.keys())


def test_the_owner_replaces_and_withdraws_the_account_without_sending_the_camera_back(registered, client, officer):
    premises, camera = registered
    registration.verify_registration(premises, officer=officer)
    secret = "rahasia-ganti"
    Premises.objects.filter(pk=premises.pk).update(status_secret_hash=registration.hash_secret(secret))
    data = form_data(premises.road, cameras=1)
    data.update({"cameras-INITIAL_FORMS": "1", "cameras-0-id": str(camera.pk)})
    data.update({"cameras-0-viewer_username": "baru", "cameras-0-viewer_password": "sandi-baru"})
    assert client.post(f"/status/{secret}/edit/", data).status_code == 302
    assert viewer_accounts.reveal([camera.pk], purpose="test") == {camera.pk: ("baru", "sandi-baru")}
    assert camera.history.count() == 1  # an account alone is not a change to the camera
    data.pop("cameras-0-viewer_username"), data.pop("cameras-0-viewer_password")
    data["cameras-0-viewer_revoke"] = "on"
    assert client.post(f"/status/{secret}/edit/", data).status_code == 302
    assert not ViewerAccount.objects.filter(camera=camera).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"viewer_username": "kota-Zq8w"}, "Isi nama pengguna dan kata sandi akun penonton, atau kosongkan keduanya."),
        ({"viewer_password": "Zq8w-sandi"}, "Isi nama pengguna dan kata sandi akun penonton, atau kosongkan keduanya."),
        ({"onvif_address": "http://admin:Zq8w-sandi@192.168.1.10/onvif/device_service"}, "Hapus nama pengguna"),
        ({"onvif_address": "rtsp://192.168.1.10/"}, "Masukkan alamat ONVIF yang diawali http://"),
    ],
)
def test_a_bad_account_or_onvif_address_is_refused_in_indonesian_and_nothing_is_saved(client, fields, message):
    from tests.factories import ProtocolRoadFactory

    data = form_data(ProtocolRoadFactory(), cameras=1)
    data.update(camera_fields(0, **fields))
    response = client.post("/register/", data, HTTP_ACCEPT_LANGUAGE="id")
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert "Zq8w-sandi" not in page  # a password typed is not sent back
    assert not Premises.objects.exists() and not ViewerAccount.objects.exists()


def test_an_account_no_key_can_read_is_left_out_and_logged(settings):
    camera = CameraFactory()
    viewer_accounts.grant(camera, USER, PASSWORD)
    settings.VIEWER_ACCOUNT_KEYS = [Fernet.generate_key().decode()]  # the old key is lost
    assert viewer_accounts.reveal([camera.pk], purpose="test") == {}
    assert AccessLog.objects.get(action="use_viewer_account").filters["unreadable"] == [camera.pk]


def test_a_new_key_put_first_reads_the_old_accounts_and_rotation_moves_them_to_it(settings):
    camera = CameraFactory()
    viewer_accounts.grant(camera, USER, PASSWORD)
    old = settings.VIEWER_ACCOUNT_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.VIEWER_ACCOUNT_KEYS = [new, old]
    call_command("rotate_viewer_account_keys", stdout=io.StringIO())
    settings.VIEWER_ACCOUNT_KEYS = [new]
    assert viewer_accounts.reveal([camera.pk], purpose="test") == {camera.pk: VIEWER_ACCOUNT}


def test_without_a_key_the_form_offers_no_account_and_deploy_checks_warn(client, settings):
    settings.VIEWER_ACCOUNT_KEYS = []
    page = client.get("/register/").content.decode()
    assert "viewer_username" not in page and "onvif_address" in page
    assert [w.id for w in viewer_accounts.check_keys()] == ["registry.W001"]


# --- ONVIF ----------------------------------------------------------------------------------------


@pytest.fixture
def onvif_time(settings):
    """zeep reads the ONVIF WSDLs on a process's first call: more than the 1 s the RTSP tests allow
    when the suite runs in parallel (5 s in production)."""
    settings.FEED_PROBE_TIMEOUT_SECONDS = 15


def test_an_onvif_camera_without_a_stream_address_is_probed_through_the_stream_onvif_names(
    loopback_allowed, onvif_time, gstreamer_rtsp, onvif_device
):
    device = onvif_device(stream_uri=gstreamer_rtsp)
    camera = CameraFactory(rtsp_url="", onvif_address=device.address)
    output = _probe("--commit")
    assert f"camera {camera.pk}: online" in output and "ONVIF online (Hikvision DS-2DE4425IW-DE, 2 profiles)" in output
    probe = FeedProbe.objects.get(camera=camera)
    assert (probe.outcome, probe.onvif, probe.device, probe.profiles) == (
        "online",
        "online",
        "Hikvision DS-2DE4425IW-DE",
        2,
    )
    assert (probe.codec, probe.width, probe.height) == ("H264", 640, 480)
    assert {"GetDeviceInformation", "GetProfiles", "GetStreamUri"} <= set(device.calls)
    # The device advertised its media service at 169.254.169.254: asked at the checked address instead.
    assert "/onvif/media_service" in device.paths


def test_an_old_onvif_device_that_lists_no_services_is_asked_at_its_device_address(
    loopback_allowed, onvif_time, onvif_device
):
    device = onvif_device(lists_services=False)
    camera = CameraFactory(rtsp_url="", onvif_address=device.address)
    ((pk, result),) = run.probe_cameras([camera.pk])
    assert result.onvif == "online" and result.profiles == 2
    assert result.outcome == "offline"  # the stream it names (port 1) does not answer
    assert set(device.paths) == {"/onvif/device_service"}


def test_an_onvif_device_asking_for_credentials_gets_the_owners_account(loopback_allowed, onvif_time, onvif_device):
    device = onvif_device(account=VIEWER_ACCOUNT)
    without = CameraFactory(rtsp_url="", onvif_address=device.address)
    granted = CameraFactory(rtsp_url="", onvif_address=device.address)
    viewer_accounts.grant(granted, USER, PASSWORD)
    results = dict(run.probe_cameras())
    assert results[without.pk].outcome == "needs_credentials" and results[without.pk].onvif == "needs_credentials"
    assert results[granted.pk].onvif == "online" and results[granted.pk].device == "Hikvision DS-2DE4425IW-DE"


def test_an_onvif_address_outside_the_allowed_networks_is_never_asked(onvif_device):
    device = onvif_device()  # on loopback, which the default networks refuse
    camera = CameraFactory(rtsp_url="", onvif_address=device.address)
    ((pk, result),) = run.probe_cameras([camera.pk])
    assert result.outcome == "offline" and result.detail.startswith("refused:") and device.calls == []


def test_the_export_says_only_whether_an_onvif_address_exists(client, supervisor, onvif_device):
    CameraFactory(onvif_address="http://10.0.0.9/onvif/device_service")
    client.force_login(supervisor)
    response = client.get("/exports/cameras.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["has_onvif_address"] == "true" and "10.0.0.9" not in str(rows)
