"""Premises as GeoJSON for the command centre's maps, bounded at any size of the registry.

- `?bbox=west,south,east,north&zoom=z`: what that view of a map shows, clustered in SQL
  (inspections.clusters, as on the dashboard's map): a cluster is a Point feature with
  `cluster: true`, `point_count` and the count per compliance status; a lone premises is its own
  feature.
- Without a box: every premises, 500 features per page in id order (a cursor: `next` and
  `previous` are links, stable while the registry changes), for a client that copies the registry.

Both take the premises list's filters (`?compliance=`, `?road=`, `?updated_since=` …).
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import response
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from inspections import clusters

FIELDS = ("pk", "name", "latitude", "longitude", "category", "in_breach", "verification_status")

PARAMETERS = [
    OpenApiParameter(
        "bbox",
        OpenApiTypes.STR,
        description="west,south,east,north in degrees: cluster the premises in this box (with `zoom`).",
    ),
    OpenApiParameter("zoom", OpenApiTypes.INT, description="The map's zoom, 0–19 (with `bbox`; default 13)."),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The page (from `next` / `previous`)."),
]


class FeaturePages(CursorPagination):
    page_size = 500
    ordering = "pk"

    def get_paginated_response(self, data):
        return response.Response(
            {"type": "FeatureCollection", "next": self.get_next_link(), "previous": self.get_previous_link(), **data}
        )


def _point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def feature(p):
    return {
        "type": "Feature",
        "id": p.pk,
        "geometry": _point(float(p.longitude), float(p.latitude)),
        "properties": {
            "name": p.name,
            "category": p.category,
            "in_breach": p.in_breach,
            "verification_status": p.verification_status,
        },
    }


def clustered(queryset, params):
    """The FeatureCollection of one map view; ValidationError (400) for a box or zoom that cannot be read."""
    try:
        view = clusters.View.from_params(params.get("bbox"), params.get("zoom"))
    except clusters.BadView as error:
        raise ValidationError({"bbox": [str(error)]}) from None
    today = timezone.localdate()
    found = clusters.cluster(queryset, view, today)
    features = [
        {
            "type": "Feature",
            "geometry": _point(c["lon"], c["lat"]),
            "properties": {
                "cluster": True,
                "point_count": c["count"],
                "bbox": [c["bounds"][0][1], c["bounds"][0][0], c["bounds"][1][1], c["bounds"][1][0]],
                **{status: c[status] for status in clusters.status_labels()},
            },
        }
        for c in found["clusters"]
    ]
    singles = queryset.model.objects.filter(pk__in=[m["id"] for m in found["markers"]]).only(*FIELDS).order_by("pk")
    features += [feature(p) for p in singles]
    return {"type": "FeatureCollection", "features": features}
