"""Staff find their way by clicking: from the start page to the sign-in page, then to every page
their role opens, through one navigation; no door leads to a refusal. In Indonesian."""

import datetime

import pytest
from django.contrib.auth.models import Group

from tests.factories import PremisesFactory, dome_below_standard

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def sign_in(browser, live_server, django_user_model, role):
    user = django_user_model.objects.create_user(f"{role}1", password=f"kata-sandi-{role}-1", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", extra_http_headers={"Accept-Language": "id"}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.click('a[href="/login/"]')
    assert page.locator("h1").inner_text() == "Masuk untuk petugas"
    page.fill("#id_username", f"{role}1")
    page.fill("#id_password", f"kata-sandi-{role}-1")
    with page.expect_navigation():
        page.click("#main button[type=submit]")
    assert page.url == f"{live_server.url}/dashboard/"
    return page


def walk_the_navigation(page):
    """Click every link of the navigation, from the page each one leads to; return what was seen."""
    labels = page.locator("nav.dash-nav a").all_inner_texts()
    seen = {}
    for label in labels:
        with page.expect_navigation():
            page.locator("nav.dash-nav a", has_text=label.split("\n")[0]).first.click()
        seen[label] = (page.url, page.locator("h1").first.inner_text())
        page.go_back()
    return labels, seen


def test_an_officer_signs_in_and_reaches_every_page_by_clicking(live_server, browser, django_user_model):
    dome_below_standard(PremisesFactory(name="Toko Lalai", designated_on=datetime.date(2025, 1, 1)))
    page = sign_in(browser, live_server, django_user_model, "officer")
    assert "Masuk sebagai officer1" in page.content() and page.get_by_role("button", name="Keluar").is_visible()
    labels, seen = walk_the_navigation(page)
    for wanted in ("Ikhtisar", "Peta", "Pemeriksaan saya", "Perencanaan", "Pendaftaran", "Pemberitahuan"):
        assert any(label.startswith(wanted) for label in labels), (wanted, labels)
    assert not any(label.startswith("Ekspor") for label in labels)  # exports are for supervisors and auditors
    for label, (url, heading) in seen.items():
        assert heading not in ("Tidak terbuka untuk Anda", "Halaman tidak ditemukan", "403 Forbidden"), (label, url)
    # Every staff page keeps the same navigation, the admin included links back.
    page.goto(f"{live_server.url}/inspections/plan/")
    assert page.locator("nav.dash-nav a[aria-current=page]").inner_text() == "Perencanaan"
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    assert page.url.startswith(f"{live_server.url}/login/")


def test_an_auditor_sees_only_the_doors_an_auditor_may_open(live_server, browser, django_user_model):
    page = sign_in(browser, live_server, django_user_model, "auditor")
    labels, seen = walk_the_navigation(page)
    assert not [label for label in labels if label.startswith(("Pemeriksaan saya", "Perencanaan", "Pendaftaran"))]
    assert any(label.startswith("Ekspor") for label in labels)
    for label, (url, heading) in seen.items():
        assert heading not in ("Tidak terbuka untuk Anda", "Halaman tidak ditemukan", "403 Forbidden"), (label, url)
    # A door typed by hand answers in Indonesian, in the site's own page.
    page.goto(f"{live_server.url}/registrations/")
    assert page.locator("h1").inner_text() == "Tidak terbuka untuk Anda"


def test_issuing_a_warning_from_the_flag_queue_asks_first(live_server, browser, django_user_model):
    from inspections import sweep
    from inspections.models import WarningLetter

    premises = PremisesFactory(name="Toko Lalai", designated_on=datetime.date(2025, 1, 1))
    dome_below_standard(premises)
    sweep.run_sweep(datetime.date(2026, 11, 28))
    page = sign_in(browser, live_server, django_user_model, "officer")
    page.goto(f"{live_server.url}/dashboard/flags/?kind=camera_below_standard")
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Naikkan tahap").first.click()
    page.wait_for_timeout(300)
    assert questions and "Toko Lalai" in questions[0]
    assert not WarningLetter.objects.filter(premises=premises).exists()  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Naikkan tahap").first.click()
    assert WarningLetter.objects.filter(premises=premises, step="sp1").exists()
    assert page.locator(".messages li").count() == 1  # the message shows once


def test_the_near_point_search_works_in_indonesian_by_clicking_the_map(live_server, browser, django_user_model):
    PremisesFactory(name="Toko Dekat", designated_on=datetime.date(2025, 1, 1))
    page = sign_in(browser, live_server, django_user_model, "officer")
    page.goto(f"{live_server.url}/dashboard/map/")
    page.wait_for_selector("#city-map[data-markers]")
    with page.expect_navigation():
        page.locator("#city-map").click(position={"x": 200, "y": 100})
    assert "latitude=0." in page.url and "longitude=117." in page.url
    box = page.locator("#city-map")
    lat, lon = box.get_attribute("data-near-lat"), box.get_attribute("data-near-lon")
    assert "," not in lat + lon and 0.017 < float(lat) < 0.2 and 117.383 < float(lon) < 117.633
    # The search circle is drawn (in its own colour); its centre is the attribute checked above.
    assert page.locator('#city-map path[stroke="#ffbf47"]').count() == 1
    typed = f"{live_server.url}/dashboard/map/?latitude=0.137&longitude=117.499&radius_m=500"
    page.goto(typed)
    assert "Toko Dekat" in page.locator("main table").inner_text()
