"""The warning ladder escalates on schedule, waits for a supervisor, and stops when the premises complies."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections import ladder, sweep
from inspections.models import ComplianceFlag, FlagStatus, WarningLetter, WarningStatus, WarningStep
from registry.models import Camera
from tests.factories import PremisesFactory, dome_below_standard

pytestmark = pytest.mark.django_db
DAY0 = datetime.date(2026, 6, 1)


def day(n):
    return DAY0 + datetime.timedelta(days=n)


@pytest.fixture
def failing():
    premises = PremisesFactory(name="Toko Gagal", designated_on=datetime.date(2025, 1, 1))
    dome_below_standard(premises)
    sweep.run_sweep(DAY0)
    backdate_flags()
    return premises


def backdate_flags():
    """The tests replay past dates; a flag only counts for the ladder from the day it opened."""
    ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC))


def current(premises):
    return WarningLetter.objects.get(premises=premises, status__in=["active", "awaiting_approval"])


def test_the_ladder_escalates_on_schedule_and_waits_for_approval(failing, supervisor):
    assert ladder.advance_warning_ladder(day(0)) == {"issued": 1, "escalated": 0, "closed": 0}
    sp1 = current(failing)
    assert (sp1.step, sp1.issued_on, sp1.due_on) == (WarningStep.SP1, day(0), day(7))
    assert list(sp1.flags.values_list("kind", flat=True)) == ["camera_below_standard"]

    ladder.advance_warning_ladder(day(7))  # the deadline day itself belongs to the owner
    assert current(failing).step == WarningStep.SP1
    ladder.advance_warning_ladder(day(8))
    assert (current(failing).step, current(failing).due_on) == (WarningStep.SP2, day(15))
    ladder.advance_warning_ladder(day(16))
    assert (current(failing).step, current(failing).due_on) == (WarningStep.SP3, day(23))
    ladder.advance_warning_ladder(day(24))
    freeze = current(failing)
    assert (freeze.step, freeze.status, freeze.due_on) == (WarningStep.FREEZE, WarningStatus.AWAITING_APPROVAL, None)

    ladder.advance_warning_ladder(day(200))  # without approval nothing moves
    assert current(failing).pk == freeze.pk

    ladder.approve_freeze(freeze, supervisor=supervisor, as_of=day(25))
    freeze.refresh_from_db()
    assert (freeze.status, freeze.approved_by, freeze.due_on) == (
        WarningStatus.ACTIVE,
        supervisor,
        datetime.date(2026, 9, 26),
    )
    ladder.advance_warning_ladder(datetime.date(2026, 9, 26))
    assert current(failing).step == WarningStep.FREEZE
    ladder.advance_warning_ladder(datetime.date(2026, 9, 27))
    assert current(failing).step == WarningStep.REVOCATION
    steps = list(WarningLetter.objects.filter(premises=failing).order_by("pk").values_list("step", "status"))
    assert steps == [
        ("sp1", "escalated"),
        ("sp2", "escalated"),
        ("sp3", "escalated"),
        ("freeze", "escalated"),
        ("revocation", "active"),
    ]


def test_resolving_all_flags_stops_the_ladder_and_records_it(failing):
    ladder.advance_warning_ladder(day(0))
    ladder.advance_warning_ladder(day(8))
    Camera.objects.filter(premises=failing).update(camera_type="ptz", pan_range_deg=360, optical_zoom=25)
    sweep.run_sweep(day(10))
    assert ComplianceFlag.objects.get(premises=failing, kind="camera_below_standard").status == FlagStatus.RESOLVED
    assert ladder.advance_warning_ladder(day(10))["closed"] == 1
    letter = WarningLetter.objects.get(premises=failing, step=WarningStep.SP2)
    assert (letter.status, letter.closed_on) == (WarningStatus.CLOSED, day(10))
    assert "2026-06-11" in letter.closed_reason
    assert ladder.advance_warning_ladder(day(30)) == {"issued": 0, "escalated": 0, "closed": 0}


def test_no_warning_before_the_grace_period_of_a_new_obligation():
    premises = PremisesFactory(designated_on=DAY0 - datetime.timedelta(days=10))
    dome_below_standard(premises)
    sweep.run_sweep(DAY0)
    backdate_flags()
    assert ladder.advance_warning_ladder(DAY0)["issued"] == 0
    assert ladder.advance_warning_ladder(DAY0 + datetime.timedelta(days=80))["issued"] == 1


def test_an_overdue_inspection_alone_does_not_start_the_ladder():
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    from tests.factories import CameraFactory

    CameraFactory(premises=premises)
    sweep.run_sweep(DAY0)
    backdate_flags()
    assert list(ComplianceFlag.objects.values_list("kind", flat=True)) == ["inspection_overdue"]
    assert ladder.advance_warning_ladder(DAY0)["issued"] == 0


def test_running_the_ladder_twice_on_a_day_changes_nothing_the_second_time(failing):
    assert ladder.advance_warning_ladder(day(0))["issued"] == 1
    assert ladder.advance_warning_ladder(day(0)) == {"issued": 0, "escalated": 0, "closed": 0}
    assert WarningLetter.objects.count() == 1


def test_only_a_supervisor_approves_a_freeze(failing, officer):
    for n in (0, 8, 16, 24):
        ladder.advance_warning_ladder(day(n))
    freeze = current(failing)
    with pytest.raises(PermissionDenied):
        ladder.approve_freeze(freeze, supervisor=officer)
    sp1 = WarningLetter.objects.get(premises=failing, step=WarningStep.SP1)
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("boss", password="x")
    with pytest.raises(ValidationError):
        ladder.approve_freeze(sp1, supervisor=boss)


def test_the_ladder_command_prints_a_dry_run_and_writes_only_with_commit(failing):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("warning_ladder", "--as-of", day(0).isoformat(), stdout=out)
    assert "issue     Toko Gagal: sp1" in out.getvalue() and "would issue 1, escalate 0, close 0" in out.getvalue()
    assert not WarningLetter.objects.exists()
    out = io.StringIO()
    call_command("warning_ladder", "--as-of", day(0).isoformat(), "--commit", stdout=out)
    assert "issued 1, escalated 0, closed 0" in out.getvalue()
    assert current(failing).step == WarningStep.SP1


def test_the_ladder_bad_date_is_a_clear_error():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("warning_ladder", "--as-of", "kemarin")


def test_the_ladder_writes_set_based_its_statements_do_not_grow_with_the_letters(django_assert_max_num_queries):
    """Issuing for 30 premises costs the same statements as for 3 (the per-letter loop took ~7 each)."""
    for n in range(30):
        dome_below_standard(PremisesFactory(name=f"Toko {n:02d}", designated_on=datetime.date(2025, 1, 1)))
    sweep.run_sweep(DAY0)
    backdate_flags()
    with django_assert_max_num_queries(16):
        assert ladder.advance_warning_ladder(day(0))["issued"] == 30
    with django_assert_max_num_queries(20):
        assert ladder.advance_warning_ladder(day(8))["escalated"] == 30
    sp2 = WarningLetter.objects.filter(step=WarningStep.SP2, status=WarningStatus.ACTIVE)
    assert sp2.count() == 30 and all(letter.flags.count() == 1 for letter in sp2)
    assert WarningLetter.history.filter(step=WarningStep.SP2).count() == 30
