"""Owners type numbers as they write them: 0,137 or 0.137, 1.920 or 1920. Every number field of
the public forms reads both decimal separators; what cannot be read gets a clear error, not a 500."""

import pytest

from registry.forms import CameraForm, PremisesForm, either_separator


@pytest.mark.parametrize(
    ("typed", "whole", "read"),
    [
        ("0,137", False, "0.137"),
        ("0.137", False, "0.137"),
        ("117,4990", False, "117.4990"),
        ("57,6", False, "57.6"),
        ("1.234,5", False, "1234.5"),
        ("1,234.5", False, "1234.5"),
        (" 25 ", False, "25"),
        ("1.920", True, "1920"),
        ("1,920", True, "1920"),
        ("2 560", True, "2560"),
        ("2,5", True, "2,5"),  # not whole: the field says so
        ("1,2,3", False, "1,2,3"),  # unreadable: the field says so
        (None, False, None),
    ],
)
def test_either_separator(typed, whole, read):
    assert either_separator(typed, whole) == read


def test_every_number_field_of_the_public_forms_is_a_text_box_with_a_number_keyboard():
    for form in (PremisesForm(prefix="premises"), CameraForm(prefix="c")):
        numbers = [
            name
            for name, f in form.fields.items()
            if f.__class__.__name__ in ("IntegerField", "FloatField", "DecimalField")
        ]
        assert numbers, form
        for name in numbers:
            html = str(form[name])
            assert 'type="text"' in html and 'inputmode="' in html, (name, html)


@pytest.mark.django_db
def test_a_camera_typed_with_indonesian_decimals_is_read_exactly():
    form = CameraForm(
        {
            "label": "Depan",
            "brand": "Hikvision",
            "model": "DS-2DE4425IW-DE",
            "camera_type": "ptz",
            "pan_range_deg": "360",
            "hfov_wide_deg": "57,6",
            "hfov_tele_deg": "2,5",
            "optical_zoom": "25",
            "resolution_h_px": "2.560",
            "resolution_v_px": "1.440",
            "retention_days": "30",
            "faces_road": "on",
        }
    )
    assert form.is_valid(), form.errors
    camera = form.instance
    assert (camera.hfov_wide_deg, camera.hfov_tele_deg, camera.resolution_h_px) == (57.6, 2.5, 2560)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "typed"), [("pan_range_deg", "2,5"), ("hfov_wide_deg", "1,2,3"), ("resolution_h_px", "1.9.2")]
)
def test_a_number_that_cannot_be_read_gets_an_error_in_indonesian(field, typed):
    from django.utils import translation

    with translation.override("id"):
        form = CameraForm({"label": "Depan", "camera_type": "dome", field: typed})
        assert not form.is_valid()
        assert form.errors[field][0] in (
            "Masukkan bilangan bulat, misalnya 1920.",
            "Masukkan angka, misalnya 57,6 atau 57.6.",
        )
