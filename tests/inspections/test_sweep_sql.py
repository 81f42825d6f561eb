"""The set-based sweep (inspections/sweep_sql.py, PostgreSQL) and the Python plan
(inspections/sweep.plan_range) give the same flags, details included, on a generated city that
touches every rule: each rule's SQL beside its Python check in rules.RULES must agree."""

import datetime
import random

import pytest
from django.db import connection, transaction
from django.utils import timezone

from inspections import rules, sweep, sweep_sql
from inspections.models import ComplianceFlag, FlagStatus
from inspections.recording import record_correction, record_inspection
from registry.models import Camera, CameraStandard, Premises, PremisesCategory
from tests.factories import CameraFactory, PremisesFactory, checklist

AS_OF = datetime.date(2026, 11, 28)
WITA = datetime.timezone(datetime.timedelta(hours=8))

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based sweep is PostgreSQL's"),
]


def generated_city(seed, size=60):
    """Premises in every state of obligation, with cameras of every kind of setup and history."""
    rng = random.Random(seed)
    CameraStandard.objects.update(feed_dark_hours=24, measurement_valid_days=90, judge_road_cameras_only=True)
    made = []
    for n in range(size):
        status = rng.choice(["verified"] * 5 + ["pending", "rejected"])
        premises = PremisesFactory(
            name=f"Premises {n:02}",
            category=rng.choice(PremisesCategory.values),
            verification_status=status,
            rejection_reason="Bukan di jalan protokol" if status == "rejected" else "",
            designated_on=rng.choice(
                [None, datetime.date(2025, 3, 1), datetime.date(2026, 11, 1), AS_OF, datetime.date(2027, 1, 1)]
            ),
            next_inspection_due=rng.choice([None, datetime.date(2026, 6, 1), AS_OF, datetime.date(2027, 5, 1)]),
        )
        created = datetime.datetime(2026, rng.randint(9, 11), rng.randint(1, 28), rng.randint(0, 23), 30, tzinfo=WITA)
        first_verified = None if status == "pending" else timezone.now()
        Premises.objects.filter(pk=premises.pk).update(created_at=created, first_verified_at=first_verified)
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
            CameraFactory(premises=premises, **camera_values(rng))
        made.append(premises)
    for premises in rng.sample(made, size // 3):
        inspection = record_inspection(
            premises=premises,
            performed_on=datetime.date(2026, rng.randint(1, 11), rng.randint(1, 28)),
            items=checklist(premises, rng.choice(["pass", "fail", "partial"])),
            actor=None,
        )
        if rng.random() < 0.3:
            record_correction(
                inspection, actor=None, performed_on=inspection.performed_on, items=checklist(premises, "pass")
            )
    return made


def camera_values(rng):
    dark = rng.choice([None, None, datetime.datetime(2026, 11, 20, 7, 15, tzinfo=WITA)])
    if dark and rng.random() < 0.5:
        dark = datetime.datetime(2026, 11, 27, 1, 2, 3, 456789, tzinfo=WITA)  # fractions of a second too
    return {
        "status": rng.choice(["active"] * 6 + ["faulty", "removed"]),
        "camera_type": rng.choice(Camera.Type.values),
        "faces_road": rng.random() < 0.7,
        "pan_range_deg": rng.choice([0, 90, 180, 355, 360]),
        "hfov_wide_deg": rng.choice([30.5, 57.6, 90, 110, 190]),
        "hfov_tele_deg": rng.choice([None, None, 2.5]),
        "optical_zoom": rng.choice([None, 4, 25]),
        "resolution_h_px": rng.choice([1280, 1920, 2560]),
        "resolution_v_px": rng.choice([720, 1080, 1440]),
        "night_vision": rng.random() < 0.7,
        "retention_days": rng.choice([7, 30, 31]),
        "onvif_profile_s": rng.random() < 0.8,
        "onvif_profile_t": rng.random() < 0.5,
        "rtsp_url": rng.choice(["", "rtsp://10.0.0.9/live"]),
        "onvif_address": rng.choice(["", "", "http://10.0.0.9/onvif/device_service"]),
        "feed_dark_since": dark,
        "measured_px_per_m": rng.choice([None, 120.5, 250.5, 251.5, 400.0]),
        "measured_on": rng.choice([None, datetime.date(2026, 10, 1), datetime.date(2026, 3, 1)]),
    }


def python_verdicts(standard, as_of):
    plan = sweep.plan_range(0, 10**9, standard, as_of)
    return {pk: {b.kind: b.details for b in breaches} for pk, breaches in plan.breaches.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_and_the_python_rules_judge_every_premises_alike(seed):
    generated_city(seed)
    standard = CameraStandard.objects.in_force(AS_OF)
    expected = python_verdicts(standard, AS_OF)
    with transaction.atomic():
        found = sweep_sql.verdicts(0, 10**9, standard, AS_OF, sweep.memoised_check())
    assert found == expected
    kinds = {kind for verdicts in found.values() for kind in verdicts}
    assert len(kinds) >= 7, kinds  # the city touches most rules, not only the easy ones


def test_after_a_set_based_sweep_the_python_plan_finds_nothing_to_change():
    city = generated_city(4)
    run = sweep.run_sweep(AS_OF, chunk_size=7)
    assert run.status == "succeeded" and run.flags_opened > 0
    standard, plans = sweep.preview_sweep(AS_OF)
    assert [(p.to_open, p.to_update, p.to_resolve, p.breach_changes) for p in plans if p.evaluated] == [
        ([], [], [], {}) for p in plans if p.evaluated
    ]
    # Ten days on, some flags clear and some open; the two ways still agree after the sweep.
    for premises in city[:20]:
        premises.cameras.update(status="removed")
    later = AS_OF + datetime.timedelta(days=10)
    run = sweep.run_sweep(later, chunk_size=7)
    assert run.flags_resolved > 0 and ComplianceFlag.objects.filter(status=FlagStatus.RESOLVED).exists()
    _standard, plans = sweep.preview_sweep(later)
    assert not any(p.to_open or p.to_update or p.to_resolve or p.breach_changes for p in plans)
    resolved = ComplianceFlag.objects.filter(status=FlagStatus.RESOLVED)
    assert resolved.count() == resolved.filter(resolved_by_run=run).exclude(resolution_reason="").count()
    # Every flag the set-based statements wrote has its history row, opened and resolved.
    history = ComplianceFlag.history.model.objects
    assert history.filter(history_type="+").count() == ComplianceFlag.objects.count()
    assert history.filter(history_type="~", status=FlagStatus.RESOLVED).count() == resolved.count()


def test_every_rule_has_its_sql():
    for rule in rules.RULES:
        condition, details = rule.sql
        assert condition and details, rule.kind
