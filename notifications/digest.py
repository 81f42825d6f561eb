"""What officers need to know: changes since they last looked, and the daily e-mail digest."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from inspections.access import field_staff
from inspections.models import CURRENT, ComplianceFlag, NotificationCursor, SweepRun, WarningLetter, WarningStatus

from .models import DigestSent

LIST_LIMIT = 50
DUE_SOON_DAYS = 2


def changes_since(since, as_of: datetime.date):
    """New flags since `since`, warnings falling due by `as_of` + 2 days, escalations awaiting approval."""
    new_flags = ComplianceFlag.objects.unresolved().filter(opened_at__gt=since).select_related("premises")
    due = (
        WarningLetter.objects.filter(
            status=WarningStatus.ACTIVE, due_on__lte=as_of + datetime.timedelta(days=DUE_SOON_DAYS)
        )
        .select_related("premises")
        .order_by("due_on", "pk")
    )
    awaiting = WarningLetter.objects.filter(status=WarningStatus.AWAITING_APPROVAL).select_related("premises")
    return {
        "since": since,
        "as_of": as_of,
        "new_flags_count": new_flags.count(),
        "new_flags": list(new_flags.order_by("-opened_at", "-pk")[:LIST_LIMIT]),
        "warnings_due_count": due.count(),
        "warnings_due": list(due[:LIST_LIMIT]),
        "awaiting_approval_count": awaiting.count(),
        "awaiting_approval": list(awaiting.order_by("issued_on", "pk")[:LIST_LIMIT]),
        "current_warnings": WarningLetter.objects.filter(CURRENT).count(),
        "open_flags": ComplianceFlag.objects.unresolved().count(),
        "last_run": SweepRun.objects.order_by("-started_at", "-pk").first(),
    }


BADGE_LIMIT = 99  # the badge says "99+" beyond: counting a city's first night of flags costs every page 15 ms


def unread_count(user):
    """New flags since the user last opened their notifications, counted up to BADGE_LIMIT + 1:
    the navigation's badge."""
    seen = NotificationCursor.objects.filter(user=user).values_list("seen_at", flat=True).first()
    since = seen or timezone.now() - datetime.timedelta(days=1)
    return ComplianceFlag.objects.unresolved().filter(opened_at__gt=since)[: BADGE_LIMIT + 1].count()


def changes_for(user, as_of):
    """What changed since this user last looked; marks everything up to now as seen."""
    now = timezone.now()
    cursor, _created = NotificationCursor.objects.get_or_create(
        user=user, defaults={"seen_at": now - datetime.timedelta(days=1)}
    )
    changes = changes_since(cursor.seen_at, as_of)
    NotificationCursor.objects.filter(pk=cursor.pk).update(seen_at=now)
    return changes


def digest_recipients():
    return field_staff().exclude(email="").order_by("pk")


def send_daily_digest(as_of: datetime.date):
    """One e-mail (text and HTML) to every officer and supervisor, once a day whatever runs twice;
    returns how many were queued by this call."""
    changes = changes_since(timezone.now() - datetime.timedelta(days=1), as_of)
    recipients = list(digest_recipients())
    with translation.override(settings.LANGUAGE_CODE):
        context = {**changes, "site_url": settings.SITE_URL}
        subject = render_to_string("notifications/email/digest_subject.txt", context).strip()
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    sent = 0
    for user in recipients:
        # The mark and the queued mail (django-mailer's table) commit together, or neither.
        with transaction.atomic():
            _mark, first = DigestSent.objects.get_or_create(user=user, day=as_of)
            if not first:
                continue
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
            message.attach_alternative(html, "text/html")
            message.send()
        sent += 1
    return sent
