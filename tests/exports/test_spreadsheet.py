"""The exports opened in a real spreadsheet: LibreOffice Calc (headless) reads each CSV as a user's
Calc opens it, with formulas evaluated and special numbers (dates) detected, and saves it as flat
OpenDocument, whose cells say what Calc made of each value. Phone numbers stay text without an
apostrophe, times are dates, and no cell is a formula."""

import datetime
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from inspections import recording, sweep
from registry.models import ResponsiblePerson
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, checklist, dome_below_standard

pytestmark = pytest.mark.django_db
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
# Calc's CSV import: comma, ", UTF-8, from line 1, default columns, en-US, quoted fields not forced
# to text, detect special numbers, …, evaluate formulas (the 13th token).
CSV_IMPORT = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true"


def _calc():
    path = shutil.which("soffice")
    if path is None:
        missing = (
            "needs LibreOffice Calc: apt-get install -y --no-install-recommends libreoffice-calc-nogui (.ci/run does)"
        )
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return path


def open_in_calc(tmp_path, files):
    """{name: csv bytes} → {name: [{column: (value-type, value, formula or None)}]} as Calc reads them."""
    for name, data in files.items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    subprocess.run(
        [
            _calc(),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            f"--infilter={CSV_IMPORT}",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp_path),
            *(str(tmp_path / f"{name}.csv") for name in files),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {name: _rows(tmp_path / f"{name}.fods") for name in files}


def _rows(path):
    table = ET.parse(path).getroot().find(".//table:table", NS)
    rows = []
    for row in table.iterfind("table:table-row", NS):
        cells = []
        for c in row.iterfind("table:table-cell", NS):
            kind = c.get(f"{{{NS['office']}}}value-type")
            value = (
                c.get(f"{{{NS['office']}}}date-value")
                or c.get(f"{{{NS['office']}}}value")
                or "".join(p.text or "" for p in c.iterfind("text:p", NS))
            )
            repeat = int(c.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
            cells += [(kind, value, c.get(f"{{{NS['table']}}}formula"))] * min(repeat, 100)
        rows.append(cells)
    header = [value for _kind, value, _f in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(kind for kind, _v, _f in r)]


@pytest.fixture
def hostile_registry(officer):
    p = PremisesFactory(name='=HYPERLINK("http://x","klik")', address="+62 Jl. Ahmad Yani")
    ResponsiblePersonFactory(premises=p, name="@SUM(1+1)", phone="+6281234567890")
    ResponsiblePersonFactory(premises=p, name="-Budi", phone="+6254821234", email="=1+1@x.id")
    dome_below_standard(p, label="=cmd|' /C calc'!A0")
    CameraFactory(premises=PremisesFactory(name="Toko Baik"))
    recording.record_inspection(
        premises=p, performed_on=datetime.date(2026, 11, 2), actor=officer, items=checklist(p, "fail")
    )
    sweep.run_sweep(timezone.localdate())
    return p


def _download(client, name):
    return b"".join(client.get(f"/exports/{name}.csv").streaming_content)


@pytest.mark.parametrize("role", ["supervisor", "auditor"])
def test_calc_reads_phones_as_text_times_as_dates_and_runs_no_formula(
    client, request, tmp_path, hostile_registry, role
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    names = ["premises", "responsible_persons", "cameras", "inspections", "flags", "changes"]
    sheets = open_in_calc(tmp_path, {name: _download(client, name) for name in names})
    for name, rows in sheets.items():
        assert rows, f"{name}: Calc read no rows"
        for row in rows:
            assert not any(formula for _k, _v, formula in row.values()), (name, row)
            for column, (kind, value, _f) in row.items():
                if column.endswith("_at") and value:
                    assert kind == "date", (name, column, value)
    persons = {r["name"][1]: r for r in sheets["responsible_persons"]}
    shown = {
        "supervisor": {"'@SUM(1+1)": "0812-3456-7890", "'-Budi": "0548-21234"},
        "auditor": {"'@SUM(1+1)": "0•••••••7890", "'-Budi": "0••••1234"},
    }[role]
    for name, phone in shown.items():
        assert persons[name]["phone"] == ("string", phone, None)
    premises = {r["premises_id"][1]: r for r in sheets["premises"]}
    row = premises[str(hostile_registry.pk)]
    assert row["name"][:2] == ("string", """'=HYPERLINK("http://x","klik")""")
    created = timezone.localtime(hostile_registry.created_at).replace(microsecond=0, tzinfo=None)
    assert row["created_at"][:2] == ("date", created.isoformat())
    assert ResponsiblePerson.objects.count() == 2
