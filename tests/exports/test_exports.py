"""Auditor exports: headers, round trips, formula injection, masking, the access log, permissions."""

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.utils import timezone

from exports.catalogue import FILES
from inspections import ladder, recording, sweep
from registry.models import AccessLog, Camera, Premises
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, checklist, dome_below_standard

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def registry_data(officer):
    p = PremisesFactory(name="Toko Ekspor", designated_on=datetime.date(2026, 1, 1), address='=HYPERLINK("x")')
    ResponsiblePersonFactory(premises=p, nik="6474010101900001", name="+62 Budi")
    CameraFactory(premises=p, label="@depan")
    dome_below_standard(PremisesFactory(name="Toko Kedua", designated_on=datetime.date(2026, 1, 1)))
    recording.record_inspection(premises=p, performed_on=TODAY, actor=officer, items=checklist(p, "pass"))
    sweep.run_sweep(TODAY)
    ladder.advance_warning_ladder(TODAY + datetime.timedelta(days=200))
    return p


def rows_of(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


@pytest.mark.parametrize("name", list(FILES))
def test_every_file_has_its_documented_header(client, auditor, registry_data, name):
    client.force_login(auditor)
    response = client.get(f"/exports/{name}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == [c[0] for c in FILES[name].columns]
    assert all(len(r) == len(rows[0]) for r in rows)


def test_premises_and_cameras_round_trip_to_the_database(client, auditor, registry_data):
    client.force_login(auditor)
    premises = rows_of(client.get("/exports/premises.csv"))
    by_id = {int(r[0]): dict(zip(premises[0], r, strict=True)) for r in premises[1:]}
    for p in Premises.objects.all():
        row = by_id[p.pk]
        assert row["name"] == p.name and row["road"] == p.road.name and row["nib"] == p.nib
        assert row["latitude"] == str(p.latitude) and row["in_breach"] == ("true" if p.in_breach else "false")
        # WITA, to the second, in the form spreadsheets read as a date and time
        assert row["created_at"] == timezone.localtime(p.created_at).strftime("%Y-%m-%d %H:%M:%S")
    cameras = rows_of(client.get("/exports/cameras.csv"))
    header = cameras[0]
    exported = {int(r[0]): dict(zip(header, r, strict=True)) for r in cameras[1:]}
    assert set(exported) == set(Camera.objects.values_list("pk", flat=True))
    for c in Camera.objects.all():
        assert int(exported[c.pk]["premises_id"]) == c.premises_id
        assert exported[c.pk]["resolution_h_px"] == str(c.resolution_h_px)
        assert exported[c.pk]["has_rtsp"] == "true" and "rtsp://" not in str(exported[c.pk])


def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, auditor, registry_data):
    client.force_login(auditor)
    body = b"".join(client.get("/exports/premises.csv").streaming_content).decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    persons = b"".join(client.get("/exports/responsible_persons.csv").streaming_content).decode()
    assert "'+62 Budi" in persons
    cameras = b"".join(client.get("/exports/cameras.csv").streaming_content).decode()
    assert "'@depan" in cameras


def test_phone_numbers_are_written_as_text_a_spreadsheet_keeps_masked_or_in_full(
    client, auditor, supervisor, registry_data
):
    ResponsiblePersonFactory(premises=registry_data, name="Kantor", phone="+6254821234")
    for user, wanted in ((supervisor, {"0812-3456-7890", "0548-21234"}), (auditor, {"0•••••••7890", "0••••1234"})):
        client.force_login(user)
        rows = rows_of(client.get("/exports/responsible_persons.csv"))
        phones = {r[rows[0].index("phone")] for r in rows[1:]}
        assert phones == wanted, user
        assert not any(phone.startswith(("'", "+")) for phone in phones)


def test_the_nik_is_masked_unless_the_exporter_may_see_it(client, auditor, supervisor, registry_data):
    client.force_login(auditor)
    assert "6474••••••••0001" in b"".join(client.get("/exports/responsible_persons.csv").streaming_content).decode()
    client.force_login(supervisor)
    assert "6474010101900001" in b"".join(client.get("/exports/responsible_persons.csv").streaming_content).decode()


def test_every_export_is_in_the_access_log_with_its_filter_and_rows(client, auditor, registry_data):
    client.force_login(auditor)
    road = registry_data.road
    b"".join(client.get(f"/exports/premises.csv?road={road.pk}").streaming_content)
    entry = AccessLog.objects.get(action="export")
    assert (entry.user, entry.target, entry.filters, entry.rows) == (auditor, "premises.csv", {"road": road.pk}, 1)


def test_the_changes_file_shows_who_changed_what_old_and_new(client, auditor, officer, registry_data):
    registry_data.address = "Jl. Baru No. 1"
    registry_data._history_user = officer
    registry_data.save()
    client.force_login(auditor)
    changes = rows_of(client.get("/exports/changes.csv"))
    header = changes[0]
    rows = [dict(zip(header, r, strict=True)) for r in changes[1:]]
    edit = [r for r in rows if r["table"] == "premises" and r["action"] == "changed" and "address" in r["changes"]][-1]
    assert edit["by"] == officer.username and "Jl. Baru No. 1" in edit["changes"]
    assert any(r["table"] == "complianceflag" and r["by"].startswith("system: sweep run") for r in rows)
    assert any(r["table"] == "warningletter" and r["action"] == "created" for r in rows)


def test_the_zip_holds_every_file_and_feed_info_with_counts_and_hashes(client, supervisor, registry_data):
    client.force_login(supervisor)
    response = client.get("/exports/all.zip?category=minimarket")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert names == {f"{n}.csv" for n in FILES} | {"feed_info.csv"}
    info = list(csv.DictReader(io.StringIO(archive.read("feed_info.csv").decode("utf-8").lstrip("\ufeff"))))
    for line in info:
        data = archive.read(line["file"])
        assert hashlib.sha256(data).hexdigest() == line["sha256"]
        assert len(list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))) - 1 == int(line["rows"])
        assert line["exported_by"] == supervisor.username and line["standard_version"] == "1"
        assert "minimarket" in line["filter"]
    assert AccessLog.objects.filter(target="all.zip").exists()


