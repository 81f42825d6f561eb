"""Each page under 8 concurrent connections: gunicorn (production settings, 2 workers) on loopback,
driven by wrk, beside a bare view on the same server.

    apt-get install wrk                                                  # the load generator (C, light)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench    # after bench/generate.py and a sweep
    .venv/bin/python bench/pages.py --seconds 15 --connections 8         # --only overview,search
    .venv/bin/python bench/pages.py --only registration --broker redis://127.0.0.1:6379/0

For each scenario, wrk keeps `--connections` connections busy for `--seconds` (closed loop: a
connection sends its next request when the answer arrives) and reports requests per second and
the p50/p95/p99 latency it saw. The bare view is /healthz (the whole middleware stack and one
`SELECT 1`). The registration scenario POSTs the real owner form with three cameras, each request a
new building; the premises created are counted in the database afterwards and then deleted. Without
`--broker`, the judging after each registration runs inside the request (tasks eager); with it, on
one Celery worker beside gunicorn, and the run waits until the worker has caught up.
Finally the workers' resident memory after all the pages (from /proc).
"""

import argparse
import json
import re
import subprocess
import tempfile
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

import _setup  # noqa: F401
from _server import BENCH_QUEUE, cpu_seconds, cpu_spent, gunicorn, worker_rss_mib
from django.contrib.auth.models import Group, User
from django.db import connection

from inspections.models import FigureTotal
from registry.models import Kelurahan, Premises, ProtocolRoad

OFFICER = ("bench_officer", "kata-sandi-uji-halaman-1")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REGISTERED_PREFIX = "Toko Uji Halaman"

REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f, '
    .. '"errors": %d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""

PATHS_LUA = """
local paths = {%(paths)s}
request = function() return wrk.format(nil, paths[math.random(#paths)]) end
"""

# The owner form with three cameras; each request a new name and NIB. 302 = accepted.
REGISTER_LUA = """
local threads = {}
setup = function(thread) thread:set("id", #threads + 1); table.insert(threads, thread) end
init = function(args) accepted = 0; counter = 0; math.randomseed(id * 7919) end
local function enc(s) return (s:gsub("[^%%w%%-_.~]", function(c) return string.format("%%%%%%02X", string.byte(c)) end)) end
local roads = {%(roads)s}
local kelurahan = {%(kelurahan)s}
request = function()
  counter = counter + 1
  local f = {
    {"csrfmiddlewaretoken", "%(token)s"},
    {"premises-name", "%(prefix)s " .. id .. "-" .. counter},
    {"premises-category", "ruko"}, {"premises-ownership", "private"},
    {"premises-nib", string.format("%%06d%%07d", math.random(100000, 999999), math.random(0, 9999999))},
    {"premises-road", roads[math.random(#roads)]},
    {"premises-address", "Jl. Uji Halaman No. " .. id .. "-" .. counter},
    {"premises-kelurahan", kelurahan[math.random(#kelurahan)]},
    {"premises-latitude", "0.137"}, {"premises-longitude", "117.499"},
    {"person-name", "Pemilik Uji"}, {"person-role", "Pemilik"}, {"person-phone", "0812-3456-7890"},
    {"consent-consent", "on"},
    {"cameras-TOTAL_FORMS", "3"}, {"cameras-INITIAL_FORMS", "0"}, {"cameras-MIN_NUM_FORMS", "0"},
    {"cameras-MAX_NUM_FORMS", "50"},
  }
  for i = 0, 2 do
    local p = "cameras-" .. i .. "-"
    for _, kv in ipairs({{"label", "Kamera " .. i}, {"brand", "Hikvision"}, {"model", "DS-2DE4425IW-DE"},
        {"camera_type", "ptz"}, {"faces_road", "on"}, {"pan_range_deg", "360"}, {"hfov_wide_deg", "57.6"},
        {"optical_zoom", "25"}, {"resolution_h_px", "2560"}, {"resolution_v_px", "1440"}, {"night_vision", "on"},
        {"retention_days", "30"}, {"onvif_profiles", "S"}, {"rtsp_url", "rtsp://10.0.0.2:554/s"}}) do
      table.insert(f, {p .. kv[1], kv[2]})
    end
  end
  local parts = {}
  for _, kv in ipairs(f) do table.insert(parts, enc(kv[1]) .. "=" .. enc(kv[2])) end
  return wrk.format("POST", "/register/", nil, table.concat(parts, "&"))
end
response = function(status, headers, body) if status == 302 then accepted = accepted + 1 end end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("accepted") end
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%.3f, "p50": %%.1f, "p95": %%.1f, "p99": %%.1f, "max": %%.1f, '
    .. '"errors": %%d, "accepted": %%d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status + e.connect + e.read + e.write + e.timeout, total))
end
"""


