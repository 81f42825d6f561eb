"""The officer dashboard: pages, filters, CSV, actions, permissions and bounded queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import sweep
from inspections.models import ComplianceFlag, InspectionAssignment, SweepRun, WarningLetter
from registry.models import CameraStandard
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, dome_below_standard

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PAGES = [
    "/dashboard/",
    "/dashboard/premises/",
    "/dashboard/flags/",
    "/dashboard/map/",
    "/dashboard/map.json",
    "/dashboard/standard/",
    "/dashboard/sweep/",
]


@pytest.fixture
def city():
    good = PremisesFactory(name="Toko Baik", designated_on=datetime.date(2026, 1, 1))
    CameraFactory(premises=good)
    bad = PremisesFactory(name="Toko Buruk", designated_on=datetime.date(2026, 1, 1), road=good.road)
    dome_below_standard(bad)
    ResponsiblePersonFactory(premises=bad, nik="6474010101900001")
    PremisesFactory(name="Toko Baru", designated_on=None, verification_status="pending")
    sweep.run_sweep(TODAY)
    return good, bad


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_an_auditor_reads_every_page(client, auditor, city, url):
    client.force_login(auditor)
    assert client.get(url).status_code == 200


def test_an_auditor_cannot_act(client, auditor, city):
    client.force_login(auditor)
    flag = ComplianceFlag.objects.first()
    assert client.post(f"/dashboard/flags/{flag.pk}/", {"action": "acknowledge"}).status_code == 403
    assert client.post("/dashboard/sweep/").status_code == 403
    assert client.post("/dashboard/standard/", {}).status_code == 403


def test_an_owner_status_link_never_reaches_the_dashboard(client, city):
    from registry.registration import hash_secret

    _good, bad = city
    bad.status_secret_hash = hash_secret("rahasia-pemilik")
    bad.save()
    assert client.get("/status/rahasia-pemilik/").status_code == 200
    assert client.get("/dashboard/").status_code == 302


def test_the_overview_counts_and_links(client, officer, city):
    client.force_login(officer)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "compliant (50%)" in page  # 1 of 2 obligated
    assert "?flag_kind=camera_below_standard" in page and "Last sweep" in page
    assert SweepRun.objects.get().premises_compliant == 1


def test_the_list_filters_and_the_csv_uses_the_same_filters(client, officer, city):
    client.force_login(officer)
    everything = client.get("/dashboard/premises/").content.decode()
    assert all(name in everything for name in ("Toko Baik", "Toko Buruk", "Toko Baru"))
    page = client.get("/dashboard/premises/?compliance=non_compliant", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Toko Buruk" in page and "Toko Baik" not in page
    assert "Toko Baik" in client.get("/dashboard/premises/?q=baik").content.decode()
    assert "Toko Baru" in client.get("/dashboard/premises/?compliance=not_judged").content.decode()
    response = client.get("/dashboard/premises/?compliance=non_compliant&format=csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["Toko Buruk"] and rows[0]["compliance"] == "non_compliant"


def test_a_bad_filter_value_is_a_message_not_an_error(client, officer, city):
    client.force_login(officer)
    response = client.get("/dashboard/premises/?road=999999&overdue=maybe&page=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_csv_cells_that_look_like_formulas_are_neutralised(client, officer, city):
    _good, bad = city
    bad.address = '=HYPERLINK("http://evil")'
    bad.save()
    client.force_login(officer)
    body = b"".join(client.get("/dashboard/premises/?format=csv").streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_the_premises_page_masks_the_nik_unless_permitted_and_shows_the_timeline(client, officer, supervisor, city):
    _good, bad = city
    client.force_login(officer)
    page = client.get(f"/dashboard/premises/{bad.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "6474••••••••0001" in page and "6474010101900001" not in page
    assert "Flag opened" in page and "Recognises faces only up to" in page
    client.force_login(supervisor)
    assert "6474010101900001" in client.get(f"/dashboard/premises/{bad.pk}/").content.decode()


def test_flag_actions_acknowledge_assign_plan_and_escalate(client, officer, city):
    _good, bad = city
    flag = ComplianceFlag.objects.get(premises=bad, kind="camera_below_standard")
    client.force_login(officer)
    url = f"/dashboard/flags/{flag.pk}/"
    client.post(url, {"action": "acknowledge"})
    client.post(url, {"action": "assign", "officer": officer.pk})
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by, flag.assigned_to) == ("acknowledged", officer, officer)
    client.post(url, {"action": "plan", "planned_on": TODAY.isoformat()})
    assert InspectionAssignment.objects.get(premises=bad).kind == "follow_up"
    client.post(url, {"action": "escalate"})
    client.post(url, {"action": "escalate"})
    assert list(WarningLetter.objects.filter(premises=bad).order_by("pk").values_list("step", "status")) == [
        ("sp1", "escalated"),
        ("sp2", "active"),
    ]
    plans = list(InspectionAssignment.objects.values_list("pk", "planned_on"))
    response = client.post(
        url, {"action": "plan", "planned_on": "bukan tanggal"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert response.redirect_chain[0][1] == 302
    assert [str(m) for m in response.context["messages"]][-1] == "Enter a valid date."
    assert list(InspectionAssignment.objects.values_list("pk", "planned_on")) == plans  # nothing changed


def test_a_supervisor_creates_a_new_standard_version_and_an_officer_only_reads(client, officer, supervisor):
    client.force_login(officer)
    page = client.get("/dashboard/standard/").content.decode()
    assert "v1" in page and 'name="effective_from"' not in page
    client.force_login(supervisor)
    page = client.get("/dashboard/standard/").content.decode()
    assert 'name="effective_from"' in page
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    data = {
        "effective_from": tomorrow,
        "notes": "Retensi 60 hari",
        "min_pan_deg": 90,
        "recommended_pan_deg": 360,
        "pixel_density_levels": '{"identify": 250}',
        "face_level": "identify",
        "face_distance_m": 10,
        "min_resolution_h_px": 1920,
        "min_resolution_v_px": 1080,
        "min_retention_days": 60,
        "night_vision_required_facing_road": "on",
        "required_onvif_profiles": '["S"]',
        "rtsp_required": "on",
        "judge_road_cameras_only": "on",
        "min_road_cameras": 1,
        "min_road_cameras_by_category": "{}",
        "inspection_interval_months": 6,
        "grace_period_days": 90,
        "warning_grace_days": 7,
        "revocation_after_freeze_months": 3,
        "feed_dark_hours": 72,
        "measurement_valid_days": 365,
        "measurement_image_retention_days": 30,
    }
    refused = client.post("/dashboard/standard/", {**data, "effective_from": "2020-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and refused.context["form"].errors["effective_from"]
    assert not CameraStandard.objects.filter(version=2).exists()
    assert client.post("/dashboard/standard/", data).status_code == 302
    assert CameraStandard.objects.get(version=2).min_retention_days == 60


def test_a_supervisor_starts_a_sweep_and_reads_its_progress(client, supervisor, city, monkeypatch):
    from perwali_cctv.celery import app

    # The real worker path is proven in test_celery_worker; here the task runs in this process.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    client.force_login(supervisor)
    assert client.post("/dashboard/sweep/").status_code == 302
    run = SweepRun.objects.first()
    progress = client.get(f"/dashboard/sweep/{run.pk}.json").json()
    assert progress["status"] == "succeeded" and progress["chunks_done"] == progress["chunks_total"]
    assert run.trigger == f"user {supervisor.username}"


def test_the_map_data_filters_by_status_and_the_radius_search_finds_neighbours(client, officer, city):
    client.force_login(officer)
    data = client.get("/dashboard/map.json?status=non_compliant").json()
    assert [m["name"] for m in data["markers"]] == ["Toko Buruk"]
    page = client.get("/dashboard/map/?latitude=0.137&longitude=117.499&radius_m=50").content.decode()
    assert "Toko Baik" in page and "0 m" in page
    bad = client.get("/dashboard/map/?latitude=-6.2&longitude=106.8&radius_m=50", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and "Ensure this value is greater than or equal to" in bad.content.decode()


def _queries(client, url):
    """Queries of one page, a streamed one read to its end (its rows are queried while it streams)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            assert b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/premises/",
        "/dashboard/flags/",
        "/dashboard/map.json",
        "/dashboard/premises/?format=csv",
    ],
)
def test_each_page_runs_the_same_number_of_queries_for_10_and_for_60_premises(client, officer, url):
    client.force_login(officer)
    road = PremisesFactory().road

    def grow(to):
        while PremisesFactory._meta.model.objects.count() < to:
            dome_below_standard(PremisesFactory(road=road, designated_on=datetime.date(2026, 1, 1)))
        sweep.run_sweep(TODAY)

    grow(10)
    small = _queries(client, url)
    grow(60)
    assert _queries(client, url) == small


