"""Recording inspections, the officer's notifications, the daily digest and the warning letter."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from inspections import recording
from inspections.models import WarningLetter
from registry.models import Premises
from tests.factories import PremisesFactory, checklist

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 28)


def test_designation_sets_the_first_due_date_and_a_passing_inspection_moves_it():
    premises = PremisesFactory(designated_on=datetime.date(2026, 1, 31))
    assert premises.next_inspection_due == datetime.date(2026, 7, 31)
    recording.record_inspection(
        premises=premises, performed_on=datetime.date(2026, 8, 31), items=checklist(premises, "pass"), actor=None
    )
    assert Premises.objects.get(pk=premises.pk).next_inspection_due == datetime.date(2027, 2, 28)


def test_a_failed_inspection_does_not_move_the_due_date_and_an_old_one_never_moves_it_back():
    premises = PremisesFactory(designated_on=datetime.date(2026, 1, 1))
    recording.record_inspection(
        premises=premises, performed_on=datetime.date(2026, 10, 1), items=checklist(premises, "fail"), actor=None
    )
    assert Premises.objects.get(pk=premises.pk).next_inspection_due == datetime.date(2026, 7, 1)
    recording.record_inspection(
        premises=premises, performed_on=datetime.date(2026, 11, 1), items=checklist(premises, "pass"), actor=None
    )
    recording.record_inspection(
        premises=premises, performed_on=datetime.date(2026, 2, 1), items=checklist(premises, "pass"), actor=None
    )
    assert Premises.objects.get(pk=premises.pk).next_inspection_due == datetime.date(2027, 5, 1)


def test_an_inspection_in_the_future_is_refused_and_nothing_is_stored():
    premises = PremisesFactory()
    with pytest.raises(ValidationError):
        recording.record_inspection(
            premises=premises,
            performed_on=AS_OF + datetime.timedelta(days=1),
            items=checklist(premises, "pass"),
            actor=None,
        )
    assert premises.inspections.count() == 0


def test_the_warning_letter_is_printable_in_indonesian_with_findings_and_deadline(client, officer, warned):
    client.force_login(officer)
    page = client.get(f"/warnings/{warned.pk}/letter/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Toko Peringatan" in page and "Budi Santoso" in page
    assert warned.letter_number in page
    assert "Depan toko: Hanya dapat berputar 0°" in page
    assert "5 Desember 2026" in page  # SP1 + 7 days, in Indonesian whatever the browser asks
    assert "@media print" in page


def test_the_letter_needs_a_login_and_the_permission(client, warned, django_user_model):
    assert client.get(f"/warnings/{warned.pk}/letter/").status_code == 302
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    assert client.get(f"/warnings/{warned.pk}/letter/").status_code == 403


def test_the_demo_shows_flags_and_warnings_at_several_steps_and_seeding_twice_changes_nothing(settings):
    from django.core.management import call_command

    from inspections.models import ComplianceFlag

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo_inspections")
    kinds = set(ComplianceFlag.objects.unresolved().values_list("kind", flat=True))
    assert {"camera_below_standard", "not_connectable", "inspection_overdue", "inspection_failed"} <= kinds
    steps = set(WarningLetter.objects.filter(status__in=["active", "awaiting_approval"]).values_list("step", flat=True))
    assert len(steps) >= 3
    counts = (ComplianceFlag.objects.count(), WarningLetter.objects.count())
    call_command("seed_demo_inspections")
    assert (ComplianceFlag.objects.count(), WarningLetter.objects.count()) == counts


def test_overdue_premises_are_found_by_one_query_on_the_stored_due_date(django_assert_num_queries):
    late = PremisesFactory(designated_on=datetime.date(2026, 1, 1))
    on_time = PremisesFactory(designated_on=datetime.date(2026, 1, 1))
    recording.record_inspection(
        premises=on_time, performed_on=datetime.date(2026, 11, 1), items=checklist(on_time, "pass"), actor=None
    )
    with django_assert_num_queries(1):
        assert list(Premises.objects.obligated(AS_OF).overdue(AS_OF)) == [late]


def test_every_step_has_an_indonesian_code_in_the_letter_number():
    """No raw English (FREEZE) in an official number: each step has its abbreviation."""
    from inspections.models import WarningLetter, WarningStep

    letter = WarningLetter(pk=42, issued_on=datetime.date(2026, 11, 28))
    numbers = {}
    for step in WarningStep.values:
        letter.step = step
        numbers[step] = letter.letter_number
    assert numbers["sp1"] == "00042/SP1/DISKOMINFO/2026"
    assert numbers["freeze"] == "00042/REK-BEKU/DISKOMINFO/2026"
    assert numbers["revocation"] == "00042/REK-CABUT/DISKOMINFO/2026"
