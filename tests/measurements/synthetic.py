"""Synthetic pictures of the test card at a known scale: the truth the measurement is checked against."""

import io
import math

import cv2
import numpy as np
from PIL import Image

from inspections.pixel_density import card_marker

SIDE_M = 0.2  # the card's marker, 200 mm


def scene(side_px, *, rotate_deg=0.0, tilt_deg=0.0, size=(1920, 1080), centre=None, background=150, seed=0):
    """(RGB picture, true px/m): the marker `side_px` pixels a side (face-on size) on a grey scene,
    turned by `rotate_deg` in the picture and tilted by `tilt_deg` about its vertical axis.
    The truth is the face-on scale: side_px / 0.2 m."""
    width, height = size
    picture = np.full((height, width), background, np.uint8)
    rng = np.random.default_rng(seed)
    picture = np.clip(picture + rng.normal(0, 6, picture.shape), 0, 255).astype(np.uint8)  # texture
    marker = card_marker(512)
    quiet = 512 // 6  # a white margin, as the printed card has
    card = np.full((512 + 2 * quiet, 512 + 2 * quiet), 255, np.uint8)
    card[quiet:-quiet, quiet:-quiet] = marker
    scale = side_px / 512
    cx, cy = centre or (width / 2, height / 2)
    half = card.shape[0] / 2
    source = np.float32([[0, 0], [card.shape[1], 0], [card.shape[1], card.shape[0]], [0, card.shape[0]]])
    # Tilt: the card turned about its vertical axis, seen by a pinhole camera far away (f = 4 × width).
    f = 4 * width
    t = math.radians(tilt_deg)
    points = []
    for x, y in source:
        X, Y = (x - half) * scale, (y - half) * scale
        Xr, Zr = X * math.cos(t), X * math.sin(t)
        k = f / (f + Zr)
        points.append((Xr * k, Y * k))
    r = math.radians(rotate_deg)
    target = np.float32(
        [[cx + px * math.cos(r) - py * math.sin(r), cy + px * math.sin(r) + py * math.cos(r)] for px, py in points]
    )
    warp = cv2.getPerspectiveTransform(source, target)
    warped = cv2.warpPerspective(card, warp, (width, height), flags=cv2.INTER_AREA, borderValue=0)
    mask = cv2.warpPerspective(np.full(card.shape, 255, np.uint8), warp, (width, height), borderValue=0)
    picture = np.where(mask > 0, warped, picture)
    return np.stack([picture] * 3, axis=-1), side_px / SIDE_M


def jpeg(picture, quality=60):
    out = io.BytesIO()
    Image.fromarray(picture).save(out, format="JPEG", quality=quality)
    return out.getvalue()


def png(picture):
    out = io.BytesIO()
    Image.fromarray(picture).save(out, format="PNG")
    return out.getvalue()


def noisy(picture, sigma=12, seed=1):
    rng = np.random.default_rng(seed)
    return np.clip(picture + rng.normal(0, sigma, picture.shape), 0, 255).astype(np.uint8)
