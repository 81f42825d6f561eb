"""Premises on a map at any size: what one view of the map shows, clustered in SQL.

The browser sends the box it shows and its zoom; the database groups the premises inside into a
grid of about `CELL_PX` screen pixels (GROUP BY the cell) and returns one row per cell: how many,
where their middle is, their extent, and how many are compliant, not compliant and owe nothing yet
(inspections.filters.compliance_q, the dashboard's one definition). A cell holding one premises
comes back as that premises. The grid never has more than `MAX_CELLS` cells, whatever box a client
asks for, so an answer stays small at 100,000 premises (bench/map.py, docs/benchmarks.md).

Bontang lies on the equator (0.02°–0.20° N), where Web Mercator stretches latitude by less than
0.001 %, so one square grid in degrees is square on the screen.
"""

import dataclasses
import math

from django.db.models import Avg, Case, CharField, Count, ExpressionWrapper, F, FloatField, Max, Min, Value, When
from django.db.models.functions import Floor
from django.utils.translation import gettext as _

from registry.validators import BONTANG_LAT_MAX, BONTANG_LAT_MIN, BONTANG_LON_MAX, BONTANG_LON_MIN

from .filters import COMPLIANCE_CHOICES, FEED_CHOICES, compliance_q, feed_q

CELL_PX = 64  # one cluster per 64 × 64 screen pixels
MAX_CELLS = 512  # the grid is coarsened until the box holds at most this many cells
MIN_ZOOM, MAX_ZOOM = 0, 19  # OpenStreetMap's zoom levels
CITY = (BONTANG_LON_MIN, BONTANG_LAT_MIN, BONTANG_LON_MAX, BONTANG_LAT_MAX)
CITY_ZOOM = 13


class BadView(ValueError):
    """The box or zoom a client sent cannot be read; the message is for the user."""


@dataclasses.dataclass(frozen=True)
class View:
    """The part of the map on the screen: west, south, east, north in degrees, and the zoom."""

    west: float
    south: float
    east: float
    north: float
    zoom: int

    @classmethod
    def from_params(cls, bbox, zoom):
        """`bbox` "west,south,east,north" (as Leaflet's toBBoxString and GeoJSON write it) and an
        integer zoom; both optional (the whole city at zoom 13). Raises BadView."""
        try:
            z = CITY_ZOOM if zoom in (None, "") else int(zoom)
        except ValueError:
            raise BadView(_("The zoom must be a whole number from %(min)s to %(max)s.") % _zoom_range()) from None
        if not MIN_ZOOM <= z <= MAX_ZOOM:
            raise BadView(_("The zoom must be a whole number from %(min)s to %(max)s.") % _zoom_range())
        if bbox in (None, ""):
            return cls(*CITY, z)
        try:
            west, south, east, north = (float(part) for part in bbox.split(","))
        except ValueError:
            raise BadView(_("The box must be four numbers: west,south,east,north (in degrees).")) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)) or west > east or south > north:
            raise BadView(_("The box must be four numbers: west,south,east,north (in degrees)."))
        return cls(west, south, east, north, z)

    def clipped(self):
        """The box within Bontang's bounds, where every premises lies (registry.validators)."""
        return (
            max(self.west, CITY[0]),
            max(self.south, CITY[1]),
            min(self.east, CITY[2]),
            min(self.north, CITY[3]),
        )

    def cell_degrees(self):
        """The grid's cell: CELL_PX pixels at this zoom (a 256-pixel tile spans 360°/2^zoom), doubled
        until the box holds at most MAX_CELLS cells."""
        cell = 360 / 2**self.zoom * CELL_PX / 256
        west, south, east, north = self.clipped()
        while math.ceil((east - west) / cell + 1) * math.ceil((north - south) / cell + 1) > MAX_CELLS:
            cell *= 2
        return cell


def _zoom_range():
    return {"min": MIN_ZOOM, "max": MAX_ZOOM}


# What the map can colour by: each status and the condition that puts a premises in it. The
# statuses of one colouring split the registry, so a cluster's counts add up to its size.
COLOURINGS = {
    "compliance": (COMPLIANCE_CHOICES, compliance_q),
    "feed": (FEED_CHOICES, lambda value, today: feed_q(value)),
}


def cluster(premises, view, today, colouring="compliance"):
    """The premises of `premises` (a queryset, already filtered) inside `view`, as
    {"clusters": [...], "markers": [...], "cell": degrees}: three queries at most, whatever the size.

    A cluster: position (the mean of its premises), extent, count and count per status of the
    colouring (COLOURINGS: compliance, or the feed). A marker: one premises, its id, name,
    position and status.
    """
    choices, condition = COLOURINGS[colouring]
    west, south, east, north = view.clipped()
    if west > east or south > north:
        return {"clusters": [], "markers": [], "cell": None}
    cell = view.cell_degrees()
    inside = premises.filter(latitude__range=(south, north), longitude__range=(west, east))
    per_status = {str(value): Count("pk", filter=condition(value, today)) for value, _label in choices}
    cells = (
        inside.order_by()
        .annotate(
            cell_x=Floor(ExpressionWrapper(F("longitude") / Value(cell), output_field=FloatField())),
            cell_y=Floor(ExpressionWrapper(F("latitude") / Value(cell), output_field=FloatField())),
        )
        .values("cell_x", "cell_y")
        .annotate(
            n=Count("pk"),
            first=Min("pk"),
            lat=Avg("latitude", output_field=FloatField()),
            lon=Avg("longitude", output_field=FloatField()),
            south=Min("latitude"),
            north=Max("latitude"),
            west=Min("longitude"),
            east=Max("longitude"),
            **per_status,
        )
    )
    clusters, single = [], []
    for row in cells:
        if row["n"] == 1:
            single.append(row["first"])
            continue
        clusters.append(
            {
                "lat": round(row["lat"], 6),
                "lon": round(row["lon"], 6),
                "count": row["n"],
                "bounds": [
                    [float(row["south"]), float(row["west"])],
                    [float(row["north"]), float(row["east"])],
                ],
                **{str(value): row[str(value)] for value, _label in choices},
            }
        )
    markers = []
    if single:
        status = Case(
            *(When(condition(value, today), then=Value(str(value))) for value, _label in choices),
            output_field=CharField(),
        )
        rows = premises.model.objects.filter(pk__in=single).order_by("pk").annotate(status=status)
        markers = [
            {
                "id": p["pk"],
                "name": p["name"],
                "lat": float(p["latitude"]),
                "lon": float(p["longitude"]),
                "status": p["status"],
            }
            for p in rows.values("pk", "name", "latitude", "longitude", "status")
        ]
    return {"clusters": clusters, "markers": markers, "cell": cell}


def status_labels(colouring="compliance"):
    """Each status's label of a colouring, in the request's language, for a map's legend and popups."""
    return {str(value): str(label) for value, label in COLOURINGS[colouring][0]}
