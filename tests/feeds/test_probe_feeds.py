"""`probe_feeds` against real servers on loopback: GStreamer's RTSP server is online (H.264,
640×480 read from the SDP), a 401 server needs credentials, a silent listener and a closed port
are offline; --commit stores the probes and each camera's status; the API shows them with the
uptime over 30 days; the address guard refuses what it must."""

import asyncio
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from feeds.probe import probe
from registry.choices import FeedStatus
from registry.models import Camera, FeedProbe
from registry.network_guard import allowed
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


NOW = datetime.datetime(2026, 11, 28, 2, 20, tzinfo=datetime.UTC)


@pytest.fixture
def fleet(loopback_allowed, gstreamer_rtsp, rtsp_401, silent_listener, closed_port):
    """Four cameras, one per kind of answer (the guard lets loopback through here only)."""
    urls = {"online": gstreamer_rtsp, "needs_credentials": rtsp_401, "silent": silent_listener, "closed": closed_port}
    return {name: CameraFactory(rtsp_url=url, label=name) for name, url in urls.items()}


def _run(*args):
    out = io.StringIO()
    call_command("probe_feeds", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_each_answer_and_stores_nothing(fleet):
    output = _run()
    assert f"camera {fleet['online'].pk}: online" in output and "H264 640×480" in output
    assert f"camera {fleet['needs_credentials'].pk}: needs_credentials" in output
    assert f"camera {fleet['silent'].pk}: offline" in output and "no answer within 1 s" in output
    assert f"camera {fleet['closed'].pk}: offline" in output and "connection refused" in output
    assert "4 probed: 1 needs_credentials, 2 offline, 1 online (dry run: nothing stored)" in output
    assert FeedProbe.objects.count() == 0
    assert set(Camera.objects.values_list("feed_status", flat=True)) == {FeedStatus.NEVER}
    assert "127.0.0.1" not in output  # stream addresses are personal data: never printed


def test_commit_stores_each_probe_and_the_cameras_status(fleet):
    _run("--commit")
    statuses = {c.label: (c.feed_status, c.feed_last_seen_at is not None) for c in Camera.objects.all()}
    assert statuses == {
        "online": ("online", True),
        "needs_credentials": ("needs_credentials", True),
        "silent": ("offline", False),
        "closed": ("offline", False),
    }
    online = FeedProbe.objects.get(camera=fleet["online"])
    assert (online.codec, online.width, online.height) == ("H264", 640, 480) and online.latency_ms is not None
    assert FeedProbe.objects.count() == 4
    _run("--commit", "--camera", str(fleet["closed"].pk))
    assert FeedProbe.objects.count() == 5  # only the camera asked for


def test_the_api_gives_feed_status_last_seen_and_uptime(api_client, officer):
    camera = CameraFactory(rtsp_url="rtsp://10.0.0.7:554/s")
    never = CameraFactory(rtsp_url="")
    for hours, outcome in (
        (1, "online"),
        (2, "offline"),
        (3, "online"),
        (4, "needs_credentials"),
        (24 * 40, "offline"),
    ):
        FeedProbe.objects.create(camera=camera, at=timezone.now() - datetime.timedelta(hours=hours), outcome=outcome)
    Camera.objects.filter(pk=camera.pk).update(feed_status="online", feed_checked_at=NOW, feed_last_seen_at=NOW)
    api_client.force_authenticate(officer)
    rows = {r["id"]: r for r in api_client.get("/api/v1/cameras/").json()["results"]}
    assert rows[camera.pk]["feed_status"] == "online" and rows[camera.pk]["uptime_30d"] == 0.75  # 3 of 4 in 30 days
    assert rows[camera.pk]["feed_last_seen_at"].startswith("2026-11-28T10:20:00")
    assert rows[never.pk]["feed_status"] == "never" and rows[never.pk]["uptime_30d"] is None


@pytest.mark.parametrize(
    ("address", "networks", "ok"),
    [
        ("10.1.2.3", ["10.0.0.0/8"], True),
        ("192.168.1.10", ["10.0.0.0/8", "192.168.0.0/16"], True),
        ("127.0.0.1", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], False),  # loopback
        ("169.254.169.254", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], False),  # cloud metadata
        ("::1", ["10.0.0.0/8"], False),
        ("::ffff:10.1.2.3", ["10.0.0.0/8"], True),  # IPv4-mapped is read as IPv4
        ("8.8.8.8", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], False),
    ],
)
def test_the_address_guard(address, networks, ok):
    assert allowed(address, networks) is ok


@pytest.mark.parametrize(
    "url",
    ["rtsp://127.0.0.1:554/s", "rtsp://localhost/s", "rtsp://169.254.169.254/latest", "http://10.0.0.1/s", "rtsp:///s"],
)
def test_a_refused_address_is_never_connected_to(url):
    result = asyncio.run(probe(url, networks=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], timeout=1))
    assert result.outcome == "offline" and result.detail.startswith("refused:") and result.latency_ms is None


def test_old_probes_are_purged_after_the_retention_period(fleet, settings):
    settings.FEED_PROBE_RETENTION_DAYS = 10
    old = FeedProbe.objects.create(
        camera=fleet["online"], at=timezone.now() - datetime.timedelta(days=11), outcome="online"
    )
    _run("--commit", "--camera", str(fleet["closed"].pk))
    assert not FeedProbe.objects.filter(pk=old.pk).exists()


def test_the_premises_page_and_the_owners_status_page_show_the_feed_and_its_uptime(client, officer):
    from registry import registration

    camera = CameraFactory(rtsp_url="rtsp://10.0.0.7:554/s", label="Depan")
    for hours, outcome in ((1, "online"), (2, "offline"), (3, "online"), (4, "online")):
        FeedProbe.objects.create(camera=camera, at=timezone.now() - datetime.timedelta(hours=hours), outcome=outcome)
    Camera.objects.filter(pk=camera.pk).update(feed_status="online", feed_checked_at=NOW, feed_last_seen_at=NOW)
    client.force_login(officer)
    page = client.get(f"/dashboard/premises/{camera.premises_id}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'data-feed="online"' in page and "Siaran: Daring, menjawab 75% pemeriksaan dalam 30 hari" in page
    camera.premises.__class__.objects.filter(pk=camera.premises_id).update(
        status_secret_hash=registration.hash_secret("rahasia-siaran")
    )
    client.logout()
    status = client.get("/status/rahasia-siaran/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Siaran: Daring, menjawab 75% pemeriksaan dalam 30 hari" in status
