"""Premises-level rules and the warning ladder, without a database."""

import datetime

import pytest
from django.utils import translation

from inspections import rules
from inspections.models import FlagKind, WarningStatus, WarningStep
from registry.dates import add_months
from registry.models import Camera, CameraStandard

AS_OF = datetime.date(2026, 11, 28)
STANDARD = CameraStandard(version=1)


def camera(pk=1, **overrides):
    values = dict(
        label=f"Kamera {pk}",
        status="active",
        camera_type="ptz",
        pan_range_deg=360,
        hfov_wide_deg=57.6,
        optical_zoom=25,
        resolution_h_px=2560,
        resolution_v_px=1440,
        night_vision=True,
        retention_days=30,
        onvif_profile_s=True,
        rtsp_url="rtsp://10.0.0.1/s",
        faces_road=True,
    )
    values.update(overrides)
    c = Camera(**values)
    c.pk = pk
    return c


def facts(**overrides):
    values = dict(
        category="minimarket",
        designated_on=datetime.date(2024, 1, 1),
        verification_status="verified",
        first_verified_at=datetime.datetime(2024, 1, 2, 9, tzinfo=datetime.UTC),
        registered_on=datetime.date(2023, 12, 1),
        next_inspection_due=datetime.date(2027, 1, 1),
        last_inspection_result="pass",
        cameras=(camera(),),
    )
    values.update(overrides)
    return rules.PremisesFacts(**values)


def kinds(f, standard=STANDARD):
    return [b.kind for b in rules.evaluate_premises(f, standard, AS_OF)]


def test_a_compliant_premises_breaks_no_rule():
    assert kinds(facts()) == []


def test_a_premises_without_any_camera_is_flagged():
    assert kinds(facts(cameras=())) == [FlagKind.NO_CAMERA]


def test_removed_cameras_do_not_count_as_registered():
    assert kinds(facts(cameras=(camera(status="removed"),))) == [FlagKind.NO_CAMERA]


def test_a_bank_needs_two_working_cameras_facing_the_road():
    breaches = rules.evaluate_premises(facts(category="bank"), STANDARD, AS_OF)
    assert [(b.kind, b.details) for b in breaches] == [
        (FlagKind.TOO_FEW_ROAD_CAMERAS, {"required": 2, "actual": 1, "category": "bank"})
    ]
    assert kinds(facts(category="bank", cameras=(camera(1), camera(2)))) == []


def test_a_faulty_camera_does_not_watch_the_road():
    assert kinds(facts(cameras=(camera(status="faulty"),))) == [FlagKind.TOO_FEW_ROAD_CAMERAS]


def test_a_camera_below_the_standard_is_flagged_with_its_findings_and_connectivity_separately():
    dome = camera(
        7,
        camera_type="dome",
        pan_range_deg=0,
        hfov_wide_deg=90,
        optical_zoom=None,
        resolution_h_px=1920,
        resolution_v_px=1080,
        rtsp_url="",
    )
    breaches = {b.kind: b for b in rules.evaluate_premises(facts(cameras=(dome,)), STANDARD, AS_OF)}
    assert set(breaches) == {FlagKind.CAMERA_BELOW_STANDARD, FlagKind.NOT_CONNECTABLE}
    below = breaches[FlagKind.CAMERA_BELOW_STANDARD].details["cameras"]
    assert below == [
        {
            "id": 7,
            "label": "Kamera 7",
            "findings": [
                {"rule": "pan_range", "setting": "min_pan_deg", "required": 90, "actual": 0.0},
                {"rule": "face_identification", "setting": "face_distance_m", "required": 10.0, "actual": 3.8},
            ],
        }
    ]
    assert [f["rule"] for f in breaches[FlagKind.NOT_CONNECTABLE].details["cameras"][0]["findings"]] == ["rtsp"]


def test_cameras_inside_the_building_are_not_judged_unless_the_standard_says_so():
    indoor = camera(2, camera_type="dome", pan_range_deg=0, faces_road=False, optical_zoom=None, hfov_wide_deg=100)
    assert kinds(facts(cameras=(camera(1), indoor))) == []
    strict = CameraStandard(version=2, judge_road_cameras_only=False)
    assert kinds(facts(cameras=(camera(1), indoor)), strict) == [FlagKind.CAMERA_BELOW_STANDARD]


def test_premises_without_passing_inspection_for_six_months_is_flagged_overdue():
    breaches = rules.evaluate_premises(facts(next_inspection_due=datetime.date(2026, 11, 27)), STANDARD, AS_OF)
    assert [(b.kind, b.details) for b in breaches] == [(FlagKind.INSPECTION_OVERDUE, {"due_on": "2026-11-27"})]
    assert kinds(facts(next_inspection_due=AS_OF)) == []  # due today is not yet overdue


