"""The two writers of every export give the same bytes: PostgreSQL's COPY (with the SQL formatting of
the column catalogue) and Python's csv writer (with `cell()`), on rows chosen to differ where they
could: integral floats, empty text next to NULL, JSON with keys of several lengths, formula-like
text, negative numbers, Unicode, masked personal data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from exports.catalogue import FILES, Export
from exports.streaming import copy_chunks, python_chunks
from inspections import ladder, recording, sweep
from inspections.models import ComplianceFlag
from registry.models import AccessLog
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, checklist, dome_below_standard

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite writes with Python only"
    ),
]

AS_OF = datetime.date(2026, 11, 28)


@pytest.fixture
def awkward_rows(officer, supervisor):
    odd = PremisesFactory(
        name='=HYPERLINK("http://x")',
        address='Jl. Ümit – ß No. 1, "Blok" A',
        ownership="government",
        category="government_office",
        nib="",
        rejection_reason="",
        latitude=Decimal("0.100000"),
        designated_on=datetime.date(2025, 1, 1),
    )
    ResponsiblePersonFactory(premises=odd, phone="+6281234567890", email="", nik="")
    ResponsiblePersonFactory(premises=odd, name="-Budi", phone="+625481234", email="b@x.id", nik="6474010101900001")
    camera = dome_below_standard(odd, hfov_wide_deg=90.0, optical_zoom=25.0, rtsp_url="")
    camera.declared_specs = {"retention_days": 7, "pan_range_deg": 0, "x": -1.5}
    camera.save()
    CameraFactory(premises=odd, hfov_wide_deg=57.6, hfov_tele_deg=2.5, label="@kamera\tdua")
    fine = PremisesFactory(designated_on=datetime.date(2026, 1, 1))
    CameraFactory(premises=fine)
    recording.record_inspection(
        premises=fine, performed_on=datetime.date(2026, 11, 1), actor=officer, items=checklist(fine, "partial")
    )
    sweep.run_sweep(AS_OF)
    ladder.advance_warning_ladder(AS_OF)
    ComplianceFlag.objects.filter(premises=fine).update(resolution_reason="")
    AccessLog.objects.create(
        user=supervisor, action="export", target="premises.csv", filters={"road": 1, "kecamatan": 2}
    )
    AccessLog.objects.create(user=None, action="purge", target="premises 1", ip=None, rows=0)


def python_bytes(export, user):
    return b"".join(chunk for chunk, _rows in python_chunks(export, {}, user))


def copy_bytes(export, user):
    return b"".join(chunk for chunk, _rows in copy_chunks(export, {}, user))


def test_copy_and_python_write_the_same_bytes_for_every_file_and_role(awkward_rows, auditor, supervisor):
    """One set of rows, every file with a COPY writer, masked (auditor) and in full (supervisor)."""
    files = [name for name, export in FILES.items() if isinstance(export, Export)]
    assert len(files) == 9
    differ = []
    for name in files:
        for user in (auditor, supervisor):
            by_python = python_bytes(FILES[name], user)
            assert by_python.count(b"\n") >= 1, f"{name}: no rows, the comparison would mean nothing"
            if copy_bytes(FILES[name], user) != by_python:
                differ.append((name, user.username))
    assert differ == []


def test_the_comparison_catches_a_writer_that_drifts(awkward_rows, auditor, monkeypatch):
    """Shown to fail: COPY writing empty text as "" (as it did before) no longer matches Python."""
    from exports import streaming

    original = streaming.sql_format
    monkeypatch.setattr(streaming, "sql_format", lambda *args: original(*args).replace("NULLIF(", "COALESCE("))
    assert copy_bytes(FILES["premises"], auditor) != python_bytes(FILES["premises"], auditor)
