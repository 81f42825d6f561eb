"""The map at any size: the browser asks for one view (box and zoom) and gets clusters counted in
SQL and single premises (inspections/clusters.py), from the dashboard and from the API."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from inspections import clusters
from registry.models import Premises
from tests.factories import PremisesFactory

pytestmark = pytest.mark.django_db
CITY = "117.383,0.017,117.633,0.2"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def town(officer):
    """Ten premises in one block of Jl. Ahmad Yani (three not compliant, two never verified), one
    alone across the city, and two at the very same spot in a plaza."""
    road = PremisesFactory().road
    Premises.objects.all().delete()
    block = []
    for i in range(10):
        block.append(
            PremisesFactory(
                road=road,
                name=f"Toko Blok {i}",
                latitude=Decimal("0.130000") + Decimal(i) / 10000,
                longitude=Decimal("117.490000") + Decimal(i) / 10000,
                verification_status="pending" if i >= 8 else "verified",
            )
        )
    Premises.objects.filter(pk__in=[p.pk for p in block[:3]]).update(in_breach=True)
    PremisesFactory(road=road, name="Toko Jauh", latitude=Decimal("0.050000"), longitude=Decimal("117.600000"))
    for name in ("Plaza Lt 1", "Plaza Lt 2"):
        PremisesFactory(road=road, name=name, latitude=Decimal("0.170000"), longitude=Decimal("117.420000"))
    return road


def _map(client, **params):
    response = client.get("/dashboard/map.json", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_city_view_is_clusters_whose_counts_add_up_per_status(client, officer, town):
    client.force_login(officer)
    data = _map(client, bbox=CITY, zoom=13)
    by_size = sorted(data["clusters"], key=lambda c: c["count"])
    assert [c["count"] for c in by_size] == [2, 10]
    plaza, block = by_size
    assert (block["non_compliant"], block["compliant"], block["not_judged"]) == (3, 5, 2)
    assert plaza["bounds"][0] == plaza["bounds"][1] == [0.17, 117.42]  # one spot: the browser lists them
    assert 0.130 < block["lat"] < 0.131 and block["bounds"] == [[0.13, 117.49], [0.1309, 117.4909]]
    assert [m["name"] for m in data["markers"]] == ["Toko Jauh"]
    assert data["markers"][0]["url"] == f"/dashboard/premises/{data['markers'][0]['id']}/"
    assert data["labels"]["non_compliant"] == "Tidak patuh"


def test_zooming_into_the_block_shows_each_premises_with_its_status(client, officer, town):
    client.force_login(officer)
    data = _map(client, bbox="117.4899,0.1299,117.4911,0.1311", zoom=19)
    assert data["clusters"] == []
    statuses = {m["name"]: m["status"] for m in data["markers"]}
    assert len(statuses) == 10 and "Toko Jauh" not in statuses
    assert statuses["Toko Blok 0"] == "non_compliant" and statuses["Toko Blok 5"] == "compliant"
    assert statuses["Toko Blok 9"] == "not_judged"


def test_the_status_and_road_filters_apply_before_clustering(client, officer, town):
    client.force_login(officer)
    data = _map(client, bbox=CITY, zoom=13, status="non_compliant")
    assert [c["count"] for c in data["clusters"]] == [3] and data["markers"] == []
    other_road = _map(client, bbox=CITY, zoom=13, road=town.pk + 1)
    assert other_road["clusters"] == other_road["markers"] == []
    assert sum(c["count"] for c in _map(client, road=town.pk)["clusters"]) == 12


def test_a_huge_box_at_the_closest_zoom_is_coarsened_to_a_bounded_grid():
    view = clusters.View.from_params("-180,-90,180,90", "19")
    west, south, east, north = view.clipped()
    assert (west, south, east, north) == clusters.CITY  # no premises lies outside the city
    cell = view.cell_degrees()
    cells = ((east - west) / cell + 1) * ((north - south) / cell + 1)
    assert cells <= clusters.MAX_CELLS < cells * 4  # coarsened, but not further than needed
    assert clusters.View.from_params("117.49,0.13,117.491,0.131", "19").cell_degrees() == 360 / 2**19 / 4


def test_a_box_outside_the_city_is_empty(client, officer, town):
    client.force_login(officer)
    assert _map(client, bbox="106.7,-6.3,106.9,-6.1", zoom=13) | {"roads": []} == {
        "clusters": [],
        "markers": [],
        "cell": None,
        "roads": [],
        "colouring": "compliance",
        "labels": _map(client)["labels"],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "117,0"},
        {"bbox": "a,b,c,d"},
        {"bbox": "nan,0,117.5,0.1"},
        {"bbox": "117.5,0,117.4,0.1"},  # west east of east
        {"bbox": "117.4,0.2,117.5,0.1"},
        {"bbox": "1e999,0,117.5,0.1"},
        {"zoom": "dekat"},
        {"zoom": "20"},
        {"zoom": "-1"},
        {"zoom": "1.5"},
    ],
)
def test_a_box_or_zoom_that_cannot_be_read_is_a_400_in_the_users_language(client, officer, api, params):
    client.force_login(officer)
    page = client.get("/dashboard/map.json", params)
    assert page.status_code == 400
    assert page.json()["error"].startswith(("Kotak harus", "Zoom harus"))
    english = client.get("/dashboard/map.json", params, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"].startswith(("The box must", "The zoom must"))
    api.force_authenticate(officer)
    geo = api.get("/api/v1/premises/geojson/", {"bbox": CITY, **params})
    assert geo.status_code == 400 and geo.json()["bbox"][0].startswith(("Kotak harus", "Zoom harus"))


def test_the_answer_is_three_queries_and_bounded_whatever_the_view(client, officer, town):
    client.force_login(officer)
    for bbox, zoom in ((CITY, 13), (CITY, 19), ("117.4899,0.1299,117.4911,0.1311", 19), ("0,0,0,0", 0)):
        with CaptureQueriesContext(connection) as queries:
            _map(client, bbox=bbox, zoom=zoom)
        assert len([q for q in queries if "registry_premises" in q["sql"]]) <= 2, (bbox, zoom)


def test_the_api_geojson_clusters_one_view(api, officer, town):
    api.force_authenticate(officer)
    geo = api.get("/api/v1/premises/geojson/", {"bbox": CITY, "zoom": 13}).json()
    assert geo["type"] == "FeatureCollection"
    groups = [f for f in geo["features"] if f["properties"].get("cluster")]
    assert sorted(f["properties"]["point_count"] for f in groups) == [2, 10]
    block = next(f for f in groups if f["properties"]["point_count"] == 10)
    assert block["properties"]["non_compliant"] == 3 and block["properties"]["bbox"] == [117.49, 0.13, 117.4909, 0.1309]
    [alone] = [f for f in geo["features"] if not f["properties"].get("cluster")]
    assert alone["properties"]["name"] == "Toko Jauh" and alone["geometry"]["coordinates"] == [117.6, 0.05]


def test_the_api_geojson_without_a_box_pages_through_every_premises_once(api, officer, town, monkeypatch):
    from api.geojson import FeaturePages

    monkeypatch.setattr(FeaturePages, "page_size", 5)
    api.force_authenticate(officer)
    seen, url = [], "/api/v1/premises/geojson/"
    while url:
        page = api.get(url).json()
        assert page["type"] == "FeatureCollection" and len(page["features"]) <= 5
        seen += [f["id"] for f in page["features"]]
        url = page["next"]
    assert sorted(seen) == sorted(Premises.objects.values_list("pk", flat=True)) and len(seen) == 13
    filtered = api.get("/api/v1/premises/geojson/?compliance=non_compliant").json()
    assert len(filtered["features"]) == 3 and filtered["next"] is None


def test_numbers_in_the_map_json_are_never_localised(client, officer, town):
    client.force_login(officer)
    raw = client.get("/dashboard/map.json", {"bbox": CITY, "zoom": 13}, HTTP_ACCEPT_LANGUAGE="id").content
    assert json.loads(raw)["markers"][0]["lat"] == 0.05 and b"0,05" not in raw
