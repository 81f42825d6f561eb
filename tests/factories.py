import datetime
from decimal import Decimal

import factory

from registry.models import Camera, Kelurahan, Premises, ProtocolRoad, ResponsiblePerson


class ProtocolRoadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolRoad

    name = factory.Sequence(lambda n: f"Jl. Uji Coba {n}")
    kecamatan = factory.LazyFunction(lambda: Kelurahan.objects.get(name="Api-Api").kecamatan)


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises

    name = factory.Sequence(lambda n: f"Toko Contoh {n}")
    category = Premises.Category.MINIMARKET
    ownership = Premises.Ownership.PRIVATE
    road = factory.SubFactory(ProtocolRoadFactory)
    address = "Jl. Awang Long No. 1"
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.get(name="Api-Api"))
    latitude = Decimal("0.137000")
    longitude = Decimal("117.499000")
    nib = factory.Sequence(lambda n: f"{1200000000000 + n}")
    designated_on = datetime.date(2024, 1, 15)
    verification_status = Premises.Verification.VERIFIED  # obligated (registry.models.obligated_q)


class ResponsiblePersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponsiblePerson

    premises = factory.SubFactory(PremisesFactory)
    name = "Siti Rahmawati"
    role = "Pemilik"
    phone = "+6281234567890"
    nik = "6474010101900001"


class CameraFactory(factory.django.DjangoModelFactory):
    """A camera that meets standard v1: 25× PTZ, 1440p, IR, ONVIF S, RTSP."""

    class Meta:
        model = Camera

    premises = factory.SubFactory(PremisesFactory)
    label = factory.Sequence(lambda n: f"Kamera {n}")
    brand = "Hikvision"
    model = "DS-2DE4425IW-DE"
    camera_type = Camera.Type.PTZ
    pan_range_deg = 360
    hfov_wide_deg = 57.6
    optical_zoom = 25
    resolution_h_px = 2560
    resolution_v_px = 1440
    night_vision = True
    retention_days = 30
    onvif_profile_s = True
    rtsp_url = "rtsp://10.0.0.10:554/Streaming/Channels/101"
    faces_road = True


def dome_below_standard(premises, **overrides):
    """A fixed 1080p dome facing the road: fails pan range and face identification."""
    values = dict(
        camera_type=Camera.Type.DOME,
        pan_range_deg=0,
        hfov_wide_deg=90,
        optical_zoom=None,
        resolution_h_px=1920,
        resolution_v_px=1080,
    )
    values.update(overrides)
    return CameraFactory(premises=premises, **values)


def checklist(premises, result="pass"):
    """Premises-level answers that derive `result` (pass, partial or fail) by the inspection rule."""
    from inspections.recording import ItemOutcome

    signage = "fail" if result == "partial" else "pass"
    privacy = "fail" if result == "fail" else "pass"
    return [ItemOutcome("signage", signage), ItemOutcome("no_private_areas", privacy)]
