"""Celery tasks of the notifications: thin wrappers over plain functions."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import digest


@shared_task(name="notifications.daily_digest", time_limit=600)
def daily_digest(as_of=None):
    as_of = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return digest.send_daily_digest(as_of)
