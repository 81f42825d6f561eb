"""The owner's status page opens with one message: what is wrong, what to do, by when, whom to
call. It never says "no findings" beside a camera that fails."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from inspections import ladder, sweep
from inspections.owner_status import add_working_days
from registry import registration
from registry.models import Premises, ServiceContact
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, dome_below_standard

pytestmark = pytest.mark.django_db
SECRET = "rahasia-status-uji"


def _status(client, premises):
    Premises.objects.filter(pk=premises.pk).update(status_secret_hash=registration.hash_secret(SECRET))
    response = client.get(f"/status/{SECRET}/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    return response.context["message"], response.content.decode()


@pytest.fixture
def contact():
    return ServiceContact.objects.create(phone="+6254821234", verification_days=5)


def test_working_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 27)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 30)
    assert add_working_days(friday, 5) == datetime.date(2026, 12, 4)


def test_a_pending_registration_with_a_failing_camera_says_what_to_fix_and_when_it_is_checked(client, contact):
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        premises = PremisesFactory(verification_status="pending", designated_on=None)
    ResponsiblePersonFactory(premises=premises)
    dome_below_standard(premises, label="Depan")
    message, page = _status(client, premises)
    assert message.tone == "waiting" and message.deadline == datetime.date(2026, 12, 4)
    assert any(p.startswith("Depan: ") for p in message.problems)
    assert "Tidak ada temuan terbuka" not in page  # no contradiction with the failing camera
    assert "Apa yang salah" in page and "5 hari kerja" in page and 'data-deadline="2026-12-04"' in page
    assert "+6254821234" in page


def test_a_breach_before_the_grace_period_ends_gives_its_last_day(client, contact):
    today = timezone.localdate()
    premises = PremisesFactory(designated_on=today - datetime.timedelta(days=10))
    ResponsiblePersonFactory(premises=premises)
    dome_below_standard(premises)
    sweep.run_sweep(today)
    message, page = _status(client, premises)
    assert message.tone == "fail" and message.problems
    assert message.deadline == today + datetime.timedelta(days=80)  # 90 days' grace for a new obligation
    assert "SP1" in message.deadline_says


def test_a_warning_in_force_gives_its_due_date(client, contact):
    today = timezone.localdate()
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    ResponsiblePersonFactory(premises=premises)
    dome_below_standard(premises)
    sweep.run_sweep(today)
    ladder.advance_warning_ladder(today)
    message, page = _status(client, premises)
    letter = premises.warnings.get()
    assert message.deadline == letter.due_on and "Surat Peringatan" in message.deadline_says
    assert f'data-deadline="{letter.due_on.isoformat()}"' in page


def test_a_compliant_premises_is_told_nothing_to_do(client, contact):
    premises = PremisesFactory(designated_on=datetime.date(2025, 1, 1))
    CameraFactory(premises=premises)
    ResponsiblePersonFactory(premises=premises)
    sweep.run_sweep(timezone.localdate())
    message, _page = _status(client, premises)
    assert (message.tone, message.problems, message.deadline) == ("ok", [], None), message.problems


def test_a_rejected_registration_gives_the_reason_and_the_way_to_correct_it(client):
    premises = PremisesFactory(verification_status="rejected", rejection_reason="Foto kamera tidak jelas.")
    ResponsiblePersonFactory(premises=premises)
    message, page = _status(client, premises)
    assert message.tone == "rejected" and message.problems == ["Foto kamera tidak jelas."]
    assert "Yang dapat dihubungi" not in page  # no contact set: nothing invented
