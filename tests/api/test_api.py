"""The REST API: every endpoint against every role, tokens, personal data, filters, the schema."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.auth import issue_token
from inspections import sweep
from inspections.models import ComplianceFlag
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, dome_below_standard

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LISTS = ["roads", "premises", "cameras", "inspections", "flags", "warnings", "standards", "sweep-runs"]


@pytest.fixture
def data():
    p = PremisesFactory(name="Toko API", designated_on=datetime.date(2026, 1, 1))
    ResponsiblePersonFactory(premises=p, nik="6474010101900001")
    CameraFactory(premises=p)
    dome_below_standard(PremisesFactory(name="Toko Gagal", designated_on=datetime.date(2026, 1, 1)))
    sweep.run_sweep(TODAY)
    return p


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_clients_get_nothing_but_the_spec_check_and_schema(api, data, name):
    assert api.get(f"/api/v1/{name}/").status_code in (401, 403)
    assert api.get("/api/schema/").status_code == 200


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("role", ["officer", "supervisor", "auditor"])
def test_every_role_reads_every_endpoint(api, data, name, role, request):
    api.force_authenticate(request.getfixturevalue(role))
    response = api.get(f"/api/v1/{name}/")
    assert response.status_code == 200
    # Two premises, each on its own road with one camera; the sweep flags Toko API overdue (due
    # 1 July 2026) and Toko Gagal overdue with a camera below the standard; no inspection or
    # warning yet; standard v1; one sweep run.
    expected = {"roads": 2, "premises": 2, "cameras": 2, "inspections": 0, "flags": 3, "warnings": 0}
    assert response.json()["count"] == {**expected, "standards": 1, "sweep-runs": 1}[name]


def test_a_user_without_group_reads_nothing(api, data, django_user_model):
    api.force_authenticate(django_user_model.objects.create_user("tamu", password="x"))
    assert api.get("/api/v1/premises/").status_code == 403


def test_a_named_token_reads_and_is_revoked(api, data, officer):
    token, key = issue_token(name="command centre", user=officer)
    assert token.key_hash != key and key not in str(token.__dict__)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/cameras/").status_code == 200
    flag = ComplianceFlag.objects.first()
    assert api.post(f"/api/v1/flags/{flag.pk}/acknowledge/").status_code == 403  # read-only token
    token.revoked_at = timezone.now()
    token.save()
    assert api.get("/api/v1/cameras/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token wrong-key")
    assert api.get("/api/v1/cameras/").status_code == 401


def test_personal_data_and_stream_addresses_only_for_clients_allowed_to_see_them(api, data, auditor, supervisor):
    api.force_authenticate(auditor)
    person = api.get(f"/api/v1/premises/{data.pk}/").json()["responsible_persons"][0]
    assert person["nik"] == "6474••••••••0001"
    camera = api.get("/api/v1/cameras/").json()["results"][0]
    assert camera["rtsp_url"] is None and camera["meets_standard"] is True  # Toko API's PTZ meets v1
    api.force_authenticate(supervisor)
    assert api.get(f"/api/v1/premises/{data.pk}/").json()["responsible_persons"][0]["nik"] == "6474010101900001"
    assert api.get("/api/v1/cameras/").json()["results"][0]["rtsp_url"].startswith("rtsp://")


def test_filters_geojson_and_updated_since(api, data, officer):
    api.force_authenticate(officer)
    names = [p["name"] for p in api.get("/api/v1/premises/?compliance=non_compliant").json()["results"]]
    assert names == ["Toko Gagal"]
    geo = api.get("/api/v1/premises/geojson/?q=API").json()
    assert geo["type"] == "FeatureCollection" and geo["features"][0]["geometry"]["coordinates"] == [117.499, 0.137]
    assert api.get("/api/v1/cameras/?updated_since=2999-01-01").json()["count"] == 0
    assert api.get(f"/api/v1/cameras/?updated_since={TODAY.isoformat()}").json()["count"] == 2
    bad = api.get("/api/v1/cameras/?updated_since=kemarin", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "ISO 8601" in bad.json()["updated_since"][0]


def test_updated_since_returns_flags_acknowledged_or_resolved_and_warnings_that_escalated(api, data, officer):
    """A command centre polling for changes learns of every change, not only of new rows."""
    import time_machine

    from inspections import ladder, recording

    api.force_authenticate(officer)
    acknowledged = ComplianceFlag.objects.get(premises__name="Toko API")
    resolved = ComplianceFlag.objects.get(premises__name="Toko Gagal", kind="inspection_overdue")
    untouched = ComplianceFlag.objects.get(premises__name="Toko Gagal", kind="camera_below_standard")
    warning = ladder.escalate_now(resolved.premises, actor=officer, as_of=TODAY)
    later = timezone.now() + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        recording.acknowledge_flag(acknowledged, actor=officer)
        ComplianceFlag.objects.filter(pk=resolved.pk).update(status="resolved", resolved_at=later)
        ladder.escalate_now(resolved.premises, actor=officer, as_of=TODAY)
    since = (later - datetime.timedelta(minutes=1)).isoformat().replace("+", "%2B")
    flags = api.get(f"/api/v1/flags/?updated_since={since}").json()
    assert sorted(f["id"] for f in flags["results"]) == sorted([acknowledged.pk, resolved.pk])
    assert untouched.pk not in [f["id"] for f in flags["results"]]
    warnings = api.get(f"/api/v1/warnings/?updated_since={since}").json()["results"]
    assert {(w["id"], w["status"]) for w in warnings} >= {(warning.pk, "escalated")}
    assert {w["step"] for w in warnings} == {"sp1", "sp2"}  # the escalated SP1 and the new SP2


def test_an_officer_acknowledges_a_flag_through_the_same_service_and_an_auditor_cannot(api, data, officer, auditor):
    flag = ComplianceFlag.objects.first()
    api.force_authenticate(auditor)
    assert api.post(f"/api/v1/flags/{flag.pk}/acknowledge/").status_code == 403
    api.force_authenticate(officer)
    response = api.post(f"/api/v1/flags/{flag.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    assert flag.history.first().history_change_reason == "acknowledged"


def test_the_docs_page_works_without_the_internet(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "cdn.jsdelivr" not in page


def test_updated_since_with_an_unusual_offset_is_answered_not_a_server_error(api, data, officer):
    api.force_authenticate(officer)
    assert api.get("/api/v1/flags/?updated_since=1722-06-10T01:04:31.518000%2B19:39").status_code == 200
    # 1 January of year 1 at +23:59 is still 31 December of year 0 in UTC: no such date, a clear 400.
    refused = api.get("/api/v1/flags/?updated_since=0001-01-01T00:00:00%2B23:59", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "ISO 8601" in refused.json()["updated_since"][0]
