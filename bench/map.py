"""The map at city scale (run by hand on the bench database): every view a user would ask for.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python bench/generate.py --premises 100000    # once
    .venv/bin/python bench/map.py [--runs 40] [--users 8 --seconds 30]

Each view is a map of 1280 × 640 pixels (a desktop) or 360 × 560 (a phone) at a centre and zoom;
its box is what Leaflet would send. Requests go through Django's test client in this process (no
network), logged in as an officer. For each: p50 and p95 of `--runs` requests, the answer's size,
clusters and markers, and the floor: the same grid counted in one hand-written SQL statement
(GROUP BY the cell, with the status counts), timed in the same run. With `--users`, that many
threads (each its own client and database connection) then ask for the views above at random,
without pause, for `--seconds`: the latency under that load.
"""

import argparse
import random
import statistics
import threading
import time

import _setup  # noqa: F401
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from inspections.clusters import View
from registry.models import Premises

CENTRE = (0.133, 117.495)
DESKTOP, PHONE = (1280, 640), (360, 560)
VIEWS = [
    ("city, desktop, zoom 12", CENTRE, 12, DESKTOP, ""),
    ("city, desktop, zoom 13 (the page opens here)", CENTRE, 13, DESKTOP, ""),
    ("city, desktop, zoom 13, not compliant only", CENTRE, 13, DESKTOP, "&status=non_compliant"),
    ("city, desktop, zoom 13, one road", CENTRE, 13, DESKTOP, "&road=1"),
    ("district, desktop, zoom 15", (0.135, 117.497), 15, DESKTOP, ""),
    ("street, desktop, zoom 17", (0.135, 117.497), 17, DESKTOP, ""),
    ("street, desktop, zoom 19", (0.135, 117.497), 19, DESKTOP, ""),
    ("phone, zoom 14", CENTRE, 14, PHONE, ""),
    ("phone, zoom 18", (0.135, 117.497), 18, PHONE, ""),
    ("worst case: a client asks for the whole city at zoom 19", None, 19, None, ""),
]

FLOOR_SQL = """
SELECT floor(longitude / %(cell)s), floor(latitude / %(cell)s), count(*), min(id),
       avg(latitude), avg(longitude), min(latitude), max(latitude), min(longitude), max(longitude),
       count(*) FILTER (WHERE ob AND NOT in_breach), count(*) FILTER (WHERE ob AND in_breach),
       count(*) FILTER (WHERE NOT ob)
FROM (SELECT id, latitude, longitude, in_breach,
             (designated_on <= %(today)s AND first_verified_at IS NOT NULL
              AND verification_status <> 'rejected') IS TRUE AS ob
      FROM registry_premises
      WHERE latitude BETWEEN %(south)s AND %(north)s AND longitude BETWEEN %(west)s AND %(east)s) AS p
GROUP BY 1, 2
"""


def bbox(centre, zoom, size):
    """The box a Leaflet map of `size` pixels shows around `centre` (near the equator)."""
    if centre is None:
        return "117.383,0.017,117.633,0.2"
    per_px = 360 / 2**zoom / 256
    (lat, lon), (w, h) = centre, size
    return (
        f"{lon - w / 2 * per_px:.6f},{lat - h / 2 * per_px:.6f},{lon + w / 2 * per_px:.6f},{lat + h / 2 * per_px:.6f}"
    )


def timed(fn, runs):
    fn()  # warm
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, round(0.95 * len(timings)) - 1)], result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    setup_test_environment()
    officer, _ = get_user_model().objects.get_or_create(username="bench-officer", defaults={"is_staff": True})
    officer.groups.add(Group.objects.get(name="officer"))
    client = Client()
    client.force_login(officer)
    print(f"{Premises.objects.count()} premises; {args.runs} requests per view\n")
    header = f"{'view':58} {'p50 ms':>7} {'p95 ms':>7} {'KB':>6} {'clusters':>8} {'markers':>7} {'SQL p50':>8}"
    print(header)
    worst = (0, 0)
    for label, centre, zoom, size, extra in VIEWS:
        box = bbox(centre, zoom, size)
        url = f"/dashboard/map.json?bbox={box}&zoom={zoom}{extra}"
        p50, p95, response = timed(lambda url=url: client.get(url), args.runs)
        assert response.status_code == 200, response.content[:200]
        data = response.json()
        west, south, east, north = View.from_params(box, zoom).clipped()
        params = {"cell": View.from_params(box, zoom).cell_degrees(), "today": timezone.localdate()}
        params.update(west=west, south=south, east=east, north=north)

        def floor(params=params):
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_SQL, params)
                return cursor.fetchall()

        sql_p50, _p95, _rows = timed(floor, args.runs)
        size_kb = len(response.content) / 1024
        worst = (max(worst[0], p95), max(worst[1], size_kb))
        print(
            f"{label:58} {p50:7.1f} {p95:7.1f} {size_kb:6.1f} {len(data['clusters']):8} {len(data['markers']):7}"
            f" {sql_p50:8.1f}"
        )
    for label, url in (
        ("API GeoJSON, city at zoom 13", f"/api/v1/premises/geojson/?bbox={bbox(CENTRE, 13, DESKTOP)}&zoom=13"),
        ("API GeoJSON, no box: first page of 500", "/api/v1/premises/geojson/"),
    ):
        p50, p95, response = timed(lambda url=url: client.get(url), args.runs)
        assert response.status_code == 200, response.content[:200]
        size_kb = len(response.content) / 1024
        worst = (max(worst[0], p95), max(worst[1], size_kb))
        print(f"{label:58} {p50:7.1f} {p95:7.1f} {size_kb:6.1f} {len(response.json()['features']):>16}")
    # A page deep into the registry: follow `next` 100 times, time the last one.
    url = "/api/v1/premises/geojson/"
    for _ in range(100):
        url = client.get(url).json()["next"]
    p50, p95, response = timed(lambda: client.get(url), args.runs)
    size_kb = len(response.content) / 1024
    worst = (max(worst[0], p95), max(worst[1], size_kb))
    print(f"{'API GeoJSON, no box: page 101 (cursor)':58} {p50:7.1f} {p95:7.1f} {size_kb:6.1f}")
    print(f"\nworst p95 {worst[0]:.1f} ms, largest answer {worst[1]:.1f} KB (targets: 300 ms, 200 KB)")
    if args.users:
        under_load(officer, args.users, args.seconds)


def under_load(officer, users, seconds):
    """`users` threads asking for random views without pause; p50/p95/max over all requests."""
    urls = [f"/dashboard/map.json?bbox={bbox(c, z, size)}&zoom={z}{extra}" for _l, c, z, size, extra in VIEWS]
    timings, lock, stop = [], threading.Lock(), time.monotonic() + seconds

    def user(seed):
        rng, client = random.Random(seed), Client()
        client.force_login(officer)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            assert client.get(rng.choice(urls)).status_code == 200
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    timings.sort()
    p95 = timings[round(0.95 * len(timings)) - 1]
    print(
        f"\n{users} users for {seconds} s: {len(timings)} requests ({len(timings) / seconds:.1f}/s), "
        f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, max {timings[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
