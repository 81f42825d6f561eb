"""Bad input to the models gets a clear validation error, and the database refuses it too."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from registry import personal_data
from registry.models import Camera, CameraStandard, Premises, ResponsiblePerson, StandardInForce
from registry.validators import mask_nik, normalise_phone
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db


def errors_of(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def refused_by_database(queryset, **changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


# --- premises --------------------------------------------------------------------------------


def test_a_valid_premises_passes_validation():
    PremisesFactory().full_clean()


def test_a_12_digit_nib_is_refused_with_a_clear_message():
    premises = PremisesFactory.build(road=PremisesFactory().road, nib="123456789012")
    with translation.override("en"):
        assert errors_of(premises)["nib"] == ["The NIB must be exactly 13 digits."]
    with translation.override("id"):
        assert errors_of(premises)["nib"] == ["NIB harus tepat 13 digit angka."]


def test_the_database_refuses_a_12_digit_nib_even_past_validation():
    premises = PremisesFactory()
    refused_by_database(Premises.objects.filter(pk=premises.pk), nib="123456789012")


def test_a_private_business_needs_a_nib_and_a_government_building_has_none():
    road = PremisesFactory().road
    with translation.override("en"):
        assert errors_of(PremisesFactory.build(road=road, nib=""))["nib"] == [
            "A private business must give its 13-digit NIB."
        ]
        government = PremisesFactory.build(road=road, ownership=Premises.Ownership.GOVERNMENT, nib="1234567890123")
        assert errors_of(government)["nib"] == ["A government building has no NIB: leave it empty."]


def test_coordinates_in_jakarta_are_refused():
    premises = PremisesFactory.build(
        road=PremisesFactory().road, latitude=Decimal("-6.200000"), longitude=Decimal("106.816666")
    )
    with translation.override("en"):
        errors = errors_of(premises)
    assert errors["latitude"] == ["This latitude is outside Kota Bontang (0.017 to 0.2 N)."]
    assert errors["longitude"] == ["This longitude is outside Kota Bontang (117.383 to 117.633 E)."]


def test_the_database_refuses_coordinates_outside_bontang():
    premises = PremisesFactory()
    refused_by_database(Premises.objects.filter(pk=premises.pk), latitude=Decimal("-6.2"), longitude=Decimal("106.8"))


def test_a_rejection_needs_a_reason():
    premises = PremisesFactory(verification_status=Premises.Verification.PENDING)
    premises.verification_status = Premises.Verification.REJECTED
    assert "rejection_reason" in errors_of(premises)
    refused_by_database(Premises.objects.filter(pk=premises.pk), verification_status="rejected")


def test_an_unknown_category_is_refused_by_the_database():
    premises = PremisesFactory()
    refused_by_database(Premises.objects.filter(pk=premises.pk), category="casino")


def test_obligated_premises_are_those_designated_by_the_date_and_not_rejected():
    designated = PremisesFactory(designated_on=datetime.date(2024, 1, 1))
    PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    PremisesFactory(designated_on=None)
    PremisesFactory(
        designated_on=datetime.date(2023, 1, 1),
        verification_status="rejected",
        rejection_reason="Bukan di jalan protokol",
    )
    assert list(Premises.objects.obligated(datetime.date(2024, 6, 1))) == [designated]


# --- responsible persons -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(0548) 21234", "+6254821234"),
    ],
)
def test_phone_numbers_are_stored_normalised(typed, stored):
    assert normalise_phone(typed) == stored
    person = ResponsiblePersonFactory.build(premises=PremisesFactory(), phone=typed)
    person.full_clean()
    person.save()
    assert ResponsiblePerson.objects.get().phone == stored


@pytest.mark.parametrize("typed", ["12345", "+1 555 123 4567", "0812-abc", "08"])
def test_a_number_that_is_not_indonesian_is_refused(typed):
    person = ResponsiblePersonFactory.build(premises=PremisesFactory(), phone=typed)
    with translation.override("en"):
        assert errors_of(person)["phone"] == [
            "Enter an Indonesian phone number, for example 0812 3456 7890 or (0548) 21234."
        ]


def test_the_database_refuses_an_unnormalised_phone_and_a_15_digit_nik():
    person = ResponsiblePersonFactory()
    refused_by_database(ResponsiblePerson.objects.filter(pk=person.pk), phone="081234567890")
    refused_by_database(ResponsiblePerson.objects.filter(pk=person.pk), nik="647401010190000")


def test_nik_must_be_16_digits_and_is_masked_for_display():
    person = ResponsiblePersonFactory.build(premises=PremisesFactory(), nik="64740101019")
    with translation.override("en"):
        assert errors_of(person)["nik"] == ["The NIK must be exactly 16 digits."]
    assert mask_nik("6474010101900001") == "6474••••••••0001"
    assert personal_data.masked(ResponsiblePerson, "nik", "") == ""
    assert personal_data.masked(ResponsiblePerson, "phone", "+6281234567890") == "+62•••••••7890"
    assert personal_data.masked(ResponsiblePerson, "email", "siti@contoh.id") == "s•••@contoh.id"


# --- cameras ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pan_range_deg", 400),
        ("hfov_wide_deg", 0),
        ("hfov_wide_deg", -30),
        ("resolution_h_px", 0),
        ("optical_zoom", 0.5),
        ("retention_days", 5000),
    ],
)
def test_out_of_range_camera_specs_are_refused(field, value):
    camera = CameraFactory.build(premises=PremisesFactory(), **{field: value})
    assert field in errors_of(camera)


def test_a_stream_address_with_a_password_is_refused_and_never_stored():
    camera = CameraFactory.build(premises=PremisesFactory(), rtsp_url="rtsp://admin:rahasia@10.0.0.5:554/live")
    with translation.override("en"):
        assert errors_of(camera)["rtsp_url"][0].startswith("Remove the user name and password")
    stored = CameraFactory()
    refused_by_database(Camera.objects.filter(pk=stored.pk), rtsp_url="rtsp://admin:rahasia@10.0.0.5:554/live")
    assert Camera.objects.get().rtsp_url == "rtsp://10.0.0.10:554/Streaming/Channels/101"


def test_a_tele_angle_wider_than_the_wide_angle_is_refused():
    camera = CameraFactory.build(premises=PremisesFactory(), hfov_wide_deg=60, hfov_tele_deg=90)
    assert "hfov_tele_deg" in errors_of(camera)
    stored = CameraFactory(hfov_wide_deg=60, hfov_tele_deg=5)
    refused_by_database(Camera.objects.filter(pk=stored.pk), hfov_tele_deg=90)


def test_the_database_refuses_zero_resolution_and_a_pan_range_over_360():
    camera = CameraFactory()
    refused_by_database(Camera.objects.filter(pk=camera.pk), resolution_h_px=0)
    refused_by_database(Camera.objects.filter(pk=camera.pk), pan_range_deg=361)


def test_onvif_profiles_read_and_write_as_a_set():
    camera = CameraFactory.build()
    camera.onvif_profiles = {"S", "T"}
    assert (camera.onvif_profile_s, camera.onvif_profile_t, camera.onvif_profile_g) == (True, True, False)
    assert camera.onvif_profiles == {"S", "T"}


# --- the camera standard ----------------------------------------------------------------------


def test_version_1_is_seeded_with_the_policy_defaults():
    v1 = CameraStandard.objects.get(version=1)
    assert (v1.min_pan_deg, v1.face_px_per_m, v1.face_distance_m) == (90, 250.0, 10)
    assert (v1.min_resolution_h_px, v1.min_resolution_v_px, v1.min_retention_days) == (1920, 1080, 30)
    assert v1.required_onvif_profiles == ["S"] and v1.rtsp_required
    assert v1.min_road_cameras_for("bank") == 2 and v1.min_road_cameras_for("ruko") == 1
    assert (v1.inspection_interval_months, v1.grace_period_days, v1.warning_grace_days) == (6, 90, 7)


def test_a_version_in_force_is_never_edited_in_place():
    v1 = CameraStandard.objects.get(version=1)
    v1.face_distance_m = 5
    with pytest.raises(StandardInForce):
        v1.save()
    with pytest.raises(StandardInForce):
        v1.delete()
    assert CameraStandard.objects.get(version=1).face_distance_m == 10


def test_a_new_version_takes_the_next_number_and_applies_from_its_date():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    v2 = CameraStandard(effective_from=tomorrow, min_retention_days=60)
    v2.full_clean()
    v2.save()
    assert v2.version == 2
    assert CameraStandard.objects.in_force(timezone.localdate()).version == 1
    assert CameraStandard.objects.in_force(tomorrow).version == 2
    v2.min_retention_days = 45  # not yet in force: still editable
    v2.save()
    assert CameraStandard.objects.in_force(datetime.date(2010, 1, 1)) is None


def test_a_new_version_cannot_start_in_the_past_or_share_a_date():
    assert "effective_from" in errors_of(CameraStandard(effective_from=datetime.date(2020, 1, 1)))
    with pytest.raises(IntegrityError), transaction.atomic():
        CameraStandard.objects.create(effective_from=datetime.date(2019, 10, 1))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("face_level", "glimpse"),
        ("pixel_density_levels", {"identify": -1}),
        ("pixel_density_levels", ["identify"]),
        ("required_onvif_profiles", ["S", "Z"]),
        ("min_road_cameras_by_category", {"casino": 2}),
        ("min_pan_deg", 400),
    ],
)
def test_bad_standard_settings_are_refused(field, value):
    standard = CameraStandard(effective_from=timezone.localdate() + datetime.timedelta(days=3), **{field: value})
    assert list(errors_of(standard)) == [field]  # refused on the bad setting, and on nothing else
