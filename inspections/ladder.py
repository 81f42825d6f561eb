"""The warning ladder of Perwali Pasal 15: SP1 → SP2 → SP3 → permit freeze (a supervisor approves)
→ revocation; an officer may escalate at once.

The daily job plans every premises' step with three reads (`plan_ladder`), then writes each kind
of step set-based, a batch per transaction (`apply_ladder`): a city's first day of warnings is a
few dozen statements, not several per letter. Every step is claimed (a row lock on the letter, or
the one-current-warning constraint), so two runs on the same day issue each step once.
`manage.py warning_ladder` prints the plan; `--commit` writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry import owner_messages
from registry.models import Premises

from . import rules, totals
from .models import (
    CURRENT,
    UNRESOLVED_STATUSES,
    ComplianceFlag,
    WarningLetter,
    WarningStatus,
    WarningStep,
    record_history,
)
from .sweep import standard_for

BATCH_SIZE = 2000


def escalate_now(premises, *, actor, as_of=None):
    """An officer does not wait for the daily job: issue SP1, or the next step, today.

    Only for premises with warnable open flags; a freeze still needs a supervisor's approval.
    """
    as_of = as_of or timezone.localdate()
    standard = standard_for(as_of)
    if not _warnable_flags([premises.pk], standard).exists():
        raise ValidationError(_("There is no open breach to warn about."))
    letter = WarningLetter.objects.filter(CURRENT, premises=premises).first()
    grace = datetime.timedelta(days=standard.warning_grace_days)
    if letter is None:
        action = rules.LadderAction("issue", WarningStep.SP1, WarningStatus.ACTIVE, as_of + grace)
        if not issue([(premises.pk, action)], as_of, actor):
            raise ValidationError(_("A warning was issued meanwhile; reload the page."))
    else:
        if letter.status == WarningStatus.AWAITING_APPROVAL or letter.step == WarningStep.REVOCATION:
            raise ValidationError(_("This warning waits for a supervisor or is the last step."))
        forced = rules.LadderState(letter.step, letter.status, as_of - datetime.timedelta(days=1))
        action = rules.next_ladder_action(forced, True, premises.designated_on, standard, as_of)
        if not escalate([(letter.pk, letter.premises_id, action)], as_of, actor):
            raise ValidationError(_("The warning changed meanwhile; reload the page."))
    return WarningLetter.objects.get(CURRENT, premises=premises)


@dataclass
class LadderPlan:
    """What the daily ladder does on `as_of`: each list holds what one set-based write takes."""

    as_of: datetime.date
    issue: list = field(default_factory=list)  # (premises_id, LadderAction)
    escalate: list = field(default_factory=list)  # (letter id, premises_id, LadderAction)
    close: list = field(default_factory=list)  # (letter id, premises_id)
    names: dict = field(default_factory=dict)  # premises_id -> name, for printing

    def counts(self):
        return {"issue": len(self.issue), "escalate": len(self.escalate), "close": len(self.close)}


def plan_ladder(as_of):
    """Decide every premises' next step of Pasal 15 with three reads (rules.next_ladder_action)."""
    standard = standard_for(as_of)
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))
    warnable = ComplianceFlag.objects.unresolved().filter(
        kind__in=rules.warnable_kinds(standard),
        opened_at__lt=end_of_day,  # a flag counts from the day it opened
        premises=OuterRef("pk"),
    )
    current = {
        premises_id: (pk, rules.LadderState(step, status, due_on))
        for pk, premises_id, step, status, due_on in WarningLetter.objects.filter(CURRENT).values_list(
            "pk", "premises_id", "step", "status", "due_on"
        )
    }
    candidates = (
        Premises.objects.annotate(warned=Exists(warnable))
        .filter(Q(warned=True) | Q(pk__in=WarningLetter.objects.filter(CURRENT).values("premises_id")))
        .order_by("pk")
        .values_list("pk", "name", "designated_on", "warned")
    )
    plan = LadderPlan(as_of)
    for premises_id, name, designated_on, warned in candidates.iterator(chunk_size=5000):
        letter_id, state = current.get(premises_id, (None, None))
        action = rules.next_ladder_action(state, warned, designated_on, standard, as_of)
        if action.action == "issue":
            plan.issue.append((premises_id, action))
        elif action.action == "escalate":
            plan.escalate.append((letter_id, premises_id, action))
        elif action.action == "close":
            plan.close.append((letter_id, premises_id))
        else:
            continue
        plan.names[premises_id] = name
    return plan


