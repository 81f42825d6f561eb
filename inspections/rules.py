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

What a premises owes (`registry.models.obligated_q`, the one definition):
- obligated (designated by decree on or before the day, verified by an officer at least once,
  not rejected): every rule below, and the ladder warns for the warnable ones;
- a registration never verified owes only its verification, and that is the city's duty: the
  UNVERIFIED flag tells officers it waited past `grace_period_days`. What the owner declared is
  not judged before an officer has confirmed it, so no warning can reach an unverified premises;
- a verified premises whose owner sent a correction stays obligated while it waits (a correction
  does not stop the ladder);
- a rejected registration, or a premises no longer designated, owes nothing: its open flags are
  resolved with that reason, its current warning is closed with it and its open inspection plans
  are cancelled (`inspections.obligation`).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import spec_check
from registry.dates import add_months
from registry.models import is_obligated

from .choices import InspectionCheck, InspectionResult, Outcome, Severity, WarningStatus, WarningStep

CONNECTIVITY_RULES = frozenset({"onvif", "rtsp"})
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


@dataclass(frozen=True)
class PremisesFacts:
    """What the rules need to know about one premises, as plain values."""

    category: str
    designated_on: datetime.date | None
    verification_status: str
    first_verified_at: datetime.datetime | None
    registered_on: datetime.date | None  # needed only while verification is pending
    next_inspection_due: datetime.date | None
    last_inspection_result: str | None
    cameras: tuple = ()  # camera-like objects: pk, label, status, faces_road and the spec fields


class Judging:
    """One premises judged on `as_of` under `standard`: what several rules read, computed once."""

    def __init__(self, facts, standard, as_of, check):
        self.facts, self.standard, self.as_of, self.check = facts, standard, as_of, check

    @cached_property
    def registered(self):
        return [c for c in self.facts.cameras if c.status != "removed"]

    @cached_property
    def working(self):
        return [c for c in self.registered if c.status == "active"]

    def measured(self, camera):
        """Does a measured pixel density decide for this camera? One taken within the standard's
        measurement_valid_days before `as_of` wins over the declared figures for face identification."""
        days = self.standard.measurement_valid_days
        on = _day(getattr(camera, "measured_on", None))
        return (
            bool(days and on and getattr(camera, "measured_px_per_m", None) is not None)
            and (self.as_of - on).days < days
        )

    @cached_property
    def findings_by_camera(self):
        """(camera, spec findings, connectivity findings) for each camera the standard judges; a
        fresh measurement replaces the declared figures' face identification finding."""
        judged = [c for c in self.working if c.faces_road] if self.standard.judge_road_cameras_only else self.working
        result = []
        for camera in judged:
            findings = self.check(camera, self.standard).findings
            if self.measured(camera):
                findings = [f for f in findings if f.rule != "face_identification"]
            spec = [f.as_dict() for f in findings if f.rule not in CONNECTIVITY_RULES]
            link = [f.as_dict() for f in findings if f.rule in CONNECTIVITY_RULES]
            result.append((camera, spec, link))
        return result


# --- the checks: each returns the breach's details, or None when the premises complies -------


def _unverified(j):
    f = j.facts
    if f.verification_status == "pending" and j.as_of > f.registered_on + datetime.timedelta(
        days=j.standard.grace_period_days
    ):
        return {"registered_on": f.registered_on.isoformat(), "grace_period_days": j.standard.grace_period_days}
    return None


def _no_camera(j):
    return {} if not j.registered else None


def _too_few_road_cameras(j):
    required = j.standard.min_road_cameras_for(j.facts.category)
    facing = sum(1 for c in j.working if c.faces_road)
    if j.registered and facing < required:
        return {"required": required, "actual": facing, "category": j.facts.category}
    return None


def _cameras_with(j, which):
    cameras = [
        {"id": camera.pk, "label": camera.label, "findings": findings}
        for camera, spec, link in j.findings_by_camera
        if (findings := spec if which == "spec" else link)
    ]
    return {"cameras": cameras} if cameras else None


def _moment(value):
    """A time as the sweep reads it raw: an aware datetime (PostgreSQL) or UTC text (SQLite)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _day(value):
    """A date as the sweep reads it raw: a date, or ISO text (SQLite)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _measured_below_standard(j):
    """Cameras whose fresh measured pixel density is below the standard's face level."""
    required = j.standard.face_px_per_m
    cameras = [
        {
            "id": c.pk,
            "label": c.label,
            "measured_px_per_m": round(c.measured_px_per_m),
            "required_px_per_m": round(required),
            "measured_on": _day(c.measured_on).isoformat(),
        }
        for c in j.working
        if j.measured(c) and c.measured_px_per_m < required
    ]
    return {"cameras": cameras} if cameras else None


