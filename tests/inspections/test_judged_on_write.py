"""Every write that can change a premises' verdict judges it at once: the next request shows the
new state, with no sweep run in between (inspections.triggers). The nightly sweep after all of
them finds nothing to change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from inspections import ladder, recording, sweep
from inspections.models import (
    CAMERA_CHECKS,
    OPEN_PLAN,
    PREMISES_CHECKS,
    ComplianceFlag,
    FlagKind,
    FlagStatus,
    InspectionAssignment,
    SweepRun,
    WarningLetter,
    WarningStatus,
)
from registry.models import CameraStandard, Premises
from tests.factories import CameraFactory, PremisesFactory, dome_below_standard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
TODAY = datetime.date(2026, 11, 28)  # the suite's frozen day (tests/conftest.py)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a write leaves for after its commit (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def open_kinds(premises):
    return set(ComplianceFlag.objects.unresolved().filter(premises=premises).values_list("kind", flat=True))


def page(client, premises):
    return client.get(reverse("dashboard:premises", args=[premises.pk])).content.decode()


def test_a_camera_added_changed_or_removed_is_judged_at_once(commit):
    premises = PremisesFactory(next_inspection_due=datetime.date(2027, 3, 1))
    with commit():
        premises.save()
    assert open_kinds(premises) == {FlagKind.NO_CAMERA}
    with commit():
        camera = dome_below_standard(premises)
    assert open_kinds(premises) == {FlagKind.CAMERA_BELOW_STANDARD}
    assert Premises.objects.get(pk=premises.pk).in_breach
    stamped = Premises.objects.get(pk=premises.pk).updated_at
    with commit():
        camera.camera_type, camera.pan_range_deg, camera.optical_zoom = "ptz", 360, 25
        camera.save()
    assert open_kinds(premises) == set()
    assert not Premises.objects.get(pk=premises.pk).in_breach
    assert Premises.objects.get(pk=premises.pk).updated_at > stamped  # API clients polling see in_breach change
    with commit():
        camera.delete()
    assert open_kinds(premises) == {FlagKind.NO_CAMERA}


def test_a_camera_changed_in_the_admin_is_judged_at_once(commit, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.id", "x")
    premises = PremisesFactory(next_inspection_due=datetime.date(2027, 3, 1))
    camera = CameraFactory(premises=premises, rtsp_url="")
    with commit():
        camera.save()
    assert open_kinds(premises) == {FlagKind.NOT_CONNECTABLE}
    client.force_login(admin)
    url = reverse("admin:registry_camera_change", args=[camera.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
    data.update({k: "on" for k, v in form.initial.items() if v is True})
    data.update({"premises": premises.pk, "rtsp_url": "rtsp://10.0.0.10:554/Streaming/Channels/101"})
    data.pop("photo", None)
    with commit():
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert open_kinds(premises) == set()


def test_a_passing_inspection_clears_overdue_on_the_next_page_load(commit, client, officer):
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1))  # due 1 July 2025: overdue
    camera = CameraFactory(premises=premises)
    with commit():
        premises.save()
    client.force_login(officer)
    assert open_kinds(premises) == {FlagKind.INSPECTION_OVERDUE}
    with translation.override("id"):
        overdue_open = f"{FlagKind.INSPECTION_OVERDUE.label} · {FlagStatus.OPEN.label}"
    assert overdue_open in page(client, premises)
    items = [recording.ItemOutcome(c.value, "pass", camera) for c in CAMERA_CHECKS]
    items += [recording.ItemOutcome(c.value, "pass") for c in PREMISES_CHECKS]
    with commit():
        recording.record_inspection(premises=premises, performed_on=TODAY, actor=officer, items=items)
    assert open_kinds(premises) == set()
    assert overdue_open not in page(client, premises)
    flag = ComplianceFlag.objects.get(premises=premises)
    assert flag.status == "resolved" and "2026-11-28" in flag.resolution_reason


def test_a_failed_inspection_and_its_correction_are_judged_at_once(commit, officer):
    premises = PremisesFactory(designated_on=datetime.date(2026, 10, 1))  # due 1 April 2027
    camera = CameraFactory(premises=premises)
    items = [recording.ItemOutcome(c.value, "pass", camera) for c in CAMERA_CHECKS]
    items += [recording.ItemOutcome(c.value, "pass") for c in PREMISES_CHECKS]
    failed = [*items[:-1], recording.ItemOutcome(PREMISES_CHECKS[-1].value, "fail")]
    with commit():
        inspection = recording.record_inspection(premises=premises, performed_on=TODAY, actor=officer, items=failed)
    assert open_kinds(premises) == {FlagKind.INSPECTION_FAILED}
    with commit():
        recording.record_correction(inspection, actor=officer, performed_on=TODAY, items=items)
    assert open_kinds(premises) == set()


def test_verifying_a_registration_opens_its_flags_at_once(commit, officer, client):
    premises = PremisesFactory(verification_status="pending", designated_on=None)
    dome_below_standard(premises)
    with commit():
        premises.save()
    assert open_kinds(premises) == set()  # a registration never verified owes only its verification
    client.force_login(officer)
    with commit():
        client.post(reverse("verify-registration", args=[premises.pk]))
    assert open_kinds(premises) == {FlagKind.CAMERA_BELOW_STANDARD}
    assert Premises.objects.get(pk=premises.pk).in_breach


@pytest.fixture
def at_freeze(supervisor, officer):
    """A verified premises warned up to a freeze recommendation, with an inspection planned."""
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1), next_inspection_due=datetime.date(2027, 3, 1))
    dome_below_standard(premises)
    sweep.run_sweep(datetime.date(2026, 10, 1))
    ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 9, 30, tzinfo=datetime.UTC))
    for day in (1, 9, 17, 25):
        ladder.advance_warning_ladder(datetime.date(2026, 10, day))
    letter = WarningLetter.objects.get(premises=premises, status=WarningStatus.AWAITING_APPROVAL)
    recording.plan_inspection(premises=premises, officer=officer, planned_on=TODAY, actor=officer)
    return premises, letter


def test_rejecting_a_correction_closes_the_ladder_resolves_the_flags_and_cancels_the_plans(
    at_freeze, commit, client, officer, supervisor
):
    premises, letter = at_freeze
    premises.verification_status = Premises.Verification.PENDING  # the owner sent a correction
    with commit():
        premises.save()
    assert open_kinds(premises)  # still obligated while the correction waits
    client.force_login(officer)
    with commit():
        client.post(reverse("reject-registration", args=[premises.pk]), {"reason": "Alamat tidak ditemukan."})
    assert open_kinds(premises) == set()
    assert not Premises.objects.get(pk=premises.pk).in_breach
    letter.refresh_from_db()
    assert letter.status == WarningStatus.CLOSED and letter.closed_on == TODAY
    assert "rejected" in letter.closed_reason or "ditolak" in letter.closed_reason
    assert not InspectionAssignment.objects.filter(OPEN_PLAN, premises=premises).exists()
    plan = InspectionAssignment.objects.get(premises=premises)
    assert plan.cancelled_at is not None and plan.cancel_reason
    flag_reasons = ComplianceFlag.objects.filter(premises=premises).values_list("resolution_reason", flat=True)
    assert all("ditolak" in r or "rejected" in r for r in flag_reasons)
    # Nothing is left for the supervisor to approve, and the officer's list is empty.
    with pytest.raises(Exception, match="tidak menunggu persetujuan"):
        ladder.approve_freeze(letter, supervisor=supervisor, as_of=TODAY)
    client.force_login(officer)
    mine = client.get(reverse("inspections:my-inspections")).content.decode()
    assert reverse("inspections:record", args=[premises.pk]) not in mine


def test_a_premises_no_longer_designated_owes_nothing(at_freeze, commit):
    premises, letter = at_freeze
    premises.designated_on = None
    with commit():
        premises.save()
    assert open_kinds(premises) == set()
    letter.refresh_from_db()
    assert letter.status == WarningStatus.CLOSED
    assert "designated" in letter.closed_reason or "ditetapkan" in letter.closed_reason
    assert not InspectionAssignment.objects.filter(OPEN_PLAN, premises=premises).exists()


def test_a_standard_in_force_today_starts_a_sweep_and_a_later_one_waits_for_its_day(commit, supervisor):
    current = CameraStandard.objects.in_force(TODAY)
    values = {f.name: getattr(current, f.name) for f in CameraStandard._meta.fields if f.editable and f.name != "id"}
    runs = SweepRun.objects.count()
    with commit():
        CameraStandard.objects.create(**{**values, "effective_from": TODAY + datetime.timedelta(days=30)})
    assert SweepRun.objects.count() == runs  # the nightly sweep of its first day judges under it
    with commit():
        CameraStandard.objects.create(**{**values, "effective_from": TODAY})
    assert SweepRun.objects.count() == runs + 1
    assert SweepRun.objects.first().trigger == "new standard"


def test_after_the_day_s_writes_the_nightly_sweep_finds_nothing_to_change(commit, officer):
    good = PremisesFactory(next_inspection_due=datetime.date(2027, 3, 1))
    weak = PremisesFactory(next_inspection_due=datetime.date(2027, 3, 1))
    pending = PremisesFactory(verification_status="pending", designated_on=None)
    with commit():
        CameraFactory(premises=good)
        dome_below_standard(weak)
        CameraFactory(premises=pending)
        Premises.objects.get(pk=pending.pk).save()
    before = list(ComplianceFlag.objects.values_list("pk", "status", "updated_at").order_by("pk"))
    breach = list(Premises.objects.values_list("pk", "in_breach").order_by("pk"))
    assert before  # the writes opened flags
    run = sweep.run_sweep(TODAY)
    assert (run.flags_opened, run.flags_resolved) == (0, 0)
    assert list(ComplianceFlag.objects.values_list("pk", "status", "updated_at").order_by("pk")) == before
    assert list(Premises.objects.values_list("pk", "in_breach").order_by("pk")) == breach


def test_a_judgement_that_fails_is_logged_and_the_write_stands(commit, monkeypatch, caplog):
    """The nightly sweep catches up; the owner or officer who saved sees no error page."""

    def broken(premises_id, as_of):
        raise RuntimeError("database gone")

    monkeypatch.setattr(sweep, "judge_premises", broken)
    premises = PremisesFactory()
    with commit():
        CameraFactory(premises=premises, label="Depan")
    assert premises.cameras.filter(label="Depan").exists()
    assert open_kinds(premises) == set()
    assert "database gone" in caplog.text
