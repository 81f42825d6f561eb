"""Demo history on top of `seed_demo`: past inspections, a sweep, and 40 days of the warning ladder.

Deterministic and idempotent; refuses to run with DEBUG off. `make run` calls it after seed_demo.
"""

import datetime
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections import ladder, recording, sweep
from inspections.models import (
    CAMERA_CHECKS,
    PREMISES_CHECKS,
    ComplianceFlag,
    Inspection,
    InspectionResult,
    WarningLetter,
)
from registry.models import Premises

LADDER_DAYS = 40


class Command(BaseCommand):
    help = "Load demo inspections, run a sweep and replay the warning ladder (development only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo_inspections only runs with DEBUG on.")
        rng = random.Random(6)
        today = timezone.localdate()
        recorded = 0
        premises = Premises.objects.filter(
            verification_status=Premises.Verification.VERIFIED, designated_on__isnull=False
        )
        for p in premises.order_by("pk"):
            roll = rng.random()
            if roll < 0.55:
                result, days_ago = InspectionResult.PASS, rng.randint(10, 170)
            elif roll < 0.7:
                result, days_ago = InspectionResult.FAIL, rng.randint(45, 90)
            elif roll < 0.8:
                result, days_ago = InspectionResult.PARTIAL, rng.randint(45, 90)
            else:
                continue  # never inspected: falls overdue
            performed_on = max(today - datetime.timedelta(days=days_ago), p.designated_on)
            if not Inspection.objects.filter(premises=p, performed_on=performed_on).exists():
                recording.record_inspection(
                    premises=p, performed_on=performed_on, actor=None, items=_checklist(p, result)
                )
                recorded += 1
        run = sweep.run_sweep(today, trigger="seed_demo_inspections")
        # Spread the flags' opening over the past weeks, so that the replayed ladder shows every step.
        flagged = ComplianceFlag.objects.filter(opened_by_run=run)
        for premises_id in sorted(set(flagged.values_list("premises_id", flat=True))):
            opened = timezone.now() - datetime.timedelta(days=rng.randint(0, 30))
            flagged.filter(premises_id=premises_id).update(opened_at=opened)
        issued = escalated = 0
        # Replay the past only once: replaying old dates over today's letters would rewrite them.
        replay = range(LADDER_DAYS, -1, -1) if not WarningLetter.objects.exists() else range(0, -1, -1)
        for days_ago in replay:
            counts = ladder.advance_warning_ladder(today - datetime.timedelta(days=days_ago))
            issued += counts["issued"]
            escalated += counts["escalated"]
        planned = self._plan_for_demo_officer(today)
        self.stdout.write(
            f"Demo inspections: {recorded} recorded, {planned} planned for the demo officer today. Sweep run {run.pk}: {run.flags_opened} flags opened, "
            f"{run.flags_confirmed} confirmed. Warning ladder over {LADDER_DAYS} days: {issued} issued, "
            f"{escalated} escalated."
        )

    def _plan_for_demo_officer(self, today):
        officer = get_user_model().objects.filter(username="officer").first()
        if officer is None:
            return 0
        planned = 0
        for premises in Premises.objects.obligated(today).overdue(today).order_by("next_inspection_due", "pk")[:5]:
            if not premises.assignments.filter(inspection=None).exists():
                recording.plan_inspection(premises=premises, officer=officer, planned_on=today, actor=None)
                planned += 1
        return planned


def _checklist(premises, result):
    """Demo answers that derive the wanted result: every check passes but for one."""
    cameras = list(premises.cameras.exclude(status="removed").order_by("pk"))
    items = [recording.ItemOutcome(check.value, "pass", camera) for camera in cameras for check in CAMERA_CHECKS]
    items += [recording.ItemOutcome(check.value, "pass") for check in PREMISES_CHECKS]
    if result == InspectionResult.FAIL:
        items[-1] = recording.ItemOutcome(PREMISES_CHECKS[-1].value, "fail", note="Kamera menyorot rumah tetangga")
    elif result == InspectionResult.PARTIAL:
        items[-2] = recording.ItemOutcome(PREMISES_CHECKS[0].value, "fail", note="Belum ada stiker CCTV")
    return items