def test_filters_apply_and_bad_filters_get_a_clear_400(client, auditor, registry_data):
    client.force_login(auditor)
    rows = rows_of(client.get(f"/exports/inspections.csv?date_from={TODAY.isoformat()}"))
    assert len(rows) == 2
    assert len(rows_of(client.get("/exports/inspections.csv?date_to=2020-01-01"))) == 1
    logged = AccessLog.objects.count()
    bad = client.get("/exports/premises.csv?date_from=kemarin&road=999999", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "Enter a valid date." in bad.content.decode()
    assert AccessLog.objects.count() == logged  # nothing was exported


def test_only_auditors_and_supervisors_export(client, officer, registry_data):
    assert client.get("/exports/premises.csv").status_code == 302
    client.force_login(officer)
    assert client.get("/exports/premises.csv").status_code == 403
    assert client.get("/exports/all.zip").status_code == 403
    assert client.get("/exports/").status_code == 403
    assert client.get("/exports/columns/").status_code == 200  # the documentation is for everyone signed in


def test_viewing_an_unmasked_nik_is_logged(client, supervisor, registry_data):
    client.force_login(supervisor)
    client.get(f"/dashboard/premises/{registry_data.pk}/")
    person = registry_data.responsible_persons.get()
    client.get(f"/admin/registry/responsibleperson/{person.pk}/change/")
    targets = list(AccessLog.objects.filter(action="view_personal_data").values_list("target", flat=True))
    assert targets == [f"responsibleperson {person.pk}", f"premises {registry_data.pk}"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@pytest.mark.skipif("sqlite" in __import__("django.db").db.connection.vendor, reason="COPY streaming is PostgreSQL's")
def test_outside_a_transaction_copy_streams_from_a_second_connection_and_stops_when_the_reader_does(auditor):
    import threading

    from exports.catalogue import CAMERAS
    from exports.streaming import csv_chunks

    for n in range(30):
        CameraFactory(premises=PremisesFactory(name=f"P{n}"), label=f"K{n}")
    chunks = list(csv_chunks(CAMERAS, {}, auditor))
    assert sum(n for _data, n in chunks) == 30
    assert b"".join(data for data, _n in chunks).count(b"\n") == 31
    stream = csv_chunks(CAMERAS, {}, auditor)
    next(stream)
    next(stream)
    stream.close()  # the client went away
    assert not [t for t in threading.enumerate() if t.name == "export-copy"]


def test_the_column_guide_gives_every_code_its_label_in_the_readers_language(client, auditor):
    """Codes stay stable in the files; /exports/columns/ says what each one means."""
    from exports.catalogue import codes
    from registry.models import Premises as PremisesModel

    client.force_login(auditor)
    page = client.get("/exports/columns/").content.decode()
    assert "<dt><code>government_office</code></dt><dd>Kantor pemerintah</dd>" in page
    coded = 0
    for export in FILES.values():
        for column in export.columns:
            for code, label in codes(export, column):
                coded += 1
                assert f"<dt><code>{code}</code></dt><dd>{label}</dd>" in page
    assert coded >= 40  # categories, statuses, kinds, steps, outcomes, actions…
    assert len(codes(FILES["premises"], FILES["premises"].columns[2])) == len(PremisesModel.Category.choices)
    english = client.get("/exports/columns/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dt><code>government_office</code></dt><dd>Government office</dd>" in english
