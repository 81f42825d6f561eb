"""Officers work in the Django admin; personal data stays masked for those without the permission."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from registry.models import CameraStandard
from tests.factories import CameraFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist_with_explicit_permissions():
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"officer", "supervisor", "auditor"} <= set(perms)
    assert {"add_premises", "change_camera", "verify_premises", "view_camerastandard"} <= perms["officer"]
    assert "change_camerastandard" not in perms["officer"]
    assert "view_personal_data" not in perms["officer"]
    assert {"add_camerastandard", "view_personal_data"} <= perms["supervisor"]
    assert all(p.startswith("view_") or p == "export_data" for p in perms["auditor"])
    assert "view_personal_data" not in perms["auditor"]
    assert "export_data" in perms["auditor"] and "export_data" in perms["supervisor"]
    assert "export_data" not in perms["officer"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/registry/premises/",
        "/admin/registry/premises/add/",
        "/admin/registry/camera/",
        "/admin/registry/protocolroad/",
        "/admin/registry/responsibleperson/",
        "/admin/registry/camerastandard/",
    ],
)
def test_an_officer_can_open_the_registry_admin(client, officer, url):
    CameraFactory()
    client.force_login(officer)
    assert client.get(url).status_code == 200


def test_an_officer_sees_a_premises_with_its_cameras_and_the_verdict(client, officer):
    camera = CameraFactory(hfov_wide_deg=90, optical_zoom=None, resolution_h_px=1920, resolution_v_px=1080)
    client.force_login(officer)
    page = client.get(f"/admin/registry/camera/{camera.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Face identification distance: 3.84 m" in page
    assert "Recognises faces only up to 3.8 m" in page
    listing = client.get("/admin/registry/camera/").content.decode()
    assert 'alt="False"' in listing


def test_an_officer_sees_the_nik_masked_and_a_supervisor_sees_it_whole(client, officer, supervisor):
    person = ResponsiblePersonFactory(nik="6474010101900001")
    url = f"/admin/registry/responsibleperson/{person.pk}/change/"
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "6474••••••••0001" in page and "6474010101900001" not in page
    client.force_login(supervisor)
    assert "6474010101900001" in client.get(url).content.decode()


def test_an_auditor_reads_but_cannot_change(client, auditor):
    camera = CameraFactory()
    client.force_login(auditor)
    assert client.get(f"/admin/registry/premises/{camera.premises.pk}/change/").status_code == 200
    response = client.post(f"/admin/registry/premises/{camera.premises.pk}/change/", {"name": "Diubah"})
    assert response.status_code == 403
    assert "10.0.0.10" not in client.get(f"/admin/registry/camera/{camera.pk}/change/").content.decode()


def test_an_officer_sees_the_stream_address(client, officer):
    camera = CameraFactory()
    client.force_login(officer)
    assert (
        "rtsp://10.0.0.10:554/Streaming/Channels/101"
        in client.get(f"/admin/registry/camera/{camera.pk}/change/").content.decode()
    )


def test_a_supervisor_cannot_edit_the_version_in_force_but_can_start_a_new_one_from_it(client, supervisor):
    client.force_login(supervisor)
    v1 = CameraStandard.objects.get(version=1)
    page = client.get(f"/admin/registry/camerastandard/{v1.pk}/change/").content.decode()
    assert 'name="face_distance_m"' not in page
    assert f"?from_version={v1.pk}" in page
    add_page = client.get(f"/admin/registry/camerastandard/add/?from_version={v1.pk}").content.decode()
    assert 'name="face_distance_m" value="10.0"' in add_page

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = {
        name: value
        for name, value in {
            "effective_from": tomorrow.isoformat(),
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
            "min_road_cameras": 1,
            "min_road_cameras_by_category": '{"bank": 2}',
            "inspection_interval_months": 6,
            "grace_period_days": 90,
            "warning_grace_days": 7,
            "revocation_after_freeze_months": 3,
            "feed_dark_hours": 72,
            "measurement_valid_days": 365,
            "measurement_image_retention_days": 30,
        }.items()
    }
    response = client.post("/admin/registry/camerastandard/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    v2 = CameraStandard.objects.get(version=2)
    assert (v2.min_retention_days, v2.created_by) == (60, supervisor)
    assert CameraStandard.objects.get(version=1).min_retention_days == 30


def test_an_officer_cannot_change_the_standard(client, officer):
    client.force_login(officer)
    assert client.get("/admin/registry/camerastandard/add/").status_code == 403
