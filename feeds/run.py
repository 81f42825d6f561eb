"""Probing the registry's cameras and keeping what was found: a FeedProbe row per camera, and the
camera's current feed status and last-seen time (registry.feed_probes)."""

import asyncio

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registry.choices import FeedStatus
from registry.models import Camera, FeedProbe

from .probe import probe_many


def cameras_to_probe(camera_ids=None):
    cameras = Camera.objects.exclude(status=Camera.Status.REMOVED).exclude(rtsp_url="")
    if camera_ids:
        cameras = cameras.filter(pk__in=camera_ids)
    return cameras.order_by("pk")


def probe_cameras(camera_ids=None, *, commit=False, now=None):
    """Probe every camera with a stream address (or those given); with `commit`, store the probes
    and each camera's status. Returns [(camera id, rtsp_url, Result)] in id order."""
    now = now or timezone.now()
    targets = list(cameras_to_probe(camera_ids).values_list("pk", "rtsp_url"))
    results = asyncio.run(
        probe_many(
            targets,
            networks=settings.FEED_PROBE_ALLOWED_NETWORKS,
            timeout=settings.FEED_PROBE_TIMEOUT_SECONDS,
            concurrency=settings.FEED_PROBE_CONCURRENCY,
        )
    )
    if commit:
        store(results, now)
    urls = dict(targets)
    return [(pk, urls[pk], results[pk]) for pk in sorted(results)]


def store(results, now):
    """One probe row per camera and the cameras' current status: a few statements per outcome."""
    with transaction.atomic():
        FeedProbe.objects.bulk_create(
            [
                FeedProbe(
                    camera_id=pk,
                    at=now,
                    outcome=r.outcome,
                    latency_ms=r.latency_ms,
                    detail=r.detail,
                    codec=r.codec,
                    width=r.width,
                    height=r.height,
                )
                for pk, r in results.items()
            ],
            batch_size=2000,
        )
        for outcome in FeedStatus.values:
            ids = [pk for pk, r in results.items() if r.outcome == outcome]
            if not ids:
                continue
            fields = {"feed_status": outcome, "feed_checked_at": now}
            if outcome == FeedStatus.OFFLINE:  # silent since the first probe that found it so
                Camera.objects.filter(pk__in=ids, feed_dark_since=None).update(feed_dark_since=now)
            else:
                fields.update(feed_last_seen_at=now, feed_dark_since=None)
            Camera.objects.filter(pk__in=ids).update(**fields)
        FeedProbe.objects.expired(now).delete()
