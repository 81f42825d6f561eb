"""The camera spec check: does one camera meet the city standard?

Pure functions. They read plain attributes from a camera (a `registry.models.Camera`,
saved or not, or anything with the same attribute names) and from a standard version
(`registry.models.CameraStandard`), never touch the database and never ask the clock,
and return *every* finding, not the first one.

Where each rule comes from (DOMAIN.md sections 1 and 3):
- pan range: Perwali Bontang 25/2019, "turns 360°, or at least 90°" (setting `min_pan_deg`);
- face identification: Perwali "can zoom in on a face clearly", made measurable with
  the IEC 62676-4 pixel-density levels (settings `face_level`, `pixel_density_levels`,
  `face_distance_m`);
- resolution, retention, night vision: policy settings of the standard version;
- ONVIF profiles and RTSP: Perwali "can be connected into one city system".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# A lens this wide (fisheye) spreads its pixels over half the world or more: the
# distance formula's tan(hfov/2) is undefined or negative there, and no face is
# identifiable at any useful distance.
PANORAMIC_HFOV_DEG = 180.0


def tele_hfov_deg(hfov_wide_deg, hfov_tele_deg=None, optical_zoom=None):
    """The narrowest horizontal field of view the camera can reach, in degrees.

    A declared tele angle wins; else the wide angle narrowed by the optical zoom factor
    (tan(tele/2) = tan(wide/2) / z, DOMAIN.md section 3); else the lens is fixed.
    """
    if hfov_tele_deg:
        return float(hfov_tele_deg)
    if optical_zoom and optical_zoom > 1 and hfov_wide_deg < PANORAMIC_HFOV_DEG:
        half = math.radians(float(hfov_wide_deg)) / 2
        return math.degrees(2 * math.atan(math.tan(half) / float(optical_zoom)))
    return float(hfov_wide_deg)


def max_distance_m(h_px, hfov_deg, px_per_m):
    """Farthest distance (m) at which a camera reaches `px_per_m` (IEC 62676-4).

    d_max = h_px / (2 · ppm · tan(hfov / 2)).
    """
    if hfov_deg <= 0 or hfov_deg >= PANORAMIC_HFOV_DEG or h_px <= 0 or px_per_m <= 0:
        return 0.0
    return float(h_px) / (2 * float(px_per_m) * math.tan(math.radians(float(hfov_deg)) / 2))


def identification_distance_m(camera, standard):
    """How far away the camera can identify a face, at its tele end, in metres."""
    hfov = tele_hfov_deg(camera.hfov_wide_deg, camera.hfov_tele_deg, camera.optical_zoom)
    return max_distance_m(camera.resolution_h_px, hfov, standard.face_px_per_m)


MESSAGES = {
    "pan_range": _(
        "Turns only %(actual)s°; the standard asks at least %(required)s° (360° recommended): "
        "choose a PTZ or pan-tilt camera."
    ),
    "resolution": _("Records %(actual)s pixels; the standard asks at least %(required)s (Full HD)."),
    "face_identification": _(
        "Recognises faces only up to %(actual)s m; the standard asks %(required)s m: "
        "choose a zoom or a narrower lens, or more pixels."
    ),
    "retention": _("Keeps recordings for %(actual)s days; the standard asks at least %(required)s days."),
    "night_vision": _("Faces the road but has no night vision (IR); the standard asks for it."),
    "onvif": _("Does not support ONVIF Profile %(missing)s, so the city command centre cannot connect to it."),
    "rtsp": _("Has no RTSP stream address, so the city command centre cannot connect to it."),
}


def message_for(rule, required, actual):
    """What an owner reads for a finding, in the active language.

    Built from the stored values, so that a finding saved tonight reads in the language of
    whoever opens it later.
    """
    if rule == "onvif":
        missing = ", ".join(sorted(set(required) - set(actual)))
        return str(MESSAGES[rule]) % {"missing": missing}
    if rule in ("night_vision", "rtsp"):
        return str(MESSAGES[rule])
    if rule in ("pan_range", "face_identification"):
        actual, required = _fmt(actual), _fmt(required)
    return str(MESSAGES[rule]) % {"actual": actual, "required": required}


@dataclass(frozen=True)
class Finding:
    """One rule the camera fails: which rule, which setting, required and actual values."""

    rule: str
    setting: str
    required: object
    actual: object

    @property
    def message(self):
        return message_for(self.rule, self.required, self.actual)

    def as_dict(self):
        return {"rule": self.rule, "setting": self.setting, "required": self.required, "actual": self.actual}


@dataclass(frozen=True)
class SpecCheckResult:
    standard_version: int
    identification_distance_m: float
    findings: list[Finding] = field(default_factory=list)

    @property
    def meets_standard(self):
        return not self.findings


def coverage_deg(camera):
    """Degrees of the scene the camera can watch: its pan range, or for a fisheye its lens."""
    if camera.camera_type == "fisheye":
        return max(float(camera.pan_range_deg), min(float(camera.hfov_wide_deg), 360.0))
    return float(camera.pan_range_deg)


def check_camera(camera, standard):
    """Judge one camera against one standard version; return every finding."""
    findings = []

    coverage = coverage_deg(camera)
    if coverage < standard.min_pan_deg:
        findings.append(Finding("pan_range", "min_pan_deg", standard.min_pan_deg, coverage))

    if camera.resolution_h_px < standard.min_resolution_h_px or camera.resolution_v_px < standard.min_resolution_v_px:
        findings.append(
            Finding(
                "resolution",
                "min_resolution_h_px, min_resolution_v_px",
                f"{standard.min_resolution_h_px}×{standard.min_resolution_v_px}",
                f"{camera.resolution_h_px}×{camera.resolution_v_px}",
            )
        )

    distance = identification_distance_m(camera, standard)
    if distance < standard.face_distance_m:
        findings.append(
            Finding("face_identification", "face_distance_m", float(standard.face_distance_m), _floor(distance, 1))
        )

    if camera.retention_days < standard.min_retention_days:
        findings.append(Finding("retention", "min_retention_days", standard.min_retention_days, camera.retention_days))

    if standard.night_vision_required_facing_road and camera.faces_road and not camera.night_vision:
        findings.append(Finding("night_vision", "night_vision_required_facing_road", True, False))

    required_profiles = sorted(standard.required_onvif_profiles)
    if not set(required_profiles) <= set(camera.onvif_profiles):
        findings.append(Finding("onvif", "required_onvif_profiles", required_profiles, sorted(camera.onvif_profiles)))

    if standard.rtsp_required and not camera.rtsp_url:
        findings.append(Finding("rtsp", "rtsp_required", True, False))

    return SpecCheckResult(
        standard_version=standard.version,
        identification_distance_m=_floor(distance, 2),
        findings=findings,
    )


def _floor(number, decimals):
    """Round down, so that a shown distance never looks better than the verdict."""
    scale = 10**decimals
    # The epsilon keeps 3.84 from becoming 3.83 through binary floating point.
    return math.floor(float(number) * scale + 1e-9) / scale


def _fmt(number):
    """1 decimal (rounded down), without a trailing ,0, in the reader's locale (3,8 m in Indonesian)."""
    value = _floor(number, 1)
    return number_format(value, decimal_pos=0 if value == int(value) else 1)
