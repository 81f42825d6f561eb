"""Celery tasks of the feeds: thin wrappers over run.probe_cameras. Beat runs the coordinator every
hour; it fans ranges of FEED_PROBE_CHUNK_SIZE cameras out to the workers, as the sweep does."""

from collections import Counter

from celery import shared_task
from django.conf import settings

from . import run


@shared_task(name="feeds.probe_feeds", time_limit=600)
def probe_feeds(chunk_size=None):
    """Coordinator: one probe_feed_chunk task per range of cameras; returns how many."""
    ranges = run.chunks(chunk_size or settings.FEED_PROBE_CHUNK_SIZE)
    for first_id, last_id in ranges:
        probe_feed_chunk.delay(first_id, last_id)
    return len(ranges)


@shared_task(name="feeds.probe_feed_chunk", time_limit=1800)
def probe_feed_chunk(first_id, last_id):
    """The cameras of one id range, probed and stored; returns the count per outcome."""
    results = run.probe_cameras(id_range=(first_id, last_id), commit=True)
    return dict(Counter(result.outcome for _pk, result in results))
