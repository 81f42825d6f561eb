"""Sending work to the Celery workers, for every app (the core's helper, not the project's)."""

import logging


def enqueue(task, *args, countdown=None, **kwargs):
    """Send a task after a request's work is saved (to run `countdown` seconds later, if given); True
    if the broker took it.

    When the broker is down the request still succeeds: what the task would do is recorded in
    the database already (queued mail, a sweep that beat starts again) and is picked up later.
    """
    from kombu.exceptions import OperationalError

    try:
        task.apply_async(args, kwargs, countdown=countdown)
    except OperationalError:
        logging.getLogger(__name__).warning("broker unavailable: %s not sent now, picked up later", task.name)
        return False
    return True
