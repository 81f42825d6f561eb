"""Pixel density measured from the test card: within 3 % of the truth on synthetic pictures (scaled,
turned, tilted, JPEG-compressed, noisy), and clear refusals for what cannot be measured."""

import io

import numpy as np
import pytest
from django.utils import translation
from PIL import Image

from inspections import pixel_density
from inspections.pixel_density import ImageTooLarge, NoMarker, NotAnImage, SeveralMarkers, measure, read_image
from tests.measurements.synthetic import jpeg, noisy, png, scene


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


CASES = [
    (side, rotate, tilt, kind)
    for side in (30, 60, 150, 400)
    for rotate in (0, 17, 45)
    for tilt in (0, 15, 30)
    for kind in ("png", "jpeg", "noisy")
]


@pytest.mark.parametrize(("side", "rotate", "tilt", "kind"), CASES)
def test_measured_within_3_percent_of_the_truth(side, rotate, tilt, kind):
    picture, truth = scene(side, rotate_deg=rotate, tilt_deg=tilt, size=(1280, 720), seed=side + rotate)
    if kind == "noisy":
        picture = noisy(picture)
    data = jpeg(picture, quality=50) if kind != "png" else png(picture)
    found = measure(read_image(data))
    assert found.px_per_m == pytest.approx(truth, rel=0.03)


def test_a_card_held_at_a_slant_is_noted_and_a_square_one_is_not():
    assert measure(scene(250, tilt_deg=35)[0]).strong_perspective
    assert not measure(scene(250, rotate_deg=30)[0]).strong_perspective


def test_a_marker_of_another_size_is_measured_with_it():
    picture, truth = scene(250)
    assert measure(picture, marker_side_mm=100).px_per_m == pytest.approx(truth * 2, rel=0.03)


def test_no_marker_is_refused_with_a_message():
    blank = np.full((480, 640, 3), 128, np.uint8)
    with pytest.raises(NoMarker, match="No test card found"):
        measure(blank)


def test_two_markers_are_refused():
    left, _truth = scene(200, centre=(500, 540))
    right, _truth = scene(200, centre=(1400, 540))
    both = np.where(np.abs(left.astype(int) - 150) > 30, left, right)
    with pytest.raises(SeveralMarkers, match="2 markers"):
        measure(both)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4 not a picture", b"\xff\xd8\xff\xe0 truncated jpeg", b"GIF89a"])
def test_what_is_not_a_picture_is_refused(data):
    with pytest.raises(NotAnImage):
        read_image(data)


def test_a_huge_picture_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("L", (8000, 6000), 200).save(out, format="PNG")  # 48 MP, a few kB on disk
    with pytest.raises(ImageTooLarge, match="million pixels"):
        read_image(out.getvalue())
    with pytest.raises(ImageTooLarge, match="MB"):
        read_image(b"\x00" * (pixel_density.MAX_IMAGE_BYTES + 1))