def test_the_premises_page_runs_the_same_number_of_queries_however_long_its_history(client, officer, city):
    _good, bad = city
    client.force_login(officer)
    camera = bad.cameras.first()
    url = f"/dashboard/premises/{bad.pk}/"
    before = _queries(client, url)
    for n in range(25):
        camera.label = f"Kamera depan {n}"
        camera.save()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.lower().count("cctv camera changed") == 25 and "Kamera depan 24" in page
    assert _queries(client, url) == before


def test_after_an_action_the_list_opens_at_the_row_acted_on(client, officer):
    from inspections import sweep
    from inspections.models import ComplianceFlag
    from tests.factories import PremisesFactory

    premises = PremisesFactory()
    sweep.run_sweep(timezone.localdate())
    flag = ComplianceFlag.objects.get(premises=premises, kind="no_camera")
    client.force_login(officer)
    response = client.post(
        f"/dashboard/flags/{flag.pk}/", {"action": "acknowledge", "next": "/dashboard/flags/?page=1"}
    )
    assert response["Location"] == f"/dashboard/flags/?page=1#flag-{flag.pk}"
    assert f'id="flag-{flag.pk}"' in client.get("/dashboard/flags/").content.decode()
    response = client.post(
        "/inspections/plan/", {"premises": premises.pk, "officer": officer.pk, "planned_on": "2026-12-01"}
    )
    assert response["Location"] == f"/inspections/plan/#premises-{premises.pk}"
