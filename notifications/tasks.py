"""Celery tasks of the notifications: thin wrappers over plain functions."""

from celery import shared_task

from registry.dates import date_or_today

from . import digest


@shared_task(name="notifications.daily_digest", time_limit=600)
def daily_digest(as_of=None):
    return digest.send_daily_digest(date_or_today(as_of))
