"""The demo's history on top of `seed_demo`, lived through the app's own services, day by day.

The clock is moved back (time-machine, a development tool) and the past is replayed: officers
record inspections, verify or reject the registrations waiting, some owners replace a failing
camera, and every night the sweep and the warning ladder run, as beat runs them. Every write
judges its premises at once (inspections.triggers), as in real use. So every state the demo shows
(flags, each warning step, a freeze approved and one awaiting a supervisor, plans) arose the way it
would for real. Deterministic; the history is loaded once (a second run changes nothing).
Refuses to run with DEBUG off. `make run` calls it after seed_demo.
"""

import datetime
import random
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections import ladder, recording, sweep
from inspections.models import (
    CAMERA_CHECKS,
    OPEN_PLAN,
    PREMISES_CHECKS,
    Inspection,
    InspectionResult,
    WarningLetter,
    WarningStatus,
)
from registry import registration
from registry.models import Camera, Premises

NIGHTS = 45  # the replayed nights of sweep and ladder
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


class Command(BaseCommand):
    help = "Replay the demo's past through the app's services: inspections, verifications, nightly sweeps and ladder."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo_inspections only runs with DEBUG on.")
        try:
            import time_machine
        except ImportError:
            raise CommandError("seed_demo_inspections needs time-machine (requirements-dev.txt).") from None
        self.travel = time_machine.travel
        User = get_user_model()
        self.officer = User.objects.filter(username="officer").first()
        self.supervisor = User.objects.filter(username="supervisor").first()
        if self.officer is None or self.supervisor is None:
            raise CommandError("Run seed_demo first: it creates the demo's officer and supervisor.")
        if Inspection.objects.exists() or WarningLetter.objects.exists():
            self.stdout.write("The demo's history is already loaded; nothing changed.")
            return
        today = timezone.localdate()
        events = self._story(random.Random(6), today)
        first_night = today - datetime.timedelta(days=NIGHTS)
        counts = {"inspections": 0, "verified": 0, "rejected": 0, "fixed": 0, "approved": 0}
        day = min(min(events), first_night)
        while day <= today:
            if day >= first_night:
                with self.travel(datetime.datetime.combine(day, datetime.time(1), WITA), tick=False):
                    sweep.run_sweep(day, trigger="schedule")
                with self.travel(datetime.datetime.combine(day, datetime.time(2), WITA), tick=False):
                    ladder.advance_warning_ladder(day)
            with self.travel(datetime.datetime.combine(day, datetime.time(10), WITA), tick=False):
                for kind, premises in events.get(day, []):
                    counts["inspections" if kind in ("pass", "fail", "partial") else kind] += self._do(
                        kind, premises, day
                    )
                counts["approved"] += self._approve_one_freeze(day, today)
            day += datetime.timedelta(days=1)
        planned = self._plan_for_demo_officer(today)
        self.stdout.write(
            "Demo history: {inspections} inspections recorded, {verified} registrations verified and {rejected} "
            "rejected, {fixed} cameras replaced by their owners, {approved} freeze approved; ".format(**counts)
            + f"{NIGHTS} nights of sweep and ladder; {planned} inspections planned for the demo officer today."
        )

    def _story(self, rng, today):
        """What happens on which day: {date: [(event, premises)]}."""
        events = {}

        def on(day, kind, premises):
            events.setdefault(day, []).append((kind, premises))

        for p in Premises.objects.filter(verification_status=Premises.Verification.VERIFIED).order_by("pk"):
            roll = rng.random()
            days_ago = rng.randint(10, 170) if roll < 0.55 else rng.randint(5, 60)
            performed_on = max(today - datetime.timedelta(days=days_ago), p.designated_on)
            if roll < 0.55:
                on(performed_on, "pass", p)
            elif roll < 0.7:
                on(performed_on, "fail", p)
            elif roll < 0.8:
                on(performed_on, "partial", p)
            # else never inspected: it falls overdue
            if rng.random() < 0.15:  # the owner replaces a failing camera on some day of the replay
                on(today - datetime.timedelta(days=rng.randint(1, NIGHTS)), "fixed", p)
        for p in Premises.objects.filter(verification_status=Premises.Verification.PENDING).order_by("pk"):
            roll = rng.random()
            when = today - datetime.timedelta(days=rng.randint(1, NIGHTS))
            if roll < 0.5:
                on(when, "verified", p)
            elif roll < 0.7:
                on(when, "rejected", p)
            # else it still waits for an officer
        return events

    def _do(self, kind, premises, day):
        premises.refresh_from_db()
        if kind in ("pass", "fail", "partial"):
            recording.record_inspection(
                premises=premises, performed_on=day, actor=self.officer, items=_checklist(premises, kind)
            )
            return 1
        if kind == "verified":
            registration.verify_registration(premises, officer=self.officer)
            return 1
        if kind == "rejected":
            registration.reject_registration(
                premises, officer=self.officer, reason="Lokasi pada peta tidak sesuai dengan alamat."
            )
            return 1
        camera = premises.cameras.filter(faces_road=True).exclude(status=Camera.Status.REMOVED).first()
        if camera is None or camera.pan_range_deg >= 90:
            return 0
        camera.camera_type, camera.pan_range_deg, camera.optical_zoom = Camera.Type.PTZ, 360, 25
        camera.hfov_wide_deg, camera.resolution_h_px, camera.resolution_v_px = 57.6, 2560, 1440
        camera._change_reason = "owner: replaced with a 25× PTZ camera"
        camera.save()
        return 1

    def _approve_one_freeze(self, day, today):
        """The supervisor approves the first freeze recommendation a week after it came; the later
        ones still wait for them on the demo's today."""
        if WarningLetter.objects.filter(step="freeze", approved_by__isnull=False).exists():
            return 0
        waiting = WarningLetter.objects.filter(
            step="freeze", status=WarningStatus.AWAITING_APPROVAL, issued_on__lte=day - datetime.timedelta(days=7)
        ).first()
        if waiting is None:
            return 0
        ladder.approve_freeze(waiting, supervisor=self.supervisor, as_of=day)
        return 1

    def _plan_for_demo_officer(self, today):
        planned = 0
        for premises in Premises.objects.obligated(today).overdue(today).order_by("next_inspection_due", "pk")[:5]:
            if not premises.assignments.filter(OPEN_PLAN).exists():
                recording.plan_inspection(premises=premises, officer=self.officer, planned_on=today, actor=None)
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
