"""PDF letters and plaques that prove themselves: the PDF opens and says what it must; its QR code
leads to a public page that names the letter or the premises and says whether it still holds;
a changed code finds nothing; the public pages show no personal data."""

import datetime
import time

import pytest

from documents.models import PublicCode
from inspections import ladder, sweep
from inspections.models import WarningLetter
from registry import registration
from registry.models import Premises
from tests.documents.pdfs import page_size_mm, pages_of, qr_codes_of, text_of
from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _path(url):
    assert url.startswith(SITE), url
    return url[len(SITE) :]


def test_a_warning_letter_is_an_a4_pdf_with_everything_a_letter_needs(client, officer, warned):
    client.force_login(officer)
    response = client.get(f"/warnings/{warned.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_size_mm(response.content) == (210, 297) and pages_of(response.content) == 1
    text = " ".join(text_of(response.content).split())
    for expected in (
        "PEMERINTAH KOTA BONTANG",
        "DINAS KOMUNIKASI DAN INFORMATIKA KOTA BONTANG",
        warned.letter_number,
        "Sabtu, 28 November 2026",  # the date in Indonesian words
        "Toko Peringatan",
        "Kamera di bawah standar",  # the findings table
        "Depan toko",
        "Sabtu, 5 Desember 2026",  # the deadline: seven days on
        "Peraturan Wali Kota Bontang No. 25 Tahun 2019 tentang CCTV, Pasal 15",
        "Kepala Dinas Komunikasi dan Informatika",
    ):
        assert expected in text, expected


def test_the_letters_qr_code_opens_a_page_that_names_it_and_says_it_is_in_force(client, officer, warned):
    client.force_login(officer)
    [url] = qr_codes_of(client.get(f"/warnings/{warned.pk}/letter.pdf").content)
    client.logout()
    page = client.get(_path(url), HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    body = page.content.decode()
    assert warned.letter_number in body and "Toko Peringatan" in body and "Surat Peringatan Pertama (SP1)" in body
    assert 'data-in-force="true"' in body and "28 November 2026" in body
    assert "Budi Santoso" not in body  # the person it is addressed to is not shown
    code = url.rstrip("/").rsplit("/", 1)[1]
    assert not code.isdigit() and str(warned.pk) != code and len(code) == 20  # a keyed hash, not a number
    changed = code[:-1] + ("a" if code[-1] != "a" else "b")
    assert client.get(f"/verify/{changed}/").status_code == 404
    # The same letter printed again carries the same code.
    client.force_login(officer)
    assert qr_codes_of(client.get(f"/warnings/{warned.pk}/letter.pdf").content) == [url]


def test_a_letter_of_a_closed_ladder_says_it_is_no_longer_in_force(client, officer, warned):
    client.force_login(officer)
    [url] = qr_codes_of(client.get(f"/warnings/{warned.pk}/letter.pdf").content)
    warned.premises.cameras.update(status="removed")
    CameraFactory(premises=warned.premises, label="Baru")  # a camera that meets the standard
    sweep.run_sweep(datetime.date(2026, 11, 30))
    ladder.advance_warning_ladder(datetime.date(2026, 11, 30))
    assert WarningLetter.objects.get(pk=warned.pk).status == "closed"
    body = client.get(_path(url), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "tidak berlaku lagi" in body.lower() and 'data-in-force="false"' in body


def test_a_verified_premises_prints_its_plaque_and_its_qr_leads_to_the_right_premises(client, officer):
    premises = PremisesFactory(
        name="Apotek Sehat", verification_status="verified", designated_on=datetime.date(2025, 1, 1)
    )
    other = PremisesFactory(name="Toko Lain", verification_status="verified")
    ResponsiblePersonFactory(premises=premises, name="Siti Aminah", phone="+6281234567890", nik="6474010101010001")
    CameraFactory(premises=premises)
    sweep.run_sweep(datetime.date(2026, 11, 28))
    client.force_login(officer)
    response = client.get(f"/premises/{premises.pk}/plaque.pdf")
    assert response.status_code == 200 and page_size_mm(response.content) == (105, 148)  # A6
    text = " ".join(text_of(response.content).split())
    assert "Area ini dipantau CCTV" in text and "Apotek Sehat" in text
    assert "Siti Aminah" not in text and "7890" not in text  # no person on a public sign
    [url] = qr_codes_of(response.content, dpi=200)
    client.logout()
    body = client.get(_path(url), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Apotek Sehat" in body and "Toko Lain" not in body
    assert 'data-verified="true"' in body and 'data-status="compliant"' in body and "✓ Patuh" in body
    for personal in ("Siti Aminah", "6281234567890", "6474010101010001", str(premises.latitude)):
        assert personal not in body
    assert client.get(f"/premises/{other.pk}/plaque.pdf").status_code == 302  # staff only: to the login


def test_the_owner_prints_the_plaque_from_the_status_link_and_only_when_verified(client):
    premises = PremisesFactory(verification_status="pending")
    Premises.objects.filter(pk=premises.pk).update(status_secret_hash=registration.hash_secret("plakat-rahasia"))
    assert client.get("/status/plakat-rahasia/plaque.pdf").status_code == 404
    assert "plaque.pdf" not in client.get("/status/plakat-rahasia/").content.decode()
    Premises.objects.filter(pk=premises.pk).update(verification_status="verified")
    assert 'href="/status/plakat-rahasia/plaque.pdf"' in client.get("/status/plakat-rahasia/").content.decode()
    response = client.get("/status/plakat-rahasia/plaque.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/status/wrong-secret/plaque.pdf").status_code == 404
    assert PublicCode.objects.filter(kind="plaque", object_id=premises.pk).count() == 1


def test_a_plaque_code_of_a_premises_no_longer_verified_says_so(client):
    premises = PremisesFactory(verification_status="verified")
    from documents.models import code_for

    code = code_for("plaque", premises.pk)
    Premises.objects.filter(pk=premises.pk).update(verification_status="rejected", rejection_reason="Data palsu")
    body = client.get(f"/p/{code}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'data-verified="false"' in body
    assert client.get(f"/p/{code.upper()}x/").status_code == 404
    assert client.get("/verify/" + code + "/").status_code == 404  # a plaque's code is not a letter's


def test_rendering_a_letter_takes_well_under_a_second(client, officer, warned):
    """Not a timed assertion on speed: the benchmark (bench/documents.py) measures; this only makes
    sure a letter renders at all within a generous bound on a loaded CI machine."""
    client.force_login(officer)
    started = time.perf_counter()
    assert client.get(f"/warnings/{warned.pk}/letter.pdf").status_code == 200
    assert time.perf_counter() - started < 30