def _measured_lines(details):
    return [
        _("%(label)s: measured %(measured)s px/m at the test card on %(date)s; faces need %(required)s px/m.")
        % {
            "label": c["label"],
            "measured": c["measured_px_per_m"],
            "date": c["measured_on"],
            "required": c["required_px_per_m"],
        }
        for c in details.get("cameras", [])
    ]


def _feed_dark(j):
    """Cameras whose stream has not answered the probes for longer than feed_dark_hours, counted
    to the start of `as_of` (Asia/Makassar): judged by day, as the sweep judges."""
    hours = j.standard.feed_dark_hours
    if not hours:
        return None
    start_of_day = datetime.datetime.combine(j.as_of, datetime.time.min, tzinfo=WITA)
    cameras = [
        {
            "id": c.pk,
            "label": c.label,
            "silent_since": _moment(c.feed_dark_since).astimezone(WITA).isoformat(),
            "hours": hours,
        }
        for c in j.working
        if (getattr(c, "rtsp_url", "") or getattr(c, "onvif_address", ""))
        and getattr(c, "feed_dark_since", None)
        and start_of_day - _moment(c.feed_dark_since) > datetime.timedelta(hours=hours)
    ]
    return {"cameras": cameras} if cameras else None


def _dark_lines(details):
    return [
        _("%(label)s: the stream has not answered since %(since)s WITA (more than %(hours)s hours).")
        % {"label": c["label"], "since": c["silent_since"][:16].replace("T", " "), "hours": c["hours"]}
        for c in details.get("cameras", [])
    ]


def _inspection_overdue(j):
    due = j.facts.next_inspection_due
    return {"due_on": due.isoformat()} if due is not None and due < j.as_of else None


def _inspection_failed(j):
    result = j.facts.last_inspection_result
    return {"result": result} if result in (InspectionResult.FAIL, InspectionResult.PARTIAL) else None


# --- the wording of each finding, in the active language ------------------------------------


def _camera_lines(details):
    return [
        f"{camera['label']}: {spec_check.message_for(f['rule'], f['required'], f['actual'])}"
        for camera in details.get("cameras", [])
        for f in camera["findings"]
    ]


def _result_label(details):
    return InspectionResult(details["result"]).label if details.get("result") in InspectionResult.values else ""


@dataclass(frozen=True)
class Rule:
    """One premises rule: the flag it raises, how grave, whether the ladder warns for it, what it
    enforces, its check (details or None) and its wording. `obligation`: judged only once the
    premises is designated (the registration rule is judged before)."""

    name: str
    kind: str
    label: str
    severity: str
    warnable: bool  # the owner must put it right; overdue and unverified are the city's work
    enforces: str
    check: Callable[[Judging], dict | None]
    wording: Callable[[dict], list[str]]
    # The same check in SQL, for the set-based sweep on PostgreSQL (inspections/sweep_sql.py): a
    # condition and the details' jsonb, over `j`, one row of the judging table that module builds.
    # tests/inspections/test_sweep_sql.py proves both forms give the same flags on generated data.
    sql: tuple[str, str]
    obligation: bool = True


