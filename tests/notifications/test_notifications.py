"""What staff are told: the changes since they last looked, the daily digest, approvals from the list."""

import datetime

import pytest
from django.core import mail

from inspections.models import WarningLetter
from notifications import digest
from tests.conftest import WARNED_ON as AS_OF

pytestmark = pytest.mark.django_db


def test_an_officer_sees_what_changed_since_last_time_and_then_nothing_new(client, officer, warned):
    client.force_login(officer)
    first = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 new flags" in first and "Toko Peringatan" in first  # below standard, overdue
    second = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 new flags" in second


def test_the_daily_digest_goes_to_officers_and_supervisors_with_text_and_html(officer, supervisor, auditor, warned):
    officer.email, supervisor.email, auditor.email = "o@example.id", "s@example.id", "a@example.id"
    for user in (officer, supervisor, auditor):
        user.save()
    assert digest.send_daily_digest(AS_OF) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["o@example.id", "s@example.id"]
    message = mail.outbox[0]
    assert "Toko Peringatan" in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html" and "Toko Peringatan" in html[0]


def test_the_daily_digest_run_twice_sends_one_mail_per_person_per_day(officer, supervisor, warned):
    officer.email, supervisor.email = "o@example.id", "s@example.id"
    for user in (officer, supervisor):
        user.save()
    assert digest.send_daily_digest(AS_OF) == 2
    assert digest.send_daily_digest(AS_OF) == 0  # a retry, or beat fired twice
    assert len(mail.outbox) == 2
    assert digest.send_daily_digest(AS_OF + datetime.timedelta(days=1)) == 2  # the next day's digest
    assert len(mail.outbox) == 4


def test_a_supervisor_approves_from_the_notifications_page_and_an_officer_cannot(client, officer, supervisor, warned):
    WarningLetter.objects.filter(pk=warned.pk).update(step="freeze", status="awaiting_approval", due_on=None)
    client.force_login(officer)
    assert client.post(f"/warnings/{warned.pk}/approve/").status_code == 403
    client.force_login(supervisor)
    response = client.post(f"/warnings/{warned.pk}/approve/", {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"  # back where it was approved
    warned.refresh_from_db()
    assert warned.status == "active" and warned.approved_by == supervisor
    again = client.post(f"/warnings/{warned.pk}/approve/", {"next": "https://evil.example/"})
    assert again.status_code == 302 and again["Location"] == f"/warnings/{warned.pk}/letter/"  # twice: no error


def test_the_badge_counts_new_flags_up_to_99_and_then_says_99_plus(client, officer):
    from django.urls import reverse
    from django.utils import timezone

    from inspections.models import ComplianceFlag
    from registry.models import CameraStandard
    from tests.factories import PremisesFactory

    client.force_login(officer)
    premises = [PremisesFactory() for _ in range(101)]
    standard = CameraStandard.objects.first()

    def flags(rows):
        made = [ComplianceFlag(premises=p, kind="no_camera", severity="high", standard=standard) for p in rows]
        for flag in made:
            flag.opened_at = timezone.now()
        ComplianceFlag.objects.bulk_create(made)

    flags(premises[:3])
    assert digest.unread_count(officer) == 3
    assert 'class="badge" aria-label="3 ' in client.get(reverse("dashboard:overview")).content.decode()
    flags(premises[3:])
    assert digest.unread_count(officer) == 100  # counted no further
    assert ">99+</span>" in client.get(reverse("dashboard:overview")).content.decode()
