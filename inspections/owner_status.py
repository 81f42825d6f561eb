"""What the owner's status page says first, in one message: where the registration stands, what
is wrong, what to do, by when, and whom to call.

It reads what the rest of the registry decided (the verdict of each camera against the standard
in force, the open flags, the current warning, the ladder's grace period in inspections/rules.py)
and decides nothing itself.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry.models import Premises

from . import rules


@dataclass
class OwnerMessage:
    tone: str  # waiting, rejected, fail, ok: the panel's colour
    title: str
    problems: list = field(default_factory=list)
    todo: str = ""
    deadline: datetime.date | None = None
    deadline_says: str = ""


def add_working_days(day, n):
    """`day` plus n working days (Monday to Friday)."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def compose(premises, verdicts, flags, warning, standard, contact, today):
    """The one message of the status page."""
    failing = [
        f"{camera.label}: {finding.message}"
        for camera, result in verdicts
        if result is not None and not result.meets_standard
        for finding in result.findings
    ]
    # What the owner must put right: the failing cameras and the open flags that lead to warnings
    # (an overdue inspection is the city's to do; the findings section still lists it).
    owed = [flag for flag in flags if flag.kind in rules.warnable_kinds(standard)]
    problems = failing + [line for flag in owed for line in flag.finding_lines() if line not in failing]
    if premises.verification_status == Premises.Verification.REJECTED:
        return OwnerMessage(
            "rejected",
            _("Your registration was not accepted."),
            [premises.rejection_reason] if premises.rejection_reason else [],
            _("Correct the data below and save: the registration goes back to the officers."),
        )
    if premises.verification_status == Premises.Verification.PENDING and premises.first_verified_at is None:
        days = contact.verification_days if contact else 5
        expected = add_working_days(premises.created_at.date(), days)
        message = OwnerMessage(
            "waiting",
            _("An officer will check your registration."),
            failing,
            _("Meanwhile, put right what the cameras lack, then correct the data here.") if failing else "",
            expected,
            _("Usually checked within %(days)s working days, by") % {"days": days},
        )
        return message
    if not problems and warning is None:
        return OwnerMessage("ok", _("Your CCTV meets the city standard. Nothing to do."))
    message = OwnerMessage(
        "fail",
        _("Your CCTV does not meet the city standard yet."),
        problems,
        _("Put right what is listed, then correct the camera data here; an officer checks again."),
    )
    if warning is not None and warning.due_on:
        message.deadline = warning.due_on
        message.deadline_says = _("%(step)s is in force: put it right by") % {"step": warning.get_step_display()}
    elif warning is not None:
        message.deadline_says = _("%(step)s: a supervisor decides on the next step.") % {
            "step": warning.get_step_display()
        }
    elif premises.designated_on and standard is not None:
        starts = rules.ladder_starts_on(premises.designated_on, standard)
        if starts > today:
            message.deadline = starts
            message.deadline_says = _("Put it right by this day; after it a first warning letter (SP1) follows:")
        else:
            message.deadline_says = _("Put it right now: a first warning letter (SP1) follows at the next daily check.")
    return message
