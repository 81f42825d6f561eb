"""Inspections: the derived result, due dates, camera updates, corrections, planning and permissions."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from inspections import recording, rules, sweep
from inspections.models import ComplianceFlag, Inspection, InspectionAssignment, InspectionItem
from inspections.recording import ItemOutcome
from registry.models import Camera, Premises
from tests.factories import CameraFactory, PremisesFactory, checklist

TODAY = timezone.localdate()


# --- the rule, without a database -------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([("signage", "pass"), ("face_test", "pass")], "pass"),
        ([("signage", "fail"), ("face_test", "pass")], "partial"),
        ([("night_usable", "fail"), ("face_test", "not_checked")], "partial"),
        ([("signage", "fail"), ("face_test", "fail")], "fail"),
        ([("present_working", "fail")], "fail"),
        ([("no_private_areas", "fail")], "fail"),
        ([("face_test", "not_checked")], None),
        ([], None),
    ],
)
def test_the_result_is_derived_from_the_checklist(outcomes, expected):
    assert rules.inspection_result(outcomes) == expected


# --- recording ---------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def premises():
    p = PremisesFactory(designated_on=datetime.date(2026, 1, 15))
    CameraFactory(premises=p, label="Depan")
    CameraFactory(premises=p, label="Parkir", pan_range_deg=360, retention_days=30)
    return p


def camera_items(premises, **outcomes):
    """Every camera check passes unless named: outcomes={"face_test": "fail"}."""
    items = []
    for camera in premises.cameras.order_by("pk"):
        for check in [
            "present_working",
            "faces_road",
            "pan_verified",
            "face_test",
            "night_usable",
            "retention_verified",
            "stream_reachable",
        ]:
            items.append(ItemOutcome(check, outcomes.get(check, "pass"), camera))
    return items + checklist(premises, "pass")


@pytestmark_db
def test_a_passing_inspection_sets_the_next_due_date_six_months_on(premises):
    assert premises.next_inspection_due == datetime.date(2026, 7, 15)
    inspection = recording.record_inspection(
        premises=premises, performed_on=datetime.date(2026, 9, 30), actor=None, items=camera_items(premises)
    )
    assert inspection.result == "pass"
    assert InspectionItem.objects.filter(inspection=inspection).count() == 16
    assert Premises.objects.get(pk=premises.pk).next_inspection_due == datetime.date(2027, 3, 30)


@pytestmark_db
def test_a_failed_inspection_leaves_the_due_date_and_the_sweep_flags_it(premises):
    recording.record_inspection(
        premises=premises,
        performed_on=datetime.date(2026, 9, 30),
        actor=None,
        items=camera_items(premises, face_test="fail"),
    )
    assert Premises.objects.get(pk=premises.pk).next_inspection_due == datetime.date(2026, 7, 15)
    sweep.run_sweep(TODAY)
    kinds = set(ComplianceFlag.objects.filter(premises=premises).values_list("kind", flat=True))
    assert {"inspection_failed", "inspection_overdue"} <= kinds
    recording.record_inspection(premises=premises, performed_on=TODAY, actor=None, items=camera_items(premises))
    sweep.run_sweep(TODAY)
    assert (
        not ComplianceFlag.objects.unresolved()
        .filter(premises=premises, kind__in=["inspection_failed", "inspection_overdue"])
        .exists()
    )


@pytestmark_db
def test_a_camera_found_not_working_or_below_declared_is_updated_and_the_declared_value_kept(premises):
    front, back = premises.cameras.order_by("pk")
    items = [
        ItemOutcome("present_working", "fail", front, note="Mati"),
        ItemOutcome("pan_verified", "fail", back, observed="180"),
        ItemOutcome("retention_verified", "fail", back, observed=(TODAY - datetime.timedelta(days=12)).isoformat()),
    ]
    recording.record_inspection(premises=premises, performed_on=TODAY, actor=None, items=items)
    front.refresh_from_db()
    back.refresh_from_db()
    assert front.status == Camera.Status.FAULTY
    assert (back.pan_range_deg, back.retention_days) == (180, 12)
    assert back.declared_specs == {"pan_range_deg": 360, "retention_days": 30}
    assert back.history.first().history_change_reason.startswith("inspection ")


@pytestmark_db
@pytest.mark.parametrize(
    ("items_for", "message"),
    [
        (lambda p, other: [ItemOutcome("face_test", "pass", other)], "does not belong to this premises"),
        (lambda p, other: [ItemOutcome("signage", "pass", p.cameras.first())], "is not a check for this line"),
        (lambda p, other: [ItemOutcome("pan_verified", "fail", p.cameras.first(), observed="400")], "from 0 to 360"),
        (
            lambda p, other: [ItemOutcome("retention_verified", "pass", p.cameras.first(), observed="kemarin")],
            "YYYY-MM-DD",
        ),
        (lambda p, other: [ItemOutcome("signage", "not_checked")], "Check at least one item"),
    ],
)
def test_bad_checklists_are_refused_and_store_nothing(premises, items_for, message):
    other = CameraFactory()
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        recording.record_inspection(premises=premises, performed_on=TODAY, actor=None, items=items_for(premises, other))
    assert message in " ".join(caught.value.messages)
    assert Inspection.objects.count() == 0 and InspectionItem.objects.count() == 0


@pytestmark_db
def test_a_correction_keeps_the_original_and_replaces_its_result(premises, officer):
    original = recording.record_inspection(
        premises=premises, performed_on=TODAY, actor=officer, items=camera_items(premises, face_test="fail")
    )
    correction = recording.record_correction(original, actor=officer, performed_on=TODAY, items=camera_items(premises))
    assert (original.result, correction.result, correction.corrects) == ("fail", "pass", original)
    assert Inspection.objects.count() == 2
    assert Premises.objects.get(pk=premises.pk).next_inspection_due > TODAY  # the corrected pass counts
    with pytest.raises(ValidationError):
        recording.record_correction(original, actor=officer, performed_on=TODAY, items=camera_items(premises))


@pytestmark_db
def test_one_open_plan_per_premises_and_only_officers_are_assigned(premises, officer, auditor):
    recording.plan_inspection(premises=premises, officer=officer, planned_on=TODAY, actor=officer)
    with pytest.raises(ValidationError):
        recording.plan_inspection(premises=premises, officer=officer, planned_on=TODAY, actor=officer)
    with pytest.raises(ValidationError):
        recording.plan_inspection(premises=PremisesFactory(), officer=auditor, planned_on=TODAY, actor=officer)


# --- pages ------------------------------------------------------------------------------------


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 0)).save(out, "JPEG")
    return SimpleUploadedFile("bukti.jpg", out.getvalue(), content_type="image/jpeg")


def page_data(premises, **changes):
    data = {"performed_on": TODAY.isoformat(), "kind": "routine", "summary": "Semua baik."}
    for camera in premises.cameras.order_by("pk"):
        for check in [
            "present_working",
            "faces_road",
            "pan_verified",
            "face_test",
            "night_usable",
            "retention_verified",
            "stream_reachable",
        ]:
            data[f"c{camera.pk}-{check}"] = "pass"
    data.update({"p-signage": "pass", "p-no_private_areas": "pass"})
    data.update(changes)
    return data


@pytestmark_db
def test_an_officer_records_an_inspection_with_a_photo_on_the_page(client, officer, premises, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    recording.plan_inspection(premises=premises, officer=officer, planned_on=TODAY, actor=officer)
    client.force_login(officer)
    assert client.get(f"/premises/{premises.pk}/inspect/").status_code == 200
    data = page_data(premises)
    data["photos"] = [jpeg()]
    response = client.post(f"/premises/{premises.pk}/inspect/", data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.result, inspection.recorded_by, inspection.photos.count()) == ("pass", officer, 1)
    assert InspectionAssignment.objects.get().inspection == inspection
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 200


@pytestmark_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"performed_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "An inspection cannot be performed in the future.",
        ),
        ({"performed_on": "kemarin"}, "Enter a valid date."),
        ({"p-signage": "maybe"}, "Select a valid choice."),
    ],
)
def test_bad_input_on_the_page_gets_a_clear_error_and_stores_nothing(client, officer, premises, changes, message):
    client.force_login(officer)
    response = client.post(
        f"/premises/{premises.pk}/inspect/", page_data(premises, **changes), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert Inspection.objects.count() == 0


@pytestmark_db
def test_a_photo_that_is_not_an_image_is_refused(client, officer, premises):
    client.force_login(officer)
    data = page_data(premises)
    data["photos"] = [SimpleUploadedFile("bukti.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")]
    response = client.post(f"/premises/{premises.pk}/inspect/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert "This file is not a JPEG, PNG or WebP photo." in response.content.decode()
    assert Inspection.objects.count() == 0


@pytestmark_db
def test_nothing_checked_is_refused_on_the_page(client, officer, premises):
    client.force_login(officer)
    data = {k: ("not_checked" if k[:1] in "cp" and k.count("-") == 1 else v) for k, v in page_data(premises).items()}
    response = client.post(f"/premises/{premises.pk}/inspect/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert "Check at least one item" in response.content.decode() and Inspection.objects.count() == 0


@pytestmark_db
def test_permissions_only_officers_record_auditors_read_nobody_edits(client, officer, auditor, premises):
    inspection = recording.record_inspection(
        premises=premises, performed_on=TODAY, actor=officer, items=camera_items(premises)
    )
    client.force_login(auditor)
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 200
    assert client.get(f"/premises/{premises.pk}/inspection-sheet/").status_code == 200
    assert client.post(f"/premises/{premises.pk}/inspect/", page_data(premises)).status_code == 403
    assert client.get(f"/inspections/{inspection.pk}/correct/").status_code == 403
    assert client.get("/inspections/plan/").status_code == 403
    client.logout()
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 302
    client.force_login(officer)
    response = client.post(f"/inspections/{inspection.pk}/correct/", page_data(premises, **{"p-signage": "fail"}))
    assert response.status_code == 302
    assert Inspection.objects.get(corrects=inspection).result == "partial"
    assert Inspection.objects.get(pk=inspection.pk).result == "pass"  # the original is kept as it was


@pytestmark_db
def test_planning_lists_overdue_first_grouped_by_road_and_assigns(client, officer, premises):
    soon = PremisesFactory(name="Toko Segera", road=premises.road, designated_on=TODAY - datetime.timedelta(days=170))
    later = PremisesFactory(name="Toko Nanti", road=premises.road, designated_on=TODAY)
    client.force_login(officer)
    page = client.get("/inspections/plan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index(premises.name) < page.index("Toko Segera")  # overdue first, then due soon
    assert "overdue" in page and later.name not in page  # due in six months: not on the 30-day list
    response = client.post(
        "/inspections/plan/", {"premises": premises.pk, "officer": officer.pk, "planned_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    mine = client.get("/inspections/mine/").content.decode()
    assert premises.name in mine
    past = client.post("/inspections/plan/", {"premises": soon.pk, "officer": officer.pk, "planned_on": "2020-01-01"})
    assert past.status_code == 302 and not InspectionAssignment.objects.filter(premises=soon).exists()


@pytestmark_db
def test_the_printable_sheet_lists_every_camera_and_check(client, officer, premises):
    client.force_login(officer)
    page = client.get(f"/premises/{premises.pk}/inspection-sheet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Depan" in page and "Parkir" in page and "Face test passed at the required distance" in page
    assert "@media print" in page


# --- one writer of the due date ---------------------------------------------------------------


@pytestmark_db
@pytest.mark.parametrize(("result", "expected_due"), [("fail", datetime.date(2019, 7, 1)), ("pass", None)])
def test_a_premises_designated_before_the_first_standard_gets_one_due_date_and_records_without_error(
    client, officer, result, expected_due
):
    """v1 took effect on 1 October 2019: the first version's interval applies before it, on creation
    and after an inspection alike (there used to be two writers, and the second raised a 500)."""
    early = PremisesFactory(designated_on=datetime.date(2019, 1, 1))
    CameraFactory(premises=early)
    assert early.next_inspection_due == datetime.date(2019, 7, 1)
    client.force_login(officer)
    checks = {} if result == "pass" else {"p-no_private_areas": "fail"}
    response = client.post(f"/premises/{early.pk}/inspect/", page_data(early, **checks))
    assert response.status_code == 302
    assert Inspection.objects.get().result == result
    early.refresh_from_db()
    # A pass moves the due date to six months after it; a failure leaves the designation's.
    assert early.next_inspection_due == (expected_due or datetime.date(2027, 5, 28))


@pytestmark_db
def test_without_any_standard_version_recording_still_works_and_the_due_date_stays_open(client, officer):
    from registry.models import CameraStandard

    premises = PremisesFactory(designated_on=datetime.date(2026, 1, 15))
    CameraFactory(premises=premises)
    CameraStandard.objects.all()._raw_delete(CameraStandard.objects.db)
    client.force_login(officer)
    response = client.post(f"/premises/{premises.pk}/inspect/", page_data(premises))
    assert response.status_code == 302
    premises.refresh_from_db()
    assert premises.next_inspection_due is None


@pytestmark_db
def test_a_step_that_needs_a_standard_says_so_clearly_when_there_is_none():
    from registry.models import CameraStandard

    CameraStandard.objects.all()._raw_delete(CameraStandard.objects.db)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        sweep.standard_for(datetime.date(2026, 11, 28))
    assert refused.value.messages == [
        "No camera standard is in force on 28 November 2026: a supervisor must add a version first."
    ]
