"""The public spec check: does this camera meet the city standard?"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.models import CameraStandard

from .guards import ScopedRateThrottle
from .spec_check_serializers import SpecCheckRequestSerializer, SpecCheckResponseSerializer


class SpecCheckView(APIView):
    """Does this camera meet the city standard? Public: the owner form asks it as the owner types."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "spec_check"

    @extend_schema(
        operation_id="spec_check",
        summary="Check a camera's specs against the camera standard",
        description=(
            "Public, no authentication. Returns the face identification distance (IEC 62676-4, at the tele "
            "end), whether the camera meets the standard in force, and every finding with the rule, the "
            "setting, the required and the actual value and a message in the request's language "
            "(Accept-Language: id or en)."
        ),
        request=SpecCheckRequestSerializer,
        responses={200: SpecCheckResponseSerializer},
        examples=[
            OpenApiExample(
                "Fixed 1080p dome",
                request_only=True,
                value={
                    "camera_type": "dome",
                    "pan_range_deg": 0,
                    "hfov_wide_deg": 90,
                    "resolution_h_px": 1920,
                    "resolution_v_px": 1080,
                    "night_vision": True,
                    "retention_days": 30,
                    "onvif_profiles": ["S"],
                    "rtsp_url": "rtsp://192.168.1.10:554/stream1",
                    "faces_road": True,
                },
            )
        ],
    )
    def post(self, request):
        incoming = SpecCheckRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        as_of = incoming.validated_data.get("as_of") or timezone.localdate()
        standard = CameraStandard.objects.in_force(as_of)
        if standard is None:
            raise serializers.ValidationError({"as_of": [_("No camera standard was in force on that date.")]})
        camera = incoming.build_camera(incoming.validated_data)
        result = camera.check_against(standard)
        return Response(SpecCheckResponseSerializer.from_result(result, standard), status=status.HTTP_200_OK)