def scenarios(first, last):
    """(name, paths, signed in?) for the GET scenarios; several paths are drawn at random."""
    pages = [f"/dashboard/premises/?page={n}" for n in range(1, 2001, 37)]
    searches = [f"/dashboard/premises/?q=Bangunan+0{n:04d}" for n in range(0, 10000, 97)]
    searches += [f"/dashboard/premises/?q={n}" for n in (1_234_567_890_123, 9_876_543_210_987)]
    details = [f"/dashboard/premises/{pk}/" for pk in range(first, last + 1, max(1, (last - first) // 200))]
    admin_search = [f"/admin/registry/premises/?q=Bangunan+0{n:04d}" for n in range(0, 10000, 331)]
    return [
        ("bare view (/healthz)", ["/healthz"], False),
        ("overview", ["/dashboard/"], True),
        ("flag queue", ["/dashboard/flags/"], True),
        ("flag queue, one kind", ["/dashboard/flags/?kind=camera_spec"], True),
        ("premises list, pages 1–2,000", pages, True),
        ("premises list: not compliant", ["/dashboard/premises/?compliance=non_compliant"], True),
        ("premises list: text search", searches, True),
        ("premises detail", details, True),
        ("admin: premises changelist", ["/admin/registry/premises/"], True),
        ("admin: premises search", admin_search, True),
        ("admin: cameras changelist", ["/admin/registry/camera/"], True),
        ("admin: flags changelist", ["/admin/inspections/complianceflag/"], True),
    ]


def prepare():
    user, _ = User.objects.get_or_create(username=OFFICER[0], defaults={"is_staff": True})
    user.set_password(OFFICER[1])
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="officer"))
    Premises.objects.filter(name__startswith=REGISTERED_PREFIX).delete()


class Browser:
    """Just enough of a browser behind TLS to sign in and fetch the form: keeps its cookies."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "id", "Cookie": self.cookie_header()}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1:{self.port}{path}",
            }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        conn.close()
        return response.status, text

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def sign_in(self):
        _status, page = self.request("GET", "/admin/login/")
        token = CSRF_INPUT.search(page).group(1)
        form = {"csrfmiddlewaretoken": token, "username": OFFICER[0], "password": OFFICER[1]}
        status, _text = self.request("POST", "/admin/login/?next=/dashboard/", form)
        if status != 302:
            raise SystemExit(f"officer sign-in failed: HTTP {status}")


def wrk(port, script, workdir, args, cookie=""):
    path = workdir / "scenario.lua"
    path.write_text(script + (REPORT_LUA if "done =" not in script else ""))
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--timeout", "10s"]
    command += ["-s", str(path), "-H", "X-Forwarded-Proto: https", "-H", "Accept-Language: id"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if "POST" in script:
        command += ["-H", "Content-Type: application/x-www-form-urlencoded"]
        command += ["-H", f"Referer: https://127.0.0.1:{port}/register/"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=args.seconds + 60
    )
    line = [x for x in output.stdout.splitlines() if x.startswith("{")]
    if not line:
        raise SystemExit(f"wrk printed no report:\n{output.stdout}\n{output.stderr}")
    return json.loads(line[-1])


def lua_list(values):
    return ", ".join(f'"{v}"' for v in values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15, help="per scenario (bounded)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated parts of scenario names")
    parser.add_argument("--no-registration", action="store_true")
    parser.add_argument(
        "--broker", default="", help="e.g. redis://127.0.0.1:6379/0: tasks go to one Celery worker, as in production"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    if Premises.objects.count() < 1000:
        raise SystemExit("Generate data first: bench/generate.py --premises 100000")
    prepare()
    ids = Premises.objects.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    roads = list(ProtocolRoad.objects.values_list("pk", flat=True))
    kelurahan = list(Kelurahan.objects.values_list("pk", flat=True))
    connection.close()
    only = [part.strip() for part in args.only.split(",") if part.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="cctv-pages-"))
    results = []
    with gunicorn(workdir, args.workers, broker=args.broker or None) as (port, server):
        browser = Browser(port)
        browser.sign_in()
        for name, paths, signed_in in scenarios(first, last):
            if only and not any(part in name for part in only):
                continue
            script = PATHS_LUA % {"paths": lua_list(paths)}
            cookie = browser.cookie_header() if signed_in else ""
            wrk(port, script, workdir, argparse.Namespace(connections=args.connections, seconds=2), cookie)  # warm up
            before = cpu_seconds()
            results.append((name, wrk(port, script, workdir, args, cookie)))
            results[-1][1]["cpu"] = cpu_spent(before, cpu_seconds())
            print(_row(*results[-1]), flush=True)
        if not args.no_registration and (not only or any(part in "registration" for part in only)):
            owner = Browser(port)
            _status, form = owner.request("GET", "/register/")
            script = REGISTER_LUA % {
                "token": CSRF_INPUT.search(form).group(1),
                "prefix": REGISTERED_PREFIX,
                "roads": lua_list(roads),
                "kelurahan": lua_list(kelurahan),
            }
            before = Premises.objects.count()
            cpu_before = cpu_seconds()
            result = wrk(port, script, workdir, args, owner.cookie_header())
            result["created"] = Premises.objects.count() - before
            if args.broker:
                result["drained"] = drain(args.broker, started=time.monotonic())
            result["cpu"] = cpu_spent(cpu_before, cpu_seconds())
            connection.close()
            results.append(("registration POST, 3 cameras", result))
            print(_row(*results[-1]), flush=True)
        rss = worker_rss_mib(server.pid)
    print(f"\n{args.connections} connections, {args.seconds} s per scenario, gunicorn {args.workers} workers")
    print("| scenario | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, result in results:
        print(_row(name, result))
    print("\nCPU per request, ms, by process (the registration's until the worker caught up; wrk is in 'other'):")
    print("| scenario | gunicorn | celery | postgres | other |")
    print("|---|---|---|---|---|")
    for name, result in results:
        per = {role: 1000 * sec / max(result["requests"], 1) for role, sec in result.get("cpu", {}).items()}
        print(
            f"| {name} | "
            + " | ".join(f"{per.get(r, 0):.1f}" for r in ("gunicorn", "celery", "postgres", "other"))
            + " |"
        )
    registered = dict(results).get("registration POST, 3 cameras")
    if registered:
        print(
            f"\nregistrations: {registered['accepted']} answered 302 (accepted), {registered['created']} premises "
            f"in the database, {registered['requests']} sent"
        )
    if registered and "drained" in registered:
        print(
            f"the Celery worker had judged every registration and recounted every marked group "
            f"{registered['drained']:.1f} s after the last request"
        )
    print(f"gunicorn workers' resident memory after the run: {', '.join(f'{m:.0f} MiB' for m in rss)}")
    print(f"server log: {workdir / 'gunicorn.log'}")
    Premises.objects.filter(name__startswith=REGISTERED_PREFIX).delete()


def drain(broker, started, timeout=300):
    """Seconds until the worker's queue is empty and no kept total is left marked."""
    import redis

    queue = redis.Redis.from_url(broker)
    deadline = started + timeout
    while time.monotonic() < deadline:
        if not queue.llen(BENCH_QUEUE) and not FigureTotal.objects.filter(changed=True).exists():
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit(f"the worker had not caught up after {timeout} s")


def _row(name, r):
    rate = r["requests"] / r["seconds"] if r["seconds"] else 0
    return (
        f"| {name} | {rate:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.0f} | {r['errors']} |"
    )


if __name__ == "__main__":
    main()
