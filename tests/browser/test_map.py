"""The map in a real browser: it asks for what it shows, draws clusters with their status ring and
words, and clicking a cluster zooms into its premises. In Indonesian."""

import datetime
from decimal import Decimal

import pytest

from registry.models import Premises
from tests.browser.test_staff_navigation import sign_in
from tests.factories import PremisesFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_clusters_open_into_premises_as_the_officer_zooms_in(live_server, browser, django_user_model, tmp_path):
    road = PremisesFactory(name="Toko Jauh", latitude=Decimal("0.120000"), longitude=Decimal("117.550000")).road
    for i in range(12):
        PremisesFactory(
            road=road,
            name=f"Toko Blok {i}",
            latitude=Decimal("0.133000") + Decimal(i) / 20000,
            longitude=Decimal("117.495000") + Decimal(i) / 20000,
            designated_on=datetime.date(2025, 1, 1),
        )
    # Two in breach, the rest not (as a sweep would leave them; set here, whatever judged them on save).
    Premises.objects.update(in_breach=False)
    Premises.objects.filter(name__in=["Toko Blok 0", "Toko Blok 1"]).update(in_breach=True)
    page = sign_in(browser, live_server, django_user_model, "officer")
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "map.json" in r.url else None)
    page.goto(f"{live_server.url}/dashboard/map/")
    page.wait_for_selector("#city-map[data-markers='13']")
    assert "bbox=" in requests[-1] and "zoom=13" in requests[-1]
    cluster = page.locator(".map-cluster").first
    assert cluster.inner_text() == "12"
    assert cluster.get_attribute("title") == "12 bangunan: 2 Tidak patuh · 10 Patuh"
    page.screenshot(path=str(tmp_path / "map-city.png"))
    # A click zooms into the cluster. At the closest zoom, premises 5 m apart still share a dot:
    # a cluster's popup then opens the list of premises at that spot.
    with page.expect_response(lambda r: "map.json" in r.url):
        page.locator(".map-cluster").first.click()
    page.wait_for_selector("#city-map[data-markers='12']")  # Toko Jauh is out of view now
    assert "zoom=19" in requests[-1]
    page.screenshot(path=str(tmp_path / "map-zoomed.png"))
    shown = page.locator(".map-cluster").count() + page.locator("#city-map path.leaflet-interactive").count()
    assert shown >= 4
    cluster = page.locator(".map-cluster").first
    count = int(cluster.inner_text())
    cluster.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Daftar bangunan di titik ini").click()
    names = page.locator("main table tbody tr").all_inner_texts()
    assert len(names) >= count and all("Toko Blok" in n for n in names)
