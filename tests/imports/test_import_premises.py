"""Bringing the licensing office's list in: every bad file refused whole with a clear message, bad
rows listed and never written, a dry run that writes nothing, a rerun that changes nothing, an
update that records its history, the officer's preview and the supervisor's confirmation."""

import datetime
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from imports import premises
from imports.models import ImportBatch, ImportMapping
from imports.reading import Refused
from outbox.models import Message
from registry.models import Premises, ProtocolRoad
from tests.factories import PremisesFactory, ProtocolRoadFactory
from tests.imports.sheets import HEADER, csv_bytes, row, with_dimension, xlsx

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def eager(monkeypatch):
    """The page's tasks run in the request, as with no broker (a real worker: test_import_worker.py)."""
    from perwali_cctv.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ProtocolRoadFactory(name="Jl. Ahmad Yani")
    with translation.override("id"):
        yield


def plan(data, mapping=None):
    return premises.plan_import(data, mapping, today=TODAY)


def refused(data):
    with pytest.raises(Refused) as caught:
        plan(data)
    return str(caught.value)


# --- a bad file is refused whole -------------------------------------------------------------------


def test_the_wrong_file_type_is_refused():
    assert "bukan lembar kerja" in refused(b"%PDF-1.4 a letter")
    assert "bukan lembar kerja" in refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "rusak" in refused(b"PK\x03\x04 not really a zip")


def test_a_password_protected_workbook_is_refused():
    # What Excel writes for a workbook with a password: an OLE2 container holding the EncryptedPackage.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    assert "kata sandi" in refused(ole)


def test_a_header_spread_over_merged_rows_is_refused():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NIB", "Nama Usaha", "Alamat", "Lokasi", None, None, None, None, None])
    sheet.append([None, None, None, "Jalan", "Kelurahan", "Kategori", "Kepemilikan", "Lintang", "Bujur"])
    for column in "ABC":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("D1:I1")
    sheet.append(list(row(1).values()))
    out = io.BytesIO()
    book.save(out)
    assert "digabung" in refused(out.getvalue())


def test_formulas_are_refused_with_the_cell_named():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(list(row(1).values()))
    sheet["H2"] = "=0.1+0.037"
    out = io.BytesIO()
    book.save(out)
    assert "H2" in refused(out.getvalue()) and "rumus" in refused(out.getvalue())


def test_an_empty_sheet_is_refused():
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    assert "kosong" in refused(out.getvalue())
    assert "tidak ada baris" in refused(xlsx([]))


def test_a_million_rows_are_refused_before_parsing(settings):
    settings.IMPORT_MAX_ROWS = 100_000
    huge = with_dimension(xlsx([row(1)]), 1_000_001)  # the sheet declares a million rows
    message = refused(huge)
    assert "1.000.000" in message and "100.000" in message
    assert "1.000.000" in refused(b"NIB;Nama Usaha\n" + b"1;a\n" * 1_000_000)


# --- bad rows are listed, never written --------------------------------------------------------------


def test_bad_rows_are_listed_with_row_column_and_reason_and_the_good_ones_planned():
    data = xlsx(
        [
            row(1),
            row(2, NIB=123456789012),  # 12 digits
            row(3, Jalan="Jl. Tidak Ada"),
            row(4, Lintang=1.5),  # outside Bontang
            row(5, Kategori=""),
            row(6, NIB=1234500000001),  # the same NIB as row 1's …
        ]
    )
    result = plan(data)
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert "13 digit" in errors[(3, "NIB")] and "12" in errors[(3, "NIB")]
    assert "bukan jalan protokol" in errors[(4, "Jalan")]
    assert "bukan posisi di Bontang" in errors[(5, "Lintang")]
    assert "kosong" in errors[(6, "Kategori")]
    assert "baris 7" in errors[(2, "NIB")] and "baris 2" in errors[(7, "NIB")]  # both rows of a twice-listed NIB
    assert len(result.create) == 0 and result.skipped_rows == {2, 3, 4, 5, 6, 7}


