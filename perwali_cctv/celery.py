"""The Celery app. Tasks live in each app's tasks.py and stay thin wrappers over plain functions."""

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perwali_cctv.settings")

app = Celery("perwali_cctv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(task, *args, **kwargs):
    """Send a task after a request's work is saved; True if the broker took it.

    When the broker is down the request still succeeds: what the task would do is recorded in
    the database already (queued mail, a sweep that beat starts again) and is picked up later.
    """
    from kombu.exceptions import OperationalError

    try:
        task.delay(*args, **kwargs)
    except OperationalError:
        logging.getLogger(__name__).warning("broker unavailable: %s not sent now, picked up later", task.name)
        return False
    return True
