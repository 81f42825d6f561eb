"""Every Celery task acknowledges late, and running any of them twice changes nothing more."""

import datetime

import pytest
from django.core import mail

from inspections import sweep, tasks
from inspections.models import ComplianceFlag, SweepChunk, WarningLetter
from perwali_cctv.celery import app
from registry.models import AccessLog
from registry.tasks import purge_rejected_registrations, send_queued_mail
from tests.factories import PremisesFactory, dome_below_standard

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 6, 1)


def test_every_task_of_ours_acknowledges_late_and_is_requeued_when_its_worker_dies():
    app.loader.import_default_modules()  # every app's tasks.py, as a worker loads them
    ours = {
        name: task
        for name, task in app.tasks.items()
        if name.startswith(("registry.", "inspections.", "notifications.", "feeds."))
    }
    assert set(ours) == {
        "registry.send_queued_mail",
        "registry.purge_rejected_registrations",
        "inspections.compliance_sweep",
        "inspections.sweep_chunk",
        "inspections.judge_premises",
        "inspections.recount_totals",
        "inspections.warning_ladder",
        "inspections.delete_old_measurement_images",
        "notifications.daily_digest",
        "feeds.probe_feeds",
        "feeds.probe_feed_chunk",
    }
    for task in ours.values():
        assert task.acks_late and task.reject_on_worker_lost, task.name
    assert app.conf.worker_prefetch_multiplier == 1


def _flags():
    return sorted(ComplianceFlag.objects.values_list("premises_id", "kind", "resolved_at"))


def test_a_sweep_chunk_delivered_twice_applies_once():
    dome_below_standard(PremisesFactory(designated_on=datetime.date(2025, 1, 1)))
    run = sweep.start_run(AS_OF, trigger="test")
    chunk = SweepChunk.objects.get(run=run)
    assert tasks.sweep_chunk(chunk.pk) is True
    after_once = _flags()
    assert tasks.sweep_chunk(chunk.pk) is False
    assert _flags() == after_once and after_once


def test_the_ladder_twice_on_one_day_issues_one_letter():
    dome_below_standard(PremisesFactory(designated_on=datetime.date(2025, 1, 1)))
    sweep.run_sweep(AS_OF)
    ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC))
    tasks.warning_ladder(AS_OF.isoformat())
    tasks.warning_ladder(AS_OF.isoformat())
    assert WarningLetter.objects.count() == 1


def test_the_totals_recount_twice_counts_once():
    from inspections.models import FigureTotal

    PremisesFactory()  # its save marks its group (not judged here: no commit in this test)
    assert tasks.recount_totals() == 1
    kept = list(FigureTotal.objects.values_list("road_id", "category", "counts", "changed", "generation"))
    assert tasks.recount_totals() == 0  # nothing marked any more: nothing counted
    assert list(FigureTotal.objects.values_list("road_id", "category", "counts", "changed", "generation")) == kept
    assert kept[0][2]["registered"] == 1 and kept[0][3] is False


def test_queued_mail_sent_twice_goes_out_once(settings):
    from mailer.models import Message

    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.send_mail("Pendaftaran diterima", "Kode: ABCD-EFGH", "cctv@bontangkota.go.id", ["siti@example.com"])
    assert Message.objects.count() == 1 and not mail.outbox
    send_queued_mail()
    send_queued_mail()
    assert len(mail.outbox) == 1 and Message.objects.count() == 0


def test_the_retention_purge_twice_purges_once(settings):
    from django.utils import timezone

    from registry.models import Premises

    PremisesFactory(
        verification_status=Premises.Verification.REJECTED,
        rejection_reason="Bukan di jalan protokol.",
        verified_at=timezone.now() - datetime.timedelta(days=settings.REJECTED_REGISTRATION_RETENTION_DAYS + 1),
    )
    assert purge_rejected_registrations() == 1
    assert purge_rejected_registrations() == 0
    assert AccessLog.objects.filter(action=AccessLog.Action.PURGE).count() == 1


def test_a_run_abandoned_by_a_lost_worker_is_closed_by_the_next_one():
    from django.utils import timezone

    from inspections.models import SweepRun, SweepStatus

    PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    lost = sweep.start_run(AS_OF, trigger="lost")
    recent = sweep.start_run(AS_OF, trigger="still going")
    SweepRun.objects.filter(pk=lost.pk).update(started_at=timezone.now() - datetime.timedelta(hours=3))
    sweep.start_run(AS_OF, trigger="next")
    lost.refresh_from_db()
    assert lost.status == SweepStatus.FAILED and "abandoned" in lost.errors[0]["error"]
    assert SweepRun.objects.get(pk=recent.pk).status == SweepStatus.RUNNING  # young runs are left alone
