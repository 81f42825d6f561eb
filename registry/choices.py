"""The registry's vocabularies (imported into registry.models, where the rest of the code finds them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PremisesCategory(models.TextChoices):
    RUKO = "ruko", _("Shophouse (ruko)")
    MINIMARKET = "minimarket", _("Minimarket")
    OFFICE = "office", _("Office")
    PLAZA = "plaza", _("Plaza / mall")
    BANK = "bank", _("Bank")
    TELECOM = "telecom", _("Telecom office")
    POST_OFFICE = "post_office", _("Post office")
    GOVERNMENT_OFFICE = "government_office", _("Government office")
    HOTEL = "hotel", _("Hotel")
    OTHER = "other", _("Other")


class Ownership(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    PRIVATE = "private", _("Private")


class EntrySource(models.TextChoices):
    OFFICER = "officer", _("Entered by an officer")
    SELF_REGISTRATION = "self_registration", _("Self-registration by the owner")
    IMPORT = "import", _("Import")


class Verification(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class OnvifProfile(models.TextChoices):
    S = "S", _("Profile S (streaming, PTZ)")
    T = "T", _("Profile T (H.265, events)")
    G = "G", _("Profile G (recording)")
    M = "M", _("Profile M (analytics)")


class CameraType(models.TextChoices):
    FIXED = "fixed", _("Fixed (bullet)")
    DOME = "dome", _("Dome")
    PTZ = "ptz", _("PTZ (pan-tilt-zoom)")
    FISHEYE = "fisheye", _("Fisheye / 360°")


class CameraStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FAULTY = "faulty", _("Faulty")
    REMOVED = "removed", _("Removed")


class FeedStatus(models.TextChoices):
    """What the last probe of a camera's stream found (feeds/probe.py)."""

    ONLINE = "online", _("Online")
    NEEDS_CREDENTIALS = "needs_credentials", _("Answers, needs the city's credentials")
    OFFLINE = "offline", _("Offline")
    NEVER = "never", _("Never checked")
