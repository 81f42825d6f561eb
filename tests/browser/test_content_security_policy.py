"""Pages work under the Content-Security-Policy: the browser reports no blocked script or style."""

import pytest
from django.contrib.auth.models import Group

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def test_the_public_pages_the_api_docs_and_the_map_run_without_policy_violations(
    live_server, browser, django_user_model
):
    supervisor = django_user_model.objects.create_user("penyelia", password="kata-sandi-penyelia-1", is_staff=True)
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))

    page.goto(f"{live_server.url}/register/")
    page.click("[data-add-row]")  # register.js adds the row in the page (no reload)
    assert page.locator("[data-camera-row]").count() == 2

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # Swagger UI rendered from its own script

    page.goto(f"{live_server.url}/admin/login/?next=/dashboard/map/")
    page.fill("#id_username", "penyelia")
    page.fill("#id_password", "kata-sandi-penyelia-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/map/")
    page.wait_for_selector(".leaflet-container", timeout=15000)
    context.close()
    assert not violations, violations