@pytest.mark.parametrize("result", ["fail", "partial"])
def test_a_failed_or_partial_last_inspection_is_flagged(result):
    assert kinds(facts(last_inspection_result=result)) == [FlagKind.INSPECTION_FAILED]


def test_only_an_obligated_premises_owes_the_cameras_and_inspections():
    """What a premises owes (rules.py): never verified, rejected or not designated, nothing but
    its verification; a verified premises whose correction waits stays obligated."""
    broken = dict(cameras=(), next_inspection_due=datetime.date(2026, 1, 1))
    assert kinds(facts(**broken)) == [FlagKind.NO_CAMERA, FlagKind.INSPECTION_OVERDUE]
    waiting_first = facts(**broken, verification_status="pending", first_verified_at=None, registered_on=AS_OF)
    assert kinds(waiting_first) == []
    assert kinds(facts(**broken, verification_status="rejected")) == []
    assert kinds(facts(**broken, designated_on=None)) == []
    assert kinds(facts(**broken, designated_on=AS_OF + datetime.timedelta(days=1))) == []
    correction_waits = facts(**broken, verification_status="pending", registered_on=AS_OF)
    assert kinds(correction_waits) == [FlagKind.NO_CAMERA, FlagKind.INSPECTION_OVERDUE]


def test_a_registration_pending_past_the_grace_period_is_flagged_even_before_designation():
    late = facts(verification_status="pending", designated_on=None, registered_on=AS_OF - datetime.timedelta(days=91))
    assert kinds(late) == [FlagKind.UNVERIFIED]
    fresh = facts(verification_status="pending", designated_on=None, registered_on=AS_OF - datetime.timedelta(days=90))
    assert kinds(fresh) == []


def test_premises_not_yet_designated_are_not_judged_on_cameras():
    assert kinds(facts(designated_on=AS_OF + datetime.timedelta(days=1), cameras=())) == []


def test_every_broken_rule_is_reported():
    dome = camera(camera_type="dome", pan_range_deg=0, optical_zoom=None, hfov_wide_deg=100, onvif_profile_s=False)
    all_wrong = facts(
        category="bank", cameras=(dome,), next_inspection_due=datetime.date(2026, 1, 1), last_inspection_result="fail"
    )
    assert kinds(all_wrong) == [
        FlagKind.TOO_FEW_ROAD_CAMERAS,
        FlagKind.CAMERA_BELOW_STANDARD,
        FlagKind.NOT_CONNECTABLE,
        FlagKind.INSPECTION_OVERDUE,
        FlagKind.INSPECTION_FAILED,
    ]