# The rules table. A new premises rule is one entry here plus its test; the flag kinds, their
# severities, the ladder's kinds and the finding lines all derive from it. (Adding a kind changes
# the flag field's choices: run `makemigrations`.)
RULES = (
    Rule(
        "NO_CAMERA",
        "no_camera",
        gettext_lazy("No camera registered"),
        Severity.HIGH,
        True,
        "Perwali 25/2019: every building on a protocol road runs CCTV",
        _no_camera,
        lambda d: [_("No camera registered")],
        ("j.registered = 0", "'{}'::jsonb"),
    ),
    Rule(
        "TOO_FEW_ROAD_CAMERAS",
        "too_few_road_cameras",
        gettext_lazy("Too few cameras facing the road"),
        Severity.MEDIUM,
        True,
        "settings min_road_cameras, min_road_cameras_by_category",
        _too_few_road_cameras,
        lambda d: [
            _("%(actual)s working camera(s) face the road; the standard asks at least %(required)s.")
            % {"actual": d.get("actual"), "required": d.get("required")}
        ],
        (
            "j.registered > 0 AND j.facing < j.required",
            "jsonb_build_object('required', j.required, 'actual', j.facing, 'category', j.category)",
        ),
    ),
    Rule(
        "CAMERA_BELOW_STANDARD",
        "camera_below_standard",
        gettext_lazy("Camera below the standard"),
        Severity.MEDIUM,
        True,
        "the spec check (pan, face, resolution, retention, night vision); setting judge_road_cameras_only",
        lambda j: _cameras_with(j, "spec"),
        _camera_lines,
        ("j.spec_cameras <> '[]'", "jsonb_build_object('cameras', j.spec_cameras)"),
    ),
    Rule(
        "NOT_CONNECTABLE",
        "not_connectable",
        gettext_lazy("Not connectable to the command centre"),
        Severity.MEDIUM,
        True,
        "Perwali 25/2019: connected into one city system (ONVIF and RTSP findings)",
        lambda j: _cameras_with(j, "link"),
        _camera_lines,
        ("j.link_cameras <> '[]'", "jsonb_build_object('cameras', j.link_cameras)"),
    ),
    Rule(
        "MEASURED_BELOW_STANDARD",
        "measured_below_standard",
        gettext_lazy("Measured below the standard"),
        Severity.MEDIUM,
        True,
        "IEC 62676-4 via the test card (inspections.pixel_density); settings face_level, measurement_valid_days",
        _measured_below_standard,
        _measured_lines,
        ("j.measured_cameras <> '[]'", "jsonb_build_object('cameras', j.measured_cameras)"),
    ),
    Rule(
        "FEED_DARK",
        "feed_dark",
        gettext_lazy("Feed dark"),
        Severity.MEDIUM,
        False,  # unless the standard says so (feed_dark_warnable): it can be the network's fault
        "Perwali 25/2019: connected into one city system; settings feed_dark_hours (the hourly probe, "
        "feeds/) and feed_dark_warnable",
        _feed_dark,
        _dark_lines,
        ("j.dark_cameras <> '[]'", "jsonb_build_object('cameras', j.dark_cameras)"),
    ),
    Rule(
        "INSPECTION_OVERDUE",
        "inspection_overdue",
        gettext_lazy("Inspection overdue"),
        Severity.LOW,
        False,
        "Perwali monitoring every 6 months: setting inspection_interval_months",
        _inspection_overdue,
        lambda d: [_("The inspection was due on %(date)s.") % {"date": d.get("due_on")}],
        ("j.due < %(as_of)s", "jsonb_build_object('due_on', to_char(j.due, 'YYYY-MM-DD'))"),
    ),
    Rule(
        "INSPECTION_FAILED",
        "inspection_failed",
        gettext_lazy("Last inspection failed"),
        Severity.HIGH,
        True,
        "Perwali monitoring and evaluation: the last valid inspection failed or was partial",
        _inspection_failed,
        lambda d: [_("Result of the last inspection: %(result)s.") % {"result": _result_label(d)}],
        ("j.last_result IN ('fail', 'partial')", "jsonb_build_object('result', j.last_result)"),
    ),
    Rule(
        "UNVERIFIED",
        "unverified",
        gettext_lazy("Registration unverified after the grace period"),
        Severity.LOW,
        False,
        "setting grace_period_days",
        _unverified,
        lambda d: [
            _("Registered on %(date)s and not verified within %(days)s days.")
            % {"date": d.get("registered_on"), "days": d.get("grace_period_days")}
        ],
        (
            "j.verification_status = 'pending' AND %(as_of)s > j.registered_on + %(grace_period_days)s",
            "jsonb_build_object('registered_on', to_char(j.registered_on, 'YYYY-MM-DD'), "
            "'grace_period_days', %(grace_period_days)s)",
        ),
        obligation=False,
    ),
)

FlagKind = models.TextChoices("FlagKind", [(r.name, (r.kind, r.label)) for r in RULES])
FlagKind.__doc__ = "The kinds of compliance flag, one per rule of RULES."
RULES_BY_KIND = {r.kind: r for r in RULES}
SEVERITY = {r.kind: r.severity for r in RULES}


def warnable_kinds(standard):
    """The flag kinds the ladder warns for under `standard`: the warnable rules, and a dark feed when
    the standard says so (feed_dark_warnable). The one answer for the ladder, the sweep's in_breach,
    the owner's status message and the inspection's reply."""
    kinds = {r.kind for r in RULES if r.warnable}
    if standard is not None and standard.feed_dark_warnable:
        kinds.add("feed_dark")
    return frozenset(kinds)


@dataclass(frozen=True)
class Breach:
    kind: str
    details: dict

    @property
    def severity(self):
        return SEVERITY[self.kind]


def evaluate_premises(facts: PremisesFacts, standard, as_of: datetime.date, check=spec_check.check_camera):
    """Every rule the premises breaks on `as_of` under `standard`, in the table's order.

    `check` is the camera spec check; the sweep passes a memoised copy of it.
    """
    judging = Judging(facts, standard, as_of, check)
    obliged = is_obligated(facts.designated_on, facts.verification_status, facts.first_verified_at, as_of)
    breaches = []
    for rule in RULES:
        if rule.obligation and not obliged:
            continue  # owes nothing yet, or nothing more: only the registration itself is judged
        details = rule.check(judging)
        if details is not None:
            breaches.append(Breach(rule.kind, details))
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
