"""Probing the registry's cameras and keeping what was found: a FeedProbe row per camera, and the
camera's current feed status and last-seen time (registry.feed_probes).

Each camera is asked first without credentials. A camera that answers 401 and whose owner granted
the city a viewer account is asked again with it (registry.viewer_accounts.reveal, which logs the
use). A camera with an ONVIF device address is also asked GetDeviceInformation, GetProfiles and
GetStreamUri; without a stream address of its own, the stream ONVIF names is the one probed.
"""

import asyncio
import dataclasses

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inspections import totals
from registry import viewer_accounts
from registry.choices import FeedStatus
from registry.feed_probes import HAS_FEED_ADDRESS
from registry.models import Camera, FeedProbe

from .onvif import ask_device
from .probe import Result, probe


def cameras_to_probe(camera_ids=None, id_range=None):
    cameras = Camera.objects.exclude(status=Camera.Status.REMOVED).filter(HAS_FEED_ADDRESS)
    if camera_ids:
        cameras = cameras.filter(pk__in=camera_ids)
    if id_range:
        cameras = cameras.filter(pk__range=id_range)
    return cameras.order_by("pk")


def chunks(size):
    """(first id, last id) ranges of at most `size` cameras to probe, for the workers."""
    ids = list(cameras_to_probe().values_list("pk", flat=True))
    return [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]


async def probe_camera(rtsp_url, onvif_address, *, credentials=None, networks, timeout):
    """The Result of one camera: its stream, and its ONVIF device when it has an address."""
    device = None
    if onvif_address:
        device = await ask_device(onvif_address, networks=networks, timeout=timeout, credentials=credentials)
    url = rtsp_url or (device.stream_uri if device else "")
    if url:
        result = await probe(url, networks=networks, timeout=timeout, credentials=credentials)
    else:
        result = Result(device.outcome, detail=device.detail)
    if device is None:
        return result
    detail = result.detail or (device.detail if device.outcome != FeedStatus.ONLINE else "")
    return dataclasses.replace(
        result, onvif=device.outcome, device=device.device, profiles=device.profiles, detail=detail[:200]
    )


async def probe_all(targets, *, credentials=None, concurrency, networks, timeout):
    """{camera id: Result} for (camera id, stream address, ONVIF address) triples, at most
    `concurrency` cameras at a time."""
    gate = asyncio.Semaphore(concurrency)
    credentials = credentials or {}

    async def one(pk, rtsp_url, onvif_address):
        async with gate:
            result = await probe_camera(
                rtsp_url, onvif_address, credentials=credentials.get(pk), networks=networks, timeout=timeout
            )
            return pk, result

    return dict(await asyncio.gather(*(one(*target) for target in targets)))


def _probe_all(targets, credentials=None):
    return asyncio.run(
        probe_all(
            targets,
            credentials=credentials,
            concurrency=settings.FEED_PROBE_CONCURRENCY,
            networks=settings.FEED_PROBE_ALLOWED_NETWORKS,
            timeout=settings.FEED_PROBE_TIMEOUT_SECONDS,
        )
    )


def probe_cameras(camera_ids=None, *, id_range=None, commit=False, now=None):
    """Probe every camera with a stream or ONVIF address (or those given, or an id range); with `commit`,
    store the probes and each camera's status. Returns [(camera id, Result)] in id order."""
    now = now or timezone.now()
    targets = list(cameras_to_probe(camera_ids, id_range).values_list("pk", "rtsp_url", "onvif_address"))
    results = _probe_all(targets)
    asking = [pk for pk, r in results.items() if r.outcome == FeedStatus.NEEDS_CREDENTIALS]
    if asking and viewer_accounts.available():
        credentials = viewer_accounts.reveal(asking, purpose="feed probe", now=now)
        if credentials:
            again = [t for t in targets if t[0] in credentials]
            results.update(_probe_all(again, credentials))
    if commit:
        store(results, now)
    return sorted(results.items())


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
                    onvif=r.onvif,
                    device=r.device,
                    profiles=r.profiles,
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
        # The overview's feed line is kept per road and category (inspections.totals).
        groups = Camera.objects.filter(pk__in=list(results)).values_list("premises__road_id", "premises__category")
        totals.mark(set(groups.distinct()))
