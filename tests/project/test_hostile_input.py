"""Hostile input on every public endpoint and form never gets a server error.

Deep nesting, lone surrogates, NUL bytes, huge numbers and bodies over the limit: each answer is
a 4xx (or the form shown again with its errors), never a 5xx. The same for the staff pages the
outside test found: NUL bytes in admin query strings and a hostile value in an admin form.
"""

import pytest
from django.test import Client
from django.urls import reverse

from registry.registration import hash_secret
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db

SECRET = "a-status-secret-for-the-hostile-input-test"
TEN_MB = 10 * 1024 * 1024 + 1

HOSTILE_JSON = {
    "nested 1,000 deep": b'{"camera_type": ' + b"[" * 1000 + b"]" * 1000 + b"}",
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "lone surrogate": b'{"camera_type": "\\ud800"}',
    "lone surrogate as a key": b'{"\\udfff": 1}',
    "NUL byte": b'{"camera_type": "dome\\u0000", "rtsp_url": "rtsp://10.0.0.1/\\u0000"}',
    "raw NUL byte": b'{"camera_type": "dome\x00"}',
    "huge integer": b'{"pan_range_deg": ' + b"9" * 5000 + b"}",
    "huge float": b'{"pan_range_deg": 1e999, "hfov_wide_deg": -1e999}',
    "NaN": b'{"pan_range_deg": NaN, "hfov_wide_deg": Infinity}',
    "invalid UTF-8": b'{"camera_type": "\xff\xfe"}',
    "not an object": b'"dome"',
    "an array": b"[1, 2, 3]",
    "null": b"null",
    "empty": b"",
    "10 MB": b'{"camera_type": "' + b"x" * TEN_MB + b'"}',
}

# Form bodies, sent as application/x-www-form-urlencoded (already encoded).
HOSTILE_FORM_VALUES = {
    "NUL byte": "%00",
    "text with NUL": "Toko%00Contoh",
    "lone surrogate (CESU-8)": "%ED%A0%80",
    "invalid UTF-8": "%FF%FE",
    "huge number": "9" * 5000,
    "huge exponent": "1e999999",
    "negative zero": "-0",
}


@pytest.fixture
def status_premises(officer):
    premises = PremisesFactory(status_secret_hash=hash_secret(SECRET))
    ResponsiblePersonFactory(premises=premises)
    CameraFactory(premises=premises)
    return premises


def no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.fixture
def anon():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("name", HOSTILE_JSON)
def test_the_public_spec_check_answers_400_to_hostile_json(anon, name):
    response = anon.post("/api/v1/spec-check/", HOSTILE_JSON[name], content_type="application/json")
    assert response.status_code == 400, (name, response.status_code)
    assert response["Content-Type"].startswith("application/json")
    response.json()  # the error itself is valid JSON


def test_a_hostile_json_error_is_in_the_users_language(anon):
    response = anon.post(
        "/api/v1/spec-check/",
        HOSTILE_JSON["nested 1,000 deep"],
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert "bersarang" in response.json()["detail"]


@pytest.mark.parametrize("value", HOSTILE_FORM_VALUES.values(), ids=HOSTILE_FORM_VALUES.keys())
def test_public_forms_never_answer_5xx(anon, status_premises, value):
    fields = [
        "premises-name",
        "premises-category",
        "premises-road",
        "premises-latitude",
        "premises-longitude",
        "premises-nib",
        "person-name",
        "person-phone",
        "person-email",
        "person-nik",
        "cameras-TOTAL_FORMS",
        "cameras-INITIAL_FORMS",
        "cameras-0-label",
        "cameras-0-pan_range_deg",
        "cameras-0-hfov_wide_deg",
        "cameras-0-rtsp_url",
        "cameras-0-camera_type",
    ]
    body = "&".join(f"{name}={value}" for name in fields)
    form = "application/x-www-form-urlencoded"
    no_server_error(anon.post("/register/", body, content_type=form), "register")
    no_server_error(anon.post(f"/status/{SECRET}/edit/", body, content_type=form), "owner edit")
    no_server_error(anon.post("/i18n/setlang/", f"language={value}&next={value}", content_type=form), "setlang")
    no_server_error(anon.post("/admin/login/", f"username={value}&password={value}", content_type=form), "login")


@pytest.mark.parametrize("value", ["%00", "%ED%A0%80", "x" * 300, "..%2F..%2F", "%25", "9" * 5000])
def test_public_pages_with_hostile_paths_and_query_strings_never_answer_5xx(anon, status_premises, value):
    for url in (
        f"/status/{value}/",
        f"/status/{value}/edit/",
        f"/?q={value}",
        f"/register/?premises-road={value}",
        f"/healthz?x={value}",
        f"/api/schema/?format={value}",
        f"/api/docs/?x={value}",
        f"/api/v1/premises/?road={value}",
        f"/register/done/?x={value}",
    ):
        no_server_error(anon.get(url), url)


def test_a_body_over_the_limit_on_a_public_form_is_a_400(anon):
    response = anon.post(
        "/register/", b"premises-name=" + b"x" * TEN_MB, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/admin/registry/premises/?verification_status__exact=%00",
        "/admin/registry/camera/?status__exact=%00",
        "/admin/registry/responsibleperson/?q=%00",
        "/admin/registry/premises/?q=abc%00def",
        "/admin/inspections/complianceflag/?status__exact=%00",
        "/dashboard/premises/?q=%00",
        "/dashboard/premises/?road=%00",
        "/exports/premises.csv?road=%00",
    ],
)
def test_nul_bytes_in_staff_query_strings_are_a_400(supervisor, url):
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("value", ["%00", "1%00", "abc", "9" * 30, "-1", "1 OR 1=1", "%ED%A0%80"])
def test_a_hostile_premises_value_in_the_admin_camera_form_is_a_form_error(supervisor, value):
    camera = CameraFactory()
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    body = (
        f"premises={value}&label=Depan&status=active&brand=X&model=Y&camera_type=ptz&pan_range_deg=360"
        "&hfov_wide_deg=57.6&resolution_h_px=1920&resolution_v_px=1080&retention_days=30"
    )
    response = client.post(
        reverse("admin:registry_camera_change", args=[camera.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400), response.status_code
    camera.refresh_from_db()
    assert camera.label != "Depan"  # nothing half-saved


def _autocomplete_fields():
    from django.contrib import admin

    return [
        (model, field)
        for model, model_admin in admin.site._registry.items()
        for field in model_admin.autocomplete_fields
    ]


@pytest.mark.parametrize(("model", "field"), _autocomplete_fields(), ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("value", ["abc", "1%00", "9" * 30])
def test_every_admin_autocomplete_field_shows_a_hostile_value_as_a_form_error(supervisor, model, field, value):
    from registry.models import CatalogueCamera
    from tests.factories import ResponsiblePersonFactory

    obj = {
        "Premises": PremisesFactory,
        "Camera": CameraFactory,
        "ResponsiblePerson": ResponsiblePersonFactory,
        "CatalogueCamera": lambda: CatalogueCamera.objects.order_by("pk").first(),  # seeded by migration
    }[model.__name__]()
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    response = client.post(url, f"{field}={value}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.status_code  # the form again, with its errors
    assert response.context["adminform"].form.errors
