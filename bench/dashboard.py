"""Dashboard pages at city scale (run by hand on the bench database).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python bench/generate.py --premises 100000    # once
    .venv/bin/python bench/dashboard.py [--runs 15]

Requests go through Django's test client in this process (no network), logged in as an
officer; prints the median and the worst of `--runs` requests per page and the query count.
"""

import argparse
import statistics
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

from inspections import sweep
from inspections.models import ComplianceFlag
from registry.models import Premises

PAGES = [
    ("premises list, page 1", "/dashboard/premises/"),
    ("premises list, page 500", "/dashboard/premises/?page=500"),
    ("list: not compliant", "/dashboard/premises/?compliance=non_compliant"),
    ("list: overdue, by due date", "/dashboard/premises/?overdue=true&ordering=due"),
    ("list: text search", "/dashboard/premises/?q=Bangunan%200421"),
    ("list: road + kind + step", "/dashboard/premises/?road=1&flag_kind=camera_below_standard"),
    ("overview", "/dashboard/"),
    ("flag queue", "/dashboard/flags/"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", default="", help="only the pages whose label contains this")
    parser.add_argument("--no-sweep", action="store_true", help="the database was swept already")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    setup_test_environment()
    if not args.no_sweep:
        started = time.perf_counter()
        sweep.run_sweep(timezone.localdate(), trigger="bench")  # flags and in_breach as a night leaves them
        print(f"sweep first: {time.perf_counter() - started:.1f} s")
    officer, _ = get_user_model().objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name="officer"))
    client = Client()
    client.force_login(officer)
    print(f"{Premises.objects.count()} premises, {ComplianceFlag.objects.unresolved().count()} open flags")
    for label, url in [(label, url) for label, url in PAGES if args.only in label]:
        client.get(url)  # warm
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{label:<30} median {statistics.median(timings):7.1f} ms  max {max(timings):7.1f} ms  {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