def apply_ladder(plan, *, actor=None, batch_size=BATCH_SIZE):
    """Write a plan set-based, a batch per transaction: a few statements per batch, whatever its size."""
    counts = {"issued": 0, "escalated": 0, "closed": 0}
    for i in range(0, len(plan.issue), batch_size):
        counts["issued"] += issue(plan.issue[i : i + batch_size], plan.as_of, actor)
    for i in range(0, len(plan.escalate), batch_size):
        counts["escalated"] += escalate(plan.escalate[i : i + batch_size], plan.as_of, actor)
    for i in range(0, len(plan.close), batch_size):
        counts["closed"] += close([letter_id for letter_id, _premises in plan.close[i : i + batch_size]], plan.as_of)
    return counts


def advance_warning_ladder(as_of, *, actor=None):
    """Issue, escalate or close warnings for every premises, as of `as_of`. Returns counts."""
    return apply_ladder(plan_ladder(as_of), actor=actor)


def _warnable_flags(premises_ids, standard):
    kinds = rules.warnable_kinds(standard)
    return ComplianceFlag.objects.unresolved().filter(premises_id__in=premises_ids, kind__in=kinds)


def _create_letters(rows, as_of, actor, reason):
    """Insert the letters of (premises_id, action) rows, link each to its premises' warnable flags and
    record their history: four statements. A premises that got a current warning meanwhile (another
    run) is skipped by the database (one current warning per premises). Returns {premises_id: letter id}."""
    now = timezone.now()
    WarningLetter.objects.bulk_create(
        [
            WarningLetter(
                premises_id=premises_id,
                step=action.step,
                status=action.status,
                issued_on=as_of,
                due_on=action.due_on,
                issued_by=actor,
                updated_at=now,
            )
            for premises_id, action in rows
        ],
        ignore_conflicts=True,
    )
    ids = [premises_id for premises_id, _action in rows]
    letter_of = dict(
        WarningLetter.objects.filter(CURRENT, premises_id__in=ids, issued_on=as_of, updated_at=now).values_list(
            "premises_id", "pk"
        )
    )
    _link_flags(list(letter_of.values()), standard_for(as_of))
    record_history(WarningLetter, letter_of.values(), reason=reason, user=actor, created=True)
    tell_owners(WarningLetter.objects.filter(pk__in=letter_of.values(), status=WarningStatus.ACTIVE))
    return letter_of


def tell_owners(letters):
    """Each owner hears of a letter in force (registry.owner_messages), once per letter; a freeze
    recommendation when a supervisor has approved it. Three queries and one insert per batch."""
    letters = list(
        letters.select_related("premises").only(
            "pk", "step", "issued_on", "due_on", "premises__name", "premises__tracking_code"
        )
    )
    owner_messages.tell_many(
        "warning",
        [
            (
                letter.premises,
                f"letter-{letter.pk}",
                {"step": WarningStep(letter.step).label, "number": letter.letter_number, "due": letter.due_on},
            )
            for letter in letters
        ],
    )


