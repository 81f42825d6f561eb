from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.models import Camera, CameraStandard, OnvifProfile

# The ONVIF booleans travel as one list, `onvif_profiles`.
SPEC_FIELDS = [name for name in Camera.SPEC_FIELDS if name not in Camera.ONVIF_FIELDS]


class SpecCheckRequestSerializer(serializers.ModelSerializer):
    """A camera's specs, validated by the same model fields and rules as a stored camera."""

    onvif_profiles = serializers.ListField(
        child=serializers.ChoiceField(choices=OnvifProfile.choices),
        required=False,
        default=list,
        max_length=4,
        help_text=_('ONVIF profiles the camera supports, for example ["S", "T"].'),
    )
    as_of = serializers.DateField(
        required=False, help_text=_("Judge against the standard in force on this date (default: today, WITA).")
    )

    class Meta:
        model = Camera
        fields = [*Camera.spec_fields_with_onvif_list(), "as_of"]

    def validate(self, attrs):
        camera = self.build_camera(attrs)
        try:
            camera.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return attrs

    @staticmethod
    def build_camera(attrs):
        """An unsaved Camera carrying the specs, for the pure spec check."""
        camera = Camera(**{name: attrs.get(name) for name in SPEC_FIELDS if name in attrs})
        camera.onvif_profiles = set(attrs.get("onvif_profiles", []))
        return camera


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("The rule the camera fails, for example face_identification."))
    setting = serializers.CharField(help_text=_("The standard's setting it was judged against."))
    required = serializers.JSONField(help_text=_("The value the standard requires."))
    actual = serializers.JSONField(help_text=_("The camera's value."))
    message = serializers.CharField(help_text=_("What is wrong and what to do, in the request's language."))


class SpecCheckResponseSerializer(serializers.Serializer):
    standard_version = serializers.IntegerField(help_text=_("The version of the standard applied."))
    standard_effective_from = serializers.DateField(help_text=_("Date from which that version is in force."))
    identification_distance_m = serializers.FloatField(
        help_text=_("Farthest distance (m) at which the camera identifies a face at its tele end (IEC 62676-4).")
    )
    meets_standard = serializers.BooleanField(help_text=_("True when there are no findings."))
    findings = FindingSerializer(
        many=True, help_text=_("Every rule the camera fails; empty when it meets the standard.")
    )

    @staticmethod
    def from_result(result, standard: CameraStandard):
        return {
            "standard_version": result.standard_version,
            "standard_effective_from": standard.effective_from,
            "identification_distance_m": result.identification_distance_m,
            "meets_standard": result.meets_standard,
            "findings": [{**finding.as_dict(), "message": finding.message} for finding in result.findings],
        }