def test_severity_and_which_kinds_count_for_warnings():
    assert rules.evaluate_premises(facts(cameras=()), STANDARD, AS_OF)[0].severity == "high"
    assert FlagKind.INSPECTION_OVERDUE not in rules.warnable_kinds(STANDARD)
    assert FlagKind.UNVERIFIED not in rules.warnable_kinds(STANDARD)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ((2026, 1, 31), 1, (2026, 2, 28)),
        ((2024, 8, 31), 6, (2025, 2, 28)),
        ((2026, 11, 28), 6, (2027, 5, 28)),
        ((2026, 12, 15), 1, (2027, 1, 15)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(datetime.date(*day), months) == datetime.date(*expected)


# --- the ladder ----------------------------------------------------------------------------

DESIGNATED = datetime.date(2026, 1, 1)


def step(current, flags=True, as_of=AS_OF, designated=DESIGNATED):
    return rules.next_ladder_action(current, flags, designated, STANDARD, as_of)


def test_sp1_is_issued_only_after_the_grace_period_for_a_new_obligation():
    recent = datetime.date(2026, 10, 1)
    assert step(None, designated=recent).action == "none"
    assert step(None, designated=recent, as_of=recent + datetime.timedelta(days=90)) == rules.LadderAction(
        "issue", WarningStep.SP1, WarningStatus.ACTIVE, recent + datetime.timedelta(days=97)
    )


def test_no_warning_without_warnable_flags_or_designation():
    assert step(None, flags=False).action == "none"
    assert step(None, designated=None).action == "none"


@pytest.mark.parametrize(
    ("current", "expected_step", "expected_status", "expected_due"),
    [
        (WarningStep.SP1, WarningStep.SP2, WarningStatus.ACTIVE, AS_OF + datetime.timedelta(days=7)),
        (WarningStep.SP2, WarningStep.SP3, WarningStatus.ACTIVE, AS_OF + datetime.timedelta(days=7)),
        (WarningStep.SP3, WarningStep.FREEZE, WarningStatus.AWAITING_APPROVAL, None),
        (WarningStep.FREEZE, WarningStep.REVOCATION, WarningStatus.ACTIVE, None),
    ],
)
def test_each_step_escalates_the_day_after_it_falls_due(current, expected_step, expected_status, expected_due):
    due = AS_OF - datetime.timedelta(days=1)
    assert step(rules.LadderState(current, WarningStatus.ACTIVE, AS_OF)).action == "none"  # due today: wait
    action = step(rules.LadderState(current, WarningStatus.ACTIVE, due))
    assert (action.action, action.step, action.status, action.due_on) == (
        "escalate",
        expected_step,
        expected_status,
        expected_due,
    )


def test_a_freeze_waits_for_a_supervisor_and_revocation_is_the_end():
    waiting = rules.LadderState(WarningStep.FREEZE, WarningStatus.AWAITING_APPROVAL, None)
    assert step(waiting).action == "none"
    assert step(rules.LadderState(WarningStep.REVOCATION, WarningStatus.ACTIVE, None)).action == "none"


def test_resolving_every_flag_closes_the_ladder_at_any_step():
    for current in WarningStep.values:
        assert step(rules.LadderState(current, WarningStatus.ACTIVE, AS_OF), flags=False).action == "close"


def test_revocation_falls_due_three_months_after_an_approved_freeze():
    assert rules.revocation_due(datetime.date(2026, 11, 30), STANDARD) == datetime.date(2027, 2, 28)


# --- the rules table --------------------------------------------------------------------------


def test_the_flag_kinds_severities_ladder_kinds_and_wording_derive_from_the_one_table():
    from inspections.models import FlagKind as StoredKind

    assert StoredKind is rules.FlagKind
    assert [k.value for k in rules.FlagKind] == [r.kind for r in rules.RULES]
    assert rules.SEVERITY == {r.kind: r.severity for r in rules.RULES}
    warnable = {
        "no_camera",
        "too_few_road_cameras",
        "camera_below_standard",
        "not_connectable",
        "measured_below_standard",
        "inspection_failed",
    }
    assert rules.warnable_kinds(STANDARD) == warnable
    # A dark feed is the officers' to look into, unless the standard makes it warnable.
    assert rules.warnable_kinds(CameraStandard(version=1, feed_dark_warnable=True)) == warnable | {"feed_dark"}
    for rule in rules.RULES:
        assert rule.enforces and rule.label and rule.check and rule.wording, rule.kind


@pytest.mark.parametrize(
    ("kind", "details", "line"),
    [
        ("no_camera", {}, "No camera registered"),
        (
            "too_few_road_cameras",
            {"actual": 1, "required": 2},
            "1 working camera(s) face the road; the standard asks at least 2.",
        ),
        ("inspection_overdue", {"due_on": "2026-07-01"}, "The inspection was due on 2026-07-01."),
        ("inspection_failed", {"result": "partial"}, "Result of the last inspection: Partial."),
        (
            "unverified",
            {"registered_on": "2026-01-02", "grace_period_days": 90},
            "Registered on 2026-01-02 and not verified within 90 days.",
        ),
        (
            "camera_below_standard",
            {"cameras": [{"label": "Depan", "findings": [{"rule": "pan_range", "required": 90, "actual": 0}]}]},
            "Depan: Turns only 0°; the standard asks at least 90°",
        ),
    ],
)
def test_each_rule_words_its_finding(kind, details, line):
    with translation.override("en"):
        lines = rules.RULES_BY_KIND[kind].wording(details)
    assert len(lines) == 1 and lines[0].startswith(line)


def test_a_new_rule_is_one_entry_in_the_table(monkeypatch):
    """A made-up rule, added as one entry, is judged and worded with no other change."""
    night_shop = rules.Rule(
        "OPEN_AT_NIGHT",
        "open_at_night",
        "Open at night without IR",
        "high",
        True,
        "a made-up setting",
        lambda j: {"category": j.facts.category} if j.facts.category == "minimarket" else None,
        lambda d: [f"A {d['category']} open at night"],
        ("j.category = 'minimarket'", "jsonb_build_object('category', j.category)"),
    )
    monkeypatch.setattr(rules, "RULES", (*rules.RULES, night_shop))
    breaches = rules.evaluate_premises(facts(category="minimarket"), STANDARD, AS_OF)
    assert breaches[-1] == rules.Breach("open_at_night", {"category": "minimarket"})
    assert rules.evaluate_premises(facts(category="bank"), STANDARD, AS_OF)[-1:] != [breaches[-1]]
