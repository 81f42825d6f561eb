"""Demo data for a development machine: Bontang's protocol roads, premises along them,
their cameras (a realistic mix of compliant and failing specs) and one user per role.

Deterministic and idempotent: running it twice changes nothing (what exists is left as it is)
but the demo users' passwords, which are printed anew. Refuses to run with DEBUG off. Road lines and
coordinates are approximate, drawn for the demo from the city's extent (DOMAIN.md 7).
"""

import datetime
import random
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.models import (
    Camera,
    CameraType,
    EntrySource,
    Kecamatan,
    Kelurahan,
    Ownership,
    Premises,
    PremisesCategory,
    ProtocolRoad,
    ResponsiblePerson,
    ServiceContact,
    Verification,
)

# name: (kecamatan of the road, kelurahan along it, line as [lat, lon] points)
ROADS = {
    "Jl. Awang Long": (
        "Bontang Utara",
        ["Bontang Baru", "Api-Api"],
        [[0.1330, 117.4960], [0.1370, 117.4990], [0.1410, 117.5010]],
    ),
    "Jl. MH Thamrin": (
        "Bontang Utara",
        ["Bontang Baru", "Bontang Kuala"],
        [[0.1290, 117.4990], [0.1320, 117.5010], [0.1350, 117.5040]],
    ),
    "Jl. R. Suprapto": ("Bontang Utara", ["Api-Api"], [[0.1420, 117.4890], [0.1450, 117.4930], [0.1480, 117.4960]]),
    "Jl. MT Haryono": (
        "Bontang Utara",
        ["Gunung Elai", "Api-Api"],
        [[0.1440, 117.4980], [0.1480, 117.5000], [0.1520, 117.5020]],
    ),
    "Jl. Soekarno-Hatta": (
        "Bontang Selatan",
        ["Berbas Tengah", "Tanjung Laut"],
        [[0.1100, 117.4850], [0.1150, 117.4900], [0.1200, 117.4950]],
    ),
    "Jl. Cipto Mangunkusumo": (
        "Bontang Utara",
        ["Lok Tuan", "Guntung"],
        [[0.1560, 117.4800], [0.1600, 117.4840], [0.1640, 117.4870]],
    ),
    "Jl. WR Soepratman": (
        "Bontang Selatan",
        ["Tanjung Laut", "Tanjung Laut Indah"],
        [[0.1180, 117.5010], [0.1210, 117.5040], [0.1240, 117.5060]],
    ),
    "Jl. Sutan Syahrir": (
        "Bontang Utara",
        ["Bontang Baru"],
        [[0.1350, 117.4900], [0.1380, 117.4920], [0.1410, 117.4940]],
    ),
    "Jl. Ahmad Yani": (
        "Bontang Barat",
        ["Gunung Telihan", "Belimbing"],
        [[0.1300, 117.4800], [0.1320, 117.4850], [0.1340, 117.4900]],
    ),
    "Jl. Bhayangkara": (
        "Bontang Barat",
        ["Kanaan", "Belimbing"],
        [[0.1400, 117.4650], [0.1380, 117.4720], [0.1360, 117.4790]],
    ),
}

# The buildings named in local reporting (DOMAIN.md section 7), then a mix for each road.
LANDMARKS = [
    ("Bank BNI KCU Bontang", PremisesCategory.BANK, Ownership.PRIVATE, "Jl. R. Suprapto", "Api-Api"),
    ("Bank Kaltimtara Cabang Bontang", PremisesCategory.BANK, Ownership.PRIVATE, "Jl. R. Suprapto", "Api-Api"),
    ("PT Telkom Indonesia Bontang", PremisesCategory.TELECOM, Ownership.PRIVATE, "Jl. MT Haryono", "Gunung Elai"),
    ("Kantor Pos Bontang", PremisesCategory.POST_OFFICE, Ownership.PRIVATE, "Jl. MH Thamrin", "Bontang Baru"),
    ("Pasar Rawa Indah", PremisesCategory.OTHER, Ownership.GOVERNMENT, "Jl. MH Thamrin", "Bontang Kuala"),
    (
        "RSUD Taman Husada",
        PremisesCategory.GOVERNMENT_OFFICE,
        Ownership.GOVERNMENT,
        "Jl. Sutan Syahrir",
        "Bontang Baru",
    ),
    (
        "Diskominfo Kota Bontang",
        PremisesCategory.GOVERNMENT_OFFICE,
        Ownership.GOVERNMENT,
        "Jl. Awang Long",
        "Bontang Baru",
    ),
    ("Plaza Taman Bontang", PremisesCategory.PLAZA, Ownership.PRIVATE, "Jl. Awang Long", "Api-Api"),
]

