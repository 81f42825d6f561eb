"""An officer's morning: overview, a filtered list, one premises, acknowledging a flag.
Screenshots of each page go to tests/artifacts/ (not in git) for a person to look at."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from inspections import sweep
from inspections.models import ComplianceFlag
from tests.factories import CameraFactory, PremisesFactory, dome_below_standard

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def test_an_officer_reads_the_overview_filters_opens_a_premises_and_acknowledges_a_flag(
    live_server, browser, django_user_model
):
    ARTIFACTS.mkdir(exist_ok=True)
    good = PremisesFactory(name="Toko Patuh", designated_on=datetime.date(2026, 1, 1))
    CameraFactory(premises=good)
    bad = PremisesFactory(name="Toko Lalai", designated_on=datetime.date(2026, 1, 1), road=good.road)
    dome_below_standard(bad)
    sweep.run_sweep(timezone.localdate())
    officer = django_user_model.objects.create_user("petugas", password="kata-sandi-petugas-1", is_staff=True)
    officer.groups.add(Group.objects.get(name="officer"))

    context = browser.new_context(viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": "id"})
    page = context.new_page()
    page.goto(f"{live_server.url}/dashboard/")
    page.fill("#id_username", "petugas")
    page.fill("#id_password", "kata-sandi-petugas-1")
    page.click("#main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert "Sekilas kota" in page.content()
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)

    page.click("a[aria-current] >> xpath=..//following-sibling::li[2]/a")  # Premises tab
    page.select_option("#id_compliance", "non_compliant")
    with page.expect_navigation():
        page.get_by_role("button", name="Saring").click()
    assert "Toko Lalai" in page.content() and "Toko Patuh" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "dashboard-list.png"))

    with page.expect_navigation():
        page.get_by_role("link", name="Toko Lalai").click()
    assert "Linimasa" in page.content()
    page.screenshot(path=str(ARTIFACTS / "dashboard-premises.png"))

    page.goto(f"{live_server.url}/dashboard/flags/")
    with page.expect_navigation():
        page.locator("tr", has_text="Toko Lalai").get_by_role("button", name="Tandai ditangani").first.click()
    assert ComplianceFlag.objects.filter(premises=bad, status="acknowledged").exists()
    page.screenshot(path=str(ARTIFACTS / "dashboard-flags.png"))

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview-phone.png"))
    context.close()
