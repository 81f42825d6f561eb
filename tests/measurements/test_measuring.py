"""Measuring at an inspection, end to end: the printable card, the measuring page (upload, and a frame
grabbed from GStreamer's RTSP server streaming a picture of the card), the API, the rule that makes
"measured below standard" a finding, the pictures' privacy and their retention."""

import datetime
import io
import os
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from inspections import measurements, sweep
from inspections.models import ComplianceFlag, PixelDensityMeasurement
from inspections.pixel_density import measure, read_image
from registry import registration
from registry.models import AccessLog, Camera, CameraStandard, Premises
from tests.factories import CameraFactory, PremisesFactory
from tests.feeds.conftest import gstreamer
from tests.measurements.synthetic import jpeg, png, scene

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def camera():
    """A PTZ camera that meets the declared standard, on a designated premises."""
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    return CameraFactory(premises=premises, label="Depan")


def card_picture(px_per_m):
    picture, truth = scene(round(px_per_m * 0.2), size=(1280, 720))
    return jpeg(picture, 80), truth


def _measure(client, camera, data, **fields):
    upload = SimpleUploadedFile("layar.jpg", data, content_type="image/jpeg")
    return client.post(
        f"/cameras/{camera.pk}/measure/",
        {"image": upload, "marker_side_mm": "200", "distance_m": "10", **fields},
        HTTP_ACCEPT_LANGUAGE="id",
    )


def test_the_test_card_prints_a_200_mm_marker(client, officer, tmp_path):
    client.force_login(officer)
    response = client.get("/measure/test-card.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if not shutil.which("pdftoppm"):
        message = "needs poppler-utils (pdftoppm) to read the card back: apt-get install -y poppler-utils"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    (tmp_path / "card.pdf").write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", tmp_path / "card.pdf", tmp_path / "card"], check=True
    )
    page = read_image((tmp_path / "card.png").read_bytes())
    assert page.shape[0] in (1169, 1170) and page.shape[1] in (826, 827)  # A4 at 100 dpi (rounding)
    assert measure(page).px_per_m == pytest.approx(100 / 0.0254, rel=0.01)  # 200 mm at 100 dots per inch


