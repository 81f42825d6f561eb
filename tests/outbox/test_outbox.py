"""The outbox: each event tells the owner once, in Indonesian, on WhatsApp and by e-mail; a failing
gateway is retried later and given up on after OUTBOX_MAX_ATTEMPTS; a new status link leaves no
secret behind once sent. The WhatsApp gateway is a real HTTP server on loopback."""

import datetime
import http.server
import json
import threading

import pytest
from django.core import mail
from django.utils import timezone

from inspections import ladder, recording, sweep
from outbox import delivery
from outbox.models import Message, Status
from outbox.senders import MemorySender
from registry import registration
from registry.models import Premises, ServiceContact
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory, checklist, dome_below_standard

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def memory_gateways(settings):
    settings.OUTBOX_SENDERS = {
        "email": {"BACKEND": "outbox.senders.EmailSender"},
        "whatsapp": {"BACKEND": "outbox.senders.MemorySender"},
        "sms": {"BACKEND": "outbox.senders.MemorySender"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MemorySender.sent, MemorySender.failures = [], 0


@pytest.fixture
def owner_premises():
    premises = PremisesFactory(
        name="Toko Sinar", verification_status="pending", tracking_code="K7QD-3MXA", designated_on=None
    )
    ResponsiblePersonFactory(premises=premises, phone="+6281234567890", email="siti@tokosinar.id")
    ServiceContact.objects.create(phone="+6254821234")
    return premises


def test_a_verification_tells_the_owner_once_on_whatsapp_and_by_email_in_indonesian(owner_premises, officer):
    registration.verify_registration(owner_premises, officer=officer)
    messages = list(Message.objects.order_by("channel"))
    assert [(m.channel, m.recipient) for m in messages] == [
        ("email", "siti@tokosinar.id"),
        ("whatsapp", "+6281234567890"),
    ]
    text = messages[1].body
    assert "Toko Sinar" in text and "K7QD-3MXA" in text and "sudah diverifikasi" in text
    assert "+6254821234" in text  # whom to call
    assert delivery.deliver_due(timezone.now()) == (2, 0)
    assert MemorySender.sent == [("whatsapp", "+6281234567890", text)]
    assert mail.outbox[0].to == ["siti@tokosinar.id"] and "K7QD-3MXA" in mail.outbox[0].subject
    assert delivery.deliver_due(timezone.now()) == (0, 0)  # sent once
    # Replaying the same cause posts nothing new.
    registration.owner_messages.tell(
        "verified", owner_premises, f"{owner_premises.pk}:{Premises.objects.get().verified_at.isoformat()}"
    )
    assert Message.objects.count() == 2


def test_a_rejection_carries_the_reason(owner_premises, officer):
    registration.reject_registration(owner_premises, officer=officer, reason="Alamat tidak ada di jalan protokol.")
    body = Message.objects.get(channel="whatsapp").body
    assert "tidak diterima" in body and "Alamat tidak ada di jalan protokol." in body


def test_each_warning_letter_and_a_failed_inspection_tell_the_owner_once(officer):
    premises = PremisesFactory(name="Toko Lalai", designated_on=datetime.date(2026, 1, 1))
    ResponsiblePersonFactory(premises=premises, phone="+6281300000001", email="")
    dome_below_standard(premises)
    as_of = timezone.localdate()
    sweep.run_sweep(as_of)
    ladder.advance_warning_ladder(as_of)
    ladder.advance_warning_ladder(as_of)  # run twice: one letter, one message
    [letter_message] = Message.objects.filter(key__startswith="warning:")
    assert "Surat Peringatan Pertama" in letter_message.body or "SP1" in letter_message.body
    assert "/SP1/DISKOMINFO/" in letter_message.body
    recording.record_inspection(premises=premises, performed_on=as_of, actor=officer, items=checklist(premises, "fail"))
    [inspection_message] = Message.objects.filter(key__startswith="inspection_failed:")
    assert "pemeriksaan" in inspection_message.body.lower() and "- " in inspection_message.body
    passing = PremisesFactory(name="Toko Rapi")
    ResponsiblePersonFactory(premises=passing)
    CameraFactory(premises=passing)
    recording.record_inspection(premises=passing, performed_on=as_of, actor=officer, items=checklist(passing, "pass"))
    assert not Message.objects.filter(key__startswith="inspection_failed:", body__contains="Toko Rapi").exists()


class Gateway(http.server.BaseHTTPRequestHandler):
    """A WhatsApp gateway: answers 503 to the first `failures` requests, then 200."""

    received, failures = [], 0

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if Gateway.failures:
            Gateway.failures -= 1
            self.send_response(503)
        else:
            Gateway.received.append((self.headers["Authorization"], body))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Gateway.received, Gateway.failures = [], 0
    settings.OUTBOX_SENDERS = {
        **settings.OUTBOX_SENDERS,
        "whatsapp": {
            "BACKEND": "outbox.senders.WebhookSender",
            "URL": f"http://127.0.0.1:{server.server_port}/send",
            "TOKEN": "rahasia",
        },
    }
    yield Gateway
    server.shutdown()


def test_a_failing_gateway_is_retried_later_then_delivers(gateway, settings):
    gateway.failures = 2
    delivery.post(key="t:1", channel="whatsapp", recipient="+6281234567890", body="Halo")
    assert delivery.deliver_due(NOW) == (0, 1)
    message = Message.objects.get()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        "pending",
        1,
        NOW + datetime.timedelta(minutes=1),
    )
    assert delivery.deliver_due(NOW) == (0, 0)  # not due yet
    assert delivery.deliver_due(NOW + datetime.timedelta(minutes=1)) == (0, 1)
    assert delivery.deliver_due(NOW + datetime.timedelta(minutes=6)) == (1, 0)
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 3
    assert [d.ok for d in message.deliveries.all()] == [False, False, True]
    assert "HTTP 503" in message.deliveries.first().error
    assert gateway.received == [("Bearer rahasia", {"to": "+6281234567890", "text": "Halo"})]


def test_the_outbox_gives_up_after_the_last_attempt(gateway, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    gateway.failures = 99
    delivery.post(
        key="t:2", channel="whatsapp", recipient="+6281234567890", body="Halo", secret="https://x/status/abc/"
    )
    moment = NOW
    for _ in range(3):
        delivery.deliver_due(moment)
        moment += datetime.timedelta(hours=4)
    message = Message.objects.get()
    assert message.status == Status.FAILED and message.attempts == 3 and message.secret == ""
    assert delivery.deliver_due(moment) == (0, 0)


def test_an_unreachable_gateway_is_a_failed_attempt_not_a_crash(settings):
    settings.OUTBOX_SENDERS = {
        **settings.OUTBOX_SENDERS,
        "whatsapp": {"BACKEND": "outbox.senders.WebhookSender", "URL": "http://127.0.0.1:9/send", "TIMEOUT": 2},
    }
    delivery.post(key="t:3", channel="whatsapp", recipient="+6281234567890", body="Halo")
    assert delivery.deliver_due(NOW) == (0, 1)
    assert Message.objects.get().deliveries.get().ok is False


def test_a_message_is_plain_text_not_html_escaped(officer):
    premises = PremisesFactory(name='Toko "Maju" & Jaya <Bontang>', verification_status="pending", designated_on=None)
    ResponsiblePersonFactory(premises=premises, email="")
    registration.verify_registration(premises, officer=officer)
    body = Message.objects.get().body
    assert 'Toko "Maju" & Jaya <Bontang>' in body and "&amp;" not in body and "&quot;" not in body
