"""Recording what officers did: an inspection with its checklist, photos and camera updates, a
correction, a plan, and working a flag (acknowledge, assign).

Each takes an explicit `actor`; state changes are claimed with conditional updates, so that two
requests cannot act twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry import owner_messages
from registry.models import Camera, Premises

from . import rules
from .models import (
    OPEN_PLAN,
    PREMISES_CHECKS,
    UNRESOLVED,
    ComplianceFlag,
    FlagStatus,
    Inspection,
    InspectionAssignment,
    InspectionCheck,
    InspectionItem,
    InspectionPhoto,
    InspectionResult,
    Outcome,
    record_history,
)


@dataclass(frozen=True)
class ItemOutcome:
    """One checklist answer as the officer gave it: camera None for a premises-level check."""

    item: str
    outcome: str
    camera: Camera | None = None
    note: str = ""
    observed: str = ""


def record_inspection(
    *, premises, performed_on, actor, items, kind="routine", summary="", photos=(), assignment=None, corrects=None
):
    """Store an inspection with its checklist and photos, in one transaction.

    The result is derived from the items (rules.inspection_result). Cameras found not working,
    or turning or recording less than declared, are updated; the declared values are kept.
    A passing inspection moves the premises' next due date (Perwali: every 6 months).
    """
    _check_items(premises, performed_on, items)
    result = rules.inspection_result([(i.item, i.outcome) for i in items])
    inspection = Inspection(
        premises=premises,
        performed_on=performed_on,
        result=result or "",
        kind=kind,
        summary=summary,
        recorded_by=actor,
        planned_on=assignment.planned_on if assignment else None,
        corrects=corrects,
    )
    if result is None:
        raise ValidationError(
            {"items": _("Check at least one item: an inspection with nothing checked has no result.")}
        )
    inspection.full_clean(exclude=["corrects"])
    with transaction.atomic():
        if corrects is not None and Inspection.objects.filter(corrects=corrects).exists():
            raise ValidationError(_("This inspection was already corrected: correct the correction instead."))
        inspection.save()
        if actor is not None:
            inspection.inspectors.add(actor)
        InspectionItem.objects.bulk_create(
            InspectionItem(
                inspection=inspection,
                camera=i.camera,
                item=i.item,
                outcome=i.outcome,
                note=i.note[:500],
                observed=i.observed[:40],
            )
            for i in items
        )
        for photo in photos:
            InspectionPhoto.objects.create(inspection=inspection, image=photo)
        if assignment is not None:
            InspectionAssignment.objects.filter(OPEN_PLAN, pk=assignment.pk).update(inspection=inspection)
        _update_cameras(inspection, items, actor)
        refresh_due_date(premises)
        if result != InspectionResult.PASS:
            _tell_owner_of_failures(inspection, items)
    return inspection


def _tell_owner_of_failures(inspection, items):
    """The owner hears what the inspection found short (registry.owner_messages), once per inspection."""
    labels = dict(InspectionCheck.choices)
    with translation.override("id"):
        findings = [
            (f"{i.camera.label}: " if i.camera else "") + str(labels.get(i.item, i.item))
            for i in items
            if i.outcome == Outcome.FAIL
        ]
    owner_messages.tell(
        "inspection_failed",
        inspection.premises,
        f"inspection-{inspection.pk}",
        {"performed_on": inspection.performed_on, "findings": findings},
    )


def _check_items(premises, performed_on, items):
    errors = []
    cameras = set(premises.cameras.exclude(status=Camera.Status.REMOVED).values_list("pk", flat=True))
    for i in items:
        if i.camera is not None and i.camera.pk not in cameras:
            errors.append(_("The camera “%(label)s” does not belong to this premises.") % {"label": i.camera.label})
        elif (i.camera is None) != (i.item in PREMISES_CHECKS):
            errors.append(_("“%(item)s” is not a check for this line.") % {"item": i.item})
        elif i.outcome not in Outcome.values:
            errors.append(_("Choose pass, fail or not checked."))
        elif i.observed and i.item == InspectionCheck.PAN_VERIFIED and not _pan(i.observed):
            errors.append(_("The pan range seen must be a number from 0 to 360."))
        elif i.observed and i.item == InspectionCheck.RETENTION_VERIFIED and not _oldest(i.observed, performed_on):
            errors.append(_("The oldest recording seen must be a date (YYYY-MM-DD) on or before the inspection."))
    if errors:
        raise ValidationError({"items": errors})


def _pan(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 360 else None


def _oldest(value, performed_on):
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return day if day <= performed_on else None


def _update_cameras(inspection, items, actor):
    for i in items:
        camera = i.camera
        if camera is None:
            continue
        changed = False
        if i.item == InspectionCheck.PRESENT_WORKING and i.outcome != Outcome.NOT_CHECKED:
            status = Camera.Status.FAULTY if i.outcome == Outcome.FAIL else Camera.Status.ACTIVE
            changed, camera.status = camera.status != status, status
        elif i.item == InspectionCheck.PAN_VERIFIED and i.observed and _pan(i.observed) < camera.pan_range_deg:
            camera.declared_specs.setdefault("pan_range_deg", camera.pan_range_deg)
            camera.pan_range_deg, changed = _pan(i.observed), True
        elif i.item == InspectionCheck.RETENTION_VERIFIED and i.observed:
            days = (inspection.performed_on - _oldest(i.observed, inspection.performed_on)).days
            if days < camera.retention_days:
                camera.declared_specs.setdefault("retention_days", camera.retention_days)
                camera.retention_days, changed = days, True
        if changed:
            camera._history_user = actor
            camera._change_reason = f"inspection {inspection.pk}"
            camera.save()


def refresh_due_date(premises):
    """Next due = last valid passing inspection + interval; before any, designation + interval."""
    last_pass = (
        Inspection.objects.filter(premises=premises, result=InspectionResult.PASS, correction__isnull=True)
        .order_by("-performed_on")
        .values_list("performed_on", flat=True)
        .first()
    )
    due = premises.inspection_due_after(last_pass)
    Premises.objects.filter(pk=premises.pk).update(next_inspection_due=due, updated_at=timezone.now())
    return due


def record_correction(original, *, actor, **changes):
    """A recorded inspection is never edited: the correction is a new record that points to it."""
    return record_inspection(premises=original.premises, corrects=original, actor=actor, **changes)


def plan_inspection(*, premises, officer, planned_on, actor, kind="routine"):
    """Assign an inspection; one open plan per premises (the database keeps it so)."""
    if not officer.has_perm("inspections.add_inspection"):
        raise ValidationError(_("%(name)s cannot record inspections.") % {"name": officer.get_username()})
    if premises.verification_status == Premises.Verification.REJECTED:
        raise ValidationError(_("This registration was rejected: the premises owes no inspection."))
    try:
        with transaction.atomic():
            return InspectionAssignment.objects.create(
                premises=premises, officer=officer, planned_on=planned_on, kind=kind, created_by=actor
            )
    except IntegrityError:
        raise ValidationError(_("This premises already has a planned inspection.")) from None


def acknowledge_flag(flag, *, actor):
    """An officer has seen the flag and owns it; the sweep still resolves it when it clears."""
    done = ComplianceFlag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
        status=FlagStatus.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_by=actor
    )
    if done:
        record_history(ComplianceFlag, [flag.pk], reason="acknowledged", user=actor)
    return bool(done)


def assign_flag(flag, *, officer, actor):
    """Give a flag to an officer to work; only officers and supervisors can take one."""
    if not officer.has_perm("inspections.change_complianceflag"):
        raise ValidationError(_("%(name)s cannot work flags.") % {"name": officer.get_username()})
    done = ComplianceFlag.objects.filter(UNRESOLVED, pk=flag.pk).update(assigned_to=officer)
    if done:
        record_history(ComplianceFlag, [flag.pk], reason=f"assigned to {officer.get_username()}", user=actor)
    return bool(done)
