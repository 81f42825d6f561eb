"""The sweep brings flags up to date: opens, confirms, resolves; idempotent and chunked."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError

from inspections import sweep
from inspections.models import ComplianceFlag, FlagKind, FlagsNeverDeleted, FlagStatus, SweepRun, SweepStatus
from inspections.recording import record_inspection
from registry.models import Camera, Premises
from tests.factories import CameraFactory, PremisesFactory, checklist, dome_below_standard

AS_OF = datetime.date(2026, 11, 28)
pytestmark = pytest.mark.django_db


def open_flags():
    return sorted(ComplianceFlag.objects.unresolved().values_list("premises__name", "kind"))


@pytest.fixture
def city():
    """Three premises: one compliant, one with a failing dome, one without cameras."""
    good = PremisesFactory(name="A Good", designated_on=datetime.date(2026, 1, 1))
    CameraFactory(premises=good)
    record_inspection(premises=good, performed_on=datetime.date(2026, 10, 1), items=checklist(good, "pass"), actor=None)
    weak = PremisesFactory(name="B Weak", designated_on=datetime.date(2026, 1, 1))
    dome_below_standard(weak)
    record_inspection(premises=weak, performed_on=datetime.date(2026, 10, 1), items=checklist(weak, "pass"), actor=None)
    empty = PremisesFactory(name="C Empty", designated_on=datetime.date(2026, 1, 1))
    record_inspection(
        premises=empty, performed_on=datetime.date(2026, 10, 1), items=checklist(empty, "pass"), actor=None
    )
    return good, weak, empty


def test_the_sweep_opens_a_flag_per_broken_rule_and_records_the_run(city):
    run = sweep.run_sweep(AS_OF)
    assert open_flags() == [("B Weak", FlagKind.CAMERA_BELOW_STANDARD), ("C Empty", FlagKind.NO_CAMERA)]
    assert (run.status, run.premises_evaluated, run.flags_opened, run.flags_confirmed, run.flags_resolved) == (
        SweepStatus.SUCCEEDED,
        3,
        2,
        0,
        0,
    )
    assert run.standard.version == 1 and run.finished_at is not None and run.errors == []
    flag = ComplianceFlag.objects.get(kind=FlagKind.CAMERA_BELOW_STANDARD)
    assert flag.standard.version == 1 and flag.opened_by_run == run
    assert [f["rule"] for f in flag.details["cameras"][0]["findings"]] == ["pan_range", "face_identification"]


def test_running_twice_confirms_and_never_duplicates(city):
    first = sweep.run_sweep(AS_OF)
    before = dict(ComplianceFlag.objects.with_last_confirmed().values_list("pk", "last_confirmed_at"))
    stamps = list(ComplianceFlag.objects.values_list("pk", "updated_at", "details").order_by("pk"))
    history = ComplianceFlag.history.count()
    second = sweep.run_sweep(AS_OF)
    assert (second.flags_opened, second.flags_confirmed, second.flags_resolved) == (0, 2, 0)
    assert ComplianceFlag.objects.count() == 2
    # The second run wrote nothing to the flags that still hold; it is their confirmation.
    assert list(ComplianceFlag.objects.values_list("pk", "updated_at", "details").order_by("pk")) == stamps
    assert ComplianceFlag.history.count() == history
    confirmed = dict(ComplianceFlag.objects.with_last_confirmed().values_list("pk", "last_confirmed_at"))
    assert all(confirmed[pk] == second.finished_at > at for pk, at in before.items())
    assert first.pk != second.pk


def test_a_cleared_condition_is_resolved_with_the_reason_and_the_flag_is_kept(city):
    _good, weak, _empty = city
    sweep.run_sweep(AS_OF)
    assert Premises.objects.get(pk=weak.pk).in_breach
    Camera.objects.filter(premises=weak).update(camera_type="ptz", pan_range_deg=360, optical_zoom=25)
    run = sweep.run_sweep(AS_OF)
    assert not Premises.objects.get(pk=weak.pk).in_breach
    flag = ComplianceFlag.objects.get(premises=weak)
    assert flag.status == FlagStatus.RESOLVED and flag.resolved_by_run == run and flag.resolved_at is not None
    assert str(run.pk) in flag.resolution_reason and "2026-11-28" in flag.resolution_reason
    assert run.flags_resolved == 1
    # It breaks again: a new flag opens, the old one stays as history.
    Camera.objects.filter(premises=weak).update(pan_range_deg=0)
    sweep.run_sweep(AS_OF)
    assert ComplianceFlag.objects.filter(premises=weak).count() == 2


def test_changed_findings_update_the_open_flag_instead_of_opening_another(city):
    _good, weak, _empty = city
    sweep.run_sweep(AS_OF)
    Camera.objects.filter(premises=weak).update(retention_days=7)
    run = sweep.run_sweep(AS_OF)
    flag = ComplianceFlag.objects.get(premises=weak)
    assert [f["rule"] for f in flag.details["cameras"][0]["findings"]] == [
        "pan_range",
        "face_identification",
        "retention",
    ]
    assert (run.flags_opened, run.flags_confirmed) == (0, 2)


def test_a_rejected_premises_has_its_flags_resolved(city):
    _good, _weak, empty = city
    sweep.run_sweep(AS_OF)
    Premises.objects.filter(pk=empty.pk).update(verification_status="rejected", rejection_reason="Bukan jalan protokol")
    sweep.run_sweep(AS_OF)
    flag = ComplianceFlag.objects.get(premises=empty)
    assert flag.status == FlagStatus.RESOLVED


def test_small_chunks_give_exactly_the_flags_of_one_chunk(city):
    for n in range(7):
        dome_below_standard(PremisesFactory(name=f"D Extra {n}", designated_on=datetime.date(2026, 1, 1)))
    run = sweep.run_sweep(AS_OF, chunk_size=2)
    chunked = open_flags()
    assert run.chunks_total == 5 and run.chunks.filter(done=True).count() == 5
    ComplianceFlag.objects.update(status="resolved", resolved_at=run.started_at)
    sweep.run_sweep(AS_OF, chunk_size=1000)
    assert open_flags() == chunked


def test_a_premises_that_cannot_be_judged_is_reported_and_its_flags_untouched(city, monkeypatch):
    _good, weak, _empty = city
    sweep.run_sweep(AS_OF)
    real = sweep.spec_check.check_camera

    def broken_for_the_dome(camera, standard):  # the weak premises' camera
        if camera.camera_type == Camera.Type.DOME:
            raise ValueError("corrupt record")
        return real(camera, standard)

    # Both ways of judging (set-based on PostgreSQL, premises by premises on SQLite) leave it out.
    monkeypatch.setattr(sweep.spec_check, "check_camera", broken_for_the_dome)
    run = sweep.run_sweep(AS_OF)
    assert run.status == SweepStatus.FAILED
    assert run.errors == [{"premises_id": weak.pk, "error": "ValueError: corrupt record"}]
    assert ComplianceFlag.objects.get(premises=weak).status == FlagStatus.OPEN
    assert run.premises_evaluated == 2


def test_the_dry_run_command_prints_the_changes_and_writes_nothing(city, capsys):
    call_command("compliance_sweep", "--as-of", AS_OF.isoformat())
    out = capsys.readouterr().out
    assert "open     B Weak: camera_below_standard" in out
    assert "would open 2, confirm 0, resolve 0" in out
    assert ComplianceFlag.objects.count() == 0 and SweepRun.objects.count() == 0


def test_the_command_commits_with_commit(city, capsys):
    call_command("compliance_sweep", "--as-of", AS_OF.isoformat(), "--commit")
    assert "flags opened 2" in capsys.readouterr().out
    assert len(open_flags()) == 2


@pytest.mark.parametrize("args", [["--as-of", "28-11-2026"], ["--as-of", "2010-01-01"], ["--chunk-size", "0"]])
def test_the_command_refuses_bad_arguments_clearly(args):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("compliance_sweep", *args)


def test_flags_are_never_deleted(city):
    sweep.run_sweep(AS_OF)
    count = ComplianceFlag.objects.count()
    with pytest.raises(FlagsNeverDeleted):
        ComplianceFlag.objects.first().delete()
    with pytest.raises(FlagsNeverDeleted):
        ComplianceFlag.objects.filter(kind=FlagKind.NO_CAMERA).delete()
    with pytest.raises(FlagsNeverDeleted):
        ComplianceFlag.objects.all()._raw_delete(ComplianceFlag.objects.db)
    assert ComplianceFlag.objects.count() == count
    with pytest.raises(ProtectedError):  # a premises with flags cannot be deleted either
        Premises.objects.get(name="C Empty").delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the refusing trigger is PostgreSQL's (migration 0008)")
def test_the_database_itself_refuses_to_delete_a_flag(city):
    from django.db import IntegrityError, transaction

    sweep.run_sweep(AS_OF)
    count = ComplianceFlag.objects.count()
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inspections_complianceflag")
    assert ComplianceFlag.objects.count() == count > 0


def test_the_database_allows_one_unresolved_flag_per_kind(city):
    from django.db import IntegrityError, transaction

    sweep.run_sweep(AS_OF)
    flag = ComplianceFlag.objects.get(kind=FlagKind.NO_CAMERA)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplianceFlag.objects.create(
            premises=flag.premises,
            kind=flag.kind,
            severity=flag.severity,
            standard=flag.standard,
            opened_at=flag.opened_at,
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@pytest.mark.skipif(
    "sqlite" in connection.vendor, reason="SQLite serialises writers; the concurrency proof runs on PostgreSQL in CI"
)
def test_two_sweeps_at_once_give_the_flags_of_one_clean_run():
    for n in range(30):
        premises = PremisesFactory(name=f"P{n:02d}", designated_on=datetime.date(2026, 1, 1))
        if n % 3:
            dome_below_standard(premises)
    errors = []

    def sweep_once():
        try:
            sweep.run_sweep(AS_OF, chunk_size=5)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep_once) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    concurrent = open_flags()
    assert len(concurrent) == len(set(concurrent))
    ComplianceFlag.objects.update(status="resolved", resolved_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    sweep.run_sweep(AS_OF)
    assert open_flags() == concurrent
