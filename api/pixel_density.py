"""Pixel density from a picture of the test card (inspections.pixel_density), for officers' tools."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections import measurements, pixel_density

from .guards import ScopedRateThrottle


class PixelDensityRequest(serializers.Serializer):
    image = serializers.FileField(help_text=_("A picture holding the city's test card (JPEG, PNG or WebP)."))
    marker_side_mm = serializers.FloatField(
        default=pixel_density.DEFAULT_MARKER_SIDE_MM,
        min_value=20,
        max_value=1000,
        help_text=_("Side of the printed marker in millimetres; 200 on the city's card."),
    )


class PixelDensityAnswer(serializers.Serializer):
    px_per_m = serializers.FloatField()
    marker_found = serializers.BooleanField()
    meets_identify = serializers.BooleanField()
    threshold_px_per_m = serializers.FloatField()
    perspective = serializers.FloatField(help_text=_("Longest side of the marker over its shortest: 1 face-on."))


class MayMeasure(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm("inspections.add_pixeldensitymeasurement")


class PixelDensityView(APIView):
    """Measure pixels per metre at the test card; nothing is stored (the inspection page stores)."""

    permission_classes = [MayMeasure]
    parser_classes = [MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "spec_check"

    @extend_schema(
        operation_id="pixel_density",
        summary="Pixel density at the test card",
        description=(
            "Officers. Send a picture (multipart `image`) holding the city's test card (an ArUco marker of "
            "DICT_4X4_50); the answer is the pixels per metre at the card, and whether it meets the face "
            "identification level of the standard in force (IEC 62676-4). No marker, or several: 422 with "
            "a message in the request's language. Not a picture, or too large: 400."
        ),
        request={"multipart/form-data": PixelDensityRequest},
        responses={200: PixelDensityAnswer},
    )
    def post(self, request):
        incoming = PixelDensityRequest(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            image = pixel_density.read_image(incoming.validated_data["image"].read())
            found = pixel_density.measure(image, incoming.validated_data["marker_side_mm"])
        except (pixel_density.NoMarker, pixel_density.SeveralMarkers) as error:
            return Response(
                {"marker_found": False, "detail": str(error), "code": error.code},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except pixel_density.MeasurementError as error:
            raise serializers.ValidationError({"image": [str(error)]}) from None
        threshold = measurements.identify_threshold(timezone.localdate())
        return Response(
            {
                "px_per_m": found.px_per_m,
                "marker_found": True,
                "meets_identify": found.meets(threshold),
                "threshold_px_per_m": threshold,
                "perspective": round(found.perspective, 3),
            }
        )
