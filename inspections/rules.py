"""Premises-level compliance and the warning ladder, as pure functions.

They take plain values (a premises' facts, a standard version, `as_of`) and return every
breach or the next ladder action; no database, no clock. The camera-level rules live in
`registry.spec_check`; this module decides what they mean for a premises.

Where each rule comes from (DOMAIN.md sections 1 and 3):
- no camera / too few cameras facing the road: Perwali Bontang 25/2019 (every building on a
  protocol road runs CCTV), minimum per category = settings `min_road_cameras` and
  `min_road_cameras_by_category`;
- camera below the standard: the spec check's findings (pan, face, resolution, retention,
  night vision) for the cameras that watch the public road (setting `judge_road_cameras_only`);
- not connectable: the spec check's ONVIF and RTSP findings ("can be connected into one
  city system");
- inspection overdue / failed: Perwali monitoring and evaluation every 6 months
  (`inspection_interval_months`);
- unverified: a registration left pending past `grace_period_days`;
- the ladder: Perwali Pasal 15, SP1 → SP2 → SP3 each with `warning_grace_days`, then a permit
  freeze recommendation (approved by a supervisor), then revocation after
  `revocation_after_freeze_months`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from registry import spec_check
from registry.dates import add_months

from .models import FlagKind, InspectionCheck, InspectionResult, Outcome, Severity, WarningStatus, WarningStep

SEVERITY = {
    FlagKind.NO_CAMERA: Severity.HIGH,
    FlagKind.TOO_FEW_ROAD_CAMERAS: Severity.MEDIUM,
    FlagKind.CAMERA_BELOW_STANDARD: Severity.MEDIUM,
    FlagKind.NOT_CONNECTABLE: Severity.MEDIUM,
    FlagKind.INSPECTION_OVERDUE: Severity.LOW,
    FlagKind.INSPECTION_FAILED: Severity.HIGH,
    FlagKind.UNVERIFIED: Severity.LOW,
}

# What the owner must put right, and so what the warning ladder counts. An overdue
# inspection or an unverified registration is the city's work, not the owner's breach.
WARNABLE_KINDS = frozenset(
    {
        FlagKind.NO_CAMERA,
        FlagKind.TOO_FEW_ROAD_CAMERAS,
        FlagKind.CAMERA_BELOW_STANDARD,
        FlagKind.NOT_CONNECTABLE,
        FlagKind.INSPECTION_FAILED,
    }
)

CONNECTIVITY_RULES = frozenset({"onvif", "rtsp"})


@dataclass(frozen=True)
class PremisesFacts:
    """What the rules need to know about one premises, as plain values."""

    category: str
    designated_on: datetime.date | None
    verification_status: str
    registered_on: datetime.date | None  # needed only while verification is pending
    next_inspection_due: datetime.date | None
    last_inspection_result: str | None
    cameras: tuple = ()  # camera-like objects: pk, label, status, faces_road and the spec fields


@dataclass(frozen=True)
class Breach:
    kind: str
    details: dict

    @property
    def severity(self):
        return SEVERITY[self.kind]


def evaluate_premises(facts: PremisesFacts, standard, as_of: datetime.date, check=spec_check.check_camera):
    """Every rule the premises breaks on `as_of` under `standard`.

    `check` is the camera spec check; the sweep passes a memoised copy of it.
    """
    breaches = []
    if facts.verification_status == "pending" and as_of > facts.registered_on + datetime.timedelta(
        days=standard.grace_period_days
    ):
        breaches.append(
            Breach(
                FlagKind.UNVERIFIED,
                {"registered_on": facts.registered_on.isoformat(), "grace_period_days": standard.grace_period_days},
            )
        )

    if facts.designated_on is None or facts.designated_on > as_of:
        return breaches  # not (yet) obliged: only the registration itself is judged

    registered = [c for c in facts.cameras if c.status != "removed"]
    working = [c for c in registered if c.status == "active"]
    if not registered:
        breaches.append(Breach(FlagKind.NO_CAMERA, {}))

    required = standard.min_road_cameras_for(facts.category)
    facing = sum(1 for c in working if c.faces_road)
    if registered and facing < required:
        breaches.append(
            Breach(FlagKind.TOO_FEW_ROAD_CAMERAS, {"required": required, "actual": facing, "category": facts.category})
        )

    below, unconnectable = [], []
    judged = [c for c in working if c.faces_road] if standard.judge_road_cameras_only else working
    for camera in judged:
        findings = check(camera, standard).findings
        spec = [f.as_dict() for f in findings if f.rule not in CONNECTIVITY_RULES]
        link = [f.as_dict() for f in findings if f.rule in CONNECTIVITY_RULES]
        if spec:
            below.append({"id": camera.pk, "label": camera.label, "findings": spec})
        if link:
            unconnectable.append({"id": camera.pk, "label": camera.label, "findings": link})
    if below:
        breaches.append(Breach(FlagKind.CAMERA_BELOW_STANDARD, {"cameras": below}))
    if unconnectable:
        breaches.append(Breach(FlagKind.NOT_CONNECTABLE, {"cameras": unconnectable}))

    if facts.next_inspection_due is not None and facts.next_inspection_due < as_of:
        breaches.append(Breach(FlagKind.INSPECTION_OVERDUE, {"due_on": facts.next_inspection_due.isoformat()}))

    if facts.last_inspection_result in (InspectionResult.FAIL, InspectionResult.PARTIAL):
        breaches.append(Breach(FlagKind.INSPECTION_FAILED, {"result": facts.last_inspection_result}))

    return breaches


# A failure here means the camera does not do the Perwali's job at all: the inspection fails.
# Any other failed item makes it partial (DOMAIN.md sections 1, 3 and 6).
CRITICAL_CHECKS = frozenset(
    {
        InspectionCheck.PRESENT_WORKING,
        InspectionCheck.FACES_ROAD,
        InspectionCheck.FACE_TEST,
        InspectionCheck.STREAM_REACHABLE,
        InspectionCheck.NO_PRIVATE_AREAS,
    }
)


def inspection_result(outcomes):
    """The result of an inspection from its checklist: (item, outcome) pairs.

    fail: a critical item failed; partial: only other items failed; pass: nothing failed.
    None when nothing was checked at all (there is no result to record).
    """
    checked = [(item, outcome) for item, outcome in outcomes if outcome != Outcome.NOT_CHECKED]
    if not checked:
        return None
    failed = {item for item, outcome in checked if outcome == Outcome.FAIL}
    if failed & CRITICAL_CHECKS:
        return InspectionResult.FAIL
    if failed:
        return InspectionResult.PARTIAL
    return InspectionResult.PASS


# ---------------------------------------------------------------------------
# The warning ladder

NEXT_STEP = {
    WarningStep.SP1: WarningStep.SP2,
    WarningStep.SP2: WarningStep.SP3,
    WarningStep.SP3: WarningStep.FREEZE,
    WarningStep.FREEZE: WarningStep.REVOCATION,
}


@dataclass(frozen=True)
class LadderState:
    step: str
    status: str
    due_on: datetime.date | None


@dataclass(frozen=True)
class LadderAction:
    """What the daily ladder job does for one premises: issue, escalate, close or nothing."""

    action: str  # "issue" | "escalate" | "close" | "none"
    step: str | None = None
    status: str | None = None
    due_on: datetime.date | None = None


NOTHING = LadderAction("none")


def ladder_starts_on(designated_on: datetime.date, standard):
    """No warning before the grace period for a new obligation has run out."""
    return designated_on + datetime.timedelta(days=standard.grace_period_days)


def next_ladder_action(current: LadderState | None, has_warnable_flags: bool, designated_on, standard, as_of):
    """The next step of Pasal 15 for one premises on `as_of`."""
    grace = datetime.timedelta(days=standard.warning_grace_days)
    if current is None:
        if has_warnable_flags and designated_on is not None and as_of >= ladder_starts_on(designated_on, standard):
            return LadderAction("issue", WarningStep.SP1, WarningStatus.ACTIVE, as_of + grace)
        return NOTHING
    if not has_warnable_flags:
        return LadderAction("close")
    if current.status == WarningStatus.AWAITING_APPROVAL or current.step == WarningStep.REVOCATION:
        return NOTHING  # a supervisor decides, or the ladder has reached its end
    if current.due_on is None or as_of <= current.due_on:
        return NOTHING
    step = NEXT_STEP[current.step]
    if step == WarningStep.FREEZE:
        return LadderAction("escalate", step, WarningStatus.AWAITING_APPROVAL, None)
    if step == WarningStep.REVOCATION:
        return LadderAction("escalate", step, WarningStatus.ACTIVE, None)
    return LadderAction("escalate", step, WarningStatus.ACTIVE, as_of + grace)


def revocation_due(approved_on: datetime.date, standard):
    """After an approved freeze, revocation is recommended no later than 3 months on (Pasal 15)."""
    return add_months(approved_on, standard.revocation_after_freeze_months)