def test_dates_stored_as_numbers_are_read_as_dates():
    data = xlsx([row(1, **{"Tanggal Penetapan": 46000})], extra_header=["Tanggal Penetapan"])
    [premises_row] = plan(data).create
    assert premises_row.designated_on == datetime.date(2025, 12, 9)


def test_a_dry_run_writes_nothing_and_commit_writes_the_valid_rows(officer, supervisor, tmp_path):
    path = tmp_path / "oss.xlsx"
    path.write_bytes(xlsx([row(1), row(2), row(3, NIB=12)]))
    out = io.StringIO()
    call_command("import_premises", str(path), stdout=out)
    assert "2 to create" in out.getvalue() and "row 4, NIB" in out.getvalue() and "nothing written" in out.getvalue()
    assert not Premises.objects.exists()
    out = io.StringIO()
    call_command("import_premises", str(path), "--commit", "--by", supervisor.username, stdout=out)
    assert "2 created" in out.getvalue() and "rows skipped: 4" in out.getvalue()
    imported = Premises.objects.get(nib="1234500000001")
    assert imported.source == "import" and imported.verification_status == "verified"
    assert imported.designated_on is not None and imported.verified_by == supervisor
    assert imported.history.first().history_change_reason == f"import cli by {supervisor.username}"


def test_a_rerun_changes_nothing_and_a_changed_address_updates_one_row_with_its_history(supervisor):
    data = xlsx([row(1), row(2)])
    premises.apply_plan(plan(data), batch_id=7, user=supervisor)
    again = plan(data)
    assert (len(again.create), len(again.update), again.unchanged) == (0, 0, 2)
    moved = plan(xlsx([row(1), row(2, Alamat="Jl. Ahmad Yani No. 99")]))
    assert (len(moved.create), len(moved.update), moved.unchanged) == (0, 1, 1)
    premises.apply_plan(moved, batch_id=8, user=supervisor)
    changed = Premises.objects.get(nib="1234500000002")
    assert changed.address == "Jl. Ahmad Yani No. 99"
    last = changed.history.first()
    assert last.history_change_reason == f"import 8 by {supervisor.username}" and last.history_user == supervisor
    assert changed.history.count() == 2 and Premises.objects.get(nib="1234500000001").history.count() == 1


def test_government_premises_are_matched_by_name_and_address_on_the_road(supervisor):
    road = ProtocolRoad.objects.get(name="Jl. Ahmad Yani")
    PremisesFactory(
        name="Kantor Pos Bontang", address="Jl. Ahmad Yani No. 1", road=road, ownership="government", nib=""
    )
    data = xlsx(
        [
            row(
                1,
                NIB=None,
                **{
                    "Nama Usaha": "KANTOR POS BONTANG",
                    "Alamat": "Jl. Ahmad Yani No. 1",
                    "Kepemilikan": "Pemerintah",
                    "Kategori": "Kantor pos",
                },
            )
        ]
    )
    result = plan(data)
    assert result.errors == [] and len(result.create) == 0 and len(result.update) == 1


def test_a_csv_and_a_saved_mapping_of_other_headers_are_read():
    other = ["No Induk", "Nama", "Lokasi", "Ruas", "Desa", "Jenis", "Status", "Lat", "Lon"]
    data = csv_bytes([{o: v for o, v in zip(other, row(1).values(), strict=True)}], header=other)
    mapping = dict(
        zip(
            ["nib", "name", "address", "road", "kelurahan", "category", "ownership", "latitude", "longitude"],
            other,
            strict=True,
        )
    )
    [created] = plan(data, mapping).create
    assert created.name == "Toko Impor 1" and created.nib == "1234500000001"
    with pytest.raises(Refused, match="Baris judul tidak ditemukan"):
        plan(data)  # without the mapping the headers are not recognised


