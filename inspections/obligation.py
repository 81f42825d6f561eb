"""When a premises owes nothing (any more): its ladder closes and its open plans are cancelled.

Who owes what is `registry.models.obligated_q` (inspections/rules.py explains it). The sweep
resolves the flags of a premises that owes nothing; `release` does the rest, for one premises
(judged after a write) or a range of them (a sweep chunk). Both are safe to run twice.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.models import Premises, obligated_q

from .models import CURRENT, OPEN_PLAN, InspectionAssignment, WarningLetter, WarningStatus, record_history


def reason_owes_nothing(verification_status):
    """Why a premises owes nothing, in the registry's language (stored on flags, warnings, plans)."""
    with translation.override(settings.LANGUAGE_CODE):
        if verification_status == Premises.Verification.REJECTED:
            return _("The registration was rejected: the premises owes nothing.")
        if verification_status == Premises.Verification.PENDING:
            return _("The registration is not verified yet: until then the premises owes only its verification.")
        return _("The premises is not designated (or no longer): it owes nothing.")


def release(premises_q, as_of):
    """Close the current warning of every premises matching `premises_q` that owes nothing on
    `as_of`, and cancel its open plans (a verification visit of a pending registration stays).
    Returns (warnings closed, plans cancelled)."""
    now = timezone.now()
    owes_nothing = Premises.objects.filter(premises_q).exclude(obligated_q(as_of))
    with_ladder = owes_nothing.filter(Exists(WarningLetter.objects.filter(CURRENT, premises=OuterRef("pk"))))
    closed = 0
    for status, ids in _by_status(with_ladder).items():
        letters = list(WarningLetter.objects.filter(CURRENT, premises_id__in=ids).values_list("pk", flat=True))
        closed += WarningLetter.objects.filter(CURRENT, pk__in=letters).update(
            status=WarningStatus.CLOSED, closed_on=as_of, closed_reason=reason_owes_nothing(status), updated_at=now
        )
        record_history(WarningLetter, letters, reason="system: the premises owes nothing")
    with_plans = owes_nothing.exclude(verification_status=Premises.Verification.PENDING).filter(
        Exists(InspectionAssignment.objects.filter(OPEN_PLAN, premises=OuterRef("pk")))
    )
    cancelled = 0
    for status, ids in _by_status(with_plans).items():
        cancelled += InspectionAssignment.objects.filter(OPEN_PLAN, premises_id__in=ids).update(
            cancelled_at=now, cancel_reason=reason_owes_nothing(status)[:300]
        )
    return closed, cancelled


def _by_status(premises):
    groups = {}
    for pk, status in premises.values_list("pk", "verification_status"):
        groups.setdefault(status, []).append(pk)
    return groups
