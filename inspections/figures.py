"""The city's compliance figures, counted one way for every reader: the officers' overview
(dashboard/) and the public transparency page and its open data (transparency/) both call these, so
their numbers cannot differ. Plain numbers; each reader adds its own labels and links."""

import datetime

from django.db.models import Count, Q

from registry.choices import FeedStatus
from registry.feed_probes import HAS_FEED_ADDRESS
from registry.models import Camera, Premises, obligated_q

from .filters import compliance_q
from .models import SweepRun, SweepStatus


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


def compliance_by(field, today):
    """{value of `field`: (obligated, compliant)} for the groups with an obligated premises; `field`
    is a Premises field or lookup: road_id, category, kelurahan_id, kelurahan__kecamatan_id."""
    grouped = (
        Premises.objects.values_list(field)
        .annotate(n=Count("pk", filter=obligated_q(today)), ok=Count("pk", filter=compliance_q("compliant", today)))
        .order_by()
    )
    return {key: (n, ok) for key, n, ok in grouped if n}


def compliance_total(today):
    """(obligated, compliant) over the whole registry."""
    counts = Premises.objects.aggregate(
        n=Count("pk", filter=obligated_q(today)), ok=Count("pk", filter=compliance_q("compliant", today))
    )
    return counts["n"], counts["ok"]


def trend(today):
    """The last successful sweep of each of the past 12 months: compliant share of obligated premises."""
    since = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    runs = SweepRun.objects.filter(status=SweepStatus.SUCCEEDED, as_of__gte=since).order_by("as_of", "pk")
    by_month = {}
    for run in runs.only("as_of", "premises_obligated", "premises_compliant"):
        by_month[(run.as_of.year, run.as_of.month)] = run
    return [
        {
            "month": datetime.date(y, m, 1),
            "percent": percent(r.premises_compliant, r.premises_obligated),
            "compliant": r.premises_compliant,
            "obligated": r.premises_obligated,
        }
        for (y, m), r in sorted(by_month.items())
    ]


def probed_cameras():
    """Cameras in use with a stream or ONVIF address that the probes have checked at least once (the
    overview's feed line keeps their numbers per road and category: inspections.totals)."""
    return (
        Camera.objects.exclude(status=Camera.Status.REMOVED)
        .filter(HAS_FEED_ADDRESS)
        .exclude(feed_status=FeedStatus.NEVER)
    )


def feeds():
    """Of the cameras in use with a stream or ONVIF address that the probes have checked, how many answer."""
    counts = probed_cameras().aggregate(
        probed=Count("pk"), answering=Count("pk", filter=~Q(feed_status=FeedStatus.OFFLINE))
    )
    return {**counts, "percent": percent(counts["answering"], counts["probed"])}
