"""The warning ladder of Perwali Pasal 15: SP1 → SP2 → SP3 → permit freeze (a supervisor approves)
→ revocation; an officer may escalate at once. Each step is claimed with a conditional update.
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
    WarningLetter,
    WarningStatus,
    WarningStep,
    record_history,
)
from .sweep import standard_for


def escalate_now(premises, *, actor, as_of=None):
    """An officer does not wait for the daily job: issue SP1, or the next step, today.

    Only for premises with warnable open flags; a freeze still needs a supervisor's approval.
    """
    as_of = as_of or timezone.localdate()
    standard = standard_for(as_of)
    if not _warnable_flags(premises.pk).exists():
        raise ValidationError(_("There is no open breach to warn about."))
    letter = WarningLetter.objects.filter(CURRENT, premises=premises).first()
    grace = datetime.timedelta(days=standard.warning_grace_days)
    if letter is None:
        action = rules.LadderAction("issue", WarningStep.SP1, WarningStatus.ACTIVE, as_of + grace)
        if not _issue(premises.pk, action, as_of, actor):
            raise ValidationError(_("A warning was issued meanwhile; reload the page."))
    else:
        if letter.status == WarningStatus.AWAITING_APPROVAL or letter.step == WarningStep.REVOCATION:
            raise ValidationError(_("This warning waits for a supervisor or is the last step."))
        forced = rules.LadderState(letter.step, letter.status, as_of - datetime.timedelta(days=1))
        action = rules.next_ladder_action(forced, True, premises.designated_on, standard, as_of)
        if not _escalate(letter, action, as_of, actor):
            raise ValidationError(_("The warning changed meanwhile; reload the page."))
    return WarningLetter.objects.get(CURRENT, premises=premises)


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
            letter = WarningLetter(
                premises_id=premises_id,
                step=action.step,
                status=action.status,
                issued_on=as_of,
                due_on=action.due_on,
                issued_by=actor,
            )
            letter._history_user = actor
            letter._change_reason = "issued" if actor else "system: warning ladder"
            letter.save()
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
        reason = "escalated" if actor else "system: warning ladder"
        record_history(WarningLetter, [letter.pk], reason=reason, user=actor)
        following = WarningLetter(
            premises_id=letter.premises_id,
            step=action.step,
            status=action.status,
            issued_on=as_of,
            due_on=action.due_on,
            issued_by=actor,
        )
        following._history_user = actor
        following._change_reason = reason
        following.save()
        following.flags.set(_warnable_flags(letter.premises_id))
    return True


def _close(letter, as_of):
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("All flags that led to this warning were resolved on %(date)s.") % {"date": as_of.isoformat()}
    closed = WarningLetter.objects.filter(CURRENT, pk=letter.pk).update(
        status=WarningStatus.CLOSED, closed_on=as_of, closed_reason=reason
    )
    if closed:
        record_history(WarningLetter, [letter.pk], reason="system: warning ladder")
    return bool(closed)


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
    record_history(WarningLetter, [letter.pk], reason="approved", user=supervisor)
    letter.refresh_from_db()
    return letter
