"""An officer records an inspection of two cameras with a photo, on a phone, in a real Chromium."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from PIL import Image

from inspections.models import CAMERA_CHECKS, Inspection
from registry.models import Premises
from tests.factories import CameraFactory, PremisesFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_an_officer_records_an_inspection_with_two_cameras_and_a_photo_on_a_phone(
    live_server, browser, django_user_model, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    premises = PremisesFactory(name="Toko Diperiksa", designated_on=datetime.date(2026, 1, 1))
    CameraFactory(premises=premises, label="Depan")
    CameraFactory(premises=premises, label="Parkir")
    officer = django_user_model.objects.create_user("petugas", password="kata-sandi-petugas-1", is_staff=True)
    officer.groups.add(Group.objects.get(name="officer"))
    photo = tmp_path / "bukti.jpg"
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 30, 160)).save(out, "JPEG")
    photo.write_bytes(out.getvalue())

    context = browser.new_context(viewport={"width": 360, "height": 740}, extra_http_headers={"Accept-Language": "id"})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/premises/{premises.pk}/inspect/")
    page.fill("#id_username", "petugas")
    page.fill("#id_password", "kata-sandi-petugas-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/premises/{premises.pk}/inspect/")

    # Short on a phone: notes only where a check fails, and one tap marks a camera's checks "pass".
    assert page.evaluate("document.documentElement.scrollHeight") < 2500
    first = premises.cameras.order_by("pk").first()
    assert not page.is_visible(f"#id_c{first.pk}-face_test-note")
    for camera in premises.cameras.order_by("pk"):
        page.locator(f"[data-camera='{camera.pk}']").get_by_role("button", name="Semua pemeriksaan lulus").click()
    assert page.locator("input[type=radio][value=pass]:checked").count() == 2 * len(CAMERA_CHECKS)
    page.check(f"input[name='c{first.pk}-face_test'][value=fail]")
    assert page.is_visible(f"#id_c{first.pk}-face_test-note")
    page.fill(f"#id_c{first.pk}-face_test-note", "Wajah tidak jelas pada 10 m")
    page.check("input[name='p-signage'][value=pass]")
    page.check("input[name='p-no_private_areas'][value=pass]")
    page.set_input_files("#id_photos", str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/browser-inspection.png")
    with page.expect_navigation():
        page.get_by_role("button", name="Catat pemeriksaan").click()

    assert Inspection.objects.filter(premises=premises).exists(), page.inner_text("main")[:800]
    inspection = Inspection.objects.get(premises=premises)
    assert inspection.result == "fail" and inspection.photos.count() == 1 and inspection.items.count() == 16
    assert "Tidak lulus" in page.content()
    # The message says what the inspection changed and what still keeps the premises non-compliant.
    message = page.locator(".messages li").inner_text()
    assert "1 Juli 2026" in message and "Masih belum patuh" in message and "Tidak lulus" in message
    assert Premises.objects.get(pk=premises.pk).next_inspection_due == datetime.date(2026, 7, 1)
    context.close()
