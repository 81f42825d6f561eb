"""The public transparency page and its open data: anonymous, in Indonesian, the same figures as
the officers' overview, Satu Data's metadata, and nothing personal even when the data is hostile."""

import csv
import datetime
import io

import pytest
import time_machine

from inspections import sweep
from registry.models import Kelurahan
from tests.factories import (
    CameraFactory,
    PremisesFactory,
    ProtocolRoadFactory,
    ResponsiblePersonFactory,
    dome_below_standard,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
HOSTILE = {
    "name": "Hendra Wijaya Kusuma",
    "nik": "6474019876543210",
    "phone": "+6281399887766",
    "email": "hendra.rahasia@example.id",
}


@pytest.fixture
def city(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tp"}}
    roads = [ProtocolRoadFactory(name=name) for name in ("Jl. Ahmad Yani", "Jl. MT Haryono")]
    kelurahan = list(Kelurahan.objects.order_by("pk")[:2])
    for i in range(6):
        premises = PremisesFactory(
            name=f"Toko {HOSTILE['name']} {i}",  # a person's name in a business name is the owner's choice…
            road=roads[i % 2],
            kelurahan=kelurahan[i % 2],
            designated_on=datetime.date(2025, 1, 1),
            category="bank" if i == 1 else "minimarket",
        )
        ResponsiblePersonFactory(premises=premises, **HOSTILE)
        (dome_below_standard(premises) if i % 2 else CameraFactory(premises=premises))
    with time_machine.travel(datetime.datetime(2026, 11, 28, 2, tzinfo=datetime.UTC), tick=False):
        sweep.run_sweep(TODAY)
    return roads


def _get(client, url):
    with time_machine.travel(datetime.datetime(2026, 11, 28, 4, tzinfo=datetime.UTC), tick=False):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="id")


def test_the_page_is_public_in_indonesian_and_shows_nothing_personal(client, city):
    response = _get(client, "/transparency/")
    page = response.content.decode()
    assert response.status_code == 200 and "Kepatuhan CCTV di Bontang" in page
    assert "Per jalan protokol" in page and "Per kecamatan" in page and "Per kelurahan" in page
    assert "Jl. Ahmad Yani" in page and "64.74" in page
    for value in HOSTILE.values():
        assert value not in page and value.replace("+62", "0") not in page
    assert "Toko " not in page  # no premises is named: only roads, areas and categories
    assert response["Cache-Control"].startswith("public")


@pytest.mark.parametrize("url", ["/transparency/data.json", "/transparency/data.csv"])
def test_the_open_data_carries_metadata_and_nothing_personal(client, city, url):
    body = _get(client, url).content.decode("utf-8-sig")
    for value in HOSTILE.values():
        assert value not in body
    assert "Toko " not in body and "0.1" not in body.replace("0.1\n", "")  # no names, no coordinates
    if url.endswith(".json"):
        meta = _get(client, url).json()["metadata"]
        assert {"title", "description", "publisher", "licence", "update_frequency", "region_code"} <= set(meta)
        assert meta["region_code"] == "64.74" and meta["licence"] == "CC BY 4.0"
    else:
        rows = list(csv.DictReader(io.StringIO(body)))
        assert rows[0]["dimension"] == "city" and rows[0]["region_code"] == "64.74"
        assert {"road", "kecamatan", "kelurahan", "category"} <= {row["dimension"] for row in rows}


def test_its_figures_equal_the_officers_overview(client, officer, city):
    data = _get(client, "/transparency/data.json").json()
    client.force_login(officer)
    overview = _get(client, "/dashboard/")
    cards = {card.key: card.count for card in overview.context["cards"]}
    assert (data["total"]["obligated"], data["total"]["compliant"]) == (cards["obligated"], cards["compliant"])
    assert data["total"] == {"obligated": 6, "compliant": 3, "percent": 50}
    by_road_public = {r["name"]: (r["obligated"], r["compliant"]) for r in data["rows"] if r["dimension"] == "road"}
    by_road_staff = {str(r["label"]): (r["total"].count, r["compliant"].count) for r in overview.context["by_road"]}
    assert by_road_public == by_road_staff == {"Jl. Ahmad Yani": (3, 3), "Jl. MT Haryono": (3, 0)}
    by_category_public = {r["name"]: r["obligated"] for r in data["rows"] if r["dimension"] == "category"}
    by_category_staff = {str(r["label"]): r["total"].count for r in overview.context["by_category"]}
    assert by_category_public == by_category_staff
    assert [m["percent"] for m in data["trend"]] == [r["percent"] for r in overview.context["trend"]] == [50]


def test_the_figures_are_cached_and_follow_the_next_day(client, city):
    first = _get(client, "/transparency/data.json").json()["total"]
    PremisesFactory(designated_on=datetime.date(2025, 1, 1), road=city[0])  # a new obligated premises
    assert _get(client, "/transparency/data.json").json()["total"] == first  # cached for the day
    with time_machine.travel(datetime.datetime(2026, 11, 29, 4, tzinfo=datetime.UTC), tick=False):
        later = client.get("/transparency/data.json").json()["total"]
    assert later["obligated"] == first["obligated"] + 1
