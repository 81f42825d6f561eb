"""Celery task of the outbox: a thin wrapper over delivery.deliver_due (beat runs it every minute)."""

from celery import shared_task

from . import delivery


@shared_task(name="outbox.deliver_due", time_limit=300)
def deliver_due():
    sent, failed = delivery.deliver_due()
    return {"sent": sent, "failed": failed}