def test_an_officer_measures_an_uploaded_picture_and_sees_it_beside_the_declared_figures(client, officer, camera):
    client.force_login(officer)
    data, truth = card_picture(180)  # below the 250 px/m faces need
    response = _measure(client, camera, data)
    assert response.status_code == 302
    measurement = PixelDensityMeasurement.objects.get()
    assert measurement.px_per_m == pytest.approx(truth, rel=0.03) and not measurement.meets_identify
    assert (measurement.threshold_px_per_m, float(measurement.distance_m), measurement.source) == (250, 10, "upload")
    assert measurement.measured_by == officer
    camera.refresh_from_db()
    assert camera.measured_px_per_m == measurement.px_per_m and camera.measured_on is not None
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "di bawah tingkat" in page  # the message: below the level
    premises_page = client.get(f"/dashboard/premises/{camera.premises_id}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert f"diukur {measurement.px_per_m:.0f} px/m pada kartu uji" in premises_page
    assert f'data-measured-px-per-m="{measurement.px_per_m:.1f}"' in premises_page  # never localised
    api = client.get(f"/api/v1/cameras/{camera.pk}/").json()
    assert api["measured_px_per_m"] == measurement.px_per_m and api["measured_on"] == str(camera.measured_on)


def test_the_pictures_are_private_staff_only_and_every_look_is_logged(client, officer, auditor, camera, settings):
    client.force_login(officer)
    _measure(client, camera, card_picture(300)[0])
    measurement = PixelDensityMeasurement.objects.get()
    assert str(settings.PRIVATE_MEDIA_ROOT) in measurement.image.path
    assert not (settings.MEDIA_ROOT / measurement.image.name).exists()
    for which in ("original", "corners"):
        response = client.get(f"/measurements/{measurement.pk}/{which}.jpg")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("max-age=0")
    assert AccessLog.objects.filter(target__startswith=f"measurement {measurement.pk} picture").count() == 2
    client.force_login(auditor)
    assert client.get(f"/measurements/{measurement.pk}/original.jpg").status_code == 403
    client.logout()
    assert client.get(f"/measurements/{measurement.pk}/original.jpg").status_code == 302  # to the login


def test_the_kept_picture_has_no_metadata_of_the_upload(client, officer, camera):
    picture, _truth = scene(60, size=(1280, 720))
    image = Image.fromarray(picture)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (0.0, 8.0, 0.0)}  # a GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    client.force_login(officer)
    _measure(client, camera, out.getvalue())
    kept = Image.open(PixelDensityMeasurement.objects.get().image.open("rb"))
    assert not kept.getexif()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png(scene(60)[0][:, :, 0] * 0 + 128), "Tidak ada kartu uji"),  # no marker
        (b"not a picture at all", "Berkas ini bukan gambar"),
    ],
)
def test_a_picture_that_cannot_be_measured_is_refused_in_indonesian_and_nothing_is_stored(
    client, officer, camera, data, message
):
    client.force_login(officer)
    response = _measure(client, camera, data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not PixelDensityMeasurement.objects.exists()
    assert Camera.objects.get(pk=camera.pk).measured_px_per_m is None


def test_without_a_picture_the_form_says_what_is_missing(client, officer, camera):
    client.force_login(officer)
    response = client.post(f"/cameras/{camera.pk}/measure/", {"marker_side_mm": "200"}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 422 and "Unggah gambar" in response.content.decode()


def test_a_frame_grabbed_from_the_stream_is_measured(client, officer, camera, settings, tmp_path):
    picture, truth = scene(70, size=(1280, 720), background=110)  # 350 px/m
    (tmp_path / "kartu.png").write_bytes(png(picture))
    server, url = gstreamer("--image", str(tmp_path / "kartu.png"))
    try:
        settings.FEED_PROBE_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        settings.FEED_PROBE_TIMEOUT_SECONDS = 10
        Camera.objects.filter(pk=camera.pk).update(rtsp_url=url)
        client.force_login(officer)
        response = client.post(
            f"/cameras/{camera.pk}/measure/", {"grab_frame": "on", "marker_side_mm": "200"}, HTTP_ACCEPT_LANGUAGE="id"
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
    finally:
        server.terminate()
        server.wait(10)
    measurement = PixelDensityMeasurement.objects.get()
    assert measurement.source == "frame" and measurement.meets_identify
    assert measurement.px_per_m == pytest.approx(truth, rel=0.03)


def test_a_stream_outside_the_allowed_networks_is_not_grabbed(client, officer, camera):
    Camera.objects.filter(pk=camera.pk).update(rtsp_url="rtsp://127.0.0.1:554/s")  # loopback: refused by default
    client.force_login(officer)
    response = client.post(
        f"/cameras/{camera.pk}/measure/", {"grab_frame": "on", "marker_side_mm": "200"}, HTTP_ACCEPT_LANGUAGE="id"
    )
    page = response.content.decode()
    assert response.status_code == 422 and "jaringan yang diizinkan" in page and "127.0.0.1" not in page


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_answers_pixels_per_metre_and_the_verdict(client, officer):
    client.force_login(officer)
    data, truth = card_picture(300)
    answer = client.post("/api/v1/pixel-density/", {"image": SimpleUploadedFile("a.jpg", data)}).json()
    assert answer["marker_found"] is True and answer["meets_identify"] is True
    assert answer["threshold_px_per_m"] == 250 and answer["px_per_m"] == pytest.approx(truth, rel=0.03)
    half = client.post(
        "/api/v1/pixel-density/", {"image": SimpleUploadedFile("a.jpg", data), "marker_side_mm": "400"}
    ).json()
    assert half["px_per_m"] == pytest.approx(truth / 2, rel=0.03) and half["meets_identify"] is False
    assert not PixelDensityMeasurement.objects.exists()  # the API measures; the inspection page stores


def test_the_api_refuses_what_it_cannot_measure_clearly(client, officer, auditor):
    client.force_login(officer)
    blank = png(scene(60)[0] * 0 + 128)
    no_marker = client.post(
        "/api/v1/pixel-density/", {"image": SimpleUploadedFile("a.png", blank)}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert no_marker.status_code == 422 and no_marker.json()["marker_found"] is False
    assert "Tidak ada kartu uji" in no_marker.json()["detail"]
    not_image = client.post("/api/v1/pixel-density/", {"image": SimpleUploadedFile("a.jpg", b"hello")})
    assert not_image.status_code == 400 and "image" in not_image.json()
    bad_side = client.post(
        "/api/v1/pixel-density/", {"image": SimpleUploadedFile("a.jpg", b"x"), "marker_side_mm": "abc"}
    )
    assert bad_side.status_code == 400
    assert client.post("/api/v1/pixel-density/", {}).status_code == 400
    client.force_login(auditor)
    assert client.post("/api/v1/pixel-density/", {"image": SimpleUploadedFile("a.jpg", blank)}).status_code == 403


# --- the rule ---------------------------------------------------------------------------------------


def _record(camera, px_per_m, on):
    picture, _truth = scene(round(px_per_m * 0.2), size=(1280, 720))
    moment = datetime.datetime.combine(on, datetime.time(10), tzinfo=datetime.UTC)
    return measurements.record(camera, picture, source="upload", user=None, marker_side_mm=200, now=moment)


def _flag(camera, kind):
    return ComplianceFlag.objects.unresolved().filter(premises=camera.premises, kind=kind).first()


def test_measured_below_standard_is_a_finding_on_the_pages_and_in_the_api(client, officer, camera):
    _record(camera, 150, datetime.date(2026, 11, 20))
    sweep.run_sweep(AS_OF)
    flag = _flag(camera, "measured_below_standard")
    assert flag is not None and flag.details["cameras"][0]["required_px_per_m"] == 250
    Premises.objects.filter(pk=camera.premises_id).update(status_secret_hash=registration.hash_secret("ukur-rahasia"))
    status = client.get("/status/ukur-rahasia/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert re.search(
        r"Depan: terukur 1[45]\d px/m pada kartu uji tanggal 2026-11-20; wajah memerlukan 250 px/m", status
    )
    client.force_login(officer)
    premises = client.get(f"/dashboard/premises/{camera.premises_id}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Terukur di bawah standar" in premises
    flags = client.get(f"/api/v1/flags/?premises={camera.premises_id}").json()["results"]
    assert "measured_below_standard" in [f["kind"] for f in flags]


def test_a_fresh_measurement_wins_over_the_declared_figures_and_an_old_one_does_not(camera):
    # Declared: a 1080p dome that cannot identify a face at 10 m.
    Camera.objects.filter(pk=camera.pk).update(
        camera_type="dome", pan_range_deg=0, optical_zoom=None, hfov_tele_deg=None, hfov_wide_deg=100
    )
    sweep.run_sweep(AS_OF)
    below = _flag(camera, "camera_below_standard")
    assert below and "face_identification" in [f["rule"] for f in below.details["cameras"][0]["findings"]]
    _record(camera, 300, datetime.date(2026, 11, 25))  # measured: enough where faces must be identified
    sweep.run_sweep(AS_OF)
    flag = _flag(camera, "camera_below_standard")
    rules_left = [f["rule"] for f in flag.details["cameras"][0]["findings"]] if flag else []
    assert "face_identification" not in rules_left and _flag(camera, "measured_below_standard") is None
    CameraStandard.objects.update(measurement_valid_days=2)  # the measurement is too old now
    sweep.run_sweep(AS_OF)
    flag = _flag(camera, "camera_below_standard")
    assert "face_identification" in [f["rule"] for f in flag.details["cameras"][0]["findings"]]


def test_the_pictures_are_deleted_after_the_retention_and_the_figures_stay(client, officer, camera):
    measurement = _record(camera, 300, datetime.date(2026, 10, 1))
    recent = _record(camera, 300, datetime.date(2026, 11, 27))
    path = measurement.image.path
    now = datetime.datetime(2026, 11, 28, 12, tzinfo=datetime.UTC)
    assert measurements.delete_old_images(now) == 1  # 30 days by default
    measurement.refresh_from_db()
    assert not measurement.image and not measurement.annotated and measurement.images_deleted_at == now
    assert measurement.px_per_m and not os.path.exists(path)
    recent.refresh_from_db()
    assert recent.image and os.path.exists(recent.image.path)
    client.force_login(officer)
    assert client.get(f"/measurements/{measurement.pk}/original.jpg").status_code == 404
    assert measurements.delete_old_images(now) == 0


# --- the inspection form uses the same service ------------------------------------------------------


def _inspection_data(camera, **changes):
    from tests.inspections.test_recording import page_data

    return page_data(camera.premises, performed_on="2026-11-27", **changes)


def test_the_inspection_form_measures_a_card_picture_and_links_it_to_the_inspection(client, officer, camera):
    client.force_login(officer)
    data, truth = card_picture(320)
    upload = SimpleUploadedFile("kartu.jpg", data, content_type="image/jpeg")
    response = client.post(
        f"/premises/{camera.premises_id}/inspect/",
        _inspection_data(camera, **{f"m{camera.pk}-card": upload, f"m{camera.pk}-distance": "8"}),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    measurement = PixelDensityMeasurement.objects.get()
    assert measurement.inspection is not None and measurement.inspection.premises_id == camera.premises_id
    assert measurement.px_per_m == pytest.approx(truth, rel=0.03) and float(measurement.distance_m) == 8


def test_an_inspection_with_a_card_picture_that_cannot_be_measured_saves_nothing(client, officer, camera):
    from inspections.models import Inspection

    client.force_login(officer)
    upload = SimpleUploadedFile("kosong.png", png(scene(60)[0] * 0 + 128), content_type="image/png")
    response = client.post(
        f"/premises/{camera.premises_id}/inspect/",
        _inspection_data(camera, **{f"m{camera.pk}-card": upload}),
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 200 and "Tidak ada kartu uji" in response.content.decode()
    assert not Inspection.objects.exists() and not PixelDensityMeasurement.objects.exists()