MIX = [
    ("Indomaret {road}", PremisesCategory.MINIMARKET),
    ("Alfamart {road}", PremisesCategory.MINIMARKET),
    ("Toko Sinar Jaya {road}", PremisesCategory.RUKO),
    ("Apotek Sehat {road}", PremisesCategory.RUKO),
    ("Toko Emas Cahaya {road}", PremisesCategory.RUKO),
    ("Rumah Makan Sari Rasa {road}", PremisesCategory.RUKO),
    ("Bank BRI Unit {road}", PremisesCategory.BANK),
    ("Hotel Equator {road}", PremisesCategory.HOTEL),
    ("Kantor Notaris {road}", PremisesCategory.OFFICE),
    ("Toko Bangunan Makmur {road}", PremisesCategory.RUKO),
    ("Kantor Kelurahan {kelurahan}", PremisesCategory.GOVERNMENT_OFFICE),
]

# Realistic camera data sheets (approximate): good, partly good and poor.
CAMERAS = {
    "ptz_25x": dict(
        brand="Hikvision",
        model="DS-2DE4425IW-DE",
        camera_type=CameraType.PTZ,
        pan_range_deg=360,
        hfov_wide_deg=57.6,
        optical_zoom=25,
        resolution_h_px=2560,
        resolution_v_px=1440,
        night_vision=True,
        night_vision_range_m=100,
        profiles="SGT",
    ),
    "ptz_32x": dict(
        brand="Axis",
        model="Q6135-LE",
        camera_type=CameraType.PTZ,
        pan_range_deg=360,
        hfov_wide_deg=63.6,
        optical_zoom=32,
        resolution_h_px=1920,
        resolution_v_px=1080,
        night_vision=True,
        night_vision_range_m=400,
        profiles="SGT",
    ),
    "mini_ptz_4x": dict(
        brand="Hikvision",
        model="DS-2DE2A404IW-DE3",
        camera_type=CameraType.PTZ,
        pan_range_deg=360,
        hfov_wide_deg=54,
        optical_zoom=4,
        resolution_h_px=2560,
        resolution_v_px=1440,
        night_vision=True,
        night_vision_range_m=20,
        profiles="ST",
    ),
    "varifocal_bullet": dict(
        brand="Hikvision",
        model="DS-2CD2643G2-IZS",
        camera_type=CameraType.FIXED,
        pan_range_deg=0,
        hfov_wide_deg=98,
        hfov_tele_deg=29,
        resolution_h_px=2688,
        resolution_v_px=1520,
        night_vision=True,
        night_vision_range_m=60,
        profiles="SGT",
    ),
    "dome_2mp": dict(
        brand="Dahua",
        model="IPC-HDW1230T1",
        camera_type=CameraType.DOME,
        pan_range_deg=0,
        hfov_wide_deg=103,
        resolution_h_px=1920,
        resolution_v_px=1080,
        night_vision=True,
        night_vision_range_m=30,
        profiles="S",
    ),
    "wifi_pan_tilt": dict(
        brand="EZVIZ",
        model="C6N",
        camera_type=CameraType.PTZ,
        pan_range_deg=340,
        hfov_wide_deg=85,
        resolution_h_px=1920,
        resolution_v_px=1080,
        night_vision=True,
        night_vision_range_m=10,
        profiles="",
    ),
    "analog_old": dict(
        brand="Samsung",
        model="SCO-2080R",
        camera_type=CameraType.FIXED,
        pan_range_deg=0,
        hfov_wide_deg=80,
        resolution_h_px=960,
        resolution_v_px=576,
        night_vision=False,
        profiles="",
    ),
    "fisheye": dict(
        brand="Hikvision",
        model="DS-2CD2955FWD-I",
        camera_type=CameraType.FISHEYE,
        pan_range_deg=0,
        hfov_wide_deg=180,
        resolution_h_px=2560,
        resolution_v_px=2560,
        night_vision=True,
        night_vision_range_m=8,
        profiles="S",
    ),
}
GOOD = ["ptz_25x", "ptz_32x", "mini_ptz_4x"]
INDOOR = ["dome_2mp", "fisheye", "varifocal_bullet"]
POOR = ["wifi_pan_tilt", "analog_old", "dome_2mp", "varifocal_bullet"]
LABELS = ["Depan / arah jalan", "Pintu masuk", "Kasir", "Parkir", "Samping gedung", "Gudang"]

