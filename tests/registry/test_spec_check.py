"""The camera spec check as pure functions: no database, no clock."""

import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from registry import spec_check
from registry.models import Camera, CameraStandard


def standard(**overrides):
    """Standard version 1 with the policy defaults of DOMAIN.md section 3."""
    return CameraStandard(**{"version": 1, **overrides})


def camera(**overrides):
    """A camera that meets version 1; each test spoils one thing."""
    values = dict(
        camera_type="ptz",
        pan_range_deg=360,
        hfov_wide_deg=57.6,
        optical_zoom=25,
        resolution_h_px=2560,
        resolution_v_px=1440,
        night_vision=True,
        retention_days=30,
        onvif_profile_s=True,
        rtsp_url="rtsp://10.0.0.10:554/stream1",
        faces_road=True,
    )
    values.update(overrides)
    return Camera(**values)


@pytest.mark.parametrize(
    ("h_px", "hfov", "expected_m"),
    [(1920, 90, 3.8), (1920, 30, 14.3), (3840, 90, 7.7)],
)
def test_identification_distance_matches_the_worked_examples_of_the_domain_reference(h_px, hfov, expected_m):
    assert round(spec_check.max_distance_m(h_px, hfov, 250), 1) == expected_m


def test_zoom_factor_narrows_the_wide_angle_by_the_tangent_rule():
    tele = spec_check.tele_hfov_deg(90, optical_zoom=2)
    assert math.tan(math.radians(tele) / 2) == pytest.approx(0.5)


def test_a_declared_tele_angle_wins_over_the_zoom_factor():
    assert spec_check.tele_hfov_deg(90, hfov_tele_deg=30, optical_zoom=2) == 30


def test_a_compliant_ptz_camera_has_no_findings():
    result = spec_check.check_camera(camera(), standard())
    assert result.meets_standard
    assert result.findings == []
    assert result.standard_version == 1
    assert result.identification_distance_m > 10


def test_a_fixed_1080p_90_degree_dome_fails_pan_and_face_but_nothing_else():
    dome = camera(
        camera_type="dome",
        pan_range_deg=0,
        hfov_wide_deg=90,
        optical_zoom=None,
        resolution_h_px=1920,
        resolution_v_px=1080,
    )
    result = spec_check.check_camera(dome, standard())
    assert [f.rule for f in result.findings] == ["pan_range", "face_identification"]
    face = result.findings[1]
    assert (face.setting, face.required, face.actual) == ("face_distance_m", 10.0, 3.8)
    assert result.identification_distance_m == 3.84


def test_every_failing_rule_is_reported_not_only_the_first():
    poor = camera(
        camera_type="fixed",
        pan_range_deg=0,
        hfov_wide_deg=80,
        optical_zoom=None,
        resolution_h_px=960,
        resolution_v_px=576,
        night_vision=False,
        retention_days=7,
        onvif_profile_s=False,
        rtsp_url="",
        faces_road=True,
    )
    rules = [f.rule for f in spec_check.check_camera(poor, standard()).findings]
    assert rules == ["pan_range", "resolution", "face_identification", "retention", "night_vision", "onvif", "rtsp"]


def test_night_vision_is_only_required_for_cameras_facing_the_road():
    indoor = camera(night_vision=False, faces_road=False)
    assert spec_check.check_camera(indoor, standard()).meets_standard
    street = camera(night_vision=False, faces_road=True)
    assert [f.rule for f in spec_check.check_camera(street, standard()).findings] == ["night_vision"]


def test_a_fisheye_covers_its_lens_angle_without_panning_but_cannot_identify_faces():
    fisheye = camera(camera_type="fisheye", pan_range_deg=0, hfov_wide_deg=180, optical_zoom=None)
    result = spec_check.check_camera(fisheye, standard())
    assert [f.rule for f in result.findings] == ["face_identification"]
    assert result.identification_distance_m == 0


def test_findings_follow_the_standard_version_they_are_judged_against():
    dome = camera(hfov_wide_deg=90, optical_zoom=None, resolution_h_px=1920, resolution_v_px=1080)
    lenient = standard(version=2, face_distance_m=3)
    assert spec_check.check_camera(dome, standard()).findings[0].setting == "face_distance_m"
    result = spec_check.check_camera(dome, lenient)
    assert result.meets_standard and result.standard_version == 2


def test_the_face_level_is_read_from_the_standard_settings_not_a_constant():
    renamed = standard(pixel_density_levels={"characterise": 250, "validate": 500}, face_level="validate")
    assert spec_check.identification_distance_m(
        camera(hfov_wide_deg=90, optical_zoom=None, resolution_h_px=3840), renamed
    ) == pytest.approx(3.84)


