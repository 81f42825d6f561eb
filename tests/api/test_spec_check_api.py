"""POST /api/v1/spec-check/: public, validated like a stored camera, in the caller's language."""

import datetime

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from registry import spec_check
from registry.models import Camera, CameraStandard

URL = "/api/v1/spec-check/"

FIXED_DOME = {
    "camera_type": "dome",
    "pan_range_deg": 0,
    "hfov_wide_deg": 90,
    "resolution_h_px": 1920,
    "resolution_v_px": 1080,
    "night_vision": True,
    "retention_days": 30,
    "onvif_profiles": ["S"],
    "rtsp_url": "rtsp://192.168.1.10:554/stream1",
    "faces_road": True,
}


@pytest.fixture
def api():
    return APIClient()


def post(api, body, language="en"):
    return api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.django_db
def test_anonymous_owner_gets_the_distance_verdict_and_every_finding(api):
    response = post(api, FIXED_DOME)
    assert response.status_code == 200
    body = response.json()
    assert body["standard_version"] == 1
    assert body["standard_effective_from"] == "2019-10-01"
    assert body["identification_distance_m"] == 3.84
    assert body["meets_standard"] is False
    assert [(f["rule"], f["setting"], f["required"], f["actual"]) for f in body["findings"]] == [
        ("pan_range", "min_pan_deg", 90, 0.0),
        ("face_identification", "face_distance_m", 10.0, 3.8),
    ]
    assert body["findings"][1]["message"].startswith("Recognises faces only up to 3.8 m")


@pytest.mark.django_db
def test_findings_are_in_indonesian_by_default(api):
    response = api.post(URL, FIXED_DOME, format="json")
    messages = [f["message"] for f in response.json()["findings"]]
    assert messages[1].startswith("Hanya dapat mengenali wajah sampai 3,8 m")


@pytest.mark.django_db
def test_a_ptz_with_zoom_meets_the_standard(api):
    body = {
        **FIXED_DOME,
        "camera_type": "ptz",
        "pan_range_deg": 360,
        "hfov_wide_deg": 57.6,
        "optical_zoom": 25,
        "resolution_h_px": 2560,
        "resolution_v_px": 1440,
    }
    response = post(api, body)
    assert response.status_code == 200
    assert response.json()["meets_standard"] is True
    assert response.json()["findings"] == []


@pytest.mark.django_db
def test_as_of_picks_the_version_in_force_on_that_date(api):
    CameraStandard.objects.create(effective_from=datetime.date(2099, 1, 1), face_distance_m=3)
    old = post(api, FIXED_DOME).json()
    new = post(api, {**FIXED_DOME, "as_of": "2099-06-30"}).json()
    assert (old["standard_version"], new["standard_version"]) == (1, 2)
    assert [f["rule"] for f in new["findings"]] == ["pan_range"]


