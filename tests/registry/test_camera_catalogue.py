"""The camera catalogue: a model picked by the owner (or an officer in the admin) brings the figures
of its data sheet, whatever was typed beside it; a withdrawn model cannot be picked."""

import pytest
from django.utils import translation

from registry.forms import CameraForm
from registry.models import CatalogueCamera, OnvifProfile
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def _ptz():
    return CatalogueCamera.objects.get(brand="Hikvision", model="DS-2DE4425IW-DE")


def test_the_catalogue_is_seeded_with_common_brands_each_with_its_data_sheet():
    brands = set(CatalogueCamera.objects.values_list("brand", flat=True))
    assert {"Hikvision", "Dahua", "EZVIZ", "Imou", "TP-Link", "Uniview", "Hanwha Vision", "Axis"} <= brands
    assert not CatalogueCamera.objects.filter(datasheet="").exists()
    assert not CatalogueCamera.objects.exclude(checked_on=None).exists()  # until an officer has checked them


def test_a_model_from_the_catalogue_fills_every_figure_whatever_was_typed():
    entry = _ptz()
    form = CameraForm(
        {
            "label": "Depan",
            "catalogue_model": str(entry.pk),
            "faces_road": "on",
            "retention_days": "30",
            "pan_range_deg": "0",  # typed wrong: the data sheet wins
            "brand": "",
        }
    )
    assert form.is_valid(), form.errors
    camera = form.save(commit=False)
    assert camera.catalogue_model == entry
    assert (camera.brand, camera.model, camera.camera_type, camera.pan_range_deg) == (
        "Hikvision",
        "DS-2DE4425IW-DE",
        "ptz",
        360,
    )
    assert (camera.hfov_wide_deg, camera.hfov_tele_deg, camera.optical_zoom) == (57.6, 2.5, 25)
    assert camera.onvif_profiles == {OnvifProfile.S, OnvifProfile.T, OnvifProfile.G}
    assert camera.night_vision and camera.night_vision_range_m == 100


def test_a_withdrawn_model_is_a_clear_error():
    entry = _ptz()
    entry.active = False
    entry.save()
    with translation.override("id"):
        form = CameraForm({"label": "Depan", "catalogue_model": str(entry.pk), "retention_days": "30"})
        assert not form.is_valid()
        assert "Model ini tidak ada di daftar" in form.errors["catalogue_model"][0]


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1 OR 1=1"])
def test_a_hostile_catalogue_value_is_a_form_error_not_a_crash(value):
    form = CameraForm({"label": "Depan", "catalogue_model": value, "retention_days": "30"})
    assert not form.is_valid() and "catalogue_model" in form.errors


def test_an_officer_picking_a_model_in_the_admin_gets_its_figures(client, officer):
    camera = CameraFactory(pan_range_deg=0, camera_type="dome", brand="?", model="?")
    client.force_login(officer)
    page = client.get(f"/admin/registry/camera/{camera.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["catalogue_model"] = _ptz().pk
    response = client.post(f"/admin/registry/camera/{camera.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    camera.refresh_from_db()
    assert (camera.brand, camera.pan_range_deg, camera.camera_type, camera.catalogue_model_id) == (
        "Hikvision",
        360,
        "ptz",
        _ptz().pk,
    )
