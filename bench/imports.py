"""Importing the licensing office's list at size (run by hand): a 50,000-row XLSX parsed and checked,
then committed, each against a floor in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench .venv/bin/python bench/imports.py [--rows 50000]

Targets: parsed and validated within 10 s; committed at 5,000 rows/s or more on PostgreSQL.
Floors: python-calamine reading the sheet alone (what any parse must do), and the same rows
inserted by one plain INSERT … SELECT FROM unnest(…) (no history, no checks). The imported rows
are deleted afterwards.
"""

import argparse
import io
import time

import _setup  # noqa: F401
import openpyxl
import python_calamine
from django.contrib.auth import get_user_model
from django.db import connection

from imports import premises
from registry.models import Kelurahan, Premises, ProtocolRoad

HEADER = ["NIB", "Nama Usaha", "Alamat", "Jalan", "Kelurahan", "Kategori", "Kepemilikan", "Lintang", "Bujur"]


def workbook(rows):
    roads = list(ProtocolRoad.objects.values_list("name", flat=True))
    kelurahan = list(Kelurahan.objects.values_list("name", flat=True))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(
            [
                9000000000000 + n,
                f"Usaha Impor {n}",
                f"Jl. Uji No. {n}",
                roads[n % len(roads)],
                kelurahan[n % len(kelurahan)],
                "Minimarket" if n % 3 else "Bank",
                "Swasta",
                0.05 + (n % 1000) * 0.0001,
                117.40 + (n % 2000) * 0.0001,
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FLOOR_SQL = """
INSERT INTO registry_premises (name, category, ownership, road_id, address, kelurahan_id, latitude, longitude, nib,
  designated_on, source, verification_status, rejection_reason, in_breach, created_at, updated_at)
SELECT 'Floor ' || n, 'minimarket', 'private', %(road)s, 'Jl. Floor ' || n, %(kelurahan)s, 0.1, 117.5,
  (8000000000000 + n)::text, current_date, 'import', 'verified', '', false, now(), now()
FROM generate_series(1, %(rows)s) AS n
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    data = workbook(args.rows)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB XLSX")

    started = time.perf_counter()
    python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    read_floor = time.perf_counter() - started
    started = time.perf_counter()
    plan = premises.plan_import(data)
    parse = time.perf_counter() - started
    print(
        f"{'parse + validate (plan_import)':<40} {parse:6.2f} s  (target 10 s; {len(plan.create)} to create, {len(plan.errors)} errors)"
    )
    print(f"{'floor: calamine reading the sheet':<40} {read_floor:6.2f} s")

    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.first()
    started = time.perf_counter()
    counts = premises.apply_plan(plan, batch_id="bench", user=user)
    commit = time.perf_counter() - started
    print(
        f"{'commit (rows + history rows)':<40} {commit:6.2f} s  = {counts['created'] / commit:,.0f} rows/s (target 5,000)"
    )

    road, kelurahan = ProtocolRoad.objects.first().pk, Kelurahan.objects.first().pk
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(FLOOR_SQL, {"road": road, "kelurahan": kelurahan, "rows": args.rows})
        floor = time.perf_counter() - started
    print(f"{'floor: one INSERT … SELECT, no history':<40} {floor:6.2f} s  = {args.rows / floor:,.0f} rows/s")
    Premises.history.filter(nib__startswith="9").delete()
    Premises.objects.filter(source="import", nib__regex=r"^[89]").delete()


if __name__ == "__main__":
    main()
