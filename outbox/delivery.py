"""Posting messages (once per key) and delivering the ones that are due, with retries."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DeliveryAttempt, Message, Status
from .senders import SendError, sender_for

# After the first failure: 1, 5, 15, 60 minutes, then every 3 hours until MAX_ATTEMPTS.
BACKOFF_MINUTES = (1, 5, 15, 60, 180)


def post(*, key, channel, recipient, body, subject="", secret=""):
    """The message for `key`, created now or found from before (a cause replayed sends nothing
    twice). Call it inside the transaction of the cause; deliver_due() sends it."""
    message, _created = Message.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "secret": secret,
            "next_attempt_at": timezone.now(),
        },
    )
    return message


def post_many(messages):
    """Many messages (unsaved Message objects) at once; keys already posted are skipped."""
    now = timezone.now()
    for m in messages:
        m.next_attempt_at = m.next_attempt_at or now
    Message.objects.bulk_create(messages, ignore_conflicts=True, batch_size=2000)


def deliver_due(now=None, limit=200):
    """Send up to `limit` pending messages whose time has come; returns (sent, failed attempts).

    Each message is claimed with SELECT … FOR UPDATE SKIP LOCKED, so two workers never send the
    same one; a failure records the attempt and sets the next one later, until MAX_ATTEMPTS."""
    now = now or timezone.now()
    sent = failed = 0
    ids = list(
        Message.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    senders = {}
    for pk in ids:
        with transaction.atomic():
            message = Message.objects.select_for_update(skip_locked=True).filter(pk=pk, status=Status.PENDING).first()
            if message is None:
                continue
            sender = senders.get(message.channel) or senders.setdefault(message.channel, sender_for(message.channel))
            try:
                sender.send(message)
            except SendError as error:
                failed += 1
                _failed(message, now, str(error))
            else:
                sent += 1
                DeliveryAttempt.objects.create(message=message, at=now, ok=True)
                message.status, message.sent_at, message.secret = Status.SENT, now, ""
                message.attempts += 1
                message.save(update_fields=["status", "sent_at", "secret", "attempts"])
    return sent, failed


def _failed(message, now, error):
    DeliveryAttempt.objects.create(message=message, at=now, ok=False, error=error[:500])
    message.attempts += 1
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status, message.secret = Status.FAILED, ""
    else:
        wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
        message.next_attempt_at = now + datetime.timedelta(minutes=wait)
    message.save(update_fields=["attempts", "status", "secret", "next_attempt_at"])