def test_messages_speak_the_owners_language():
    dome = camera(hfov_wide_deg=90, optical_zoom=None, resolution_h_px=1920, resolution_v_px=1080)
    with translation.override("id"):
        indonesian = spec_check.check_camera(dome, standard()).findings[0].message
    with translation.override("en"):
        english = spec_check.check_camera(dome, standard()).findings[0].message
    assert english == (
        "Recognises faces only up to 3.8 m; the standard asks 10 m: choose a zoom or a narrower lens, or more pixels."
    )
    assert indonesian == (
        "Hanya dapat mengenali wajah sampai 3,8 m; standar meminta 10 m: pilih kamera dengan "
        "zoom atau lensa yang lebih sempit, atau piksel yang lebih banyak."
    )


def test_a_distance_just_short_of_the_requirement_never_shows_as_reaching_it():
    # 9.99 m must fail and must not be printed as "10 m".
    h_px = 2 * 250 * 9.99 * math.tan(math.radians(20) / 2)
    near = camera(optical_zoom=None, hfov_wide_deg=20, resolution_h_px=round(h_px))
    result = spec_check.check_camera(near, standard())
    face = [f for f in result.findings if f.rule == "face_identification"]
    assert face and face[0].actual < 10 and result.identification_distance_m < 10


# --- properties: more pixels or more zoom never shortens the distance -----------------------

pixels = st.integers(min_value=1, max_value=20000)
angles = st.floats(min_value=1, max_value=360, allow_nan=False)
zooms = st.floats(min_value=1, max_value=100, allow_nan=False)


@given(h_px=pixels, extra=st.integers(min_value=0, max_value=20000), hfov=angles, zoom=zooms)
def test_more_pixels_never_shortens_the_identification_distance(h_px, extra, hfov, zoom):
    s = standard()
    fewer = camera(resolution_h_px=h_px, hfov_wide_deg=hfov, optical_zoom=zoom)
    more = camera(resolution_h_px=h_px + extra, hfov_wide_deg=hfov, optical_zoom=zoom)
    assert spec_check.identification_distance_m(more, s) >= spec_check.identification_distance_m(fewer, s)


@given(h_px=pixels, hfov=angles, zoom=zooms, more_zoom=st.floats(min_value=0, max_value=100, allow_nan=False))
def test_more_zoom_never_shortens_the_identification_distance(h_px, hfov, zoom, more_zoom):
    s = standard()
    less = camera(resolution_h_px=h_px, hfov_wide_deg=hfov, optical_zoom=zoom)
    more = camera(resolution_h_px=h_px, hfov_wide_deg=hfov, optical_zoom=min(zoom + more_zoom, 100))
    assert spec_check.identification_distance_m(more, s) >= spec_check.identification_distance_m(less, s) * (1 - 1e-12)


@given(h_px=pixels, wide=angles, narrower_by=st.floats(min_value=0, max_value=1, allow_nan=False))
def test_a_narrower_tele_angle_never_shortens_the_identification_distance(h_px, wide, narrower_by):
    s = standard()
    tele = max(wide * (1 - narrower_by), 0.1)
    at_wide = camera(resolution_h_px=h_px, hfov_wide_deg=wide, optical_zoom=None)
    at_tele = camera(resolution_h_px=h_px, hfov_wide_deg=wide, hfov_tele_deg=tele, optical_zoom=None)
    assert spec_check.identification_distance_m(at_tele, s) >= spec_check.identification_distance_m(at_wide, s) * (
        1 - 1e-12
    )


@pytest.mark.parametrize(
    ("h_px", "hfov", "px_per_m", "expected_m"),
    [
        # Worked by hand from exact tangents (tan 45° = 1, tan 30° = 1/√3, tan 60° = √3), not from the code:
        (1920, 90, 250, 3.84),  # 1920 / (2 · 250 · 1)
        (3840, 90, 250, 7.68),
        (2560, 90, 125, 10.24),  # the "recognise" level
        (1920, 60, 250, 1920 * 3**0.5 / 500),  # 6.651…
        (1920, 120, 250, 1920 / (500 * 3**0.5)),  # 2.217…
    ],
)
def test_the_farthest_distance_for_a_pixel_density_matches_exact_worked_values(h_px, hfov, px_per_m, expected_m):
    assert spec_check.max_distance_m(h_px, hfov, px_per_m) == pytest.approx(expected_m, rel=1e-12)
