"""Rejected registrations lose their personal data after the retention period, on the record."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from registry import retention
from registry.models import AccessLog, Camera, Premises, ResponsiblePerson
from registry.registration import hash_secret, premises_for_secret
from registry.tasks import purge_rejected_registrations
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def rejected(days_ago, **extra):
    premises = PremisesFactory(
        source=Premises.Source.SELF_REGISTRATION,
        verification_status=Premises.Verification.REJECTED,
        verified_at=NOW - datetime.timedelta(days=days_ago),
        status_secret_hash=hash_secret(f"secret-{days_ago}"),
        rejection_reason="Alamat tidak ditemukan.",
        **extra,
    )
    person = ResponsiblePersonFactory(premises=premises, nik="6474010101010001")
    person.phone = "+6281234567890"
    person.save()  # a second historical copy of the NIK and phone
    return premises, person


def test_only_registrations_rejected_longer_ago_than_the_period_are_purged(settings):
    settings.REJECTED_REGISTRATION_RETENTION_DAYS = 90
    old, old_person = rejected(91)
    recent, recent_person = rejected(89)
    verified = PremisesFactory(
        verification_status=Premises.Verification.VERIFIED, verified_at=NOW - datetime.timedelta(days=400)
    )
    ResponsiblePersonFactory(premises=verified)

    assert retention.purge_rejected_registrations(as_of=NOW) == 1  # dry run: counts only
    assert ResponsiblePerson.objects.filter(pk=old_person.pk).exists()

    assert retention.purge_rejected_registrations(as_of=NOW, commit=True) == 1
    assert not ResponsiblePerson.objects.filter(premises=old).exists()
    assert not ResponsiblePerson.history.filter(id=old_person.pk).exists()  # no copy of the NIK is left
    assert ResponsiblePerson.objects.filter(pk=recent_person.pk).exists()
    assert ResponsiblePerson.objects.filter(premises=verified).exists()
    old.refresh_from_db()
    assert old.personal_data_purged_at == NOW and old.status_secret_hash is None
    assert premises_for_secret("secret-91") is None  # the status link is dead


def test_the_purge_is_in_the_audit_trail_and_a_second_run_does_nothing(settings):
    settings.REJECTED_REGISTRATION_RETENTION_DAYS = 30
    premises, _ = rejected(31)
    retention.purge_rejected_registrations(as_of=NOW, commit=True)
    entry = AccessLog.objects.get(action=AccessLog.Action.PURGE)
    assert entry.target == f"premises {premises.pk} {premises.tracking_code}" and entry.rows == 1
    assert entry.filters["retention_days"] == 30
    latest = premises.history.first()
    assert latest.history_change_reason == retention.REASON and latest.personal_data_purged_at is not None
    assert retention.purge_rejected_registrations(as_of=NOW, commit=True) == 0
    assert AccessLog.objects.filter(action=AccessLog.Action.PURGE).count() == 1


def test_camera_photos_of_a_purged_registration_are_deleted_from_storage(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    premises, _ = rejected(200)
    camera = CameraFactory(premises=premises)
    camera.photo.save("front.jpg", ContentFile(b"jpeg bytes"))
    path = Path(camera.photo.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        retention.purge_rejected_registrations(as_of=NOW, commit=True)
    assert not path.exists()
    camera.refresh_from_db()
    assert not camera.photo
    assert Camera.objects.filter(pk=camera.pk).exists()  # the camera row stays (specs are not personal)


def test_the_scheduled_task_and_the_command_use_the_configured_period(settings, capsys):
    settings.REJECTED_REGISTRATION_RETENTION_DAYS = 10
    rejected(11)
    call_command("purge_rejected_registrations")
    assert "would purge (dry run; --commit to purge): 1" in capsys.readouterr().out
    assert purge_rejected_registrations() == 1  # the task body, as a worker runs it
    assert ResponsiblePerson.objects.count() == 0
