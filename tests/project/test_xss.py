"""Script payloads stored in every free-text field come out escaped on every page and export.

Each field gets its own payload (so a miss names the field); every page that shows premises,
person, camera or inspection text is rendered for a supervisor (who sees the most) and for
the owner's status link, and every CSV export is read back.
"""

import csv
import datetime
import html
import io
import zipfile

import pytest
from django.urls import reverse

from inspections import ladder, recording, sweep
from inspections.models import ComplianceFlag, WarningLetter
from inspections.recording import ItemOutcome
from registry.models import Premises
from registry.registration import hash_secret
from tests.factories import PremisesFactory, ResponsiblePersonFactory, dome_below_standard

pytestmark = pytest.mark.django_db


def payload(field):
    return f'"><script>alert("{field}")</script>'  # fits the shortest field (60)


FIELDS = {
    "premises": ["name", "address"],
    "person": ["name", "role"],
    "camera": ["label", "brand", "model"],
    "inspection": ["summary", "note"],
}
ALL = [f"{kind}.{field}" for kind, fields in FIELDS.items() for field in fields]


@pytest.fixture
def stored(supervisor):
    as_of = datetime.date(2026, 6, 1)
    premises = PremisesFactory(
        name=payload("premises.name"),
        address=payload("premises.address"),
        designated_on=datetime.date(2025, 1, 1),
        source=Premises.Source.SELF_REGISTRATION,
        status_secret_hash=hash_secret("status-secret"),
    )
    ResponsiblePersonFactory(premises=premises, name=payload("person.name"), role=payload("person.role"))
    dome_below_standard(
        premises, label=payload("camera.label"), brand=payload("camera.brand"), model=payload("camera.model")
    )
    inspection = recording.record_inspection(
        premises=premises,
        performed_on=as_of,
        actor=supervisor,
        summary=payload("inspection.summary"),
        items=[
            ItemOutcome("signage", "pass", note=payload("inspection.note")),
            ItemOutcome("no_private_areas", "fail"),
        ],
    )
    sweep.run_sweep(as_of)
    ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC))
    ladder.advance_warning_ladder(as_of)
    return premises, inspection, WarningLetter.objects.get(premises=premises)


def pages(premises, inspection, letter):
    return [
        reverse("verification-queue"),
        reverse("notifications:list"),
        reverse("inspections:warning-letter", args=[letter.pk]),
        reverse("inspections:planning"),
        reverse("inspections:inspection", args=[inspection.pk]),
        reverse("inspections:sheet", args=[premises.pk]),
        reverse("inspections:record", args=[premises.pk]),
        reverse("dashboard:overview"),
        reverse("dashboard:premises-list"),
        reverse("dashboard:premises", args=[premises.pk]),
        reverse("dashboard:flags"),
        reverse("dashboard:map-data"),
        reverse("admin:registry_premises_changelist"),
        reverse("admin:registry_premises_change", args=[premises.pk]),
        reverse("admin:registry_camera_changelist"),
        reverse("admin:registry_responsibleperson_changelist"),
        reverse("admin:registry_premises_history", args=[premises.pk]),
    ]


def test_every_page_escapes_script_payloads_in_every_text_field(client, supervisor, stored):
    premises, inspection, letter = stored
    client.force_login(supervisor)
    premises.verification_status = Premises.Verification.PENDING  # so the verification queue lists it
    premises.save()
    seen_escaped = set()
    raw_found = []
    for url in pages(premises, inspection, letter):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for field in ALL:
            if payload(field) in body or f'<script>alert("{field}")' in body:
                raw_found.append(f"{url}: {field}")
            if html.escape(payload(field)) in body or _json_escaped(payload(field)) in body:
                seen_escaped.add(field)
    assert not raw_found, raw_found
    assert seen_escaped == set(ALL)  # every field was shown somewhere, escaped


def test_the_owners_status_and_edit_pages_escape_them_too(client, stored):
    for url in ("/status/status-secret/", "/status/status-secret/edit/"):
        body = client.get(url).content.decode()
        assert '<script>alert("' not in body
        assert html.escape(payload("premises.name")) in body


def _json_escaped(text):
    import json

    return json.dumps(text)[1:-1]  # Django's JSON encoder escapes < > & as \u003c … in map data


def test_exports_carry_the_text_as_plain_data_in_an_attachment(client, supervisor, stored):
    client.force_login(supervisor)
    response = client.get(reverse("exports:zip"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip" and "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}
    names = [row["name"] for row in csv.DictReader(io.StringIO(text["premises.csv"]))]
    assert payload("premises.name") in names  # the auditor gets exactly what was stored
    for name in ("premises", "cameras", "inspections"):
        single = client.get(reverse("exports:file", args=[name]))
        assert single["Content-Type"].startswith("text/csv") and "attachment" in single["Content-Disposition"]
        assert single["X-Content-Type-Options"] == "nosniff"  # never sniffed into HTML by a browser
