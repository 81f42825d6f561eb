"""An owner on a 360 px phone, in Indonesian: loses the status link and gets it back with the
tracking code and the phone; reads a status page whose camera fails and sees what to do, by
when and whom to call."""

import datetime
import re

import pytest
from django.utils import timezone

from outbox import delivery
from outbox.senders import MemorySender
from registry import registration
from registry.models import Premises, ServiceContact
from tests.factories import PremisesFactory, ResponsiblePersonFactory, dome_below_standard

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", extra_http_headers={"Accept-Language": "id"}
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def gateways(settings):
    settings.OUTBOX_SENDERS = {
        "email": {"BACKEND": "outbox.senders.MemorySender"},
        "whatsapp": {"BACKEND": "outbox.senders.MemorySender"},
        "sms": {"BACKEND": "outbox.senders.MemorySender"},
    }
    MemorySender.sent, MemorySender.failures = [], 0


def test_an_owner_who_lost_the_link_gets_it_back_with_the_code_and_phone(live_server, phone, gateways, tmp_path):
    premises = PremisesFactory(name="Toko Lupa", tracking_code="K7QD-3MXA", verification_status="pending")
    ResponsiblePersonFactory(premises=premises, phone="+6281234567890", email="")
    phone.goto(f"{live_server.url}/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Cek status pendaftaran").click()
    phone.fill("#id_tracking_code", "k7qd3mxa")
    phone.fill("#id_contact", "0812 3456 7890")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Kirimkan tautan status").click()
    assert phone.locator("h1").inner_text() == "Periksa pesan Anda"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(tmp_path / "sent.png"))
    delivery.deliver_due()  # the worker's job, done here
    [(channel, to, text)] = MemorySender.sent
    assert (channel, to) == ("whatsapp", "+6281234567890")
    link = re.search(r"https?://\S+?(/status/[\w-]+/)", text).group(1)
    phone.goto(f"{live_server.url}{link}")
    assert phone.locator("h1").inner_text() == "Toko Lupa"


def test_a_failing_camera_on_the_status_page_says_what_to_do_by_when_and_whom_to_call(live_server, phone, tmp_path):
    ServiceContact.objects.create(phone="+6254821234", whatsapp="+6281100000000")
    today = timezone.localdate()
    premises = PremisesFactory(name="Toko Gagal", designated_on=today - datetime.timedelta(days=10))
    ResponsiblePersonFactory(premises=premises)
    dome_below_standard(premises, label="Depan")
    from inspections import sweep

    sweep.run_sweep(today)
    Premises.objects.filter(pk=premises.pk).update(status_secret_hash=registration.hash_secret("rahasia-uji-status"))
    phone.goto(f"{live_server.url}/status/rahasia-uji-status/")
    box = phone.locator(".owner-message")
    text = box.inner_text()
    assert "CCTV Anda belum memenuhi standar kota." in text
    assert "Depan:" in text and "Yang harus dilakukan:" in text and "Yang dapat dihubungi:" in text
    deadline = today + datetime.timedelta(days=80)
    assert box.locator("[data-deadline]").get_attribute("data-deadline") == deadline.isoformat()
    assert "Tidak ada temuan terbuka" not in phone.content()
    assert box.locator("a.button[href$='/edit/']").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(tmp_path / "status.png"), full_page=True)