@pytest.mark.django_db
def test_a_date_before_the_first_standard_is_a_clear_400(api):
    response = post(api, {**FIXED_DOME, "as_of": "2010-01-01"})
    assert response.status_code == 400
    assert response.json() == {"as_of": ["No camera standard was in force on that date."]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"pan_range_deg": 400}, "pan_range_deg", "Ensure this value is less than or equal to 360."),
        ({"pan_range_deg": -10}, "pan_range_deg", "Ensure this value is greater than or equal to 0."),
        ({"hfov_wide_deg": 0}, "hfov_wide_deg", "Ensure this value is greater than or equal to 1."),
        ({"hfov_wide_deg": 400}, "hfov_wide_deg", "Ensure this value is less than or equal to 360."),
        ({"resolution_h_px": 0}, "resolution_h_px", "Ensure this value is greater than or equal to 1."),
        ({"resolution_v_px": -1080}, "resolution_v_px", "Ensure this value is greater than or equal to 1."),
        ({"optical_zoom": 0.5}, "optical_zoom", "Ensure this value is greater than or equal to 1."),
        ({"hfov_tele_deg": 120}, "hfov_tele_deg", "The tele field of view cannot be wider than the wide one."),
        ({"retention_days": "thirty"}, "retention_days", "A valid integer is required."),
        ({"hfov_wide_deg": "nan"}, "hfov_wide_deg", "A valid number is required."),
        ({"optical_zoom": "Infinity"}, "optical_zoom", "A valid number is required."),
        ({"camera_type": "robot"}, "camera_type", '"robot" is not a valid choice.'),
        ({"onvif_profiles": ["X"]}, "onvif_profiles", '"X" is not a valid choice.'),
        ({"rtsp_url": "http://example.org/stream"}, "rtsp_url", "Enter a stream address that starts with rtsp://"),
        (
            {"rtsp_url": "rtsp://admin:12345@192.168.1.10:554/stream1"},
            "rtsp_url",
            "Remove the user name and password from the stream address",
        ),
    ],
)
def test_bad_specs_get_a_400_naming_the_field_and_store_nothing(api, change, field, message):
    response = post(api, {**FIXED_DOME, **change})
    assert response.status_code == 400
    errors = response.json()[field]
    flat = (
        errors
        if isinstance(errors, list) and isinstance(errors[0], str)
        else [str(e) for e in (errors.values() if isinstance(errors, dict) else errors)]
    )
    assert any(message in e for e in flat), errors
    assert Camera.objects.count() == 0


@pytest.mark.django_db
def test_missing_required_specs_are_named(api):
    response = post(api, {})
    assert response.status_code == 400
    assert set(response.json()) >= {
        "camera_type",
        "pan_range_deg",
        "hfov_wide_deg",
        "resolution_h_px",
        "resolution_v_px",
        "retention_days",
    }


@pytest.mark.django_db
def test_errors_come_in_indonesian_by_default(api):
    response = api.post(URL, {**FIXED_DOME, "rtsp_url": "rtsp://admin:pw@10.0.0.1/x"}, format="json")
    assert response.status_code == 400
    assert "Hapus nama pengguna dan kata sandi" in response.json()["rtsp_url"][0]


@pytest.mark.django_db
def test_not_a_json_object_is_a_400_not_a_server_error(api):
    for raw in ("[1, 2]", "not json", '{"pan_range_deg": NaN}'):
        response = api.post(URL, raw, content_type="application/json")
        assert response.status_code == 400, raw


@pytest.mark.django_db
def test_the_endpoint_is_public_and_needs_no_csrf_token():
    client = APIClient(enforce_csrf_checks=True)
    assert client.post(URL, FIXED_DOME, format="json").status_code == 200


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/spec-check/"]["post"]
    assert operation["operationId"] == "spec_check"
    response_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    properties = schema["components"]["schemas"][response_schema]["properties"]
    assert {"identification_distance_m", "meets_standard", "findings", "standard_version"} <= set(properties)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    h_px=st.integers(min_value=1, max_value=20000),
    wide=st.floats(min_value=1, max_value=360, allow_nan=False),
    zoom=st.one_of(st.none(), st.floats(min_value=1, max_value=100, allow_nan=False)),
)
def test_the_endpoint_agrees_with_the_formula_for_any_valid_input(api, h_px, wide, zoom):
    cache.clear()  # the throttle must not count hypothesis' examples
    response = post(api, {**FIXED_DOME, "resolution_h_px": h_px, "hfov_wide_deg": wide, "optical_zoom": zoom})
    assert response.status_code == 200, response.content
    tele = spec_check.tele_hfov_deg(wide, None, zoom)
    expected = spec_check.max_distance_m(h_px, tele, 250)
    reported = response.json()["identification_distance_m"]
    assert expected - 0.01 - 1e-9 <= reported <= expected + 1e-9
    has_face_finding = any(f["rule"] == "face_identification" for f in response.json()["findings"])
    assert has_face_finding == (expected < 10)
