"""The registry's REST API (`/api/v1/`) for the city command centre and other systems.

Reads for officers, auditors and API tokens, with the same FilterSet as the dashboard; the only
write is acknowledging a flag, through the same service as the pages. Personal data (NIK, phone,
e-mail) and stream addresses leave in full only to a client whose user holds the permission to
see them (registry/personal_data.py).
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import decorators, permissions, response, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from inspections import recording
from inspections.filters import PremisesFilter
from inspections.models import ComplianceFlag, Inspection, SweepRun, WarningLetter
from registry import personal_data
from registry.models import (
    ApiToken,
    Camera,
    CameraStandard,
    FeedProbe,
    Premises,
    ProtocolRoad,
    ResponsiblePerson,
    ViewerAccount,
)

from . import geojson
from .auth import ModelPermissions
from .serializers import (
    CameraSerializer,
    FlagSerializer,
    InspectionSerializer,
    PremisesSerializer,
    ProtocolRoadSerializer,
    StandardSerializer,
    SweepRunSerializer,
    WarningSerializer,
)

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description=_("Only records changed at or after this time (ISO 8601).")
)


class UpdatedSinceMixin:
    updated_field = None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        raw = self.request.query_params.get("updated_since")
        if raw and self.updated_field:
            moment = parse_datetime(raw) if "T" in raw or " " in raw else None
            if moment is None:
                try:
                    moment = datetime.datetime.combine(datetime.date.fromisoformat(raw), datetime.time.min)
                except ValueError:
                    raise ValidationError({"updated_since": [_("Enter a date or time in ISO 8601.")]}) from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            # Any offset Python accepts (up to ±24 h) goes to the database as UTC: PostgreSQL
            # refuses offsets past ±15:59 (found by the schemathesis test).
            try:
                moment = moment.astimezone(datetime.UTC)
            except (OverflowError, ValueError):
                raise ValidationError({"updated_since": [_("Enter a date or time in ISO 8601.")]}) from None
            queryset = queryset.filter(**{f"{self.updated_field}__gte": moment})
        return queryset


class ReadOnly(UpdatedSinceMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ModelPermissions]
    filter_backends = [OrderingFilter]
    ordering = ["pk"]

    def shown(self, rows):
        """{model: objects} of what a page of `rows` shows that the access log may need to record."""
        return {}

    def _log_shown(self, rows):
        # As on the pages and in the admin: a client shown personal data or stream addresses in full
        # is recorded (registry/personal_data.py); a masked value is not a view.
        if self.action in ("list", "retrieve") and rows:
            personal_data.log_unmasked_views(self.request, self.shown(rows), f"api {self.basename}")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._log_shown(page)
        return page

    def get_object(self):
        obj = super().get_object()
        self._log_shown([obj])
        return obj


# --- viewsets -------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class ProtocolRoadViewSet(ReadOnly):
    """Bontang's protocol roads, with their line geometry."""

    queryset = ProtocolRoad.objects.select_related("kecamatan")
    serializer_class = ProtocolRoadSerializer
    ordering_fields = ["id", "name"]


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class PremisesViewSet(ReadOnly):
    """Premises on the protocol roads; filters as on the officers' dashboard."""

    queryset = Premises.objects.select_related("road", "kelurahan__kecamatan").prefetch_related("responsible_persons")
    serializer_class = PremisesSerializer
    updated_field = "updated_at"

    def shown(self, rows):
        return {ResponsiblePerson: [person for premises in rows for person in premises.responsible_persons.all()]}

    filterset_class = PremisesFilter
    filter_backends = [DjangoFilterBackend]  # ordering through the FilterSet, as on the dashboard

    @extend_schema(
        summary="Premises as GeoJSON",
        description=(
            "A FeatureCollection of points (longitude, latitude) for maps, with the same filters. With "
            "`bbox` and `zoom`: that view, clustered (a cluster has `cluster: true` and `point_count`). "
            "Without: every premises, 500 per page (`next`)."
        ),
        responses={200: OpenApiTypes.OBJECT},
        parameters=[UPDATED_SINCE, *geojson.PARAMETERS],
    )
    @decorators.action(detail=False, url_path="geojson", pagination_class=geojson.FeaturePages)
    def geojson(self, request):
        rows = self.filter_queryset(self.get_queryset()).select_related(None).prefetch_related(None)
        if "bbox" in request.query_params or "zoom" in request.query_params:
            return response.Response(geojson.clustered(rows, request.query_params))
        page = self.paginate_queryset(rows.only(*geojson.FIELDS))
        return self.get_paginated_response({"features": [geojson.feature(p) for p in page]})


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class CameraViewSet(ReadOnly):
    """Registered cameras with their verdict against the standard in force."""

    queryset = Camera.objects.all()
    serializer_class = CameraSerializer
    updated_field = "updated_at"
    ordering_fields = ["id", "premises", "updated_at"]

    def get_queryset(self):
        """With each camera's probes of the last 30 days counted and whether a viewer account is granted
        (subqueries: only for the page's rows)."""
        return (
            super()
            .get_queryset()
            .annotate(
                **FeedProbe.objects.uptime_counts(timezone.now()),
                viewer_account_granted=Exists(ViewerAccount.objects.filter(camera=OuterRef("pk"))),
            )
        )

    def shown(self, rows):
        return {Camera: rows}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "standard": CameraStandard.objects.in_force(timezone.localdate())}


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class InspectionViewSet(ReadOnly):
    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    updated_field = "recorded_at"
    ordering_fields = ["id", "performed_on"]


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class FlagViewSet(ReadOnly):
    """Compliance flags; officers acknowledge one with POST …/acknowledge/."""

    queryset = ComplianceFlag.objects.select_related("standard").with_last_confirmed()
    serializer_class = FlagSerializer
    updated_field = "updated_at"
    ordering_fields = ["id", "opened_at"]

    @extend_schema(request=None, responses={200: FlagSerializer})
    @decorators.action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        flag = self.get_object()
        recording.acknowledge_flag(flag, actor=request.user)
        flag.refresh_from_db()
        return response.Response(FlagSerializer(flag, context=self.get_serializer_context()).data)

    def get_permissions(self):
        if self.action == "acknowledge":
            return [_CanChangeFlags()]
        return super().get_permissions()


class _CanChangeFlags(permissions.BasePermission):
    """Acknowledging changes a flag: officers, never a read-only token."""

    def has_permission(self, request, view):
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            return False
        return request.user.is_authenticated and request.user.has_perm("inspections.change_complianceflag")


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class WarningViewSet(ReadOnly):
    queryset = WarningLetter.objects.all()
    serializer_class = WarningSerializer
    updated_field = "updated_at"
    ordering_fields = ["id", "issued_on"]


class StandardViewSet(ReadOnly):
    """Versions of the camera standard, each with its effective date."""

    queryset = CameraStandard.objects.all()
    serializer_class = StandardSerializer
    ordering_fields = ["id", "effective_from"]


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class SweepRunViewSet(ReadOnly):
    queryset = SweepRun.objects.select_related("standard")
    serializer_class = SweepRunSerializer
    updated_field = "started_at"
    ordering_fields = ["id", "started_at"]
