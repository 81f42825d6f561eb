"""The Celery app. Tasks live in each app's tasks.py and stay thin wrappers over plain functions."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perwali_cctv.settings")

app = Celery("perwali_cctv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
