"""The licensing office may send XLS or ODS: the same list saved by LibreOffice Calc in each format
is read as the XLSX is."""

import subprocess

import pytest

from imports import premises
from tests.exports.test_spreadsheet import _calc
from tests.factories import ProtocolRoadFactory
from tests.imports.sheets import row, xlsx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls_saved_by_calc_are_read_like_the_xlsx(tmp_path, fmt):
    ProtocolRoadFactory(name="Jl. Ahmad Yani")
    source = tmp_path / "oss.xlsx"
    source.write_bytes(xlsx([row(1), row(2, NIB=12)]))
    subprocess.run(
        [
            _calc(),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = premises.plan_import((tmp_path / f"oss.{fmt}").read_bytes())
    assert [p.nib for p in result.create] == ["1234500000001"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "NIB")]
