"""Officers record inspections and work flags in the admin; bad input gets a clear message."""

import datetime

import pytest
from django.utils import timezone

from inspections import sweep
from inspections.models import ComplianceFlag
from tests.factories import PremisesFactory, dome_below_standard

pytestmark = pytest.mark.django_db


def test_recorded_inspections_are_read_only_in_the_admin(client, officer):
    client.force_login(officer)
    assert client.get("/admin/inspections/inspection/add/").status_code == 403


def test_an_officer_acknowledges_flags_and_an_auditor_cannot(client, officer, auditor):
    dome_below_standard(PremisesFactory(designated_on=datetime.date(2026, 1, 1)))
    sweep.run_sweep(timezone.localdate())
    ids = [str(pk) for pk in ComplianceFlag.objects.values_list("pk", flat=True)]
    client.force_login(auditor)
    client.post("/admin/inspections/complianceflag/", {"action": "acknowledge", "_selected_action": ids})
    assert not ComplianceFlag.objects.filter(status="acknowledged").exists()
    client.force_login(officer)
    response = client.post("/admin/inspections/complianceflag/", {"action": "acknowledge", "_selected_action": ids})
    assert response.status_code == 302
    assert set(ComplianceFlag.objects.values_list("status", "acknowledged_by")) == {("acknowledged", officer.pk)}
    # Each flag's page shows its own finding: the dome below the standard, and the inspection due
    # on 1 July 2026 (designated 1 January + 6 months).
    pages = {
        flag.kind: client.get(
            f"/admin/inspections/complianceflag/{flag.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        for flag in ComplianceFlag.objects.all()
    }
    assert set(pages) == {"camera_below_standard", "inspection_overdue"}
    assert "Recognises faces only up to" in pages["camera_below_standard"]
    assert "inspection was due" in pages["inspection_overdue"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/inspections/sweeprun/",
        "/admin/inspections/warningletter/",
        "/admin/inspections/complianceflag/",
        "/admin/inspections/inspection/",
    ],
)
def test_every_inspections_admin_page_opens_for_an_auditor(client, auditor, url):
    client.force_login(auditor)
    assert client.get(url).status_code == 200
