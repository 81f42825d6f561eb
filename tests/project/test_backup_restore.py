"""A backup made with ops/backup.py restores into a fresh database with every row (PostgreSQL)."""

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inspections import sweep
from registry.models import Camera, Premises
from tests.factories import PremisesFactory, dome_below_standard
from tests.processes import test_database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def database_url():
    if not shutil.which("pg_dump"):
        pytest.skip("needs pg_dump and pg_restore (Debian's postgresql-client)")
    return test_database_url()  # pg_dump and pg_restore back up PostgreSQL: skips on SQLite


def run(script, *args, url):
    return subprocess.run(
        [sys.executable, str(ROOT / "ops" / script), *args, "--database-url", url],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_restores_into_a_fresh_database_with_every_row(database_url, tmp_path):
    for n in range(20):
        dome_below_standard(PremisesFactory(name=f"Toko {n}"))
    sweep.run_sweep(datetime.date(2026, 11, 28))

    made = run("backup.py", "--out", str(tmp_path), url=database_url)
    assert made.returncode == 0, made.stderr
    dump = Path(made.stdout.split()[0])
    counts = json.loads(dump.with_suffix(".counts.json").read_text())["tables"]
    assert counts["registry_premises"] == Premises.objects.count() == 20
    assert counts["registry_camera"] == Camera.objects.count()
    assert counts["inspections_complianceflag"] > 0 and counts["registry_kelurahan"] == 15

    checked = run("restore_check.py", str(dump), url=database_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("OK:") and "0 differ" in checked.stdout


def test_the_check_fails_when_the_dump_lacks_rows(database_url, tmp_path):
    PremisesFactory(name="Toko Satu")
    made = run("backup.py", "--out", str(tmp_path), url=database_url)
    dump = Path(made.stdout.split()[0])
    counts_file = dump.with_suffix(".counts.json")
    recorded = json.loads(counts_file.read_text())
    recorded["tables"]["registry_premises"] += 1  # as if a row had been lost between count and dump
    counts_file.write_text(json.dumps(recorded))
    checked = run("restore_check.py", str(dump), url=database_url)
    assert checked.returncode == 1
    assert "registry_premises: expected 2, restored 1" in checked.stdout
    assert os.path.exists(dump)


def test_the_check_says_plainly_when_the_dump_is_missing(tmp_path):
    checked = subprocess.run(
        [sys.executable, str(ROOT / "ops" / "restore_check.py"), str(tmp_path / "none.dump")],
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 1 and "Not found:" in checked.stderr and "Traceback" not in checked.stderr
