"""Data generator for benchmarks: N premises along Bontang's protocol roads, 3 cameras each.

    createdb -h 127.0.0.1 -U postgres cctv_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/generate.py --premises 100000

The mix follows the demo's camera catalogue: about a third of premises fully compliant,
the rest with cameras below the standard, unconnectable or too few facing the road; half
have a past inspection (mostly passing). Deterministic (seeded). Replaces earlier bench data.
"""

import argparse
import datetime
import random
import time

import _setup  # noqa: F401
from django.db import connection, transaction

from inspections.models import ComplianceFlag, FigureTotal, Inspection, SweepChunk, SweepRun, WarningLetter
from registry.dates import add_months
from registry.management.commands.seed_demo import CAMERAS, GOOD, INDOOR, POOR, ROADS, _point_along
from registry.models import Camera, Kecamatan, Kelurahan, Premises, PremisesCategory, ProtocolRoad, ResponsiblePerson

CATEGORIES = [c for c in PremisesCategory.values if c != "government_office"]
BATCH = 5000
VERIFIED_AT = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--premises", type=int, default=100_000)
    parser.add_argument("--cameras-per-premises", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    rng = random.Random(100)
    started = time.perf_counter()
    with transaction.atomic():
        # TRUNCATE, not DELETE: flags are never deleted (PostgreSQL refuses a row delete).
        models = (
            FigureTotal,
            WarningLetter.flags.through,
            WarningLetter,
            ComplianceFlag,
            SweepChunk,
            SweepRun,
            Inspection,
        )
        models += (Camera, ResponsiblePerson, Premises)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models) + " CASCADE")
        roads = []
        for name, (kecamatan, kelurahan, line) in ROADS.items():
            road, _ = ProtocolRoad.objects.get_or_create(
                name=name, defaults={"kecamatan": Kecamatan.objects.get(name=kecamatan), "geometry": line}
            )
            roads.append((road, [Kelurahan.objects.get(name=k) for k in kelurahan], line))

    premises_batch, total = [], 0
    for n in range(args.premises):
        road, kelurahan, line = rng.choice(roads)
        lat, lon = _point_along(line, rng.random(), rng.uniform(-0.0005, 0.0005))
        designated = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 5 * 365))
        verified = rng.random() < 0.9
        premises_batch.append(
            Premises(
                name=f"Bangunan {n:06d}",
                category=rng.choice(CATEGORIES),
                ownership="private",
                road=road,
                address=f"{road.name} No. {rng.randint(1, 400)}",
                kelurahan=rng.choice(kelurahan),
                latitude=lat,
                longitude=lon,
                nib=f"{rng.randint(10**12, 10**13 - 1)}",
                designated_on=designated,
                verification_status="verified" if verified else "pending",
                first_verified_at=VERIFIED_AT if verified else None,
                next_inspection_due=add_months(designated, 6),
            )
        )
        if len(premises_batch) == BATCH or n == args.premises - 1:
            _flush(rng, premises_batch, args.cameras_per_premises)
            total += len(premises_batch)
            premises_batch = []
            print(f"\r{total}/{args.premises} premises", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"\ngenerated in {time.perf_counter() - started:.1f} s: {Premises.objects.count()} premises, "
        f"{Camera.objects.count()} cameras, {Inspection.objects.count()} inspections"
    )


def _flush(rng, premises_batch, per_premises):
    with transaction.atomic():
        created = Premises.objects.bulk_create(premises_batch)
        cameras, inspections = [], []
        for premises in created:
            quality = rng.choice(["good", "good", "mixed", "poor", "poor"])
            for position in range(per_premises):
                facing = position == 0
                kind = (
                    (rng.choice(GOOD) if facing else rng.choice(INDOOR))
                    if quality == "good"
                    else (rng.choice(GOOD if position else POOR) if quality == "mixed" else rng.choice(POOR))
                )
                spec = dict(CAMERAS[kind])
                profiles = spec.pop("profiles")
                cameras.append(
                    Camera(
                        premises=premises,
                        label=f"Kamera {position + 1}",
                        **spec,
                        onvif_profile_s="S" in profiles,
                        onvif_profile_t="T" in profiles,
                        onvif_profile_g="G" in profiles,
                        onvif_profile_m="M" in profiles,
                        retention_days=rng.choice([30, 60]) if quality == "good" else rng.choice([7, 14, 30]),
                        rtsp_url="rtsp://10.0.0.1:554/s" if profiles else "",
                        faces_road=facing,
                    )
                )
            if rng.random() < 0.5:
                performed = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
                passed = rng.random() < 0.8
                inspections.append(
                    Inspection(premises=premises, performed_on=performed, result="pass" if passed else "fail")
                )
                if passed:
                    premises.next_inspection_due = add_months(performed, 6)
        Camera.objects.bulk_create(cameras)
        Inspection.objects.bulk_create(inspections)
        Premises.objects.bulk_update([p for p in created], ["next_inspection_due"], batch_size=1000)


if __name__ == "__main__":
    main()