FIRST_NAMES = ["Andi", "Budi", "Siti", "Rahmat", "Dewi", "Hendra", "Nur", "Agus", "Rina", "Yusuf", "Wahyuni", "Fajar"]
LAST_NAMES = ["Saputra", "Hidayat", "Rahmawati", "Pratama", "Lestari", "Syahputra", "Wulandari", "Kurniawan"]
ROLES = ["Pemilik", "Kepala cabang", "Manajer toko", "Kepala kantor"]
DEMO_USERS = ["officer", "supervisor", "auditor"]


class Command(BaseCommand):
    help = "Load Bontang demo data (roads, premises, cameras, one user per role). Development only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates users with printed passwords.")
        rng = random.Random(2019_25)  # Perwali 25/2019: the same demo every time
        with transaction.atomic():
            roads = self._roads()
            premises = self._premises(rng, roads)
            cameras = sum(self._cameras(rng, p, quality) for p, quality in premises)
            passwords = self._users()
            if not ServiceContact.objects.exists():  # whom owners call (officers change it in the admin)
                ServiceContact.objects.create(
                    phone="+6254821234", whatsapp="+6281153000000", email="cctv@bontangkota.go.id"
                )
        self.stdout.write(f"Demo data: {len(roads)} protocol roads, {len(premises)} premises, {cameras} cameras.")
        self.stdout.write("Demo users (sign in at http://127.0.0.1:8000/login/):")
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<11} {password}")

    def _roads(self):
        roads = {}
        for name, (kecamatan, _kelurahan, line) in ROADS.items():
            road, _ = ProtocolRoad.objects.update_or_create(
                name=name,
                defaults={"kecamatan": Kecamatan.objects.get(name=kecamatan), "geometry": line, "active": True},
            )
            roads[name] = road
        return roads

    def _premises(self, rng, roads):
        kelurahan = {k.name: k for k in Kelurahan.objects.all()}
        planned = [(name, cat, own, road, kel) for name, cat, own, road, kel in LANDMARKS]
        for road_name, (_kec, kel_names, _line) in ROADS.items():
            short = road_name.removeprefix("Jl. ")
            for template, category in rng.sample(MIX, k=rng.randint(6, 8)):
                kel_name = rng.choice(kel_names)
                ownership = (
                    Ownership.GOVERNMENT if category == PremisesCategory.GOVERNMENT_OFFICE else Ownership.PRIVATE
                )
                name = template.format(road=short, kelurahan=kel_name)
                if name not in {p[0] for p in planned}:  # one Kantor Kelurahan per kelurahan
                    planned.append((name, category, ownership, road_name, kel_name))

        created = []
        for name, category, ownership, road_name, kel_name in planned:
            lat, lon = _point_along(ROADS[road_name][2], rng.random(), rng.uniform(-0.0003, 0.0003))
            # Three in four were entered by officers from the decree (verified); the rest registered
            # themselves and wait for an officer (seed_demo_inspections verifies or rejects them).
            # Decrees span 2019-2024, and a few came this autumn, so that the demo's warnings start
            # on different days (no warning before the 90-day grace of a new obligation).
            by_officer = rng.random() < 0.75
            if rng.random() < 0.3:
                designated = datetime.date(2026, 7, 15) + datetime.timedelta(days=rng.randint(0, 45))
            else:
                designated = datetime.date(2019, 11, 1) + datetime.timedelta(days=rng.randint(0, 5 * 365))
            premises, _ = Premises.objects.get_or_create(
                name=name,
                road=roads[road_name],
                defaults={
                    "category": category,
                    "ownership": ownership,
                    "address": f"{road_name} No. {rng.randint(1, 250)}",
                    "kelurahan": kelurahan[kel_name],
                    "latitude": lat,
                    "longitude": lon,
                    "nib": "" if ownership == Ownership.GOVERNMENT else f"{rng.randint(10**12, 10**13 - 1)}",
                    "designated_on": designated if by_officer else None,
                    "source": EntrySource.OFFICER if by_officer else EntrySource.SELF_REGISTRATION,
                    "verification_status": Verification.VERIFIED if by_officer else Verification.PENDING,
                },
            )
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            ResponsiblePerson.objects.get_or_create(
                premises=premises,
                name=f"{first} {last}",
                defaults={
                    "role": rng.choice(ROLES),
                    "phone": f"+628{rng.randint(11, 13)}{rng.randint(10**7, 10**8 - 1)}",
                    "email": f"{first.lower()}.{last.lower()}@example.id" if rng.random() < 0.6 else "",
                    "nik": f"6474{rng.randint(10**11, 10**12 - 1)}" if rng.random() < 0.5 else "",
                },
            )
            created.append((premises, rng.choice(["good", "good", "mixed", "poor", "poor"])))
        return created

    def _cameras(self, rng, premises, quality):
        big = premises.category in (PremisesCategory.BANK, PremisesCategory.PLAZA, PremisesCategory.GOVERNMENT_OFFICE)
        count = rng.randint(2, 6) if big else rng.randint(1, 4)
        for position in range(count):
            facing = position == 0 or (big and position == 1) or rng.random() < 0.2
            if quality == "good":
                kind = rng.choice(GOOD) if facing else rng.choice(INDOOR)
            elif quality == "mixed":
                kind = rng.choice(GOOD if position else POOR)
            else:
                kind = rng.choice(POOR)
            spec = dict(CAMERAS[kind])
            profiles = spec.pop("profiles")
            good_record = quality == "good" or rng.random() < 0.5
            camera, _ = Camera.objects.get_or_create(
                premises=premises,
                label=LABELS[position],
                defaults={
                    **{"hfov_tele_deg": None, "optical_zoom": None, "night_vision_range_m": None},
                    **spec,
                    **Camera.onvif_field_values(profiles),
                    "retention_days": rng.choice([30, 45, 60]) if good_record else rng.choice([7, 14]),
                    "rtsp_url": f"rtsp://10.{premises.pk % 250}.{position}.10:554/Streaming/Channels/101"
                    if profiles
                    else "",
                    "faces_road": facing,
                    "installed_on": datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 4 * 365)),
                    "status": Camera.Status.FAULTY if rng.random() < 0.05 else Camera.Status.ACTIVE,
                },
            )
        return count

    def _users(self):
        User = get_user_model()
        passwords = {}
        for role in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=role, defaults={"email": f"{role}@example.id"})
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.is_staff = True
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            passwords[role] = password
        return passwords


def _point_along(line, fraction, offset):
    """A point `fraction` of the way along a polyline, nudged `offset` degrees off it."""
    segments = len(line) - 1
    position = fraction * segments
    i = min(int(position), segments - 1)
    t = position - i
    (lat1, lon1), (lat2, lon2) = line[i], line[i + 1]
    lat = lat1 + (lat2 - lat1) * t + offset
    lon = lon1 + (lon2 - lon1) * t - offset
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
