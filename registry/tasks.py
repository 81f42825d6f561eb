"""Celery tasks of the registry: thin wrappers over plain functions (each safe to run twice)."""

from celery import shared_task
from django.utils import timezone
from mailer.engine import send_all
from mailer.models import Message

from . import retention


@shared_task(name="registry.send_queued_mail", time_limit=300)
def send_queued_mail(retry_deferred=False):
    """Send the e-mail queued in the database (django-mailer); `retry_deferred` requeues failed ones."""
    if retry_deferred:
        Message.objects.retry_deferred()
    send_all()


@shared_task(name="registry.purge_rejected_registrations", time_limit=600)
def purge_rejected_registrations():
    return retention.purge_rejected_registrations(as_of=timezone.now(), commit=True)
