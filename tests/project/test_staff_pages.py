"""The staff's frame: sign-in page, error pages in the user's language, a favicon, and numbers in
attributes that a script reads never written with a decimal comma."""

import re

import pytest

from tests.factories import CameraFactory, PremisesFactory

pytestmark = pytest.mark.django_db


def test_signing_in_lands_on_the_dashboard_or_on_next(client, officer):
    officer.set_password("kata-sandi-1")
    officer.save()
    page = client.get("/login/").content.decode()
    assert "Masuk untuk petugas" in page
    wrong = client.post("/login/", {"username": officer.username, "password": "salah"}).content.decode()
    assert "Masukkan nama pengguna" in wrong  # Django's own message, in Indonesian
    response = client.post("/login/", {"username": officer.username, "password": "kata-sandi-1"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    client.logout()
    response = client.post(
        "/login/", {"username": officer.username, "password": "kata-sandi-1", "next": "/inspections/mine/"}
    )
    assert response["Location"] == "/inspections/mine/"
    assert client.get("/dashboard/").status_code == 200
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/dashboard/")["Location"].startswith("/login/?next=")


def test_a_refusal_and_a_missing_page_answer_in_the_user_s_language(client, auditor):
    client.force_login(auditor)
    refused = client.get("/registrations/")
    assert refused.status_code == 403 and "Tidak terbuka untuk Anda" in refused.content.decode()
    english = client.get("/registrations/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Not open to you" in english.content.decode()
    missing = client.get("/tidak-ada/")
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.content.decode()


def test_a_server_error_answers_with_the_site_s_own_page_in_the_user_s_language(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("id"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Terjadi kesalahan" in response.content.decode()
    with translation.override("en"):
        assert "Something went wrong" in server_error(rf.get("/")).content.decode()


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()


NUMBER_IN_ATTRIBUTE = re.compile(r'(?:data-[\w-]+|style)="[^"]*\d,\d')


def test_numbers_in_attributes_are_never_written_with_a_decimal_comma(client, officer):
    premises = PremisesFactory(designated_on=None)
    CameraFactory(premises=premises)
    client.force_login(officer)
    near = "/dashboard/map/?latitude=0.139574&longitude=117.501234&radius_m=250"
    page = client.get(near, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'data-near-lat="0.139574"' in page and 'data-near-lon="117.501234"' in page
    for url in (
        near,
        "/dashboard/",
        "/dashboard/premises/",
        f"/dashboard/premises/{premises.pk}/",
        "/dashboard/sweep/",
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
        assert not NUMBER_IN_ATTRIBUTE.findall(html), (url, NUMBER_IN_ATTRIBUTE.findall(html)[:3])


def test_the_premises_page_shows_its_coordinates_and_opens_the_map_around_them(client, officer):
    premises = PremisesFactory()
    client.force_login(officer)
    page = client.get(f"/dashboard/premises/{premises.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "0,137000, 117,499000" in page  # shown to a person: the Indonesian decimal comma
    assert "latitude=0.137000&amp;longitude=117.499000&amp;radius_m=200" in page  # in a link: never


@pytest.mark.django_db
def test_the_language_switch_is_one_button_naming_the_other_language_in_itself(client, settings):
    indonesian = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert (
        '<button type="submit" name="language" value="en" lang="en"' in indonesian and ">English</button>" in indonesian
    )
    assert "Bahasa Inggris" not in indonesian and "<select" not in indonesian.split("</header>")[0]
    settings.CITY_EMBLEM_URL = "/static/img/bontang.svg"
    assert (
        '<img src="/static/img/bontang.svg" alt="Lambang Kota Bontang"'
        in client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    )
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Bahasa Indonesia</button>" in english
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/register/"})
    assert switched.status_code == 302 and switched["Location"] == "/register/"
    assert 'lang="en"' in client.get("/register/").content.decode()[:200]
