"""Celery tasks of the imports: thin wrappers over imports.run."""

from celery import shared_task

from . import run


@shared_task(name="imports.preview_import", time_limit=900)
def preview_import(batch_id):
    return run.preview(batch_id)


@shared_task(name="imports.confirm_import", time_limit=3600)
def confirm_import(batch_id, user_id):
    return run.confirm(batch_id, user_id)
