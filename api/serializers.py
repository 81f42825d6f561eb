"""The API's serializers. Personal data and stream addresses go out as registry/personal_data.py says."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from inspections.models import ComplianceFlag, Inspection, SweepRun, WarningLetter
from registry import personal_data
from registry.models import Camera, CameraStandard, Premises, ProtocolRoad, ResponsiblePerson

# --- serializers ------------------------------------------------------------------------------


class ProtocolRoadSerializer(serializers.ModelSerializer):
    kecamatan = serializers.StringRelatedField()

    class Meta:
        model = ProtocolRoad
        fields = ["id", "name", "kecamatan", "geometry", "active"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponsiblePerson
        fields = ["id", "name", "role", "phone", "email", "nik"]
        extra_kwargs = {
            "nik": {"help_text": _("Masked unless the client may see personal data.")},
            "phone": {"help_text": _("Masked unless the client may see owners' contact data.")},
            "email": {"help_text": _("Masked unless the client may see owners' contact data.")},
        }

    def to_representation(self, person):
        data = super().to_representation(person)
        user = self.context["request"].user
        for field in personal_data.rules_for(ResponsiblePerson):
            data[field] = personal_data.shown(user, ResponsiblePerson, field, data[field])
        return data


class PremisesSerializer(serializers.ModelSerializer):
    road = serializers.StringRelatedField()
    kelurahan = serializers.CharField(source="kelurahan.name")
    kecamatan = serializers.CharField(source="kelurahan.kecamatan.name")
    responsible_persons = PersonSerializer(many=True)

    class Meta:
        model = Premises
        fields = [
            "id",
            "name",
            "category",
            "ownership",
            "road",
            "address",
            "kelurahan",
            "kecamatan",
            "latitude",
            "longitude",
            "nib",
            "designated_on",
            "source",
            "verification_status",
            "rejection_reason",
            "next_inspection_due",
            "in_breach",
            "responsible_persons",
            "created_at",
            "updated_at",
        ]


class CameraSerializer(serializers.ModelSerializer):
    onvif_profiles = serializers.SerializerMethodField()
    rtsp_url = serializers.SerializerMethodField(help_text=_("Only for clients that may see stream addresses."))
    meets_standard = serializers.SerializerMethodField()
    identification_distance_m = serializers.SerializerMethodField()
    onvif_address = serializers.SerializerMethodField(help_text=_("Only for clients that may see stream addresses."))
    uptime_30d = serializers.SerializerMethodField(
        help_text=_("Share of the last 30 days' probes that found the feed answering; null before any probe.")
    )
    viewer_account_granted = serializers.BooleanField(
        read_only=True,
        help_text=_("Whether the owner granted the city a viewer account; the account itself is never given out."),
    )

    class Meta:
        model = Camera
        fields = [
            "id",
            "premises",
            "label",
            "brand",
            "model",
            *Camera.spec_fields_with_onvif_list(),
            "onvif_address",
            "installed_on",
            "status",
            "declared_specs",
            "meets_standard",
            "identification_distance_m",
            "feed_status",
            "feed_checked_at",
            "feed_last_seen_at",
            "uptime_30d",
            "viewer_account_granted",
            "measured_px_per_m",
            "measured_on",
            "updated_at",
        ]

    def get_uptime_30d(self, camera) -> float | None:
        probes, answered = getattr(camera, "probes_30d", None), getattr(camera, "answered_30d", None)
        return round(answered / probes, 4) if probes else None

    def _result(self, camera):
        standard = self.context.get("standard")
        return camera.check_against(standard) if standard else None

    def get_onvif_profiles(self, camera) -> list[str]:
        return sorted(camera.onvif_profiles)

    def get_rtsp_url(self, camera) -> str | None:
        # null rather than a mask: a client must never try to connect to a masked address.
        user = self.context["request"].user
        return camera.rtsp_url if personal_data.can_see(user, Camera, "rtsp_url") else None

    def get_onvif_address(self, camera) -> str | None:
        user = self.context["request"].user
        return camera.onvif_address if personal_data.can_see(user, Camera, "onvif_address") else None

    def get_meets_standard(self, camera) -> bool | None:
        result = self._result(camera)
        return None if result is None else result.meets_standard

    def get_identification_distance_m(self, camera) -> float | None:
        result = self._result(camera)
        return None if result is None else result.identification_distance_m


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = [
            "id",
            "premises",
            "kind",
            "planned_on",
            "performed_on",
            "result",
            "corrects",
            "summary",
            "recorded_at",
        ]


class FlagSerializer(serializers.ModelSerializer):
    standard_version = serializers.IntegerField(source="standard.version")
    last_confirmed_at = serializers.DateTimeField(
        read_only=True, help_text="When a sweep last found the flag true (derived from the sweep runs)."
    )

    class Meta:
        model = ComplianceFlag
        fields = [
            "id",
            "premises",
            "kind",
            "severity",
            "details",
            "standard_version",
            "status",
            "opened_at",
            "last_confirmed_at",
            "acknowledged_at",
            "resolved_at",
            "resolution_reason",
            "updated_at",
        ]


class WarningSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarningLetter
        fields = [
            "id",
            "premises",
            "step",
            "status",
            "issued_on",
            "due_on",
            "approved_at",
            "closed_on",
            "closed_reason",
            "updated_at",
        ]


class StandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = CameraStandard
        exclude = ["created_by"]


class SweepRunSerializer(serializers.ModelSerializer):
    standard_version = serializers.IntegerField(source="standard.version")

    class Meta:
        model = SweepRun
        fields = [
            "id",
            "as_of",
            "standard_version",
            "status",
            "trigger",
            "started_at",
            "finished_at",
            "premises_evaluated",
            "premises_obligated",
            "premises_compliant",
            "flags_opened",
            "flags_confirmed",
            "flags_resolved",
            "errors",
        ]
