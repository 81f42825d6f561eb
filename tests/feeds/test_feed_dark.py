"""The "feed dark" flag's life, with explicit times: a stream silent for longer than the
standard's feed_dark_hours opens the flag at the next judgement; it resolves when the stream
answers again. Not warnable: a dark feed alone starts no warning letter."""

import datetime

import pytest
import time_machine

from feeds.probe import Result
from feeds.run import store
from inspections import ladder, sweep
from inspections.models import ComplianceFlag, WarningLetter
from registry.choices import FeedStatus
from registry.models import Camera, CameraStandard
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db
WITA = datetime.timezone(datetime.timedelta(hours=8))
SILENT_FROM = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=WITA)


@pytest.fixture
def camera():
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    ResponsiblePersonFactory(premises=premises, email="")
    return CameraFactory(premises=premises, rtsp_url="rtsp://10.0.0.9:554/s", label="Depan")


def _dark(camera):
    return ComplianceFlag.objects.unresolved().filter(premises=camera.premises, kind="feed_dark").first()


def test_the_flag_opens_after_the_dark_period_and_resolves_when_the_feed_answers(camera):
    store({camera.pk: Result(FeedStatus.OFFLINE, detail="no answer")}, SILENT_FROM)
    store({camera.pk: Result(FeedStatus.OFFLINE, detail="no answer")}, SILENT_FROM + datetime.timedelta(hours=30))
    assert Camera.objects.get().feed_dark_since == SILENT_FROM  # since the first silent probe
    # 72 hours from 20 Nov 09:00 WITA end on 23 Nov 09:00: judged by day, the 23rd starts before that.
    sweep.run_sweep(datetime.date(2026, 11, 23))
    assert _dark(camera) is None
    sweep.run_sweep(datetime.date(2026, 11, 24))
    flag = _dark(camera)
    assert flag is not None and flag.details["cameras"][0]["label"] == "Depan"
    assert (
        flag.finding_lines() == ["Depan: the stream has not answered since 2026-11-20 01:00 (more than 72 hours)."]
        or "72" in flag.finding_lines()[0]
    )
    from outbox.models import Message

    [told] = Message.objects.filter(key__startswith="feed_dark:")  # the owner hears it, once
    assert "Depan" in told.body and "lebih dari 72 jam" in told.body
    sweep.run_sweep(datetime.date(2026, 11, 24))
    assert Message.objects.filter(key__startswith="feed_dark:").count() == 1
    ladder.advance_warning_ladder(datetime.date(2026, 11, 24))
    assert not WarningLetter.objects.exists()  # not warnable: officers look first
    store({camera.pk: Result(FeedStatus.ONLINE, latency_ms=12, codec="H264")}, SILENT_FROM + datetime.timedelta(days=5))
    assert Camera.objects.get().feed_dark_since is None
    sweep.run_sweep(datetime.date(2026, 11, 25))
    assert _dark(camera) is None
    assert ComplianceFlag.objects.get(kind="feed_dark").status == "resolved"


def test_a_standard_with_feed_dark_hours_0_has_no_such_rule(camera):
    CameraStandard.objects.update(feed_dark_hours=0)
    store({camera.pk: Result(FeedStatus.OFFLINE)}, SILENT_FROM)
    sweep.run_sweep(datetime.date(2026, 12, 20))
    assert _dark(camera) is None


def test_a_camera_never_probed_or_without_a_stream_is_not_dark(camera):
    CameraFactory(premises=camera.premises, rtsp_url="", label="Tanpa alamat")
    sweep.run_sweep(datetime.date(2026, 12, 20))
    assert _dark(camera) is None


def test_the_overview_shows_the_share_of_feeds_answering_and_links_to_the_dark_ones(client, officer, camera):
    other = CameraFactory(premises=camera.premises, rtsp_url="rtsp://10.0.0.10:554/s", label="Parkir")
    never = CameraFactory(premises=camera.premises, rtsp_url="rtsp://10.0.0.11:554/s", label="Baru")
    store({camera.pk: Result(FeedStatus.OFFLINE), other.pk: Result(FeedStatus.ONLINE)}, SILENT_FROM)
    sweep.run_sweep(datetime.date(2026, 11, 28))
    client.force_login(officer)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'data-feeds-probed="2" data-feeds-answering="1"' in page  # the camera never probed is not counted
    assert "Siaran kamera: 50% menjawab pemeriksaan per jam (1 dari 2 yang diperiksa)." in page
    link = 'href="/dashboard/premises/?flag_kind=feed_dark" data-count="1"'
    assert link in page and never.feed_status == "never"
    listed = client.get("/dashboard/premises/?flag_kind=feed_dark").content.decode()
    assert camera.premises.name in listed


def test_a_standard_that_makes_a_dark_feed_warnable_puts_the_premises_in_breach_and_on_the_ladder(camera):
    """The same dark feed under a standard with feed_dark_warnable: a breach, and SP1 follows."""
    CameraStandard.objects.update(feed_dark_warnable=True)
    store({camera.pk: Result(FeedStatus.OFFLINE, detail="no answer")}, SILENT_FROM)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 1, 0, tzinfo=WITA), tick=False):
        sweep.run_sweep(datetime.date(2026, 11, 24))
        assert _dark(camera) is not None
        camera.premises.refresh_from_db()
        assert camera.premises.in_breach is True
        ladder.advance_warning_ladder(datetime.date(2026, 11, 24))
    letter = WarningLetter.objects.get(premises=camera.premises)
    assert letter.step == "sp1" and list(letter.flags.values_list("kind", flat=True)) == ["feed_dark"]
