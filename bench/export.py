"""Export benchmark: cameras.csv joined with its premises against PostgreSQL's own COPY, and the
streaming export's peak memory at 10,000 and 1,000,000 rows.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python bench/generate.py --premises 100000     # 300,000 cameras
    .venv/bin/python bench/export.py

For the 1,000,000-row memory figure the script adds copies of cameras for the run (one INSERT …
SELECT) and deletes them afterwards. Each memory figure is measured in a fresh process: its peak
RSS after Django starts, and after streaming N rows.
"""

import os
import resource
import subprocess
import sys
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.db import connection

from exports.catalogue import CAMERAS
from exports.streaming import csv_chunks
from registry.models import Camera

COLUMNS = [c[2] for c in CAMERAS.columns]


class Sink:
    def __init__(self):
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)


def copy_sql():
    """The same rows as cameras.csv, as one SQL query for COPY (the floor)."""
    queryset = Camera.objects.order_by("pk").values_list(*COLUMNS)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def throughput(user):
    rows = Camera.objects.count()
    started = time.perf_counter()
    size = sum(len(data) for data, _n in csv_chunks(CAMERAS, {}, user))
    export_s = time.perf_counter() - started
    sink = Sink()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY ({copy_sql()}) TO STDOUT WITH CSV HEADER", sink)
    copy_s = time.perf_counter() - started
    print(f"cameras.csv export: {rows} rows, {size / 1e6:.1f} MB in {export_s:.2f} s = {rows / export_s:,.0f} rows/s")
    print(f"COPY (same query) : {rows} rows, {sink.bytes / 1e6:.1f} MB in {copy_s:.2f} s = {rows / copy_s:,.0f} rows/s")
    print(f"export / COPY throughput: {copy_s / export_s:.2f} (target ≥ 0.5)")


def memory_child(limit):
    user = get_user_model().objects.get(username="bench-auditor")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count = 0
    for _text, n in csv_chunks(CAMERAS, {}, user):
        count += n
        if count >= limit:
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{count} rows: peak RSS {peak / 1024:.0f} MiB (after start-up {baseline / 1024:.0f} MiB, +{(peak - baseline) / 1024:.1f} MiB)"
    )


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--memory-child":
        return memory_child(int(sys.argv[2]))
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    user, _ = get_user_model().objects.get_or_create(username="bench-auditor")
    throughput(user)
    extra = max(0, 1_000_000 - Camera.objects.count())
    first_extra = None
    if extra:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM registry_camera")
            first_extra = cursor.fetchone()[0] + 1
            fields = [f.column for f in Camera._meta.concrete_fields if f.column != "id"]
            cols = ", ".join(fields)
            cursor.execute(
                f"INSERT INTO registry_camera ({cols}) SELECT {cols} FROM registry_camera "
                f"CROSS JOIN generate_series(1, 3) LIMIT %s",
                [extra],
            )
    try:
        for limit in (10_000, 1_000_000):
            subprocess.run([sys.executable, __file__, "--memory-child", str(limit)], check=True, env=os.environ)
    finally:
        if first_extra is not None:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM registry_camera WHERE id >= %s", [first_extra])


if __name__ == "__main__":
    main()
