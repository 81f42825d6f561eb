"""The map coloured by feed: each premises takes the worst of its cameras' last probes, and a
cluster's counts per feed status add up to its size."""

import pytest

from registry.models import Camera
from tests.factories import CameraFactory, PremisesFactory

pytestmark = pytest.mark.django_db


def _premises(name, lon, *statuses):
    premises = PremisesFactory(name=name, latitude="0.1300", longitude=lon)
    for status in statuses:
        CameraFactory(premises=premises, feed_status=status)
    return premises


def test_the_map_colours_each_premises_by_its_worst_feed_and_clusters_add_up(client, officer):
    _premises("Gelap", "117.4900", "online", "offline")
    _premises("Minta sandi", "117.4910", "needs_credentials", "online")
    _premises("Menjawab", "117.4920", "online")
    _premises("Belum", "117.4930", "never")
    retired = _premises("Pensiun", "117.4940", "online")
    CameraFactory(premises=retired, feed_status="offline", status=Camera.Status.REMOVED)  # not in use
    client.force_login(officer)
    close = client.get("/dashboard/map.json", {"colour": "feed", "zoom": 19, "bbox": "117.489,0.129,117.495,0.131"})
    data = close.json()
    assert data["colouring"] == "feed"
    assert {m["name"]: m["status"] for m in data["markers"]} == {
        "Gelap": "offline",
        "Minta sandi": "needs_credentials",
        "Menjawab": "online",
        "Belum": "never",
        "Pensiun": "online",
    }
    far = client.get("/dashboard/map.json", {"colour": "feed", "zoom": 5}, HTTP_ACCEPT_LANGUAGE="id").json()
    [cluster] = far["clusters"]
    assert cluster["count"] == 5
    assert (cluster["offline"], cluster["needs_credentials"], cluster["online"], cluster["never"]) == (1, 1, 2, 1)
    assert far["labels"]["offline"] == "Ada siaran yang gelap"
    default = client.get("/dashboard/map.json", {"zoom": 5}).json()
    assert default["colouring"] == "compliance" and "compliant" in default["clusters"][0]
    unknown = client.get("/dashboard/map.json", {"zoom": 5, "colour": "<script>"}).json()
    assert unknown["colouring"] == "compliance"  # an unknown colouring falls back, never an error


def test_the_map_page_offers_both_colourings_with_a_legend_each(client, officer):
    client.force_login(officer)
    page = client.get("/dashboard/map/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<option value="feed">' in page and 'data-legend="feed" hidden' in page
    assert "Semua siaran yang diperiksa menjawab" in page
