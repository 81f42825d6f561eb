"""Benchmark: the camera spec check, as a pure function and through POST /api/v1/spec-check/.

Run by hand, never in the test suite:

    .venv/bin/python bench/spec_check.py [--cameras 100000] [--requests 2000]

The pure check is what the nightly sweep will call for every camera; the endpoint is what
the owner form calls on every change of a camera row (instant feedback).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perwali_cctv.settings")
os.environ.setdefault("SPEC_CHECK_THROTTLE_RATE", "1000000/min")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from registry.models import Camera, CameraStandard  # noqa: E402

# A random value for every spec field of Camera.SPEC_FIELDS (checked below: a new field needs one).
RANDOM_SPECS = {
    "camera_type": lambda rng: rng.choice(["fixed", "dome", "ptz", "fisheye"]),
    "faces_road": lambda rng: rng.random() < 0.5,
    "pan_range_deg": lambda rng: rng.choice([0, 90, 340, 360]),
    "hfov_wide_deg": lambda rng: rng.uniform(30, 110),
    "hfov_tele_deg": lambda rng: None,
    "optical_zoom": lambda rng: rng.choice([None, 4, 25, 32]),
    "resolution_h_px": lambda rng: rng.choice([960, 1920, 2560, 3840]),
    "resolution_v_px": lambda rng: rng.choice([576, 1080, 1440, 2160]),
    "night_vision": lambda rng: rng.random() < 0.7,
    "night_vision_range_m": lambda rng: rng.choice([None, 20, 50]),
    "retention_days": lambda rng: rng.choice([7, 14, 30, 60]),
    "onvif_profile_s": lambda rng: rng.random() < 0.7,
    "onvif_profile_t": lambda rng: rng.random() < 0.3,
    "onvif_profile_g": lambda rng: False,
    "onvif_profile_m": lambda rng: False,
    "rtsp_url": lambda rng: "rtsp://10.0.0.1:554/s" if rng.random() < 0.7 else "",
}
assert set(RANDOM_SPECS) == set(Camera.SPEC_FIELDS), "give bench/spec_check.py a value for every spec field"


def random_camera(rng):
    return Camera(**{name: RANDOM_SPECS[name](rng) for name in Camera.SPEC_FIELDS})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cameras", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000)
    args = parser.parse_args()

    standard = CameraStandard.objects.in_force(timezone.localdate())
    if standard is None:
        sys.exit("Run `manage.py migrate` first: the benchmark reads standard version 1.")
    rng = random.Random(1)
    cameras = [random_camera(rng) for _ in range(args.cameras)]
    started = time.perf_counter()
    passing = sum(camera.check_against(standard).meets_standard for camera in cameras)
    elapsed = time.perf_counter() - started
    print(
        f"pure check: {args.cameras} cameras in {elapsed:.2f} s = {args.cameras / elapsed:,.0f} cameras/s "
        f"({passing} pass)"
    )

    setup_test_environment()
    client = APIClient()
    body = {
        "camera_type": "ptz",
        "pan_range_deg": 360,
        "hfov_wide_deg": 57.6,
        "optical_zoom": 25,
        "resolution_h_px": 2560,
        "resolution_v_px": 1440,
        "night_vision": True,
        "retention_days": 30,
        "onvif_profiles": ["S"],
        "rtsp_url": "rtsp://10.0.0.1:554/s",
        "faces_road": True,
    }
    timings = []
    for _ in range(args.requests):
        t0 = time.perf_counter()
        response = client.post("/api/v1/spec-check/", body, format="json")
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.content
    timings.sort()
    print(
        f"endpoint (in-process, {args.requests} requests): median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.2f} ms, p99 {timings[int(len(timings) * 0.99)]:.2f} ms"
    )


if __name__ == "__main__":
    main()
