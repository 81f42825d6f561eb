"""Protocol roads from public works: GeoJSON lines inside Bontang, found again by name."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import roads
from imports.models import ImportBatch
from registry.models import ProtocolRoad

pytestmark = pytest.mark.django_db


def geojson(*features):
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": name, "kecamatan": district},
                    "geometry": {"type": "LineString", "coordinates": line},
                }
                for name, district, line in features
            ],
        }
    ).encode()


GOOD = [[117.49, 0.13], [117.50, 0.14]]  # longitude, latitude as GeoJSON writes them


def test_roads_inside_bontang_are_created_and_a_rerun_changes_nothing(supervisor):
    data = geojson(
        ("Jl. Baru Satu", "Bontang Utara", GOOD),
        ("Jl. Luar Kota", "Bontang Utara", [[106.8, -6.2], [106.9, -6.1]]),
        ("", "Bontang Barat", GOOD),
    )
    plan = roads.plan_roads(data)
    assert len(plan.create) == 1 and {e.row for e in plan.errors} == {2, 3}
    roads.apply_roads(plan, batch_id=1, user=supervisor)
    road = ProtocolRoad.objects.get(name="Jl. Baru Satu")
    assert road.geometry == [[0.13, 117.49], [0.14, 117.50]] and road.kecamatan.name == "Bontang Utara"
    again = roads.plan_roads(data)
    assert (len(again.create), len(again.update), again.unchanged) == (0, 0, 1)


def test_a_roads_csv_is_read_and_the_page_takes_it(client, supervisor, settings, tmp_path, monkeypatch):
    from perwali_cctv.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    csv_data = b"name,kecamatan,line\nJl. Csv,Bontang Selatan,0.11 117.48; 0.12 117.49\n"
    client.force_login(supervisor)
    client.post("/imports/", {"upload-kind": "roads", "upload-file": SimpleUploadedFile("jalan.csv", csv_data)})
    batch = ImportBatch.objects.get()
    assert batch.status == "preview" and batch.summary["create"] == 1
    client.post(f"/imports/{batch.pk}/decide/", {"decision": "confirm"})
    assert ProtocolRoad.objects.filter(name="Jl. Csv").exists()