def test_an_owner_with_a_phone_is_invited_through_the_outbox(supervisor):
    data = xlsx(
        [row(1, Telepon="0812-3456-7890", **{"Nama Pemilik": "Rina"})], extra_header=["Telepon", "Nama Pemilik"]
    )
    premises.apply_plan(plan(data), batch_id=9, user=supervisor)
    [message] = Message.objects.filter(key__startswith="invitation:import-9:")
    imported = Premises.objects.get()
    assert message.recipient == "+6281234567890" and imported.name in message.body
    assert imported.responsible_persons.get().name == "Rina" and imported.status_secret_hash
    assert message.key.endswith(f":person-{imported.responsible_persons.get().pk}:{message.channel}")
    from registry.registration import premises_for_secret

    assert premises_for_secret(message.secret.rsplit("/status/", 1)[1].strip("/")) == imported  # the link opens it
    assert imported.history.count() == 1


# --- the officer's page and the supervisor's confirmation ------------------------------------------


def _upload(client, data, name="oss.xlsx", **mapping):
    fields = {"upload-kind": "premises", "upload-file": SimpleUploadedFile(name, data)}
    fields.update({f"map-{k}": v for k, v in {**{k: h for k, h in premises.HEADERS.items()}, **mapping}.items()})
    return client.post("/imports/", fields, HTTP_ACCEPT_LANGUAGE="id")


def test_an_officer_previews_a_supervisor_confirms_and_cancel_leaves_nothing(client, officer, supervisor, eager):
    client.force_login(officer)
    response = _upload(client, xlsx([row(1), row(2), row(3, NIB=99)]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == "preview"
    page = client.get(f"/imports/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'data-create="2"' in page and 'data-skipped="1"' in page and "NIB punya 13 digit" in page
    assert "Penyelia mengonfirmasi impor" in page and not Premises.objects.exists()
    assert client.post(f"/imports/{batch.pk}/decide/", {"decision": "confirm"}).status_code == 403
    client.force_login(supervisor)
    client.post(f"/imports/{batch.pk}/decide/", {"decision": "confirm"})
    batch.refresh_from_db()
    assert batch.status == "done" and batch.confirmed_by == supervisor and Premises.objects.count() == 2
    written = Premises.objects.first().history.first()
    assert written.history_change_reason == f"import {batch.pk} by {officer.username}"  # who brought it in
    assert written.history_user == supervisor  # who confirmed and wrote
    assert client.post(f"/imports/{batch.pk}/decide/", {"decision": "confirm"}).status_code == 302  # twice: once
    assert Premises.objects.count() == 2
    _upload(client, xlsx([row(5)]))
    cancelled = ImportBatch.objects.latest("pk")
    path = cancelled.file.path
    client.post(f"/imports/{cancelled.pk}/decide/", {"decision": "cancel"})
    assert (
        not ImportBatch.objects.filter(pk=cancelled.pk).exists()
        and not Premises.objects.filter(nib="1234500000005").exists()
    )
    import os

    assert not os.path.exists(path)


def test_the_page_shows_a_refused_file_in_indonesian_and_keeps_the_mapping(client, officer, eager):
    client.force_login(officer)
    _upload(client, b"%PDF-1.4", name="oss.xlsx")
    page = client.get(f"/imports/{ImportBatch.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Berkas ditolak" in page and "bukan lembar kerja" in page
    _upload(client, xlsx([row(1)]), nib="NIB Baru")
    assert ImportMapping.objects.get().columns["nib"] == "NIB Baru"
    assert 'value="NIB Baru"' in client.get("/imports/").content.decode()
    bad = client.post(
        "/imports/",
        {"upload-kind": "premises", "upload-file": SimpleUploadedFile("a.exe", b"MZ")},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert bad.status_code == 200 and "Unggah berkas XLSX" in bad.content.decode()


def test_the_command_reads_a_mapping_file_and_refuses_a_bad_file_clearly(tmp_path):
    (tmp_path / "map.json").write_text(json.dumps({"name": "Nama", "nib": "NIB"}))
    (tmp_path / "bad.xlsx").write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="bukan lembar kerja"):
        call_command("import_premises", str(tmp_path / "bad.xlsx"), "--mapping", str(tmp_path / "map.json"))


def test_names_are_matched_in_indonesian_even_for_an_officer_reading_english():
    data = xlsx([row(1, Kategori="Kantor pos", Kepemilikan="Swasta")])
    with translation.override("en"):
        result = plan(data)
    assert result.errors == [] and result.create[0].category == "post_office"
