"""The fixed vocabularies of inspections, findings and the warning ladder (stored as these codes).

Kept apart from models.py so that the pure rules (rules.py) can use them without the models;
the flag kinds are not here: they derive from the rule table in rules.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionResult(models.TextChoices):
    PASS = "pass", _("Pass")
    PARTIAL = "partial", _("Partial")
    FAIL = "fail", _("Fail")


class InspectionCheck(models.TextChoices):
    # Per camera
    PRESENT_WORKING = "present_working", _("Present and working")
    FACES_ROAD = "faces_road", _("Faces the public road")
    PAN_VERIFIED = "pan_verified", _("Pan range verified")
    FACE_TEST = "face_test", _("Face test passed at the required distance")
    NIGHT_USABLE = "night_usable", _("Night picture usable")
    RETENTION_VERIFIED = "retention_verified", _("Recording retention verified")
    STREAM_REACHABLE = "stream_reachable", _("Stream reachable (ONVIF/RTSP)")
    # Per premises
    SIGNAGE = "signage", _("Signage that CCTV operates is present")
    NO_PRIVATE_AREAS = "no_private_areas", _("No camera covers private areas")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_CHECKED = "not_checked", _("Not checked")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class WarningStep(models.TextChoices):
    SP1 = "sp1", _("First written warning (SP1)")
    SP2 = "sp2", _("Second written warning (SP2)")
    SP3 = "sp3", _("Third written warning (SP3)")
    FREEZE = "freeze", _("Building permit freeze recommended")
    REVOCATION = "revocation", _("Building permit revocation recommended")


class WarningStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a supervisor's approval")
    ACTIVE = "active", _("In force")
    ESCALATED = "escalated", _("Escalated to the next step")
    CLOSED = "closed", _("Closed: the premises complies")
