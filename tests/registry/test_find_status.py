"""The way back to a status page: the tracking code and the phone or e-mail given at
registration bring a new status link there. The same answer whether or not the pair exists;
rate-limited per address and per tracking code; the old link stops working."""

import re

import pytest
from django.core.cache import cache

from outbox import delivery
from outbox.models import Message
from outbox.senders import MemorySender
from registry import registration
from registry.models import Premises
from tests.factories import PremisesFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(settings):
    cache.clear()
    settings.OUTBOX_SENDERS = {
        "email": {"BACKEND": "outbox.senders.EmailSender"},
        "whatsapp": {"BACKEND": "outbox.senders.MemorySender"},
        "sms": {"BACKEND": "outbox.senders.MemorySender"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MemorySender.sent, MemorySender.failures = [], 0
    premises = PremisesFactory(
        name="Toko Lupa",
        tracking_code="K7QD-3MXA",
        verification_status="pending",
        status_secret_hash=registration.hash_secret("rahasia-lama"),
    )
    ResponsiblePersonFactory(premises=premises, phone="+6281234567890", email="siti@tokolupa.id")
    return premises


def _ask(client, code, contact, **extra):
    return client.post("/status/", {"tracking_code": code, "contact": contact, "website": ""}, **extra)


def test_the_code_and_phone_bring_a_new_link_by_whatsapp_and_the_old_one_stops(client, lost):
    assert client.get("/status/rahasia-lama/").status_code == 200
    response = _ask(client, "k7qd 3mxa", "0812-3456-7890")  # typed loosely
    assert response.status_code == 302 and response["Location"] == "/status/sent/"
    message = Message.objects.get()
    assert message.channel == "whatsapp" and message.recipient == "+6281234567890"
    assert "{secret}" in message.body and message.secret  # the link waits beside the text until sent
    assert delivery.deliver_due() == (1, 0)
    [(_channel, _to, text)] = MemorySender.sent
    link = re.search(r"https?://\S+/status/([\w-]+)/", text)
    assert link, text
    assert Message.objects.get().secret == ""  # the new link is nowhere in the database
    assert client.get(f"/status/{link.group(1)}/").status_code == 200
    assert client.get("/status/rahasia-lama/").status_code == 404


def test_the_code_and_email_bring_it_by_email(client, lost):
    from django.core import mail

    _ask(client, "K7QD-3MXA", "SITI@tokolupa.id")
    assert Message.objects.get().channel == "email"
    delivery.deliver_due()
    assert mail.outbox[0].to == ["siti@tokolupa.id"] and "/status/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("code", "contact"),
    [
        ("K7QD-3MXA", "0812-0000-0000"),  # someone else's phone
        ("ZZZZ-ZZZZ", "0812-3456-7890"),  # no such code
        ("K7QD-3MXA", "bukan@tokolupa.id"),
        ("K7QD-3MXA", "bukan nomor"),
    ],
)
def test_a_wrong_pair_gets_the_same_answer_and_changes_nothing(client, lost, code, contact):
    right = _ask(client, "K7QD-3MXA", "0812-3456-7890")
    Message.objects.all().delete()
    lost.refresh_from_db()
    before = lost.status_secret_hash
    wrong = _ask(client, code, contact)
    assert (wrong.status_code, wrong["Location"]) == (right.status_code, right["Location"])
    assert Message.objects.count() == 0
    assert Premises.objects.get().status_secret_hash == before


def test_asking_too_often_is_refused_per_address_and_per_code(client, lost, settings):
    settings.FIND_STATUS_RATE = "2/h"
    assert _ask(client, "AAAA-AAAA", "0812").status_code == 302
    assert _ask(client, "BBBB-BBBB", "0812").status_code == 302
    refused = _ask(client, "K7QD-3MXA", "0812-3456-7890", HTTP_ACCEPT_LANGUAGE="id")
    assert refused.status_code == 429
    assert Message.objects.count() == 0
    cache.clear()
    # The same code written differently from other addresses still counts as the same code.
    for address, written in (("10.0.0.1", "K7QD-3MXA"), ("10.0.0.2", "k7qd 3mxa")):
        _ask(client, written, "0812-0000-0000", REMOTE_ADDR=address)
    assert _ask(client, "k7qd3mxa", "0812-3456-7890", REMOTE_ADDR="10.0.0.3").status_code == 429


def test_the_form_says_what_is_missing_in_indonesian(client, lost):
    page = client.post("/status/", {"tracking_code": "", "contact": ""}, HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200 and "Bidang ini harus diisi" in page.content.decode()
    assert Message.objects.count() == 0


def test_the_start_page_leads_owners_to_register_and_to_their_status(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'href="/register/">Daftarkan bangunan</a>' in page
    assert 'href="/status/">Cek status pendaftaran</a>' in page


def test_a_mistyped_status_link_is_an_indonesian_404_that_leads_the_way_back(client):
    page = client.get("/status/salah-ketik/", HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 404
    body = page.content.decode()
    assert "Halaman tidak ditemukan" in body and 'href="/status/">Cek status pendaftaran</a>' in body
