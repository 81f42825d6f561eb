"""Pixel density measured from a marker in the camera's own picture (IEC 62676-4: 250 px/m at the
target to identify a person).

The officer holds the city's test card (an ArUco marker of OpenCV's DICT_4X4_50, printed 200 mm a
side; `test_card_pdf()`) where faces must be identified. In one frame of the camera's stream, or
a photo of the recorder's screen, `measure()` finds the marker and reads pixels per metre from
its four sides: opposite sides are averaged into the card's two directions, and the larger scale
of the two is taken, as a card held at a slant is shortened in one direction only. A ratio of
longest to shortest side above STRONG_PERSPECTIVE is noted (the officer may measure again).
On synthetic pictures (tests/measurements) it is within 3 % of the truth from 30 px markers up,
turned, tilted up to 30°, JPEG-compressed and noisy. The numbers are only as true as the print:
the card carries a 100 mm line to check its scale with a ruler.

Pure functions on bytes and arrays: the inspection page, the API and the tests call them the same.
"""

import io
from dataclasses import dataclass

import cv2
import numpy as np
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

DICTIONARY = cv2.aruco.DICT_4X4_50
CARD_MARKER_ID = 0
DEFAULT_MARKER_SIDE_MM = 200
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 MP: more than any camera's frame or phone photo; stops decompression bombs
STRONG_PERSPECTIVE = 1.15  # longest side / shortest side


class MeasurementError(ValueError):
    """The picture cannot be measured; the message is for the officer, in their language."""

    code = "invalid"


class NotAnImage(MeasurementError):
    code = "not_an_image"


class ImageTooLarge(MeasurementError):
    code = "too_large"


class NoMarker(MeasurementError):
    code = "no_marker"


class SeveralMarkers(MeasurementError):
    code = "several_markers"


@dataclass(frozen=True)
class Measurement:
    px_per_m: float
    sides_px: tuple  # the four sides, in pixels
    corners: tuple  # four (x, y), clockwise from the marker's top left
    marker_side_mm: float

    @property
    def perspective(self):
        """Longest side over shortest: 1.0 when the card faces the camera squarely."""
        return max(self.sides_px) / min(self.sides_px)

    @property
    def strong_perspective(self):
        return self.perspective > STRONG_PERSPECTIVE

    def meets(self, threshold_px_per_m):
        return self.px_per_m >= threshold_px_per_m


def read_image(data):
    """A picture's bytes as an RGB array; refuses what is not an image or is too large."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge(
            _("The picture is larger than %(mb)s MB: send a smaller one (a screenshot is enough).")
            % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ImageTooLarge(
                    _("The picture has more than %(mp)s million pixels: send a smaller one.")
                    % {"mp": MAX_PIXELS // 1_000_000}
                )
            return np.asarray(image.convert("RGB"))
    except MeasurementError:
        raise
    except Image.DecompressionBombError:
        raise ImageTooLarge(_("The picture is too large to open safely: send a smaller one.")) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise NotAnImage(_("This file is not a picture: send a JPEG, PNG or WebP image.")) from None


def _detector():
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(DICTIONARY), parameters)


def measure(image, marker_side_mm=DEFAULT_MARKER_SIDE_MM):
    """The Measurement of the one test-card marker in `image` (an RGB or grey array)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    corners, ids, _rejected = _detector().detectMarkers(grey)
    if ids is None or len(ids) == 0:
        raise NoMarker(
            _(
                "No test card found in the picture. Hold the whole card flat and in focus, facing the "
                "camera, with its white border showing."
            )
        )
    if len(ids) > 1:
        raise SeveralMarkers(
            _("%(n)s markers found in the picture: hold only one test card in view.") % {"n": len(ids)}
        )
    points = corners[0].reshape(4, 2).astype(float)
    sides = tuple(float(np.linalg.norm(points[i] - points[(i + 1) % 4])) for i in range(4))
    # Opposite sides averaged into the card's two directions; a tilted card shortens one direction
    # only, so the larger scale of the two (the larger singular value) is the one at the card's place.
    across = ((points[1] - points[0]) + (points[2] - points[3])) / 2
    down = ((points[3] - points[0]) + (points[2] - points[1])) / 2
    scale_px = float(np.linalg.svd(np.column_stack([across, down]), compute_uv=False)[0])
    px_per_m = scale_px / (float(marker_side_mm) / 1000)
    return Measurement(round(px_per_m, 1), sides, tuple(map(tuple, points.round(1))), float(marker_side_mm))


def annotated_jpeg(image, measurement, label):
    """The picture with the marker's detected corners and sides drawn, and `label` written on it."""
    picture = Image.fromarray(image).convert("RGB")
    draw = ImageDraw.Draw(picture)
    width = max(2, round(min(picture.size) / 300))
    corners = [tuple(c) for c in measurement.corners]
    draw.line([*corners, corners[0]], fill=(255, 0, 200), width=width)
    for x, y in corners:
        r = width * 3
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(0, 255, 0), width=width)
    font = ImageFont.load_default(size=max(14, min(picture.size) // 30))
    x, y = corners[0][0], max(0, corners[0][1] - font.size * 1.4)
    box = draw.textbbox((x, y), label, font=font)
    draw.rectangle(box, fill=(0, 0, 0))
    draw.text((x, y), label, fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


def card_marker(pixels):
    """The test card's marker as a square grey array of `pixels` a side (with no border)."""
    return cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(DICTIONARY), CARD_MARKER_ID, pixels)


def test_card_pdf(title, lines, ruler_label, dpi=300):
    """An A4 page: the marker, 200 mm a side at 100 % scale, a 100 mm ruler line, and the
    instructions (`lines`, already in the reader's language)."""
    mm = dpi / 25.4
    page = Image.new("L", (round(210 * mm), round(297 * mm)), 255)
    side = round(DEFAULT_MARKER_SIDE_MM * mm)
    left, top = (page.width - side) // 2, round(45 * mm)
    page.paste(Image.fromarray(card_marker(side)), (left, top))
    draw = ImageDraw.Draw(page)
    heading = ImageFont.load_default(size=round(7 * mm))
    text = ImageFont.load_default(size=round(4.2 * mm))
    draw.text((round(15 * mm), round(15 * mm)), title, font=heading, fill=0)
    ruler_top = top + side + round(12 * mm)
    ruler_left = round(55 * mm)
    draw.line([(ruler_left, ruler_top), (ruler_left + round(100 * mm), ruler_top)], fill=0, width=round(0.5 * mm))
    for x in (ruler_left, ruler_left + round(100 * mm)):
        draw.line([(x, ruler_top - round(3 * mm)), (x, ruler_top + round(3 * mm))], fill=0, width=round(0.5 * mm))
    draw.text((ruler_left, ruler_top + round(5 * mm)), ruler_label, font=text, fill=0)
    y = ruler_top + round(16 * mm)
    for line in lines:
        draw.text((round(15 * mm), y), line, font=text, fill=0)
        y += round(7 * mm)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=dpi)
    return out.getvalue()
