"""Every figure on the overview opens a list of exactly its size: each link carries its figure in
`data-count`, and the premises list it opens, as CSV, has that many rows."""

import csv
import datetime
import io
import random
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from inspections import ladder, recording, sweep
from inspections.models import CAMERA_CHECKS, CURRENT, PREMISES_CHECKS, ComplianceFlag, WarningLetter
from inspections.rules import warnable_kinds
from registry.models import CameraStandard, Premises
from tests.factories import CameraFactory, PremisesFactory, ProtocolRoadFactory, dome_below_standard

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*data-count="([^"]+)"')


def figures(client):
    html = client.get(reverse("dashboard:overview")).content.decode()
    return [(unescape(url), count) for url, count in LINK.findall(html)]


def list_total(client, url):
    response = client.get(url + "&format=csv")
    assert response.status_code == 200, url
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return len(rows) - 1


def assert_every_figure_opens_its_list(client):
    found = figures(client)
    assert found
    for url, count in found:
        assert re.fullmatch(r"\d+", count), f"{url}: data-count {count!r} is not a plain number"
        assert list_total(client, url) == int(count), url
    return [(url, int(count)) for url, count in found]


def generated_city():
    """Premises in every state: verified compliant, in breach, overdue, warned up to a freeze
    (approved or not), pending (new and correcting), rejected, not yet designated."""
    rng = random.Random(25)
    roads = [ProtocolRoadFactory() for _ in range(3)]
    for _n in range(40):
        designated = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 600))
        state = rng.choice(["verified"] * 5 + ["pending", "rejected", "undesignated"])
        premises = PremisesFactory(
            road=rng.choice(roads),
            category=rng.choice(["minimarket", "bank", "ruko"]),
            designated_on=None if state == "undesignated" else designated,
            verification_status="pending" if state == "pending" else "verified",
        )
        if rng.random() < 0.5:
            dome_below_standard(premises)
        else:
            CameraFactory(premises=premises)
        if state == "rejected":
            Premises.objects.filter(pk=premises.pk).update(verification_status="rejected", rejection_reason="Uji.")
    sweep.run_sweep(datetime.date(2026, 10, 1))
    ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 9, 30, tzinfo=datetime.UTC))
    for day in (1, 9, 17, 25):
        ladder.advance_warning_ladder(datetime.date(2026, 10, day))
    sweep.run_sweep(TODAY)


def test_every_figure_on_generated_data_opens_its_list(client, officer, supervisor):
    generated_city()
    letter = WarningLetter.objects.filter(status="awaiting_approval").first()
    ladder.approve_freeze(letter, supervisor=supervisor, as_of=TODAY)  # a second row must not appear
    premises = Premises.objects.filter(verification_status="verified").exclude(designated_on=None).first()
    camera = premises.cameras.first()
    items = [recording.ItemOutcome(c.value, "pass", camera) for c in CAMERA_CHECKS]
    items += [recording.ItemOutcome(c.value, "pass") for c in PREMISES_CHECKS]
    recording.record_inspection(premises=premises, performed_on=TODAY, actor=officer, items=items)
    client.force_login(officer)
    counts = assert_every_figure_opens_its_list(client)
    cards = {url.split("?", 1)[1]: n for url, n in counts if "&" not in url.split("?", 1)[1]}
    # The cards split the registry as the rules say, and "not compliant" is there.
    assert cards["compliance=compliant"] + cards["compliance=non_compliant"] == cards["obligated=true"]
    assert cards["compliance=non_compliant"] > 0
    # Each warning step is one row, whatever its status: the approved freeze and those awaiting.
    freezes = WarningLetter.objects.filter(CURRENT, step="freeze")
    assert freezes.count() > freezes.filter(status="awaiting_approval").count() > 0
    assert [n for url, n in counts if url.endswith("warning_step=freeze")] == [freezes.count()]
    assert cards["warning_status=awaiting_approval"] == freezes.filter(status="awaiting_approval").count()


def test_every_figure_of_the_demo_opens_its_list(client, officer, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo_inspections", stdout=io.StringIO())
    client.force_login(officer)
    counts = assert_every_figure_opens_its_list(client)
    assert len(counts) > 20 and any(n for _url, n in counts)
    # One consistent story: warnings and owner-side flags only where the premises owes them...
    owes = Premises.objects.obligated(TODAY)
    assert not WarningLetter.objects.filter(CURRENT).exclude(premises__in=owes).exists()
    assert not ComplianceFlag.objects.unresolved().exclude(kind="unverified").exclude(premises__in=owes).exists()
    warnable = warnable_kinds(CameraStandard.objects.in_force(TODAY))
    for letter in WarningLetter.objects.filter(CURRENT):
        assert letter.premises.flags.unresolved().filter(kind__in=warnable).exists(), letter
    steps = set(WarningLetter.objects.filter(CURRENT).values_list("step", "status"))
    assert {("sp1", "active"), ("freeze", "active"), ("freeze", "awaiting_approval")} <= steps
    # ...and tonight's sweep finds nothing to change: every write was judged when it happened.
    run = sweep.run_sweep(TODAY)
    assert (run.flags_opened, run.flags_resolved) == (0, 0)
