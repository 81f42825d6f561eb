"""Celery task of the feeds: a thin wrapper over run.probe_cameras (beat runs it every hour)."""

from collections import Counter

from celery import shared_task

from . import run


@shared_task(name="feeds.probe_feeds", time_limit=1800)
def probe_feeds():
    return dict(Counter(result.outcome for _pk, _url, result in run.probe_cameras(commit=True)))