def _link_flags(letter_ids, standard):
    """Link each letter to its premises' warnable open flags: one INSERT … SELECT (letters joined
    to the flags of their premises)."""
    if not letter_ids:
        return
    quote = connection.ops.quote_name
    kinds = sorted(rules.warnable_kinds(standard))
    statuses = list(UNRESOLVED_STATUSES)
    marks = ", ".join
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(WarningLetter.flags.through._meta.db_table)} (warningletter_id, complianceflag_id) "
            f"SELECT l.id, f.id FROM {quote(WarningLetter._meta.db_table)} l "
            f"JOIN {quote(ComplianceFlag._meta.db_table)} f ON f.premises_id = l.premises_id "
            f"WHERE l.id IN ({marks(['%s'] * len(letter_ids))}) AND f.status IN ({marks(['%s'] * len(statuses))}) "
            f"AND f.kind IN ({marks(['%s'] * len(kinds))})",
            [*letter_ids, *statuses, *kinds],
        )


def issue(rows, as_of, actor):
    """SP1 for each (premises_id, action); returns how many were issued."""
    with transaction.atomic():
        issued = _create_letters(rows, as_of, actor, "issued" if actor else "system: warning ladder")
        totals.mark_premises(issued)
        return len(issued)


def escalate(rows, as_of, actor):
    """The next step for each (letter id, premises_id, action): the letter is claimed (still active),
    marked escalated and followed by the new step. Returns how many escalated."""
    reason = "escalated" if actor else "system: warning ladder"
    with transaction.atomic():
        ids = [letter_id for letter_id, _premises, _action in rows]
        claimed = set(
            WarningLetter.objects.select_for_update()
            .filter(pk__in=ids, status=WarningStatus.ACTIVE)
            .values_list("pk", flat=True)
        )
        if not claimed:
            return 0
        WarningLetter.objects.filter(pk__in=claimed).update(status=WarningStatus.ESCALATED)
        record_history(WarningLetter, claimed, reason=reason, user=actor)
        following = [(premises_id, action) for letter_id, premises_id, action in rows if letter_id in claimed]
        _create_letters(following, as_of, actor, reason)
        totals.mark_premises([premises_id for premises_id, _action in following])
    return len(claimed)


def close(letter_ids, as_of):
    """Close warnings whose flags were all resolved; returns how many closed."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("All flags that led to this warning were resolved on %(date)s.") % {"date": as_of.isoformat()}
    with transaction.atomic():
        claimed = list(
            WarningLetter.objects.select_for_update().filter(CURRENT, pk__in=letter_ids).values_list("pk", flat=True)
        )
        WarningLetter.objects.filter(pk__in=claimed).update(
            status=WarningStatus.CLOSED, closed_on=as_of, closed_reason=reason
        )
        record_history(WarningLetter, claimed, reason="system: warning ladder")
        totals.mark_premises(WarningLetter.objects.filter(pk__in=claimed).values_list("premises_id", flat=True))
    return len(claimed)


def approve_freeze(letter, *, supervisor, as_of=None):
    """A supervisor approves the permit freeze recommendation; revocation falls due 3 months later."""
    if not supervisor.has_perm("inspections.approve_escalation"):
        raise PermissionDenied(_("Only a supervisor can approve a permit freeze recommendation."))
    as_of = as_of or timezone.localdate()
    if letter.step != WarningStep.FREEZE:
        raise ValidationError(_("Only a permit freeze recommendation needs approval."))
    due = rules.revocation_due(as_of, standard_for(as_of))
    with transaction.atomic():
        approved = WarningLetter.objects.filter(pk=letter.pk, status=WarningStatus.AWAITING_APPROVAL).update(
            status=WarningStatus.ACTIVE, approved_by=supervisor, approved_at=timezone.now(), due_on=due
        )
        if not approved:
            raise ValidationError(_("This recommendation is no longer awaiting approval."))
        record_history(WarningLetter, [letter.pk], reason="approved", user=supervisor)
        totals.mark_premises([letter.premises_id])
    tell_owners(WarningLetter.objects.filter(pk=letter.pk))
    letter.refresh_from_db()
    return letter
