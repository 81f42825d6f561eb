"""Load test: gunicorn (2 workers, production settings) on loopback, driven by locust (bench/locustfile.py).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench   # after bench/generate.py
    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/load.py --users 30 --duration 120

Prepares an officer account, a read-only API token and 500 status links in the bench database,
starts gunicorn on 127.0.0.1 only, runs locust headless for a bounded time, then prints
throughput, p50/p95/p99 and errors per request kind and for pages and API together.
"""

import argparse
import csv
import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _setup  # noqa: F401
from _server import ROOT, gunicorn
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.models import Max, Min

from api.auth import issue_token
from registry.models import Kelurahan, Premises, ProtocolRoad

OFFICER = ("load_officer", "kata-sandi-uji-beban-1")


def prepare(workdir):
    user, _ = User.objects.get_or_create(username=OFFICER[0], defaults={"is_staff": True})
    user.set_password(OFFICER[1])
    user.save()
    user.groups.add(Group.objects.get(name="officer"))
    _, key = issue_token(name=f"load test {time.strftime('%H:%M:%S')}", user=user)
    ids = list(Premises.objects.filter(status_secret_hash=None).order_by("?").values_list("pk", flat=True)[:500])
    links = []
    for pk in ids:
        secret = secrets.token_urlsafe(24)
        Premises.objects.filter(pk=pk).update(status_secret_hash=hashlib.sha256(secret.encode()).hexdigest())
        links.append(secret)
    secrets_file = workdir / "secrets.txt"
    secrets_file.write_text("\n".join(links))
    span = Premises.objects.aggregate(first=Min("pk"), last=Max("pk"))
    return {
        "LOAD_PREMISES_IDS": f"{span['first']},{span['last']}",
        "LOAD_SECRETS_FILE": str(secrets_file),
        "LOAD_OFFICER": ":".join(OFFICER),
        "LOAD_API_TOKEN": key,
        "LOAD_ROAD_IDS": ",".join(str(pk) for pk in ProtocolRoad.objects.values_list("pk", flat=True)),
        "LOAD_KELURAHAN_IDS": ",".join(str(pk) for pk in Kelurahan.objects.values_list("pk", flat=True)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=120, help="seconds (bounded)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Load tests run on PostgreSQL: set DATABASE_URL=postgres://…")
    if Premises.objects.count() < 1000:
        raise SystemExit("Generate data first: bench/generate.py --premises 100000")
    workdir = Path(tempfile.mkdtemp(prefix="cctv-load-"))
    load_env = prepare(workdir)
    connection.close()

    with gunicorn(workdir, args.workers) as (port, _server):
        prefix = workdir / "stats"
        started = time.time()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
            + ["-H", f"http://127.0.0.1:{port}", "-u", str(args.users), "-r", str(args.spawn_rate)]
            + ["-t", f"{args.duration}s", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
            env={**os.environ, **load_env},
            check=False,
            timeout=args.duration + 120,
        )
        elapsed = time.time() - started
    report(prefix.with_name("stats_stats.csv"), elapsed, args, workdir)


def report(path, elapsed, args, workdir):
    rows = list(csv.DictReader(open(path)))
    print(f"\n{args.users} users, {args.duration} s, gunicorn {args.workers} workers; logs in {workdir}\n")
    print(f"| {'request':<46} | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['Name'] if row['Name'] != 'Aggregated' else '**all**':<46} | {row['Request Count']} | "
            f"{row['Failure Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
            f"{row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    # Pages and API together, from the server's own access log (time spent in gunicorn).
    groups = {"pages": [], "API": [], "errors (5xx)": []}
    for line in open(workdir / "gunicorn.log"):
        parts = line.split()
        if len(parts) != 4 or not parts[3].endswith("ms"):
            continue
        _, url, status, ms = parts
        if url == "/healthz":
            continue  # the start-up probe
        groups["API" if url.startswith("/api/") else "pages"].append(int(ms[:-2]))
        if status.startswith("5"):
            groups["errors (5xx)"].append(int(ms[:-2]))
    print("\nServer side (gunicorn access log):")
    for name, times in groups.items():
        if name.startswith("errors"):
            print(f"- {name}: {len(times)}")
        elif times:
            times.sort()
            p50, p95, p99 = (_quantile(times, q) for q in (0.5, 0.95, 0.99))
            print(f"- {name}: {len(times)} requests, p50 {p50} ms, p95 {p95} ms, p99 {p99} ms")


def _quantile(ordered, q):
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


if __name__ == "__main__":
    main()
