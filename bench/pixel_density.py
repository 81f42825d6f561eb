"""Pixel density from the test card (run by hand): accuracy on synthetic pictures and time per
picture, against the floor of OpenCV's marker detection alone on the same pictures.

    .venv/bin/python bench/pixel_density.py [--size 1920x1080]

The synthetic set is the tests' (tests/measurements/synthetic.py): the marker from 30 to 400 px a
side, turned 0–45°, tilted 0–30°, as PNG, JPEG (quality 50) and noisy JPEG. Printed: the worst and
mean error against the truth, and the median time of read + measure per picture, beside the median
time of cv2.aruco's detectMarkers on the decoded picture (the floor: what must be done anyway).
"""

import argparse
import statistics
import time

import _setup  # noqa: F401
import cv2

from inspections.pixel_density import _detector, measure, read_image
from tests.measurements.synthetic import jpeg, noisy, png, scene


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    errors, ours, floor = [], [], []
    detector = _detector()
    for side in (30, 60, 150, 400):
        for rotate in (0, 17, 45):
            for tilt in (0, 15, 30):
                picture, truth = scene(side, rotate_deg=rotate, tilt_deg=tilt, size=size, seed=side + rotate)
                for data in (png(picture), jpeg(picture, 50), jpeg(noisy(picture), 50)):
                    started = time.perf_counter()
                    found = measure(read_image(data))
                    ours.append(time.perf_counter() - started)
                    decoded = read_image(data)
                    grey = cv2.cvtColor(decoded, cv2.COLOR_RGB2GRAY)
                    started = time.perf_counter()
                    detector.detectMarkers(grey)
                    floor.append(time.perf_counter() - started)
                    errors.append((found.px_per_m - truth) / truth * 100)
    print(f"{len(errors)} pictures of {size[0]}×{size[1]}")
    print(f"error: worst {max(abs(e) for e in errors):.2f} %, mean {statistics.mean(abs(e) for e in errors):.2f} %")
    print(f"read + measure: median {statistics.median(ours) * 1000:.1f} ms")
    print(f"floor, detectMarkers alone: median {statistics.median(floor) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
