"""Writes that touch several models: recording an inspection, working a flag, the warning ladder.

Each takes an explicit `actor` (a user, or None for the system) and `as_of`; state changes
are claimed with conditional updates so that two workers cannot act twice.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.models import Premises

from . import rules
from .models import (
    CURRENT,
    ComplianceFlag,
    FlagStatus,
    Inspection,
    InspectionResult,
    WarningLetter,
    WarningStatus,
    WarningStep,
)
from .sweep import standard_for


def record_inspection(*, premises, performed_on, result, actor, kind="routine", summary=""):
    """Store an inspection; a passing one moves the premises' next due date one interval on."""
    inspection = Inspection(
        premises=premises, performed_on=performed_on, result=result, kind=kind, summary=summary, recorded_by=actor
    )
    inspection.full_clean()
    with transaction.atomic():
        inspection.save()
        if result == InspectionResult.PASS:
            due = rules.next_inspection_due(performed_on, standard_for(performed_on))
            # Never move the deadline backwards when an older inspection is entered late.
            Premises.objects.filter(pk=premises.pk).exclude(next_inspection_due__gt=due).update(next_inspection_due=due)
    return inspection


def acknowledge_flag(flag, *, actor):
    """An officer has seen the flag and owns it; the sweep still resolves it when it clears."""
    return bool(
        ComplianceFlag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
            status=FlagStatus.ACKNOWLEDGED, acknowledged_at=timezone.now(), acknowledged_by=actor
        )
    )


# ---------------------------------------------------------------------------
# The warning ladder (Perwali Pasal 15)


def advance_warning_ladder(as_of, *, actor=None):
    """Issue, escalate or close warnings for every premises, as of `as_of`. Returns counts."""
    standard = standard_for(as_of)
    current = {letter.premises_id: letter for letter in WarningLetter.objects.filter(CURRENT)}
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))
    warnable = set(
        ComplianceFlag.objects.unresolved()
        .filter(kind__in=rules.WARNABLE_KINDS, opened_at__lt=end_of_day)  # a flag counts from the day it opened
        .values_list("premises_id", flat=True)
        .distinct()
    )
    candidates = warnable | set(current)
    designated = dict(Premises.objects.filter(pk__in=candidates).values_list("pk", "designated_on"))
    counts = {"issued": 0, "escalated": 0, "closed": 0}
    for premises_id in sorted(candidates):
        letter = current.get(premises_id)
        state = rules.LadderState(letter.step, letter.status, letter.due_on) if letter else None
        action = rules.next_ladder_action(state, premises_id in warnable, designated.get(premises_id), standard, as_of)
        if action.action == "issue" and _issue(premises_id, action, as_of, actor):
            counts["issued"] += 1
        elif action.action == "escalate" and _escalate(letter, action, as_of, actor):
            counts["escalated"] += 1
        elif action.action == "close" and _close(letter, as_of):
            counts["closed"] += 1
    return counts


def _warnable_flags(premises_id):
    return ComplianceFlag.objects.unresolved().filter(premises_id=premises_id, kind__in=rules.WARNABLE_KINDS)


def _issue(premises_id, action, as_of, actor):
    try:
        with transaction.atomic():
            letter = WarningLetter.objects.create(
                premises_id=premises_id,
                step=action.step,
                status=action.status,
                issued_on=as_of,
                due_on=action.due_on,
                issued_by=actor,
            )
            letter.flags.set(_warnable_flags(premises_id))
    except IntegrityError:  # another run issued it first: one current warning per premises
        return False
    return True


def _escalate(letter, action, as_of, actor):
    with transaction.atomic():
        claimed = WarningLetter.objects.filter(pk=letter.pk, status=WarningStatus.ACTIVE).update(
            status=WarningStatus.ESCALATED
        )
        if not claimed:
            return False
        following = WarningLetter.objects.create(
            premises_id=letter.premises_id,
            step=action.step,
            status=action.status,
            issued_on=as_of,
            due_on=action.due_on,
            issued_by=actor,
        )
        following.flags.set(_warnable_flags(letter.premises_id))
    return True


def _close(letter, as_of):
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("All flags that led to this warning were resolved on %(date)s.") % {"date": as_of.isoformat()}
    return bool(
        WarningLetter.objects.filter(CURRENT, pk=letter.pk).update(
            status=WarningStatus.CLOSED, closed_on=as_of, closed_reason=reason
        )
    )


def approve_freeze(letter, *, supervisor, as_of=None):
    """A supervisor approves the permit freeze recommendation; revocation falls due 3 months later."""
    if not supervisor.has_perm("inspections.approve_escalation"):
        raise PermissionDenied(_("Only a supervisor can approve a permit freeze recommendation."))
    as_of = as_of or timezone.localdate()
    if letter.step != WarningStep.FREEZE:
        raise ValidationError(_("Only a permit freeze recommendation needs approval."))
    due = rules.revocation_due(as_of, standard_for(as_of))
    approved = WarningLetter.objects.filter(pk=letter.pk, status=WarningStatus.AWAITING_APPROVAL).update(
        status=WarningStatus.ACTIVE, approved_by=supervisor, approved_at=timezone.now(), due_on=due
    )
    if not approved:
        raise ValidationError(_("This recommendation is no longer awaiting approval."))
    letter.refresh_from_db()
    return letter
