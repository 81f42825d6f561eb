"""Validators for Indonesian identifiers, Bontang coordinates and camera stream addresses.

Each raises django.core.exceptions.ValidationError with a message in the active language,
so that the admin, the owner form and the API all say the same thing.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# DOMAIN.md section 7: the city's extent (much of it sea).
BONTANG_LAT_MIN, BONTANG_LAT_MAX = 0.017, 0.200
BONTANG_LON_MIN, BONTANG_LON_MAX = 117.383, 117.633

NIB_RE = re.compile(r"^[0-9]{13}$")
NIK_RE = re.compile(r"^[0-9]{16}$")
# +62, then the national number without its leading 0: 7 to 12 digits (landline 0548…, mobile 08…).
PHONE_RE = re.compile(r"^\+62[1-9][0-9]{6,11}$")
RTSP_CREDENTIALS_RE = r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*@"


def validate_nib(value):
    if value and not NIB_RE.match(value):
        raise ValidationError(_("The NIB must be exactly 13 digits."), code="invalid_nib")


def validate_nik(value):
    if value and not NIK_RE.match(value):
        raise ValidationError(_("The NIK must be exactly 16 digits."), code="invalid_nik")


def mask_nik(nik):
    """6474••••••••0001: the region code and the last 4 digits, never the birth date."""
    if not nik:
        return ""
    return nik[:4] + "•" * (len(nik) - 8) + nik[-4:]


def normalise_phone(value):
    """Return the number as +62…, from `0812-3456-7890`, `+62 812…`, `62812…` or `(0548) 21234`."""
    raw = (value or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s().-]", "", raw)
    if digits.startswith("+62"):
        national = digits[3:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = None
    phone = f"+62{national}" if national is not None else raw
    if not PHONE_RE.match(phone):
        raise ValidationError(
            _("Enter an Indonesian phone number, for example 0812 3456 7890 or (0548) 21234."),
            code="invalid_phone",
        )
    return phone


def validate_latitude(value):
    if value is not None and not (BONTANG_LAT_MIN <= float(value) <= BONTANG_LAT_MAX):
        raise ValidationError(
            _("This latitude is outside Kota Bontang (%(min)s to %(max)s N)."),
            code="outside_bontang",
            params={"min": BONTANG_LAT_MIN, "max": BONTANG_LAT_MAX},
        )


def validate_longitude(value):
    if value is not None and not (BONTANG_LON_MIN <= float(value) <= BONTANG_LON_MAX):
        raise ValidationError(
            _("This longitude is outside Kota Bontang (%(min)s to %(max)s E)."),
            code="outside_bontang",
            params={"min": BONTANG_LON_MIN, "max": BONTANG_LON_MAX},
        )


def validate_line_geometry(value):
    """A road's line: a list of at least two [lat, lon] points inside Bontang."""
    if value in (None, ""):
        return
    message = _("Enter the road's line as a list of at least two [latitude, longitude] points inside Bontang.")
    if not isinstance(value, list) or len(value) < 2:
        raise ValidationError(message, code="invalid_geometry")
    for point in value:
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in point)
        ):
            raise ValidationError(message, code="invalid_geometry")
        try:
            validate_latitude(point[0])
            validate_longitude(point[1])
        except ValidationError:
            raise ValidationError(message, code="invalid_geometry") from None


def _check_address(value, schemes, credentials, invalid):
    """An address of one of `schemes`, with a host and a readable port, and no user:password@ in it;
    `credentials` and `invalid` are (message, code) of the two refusals."""
    if not value:
        return
    if re.match(RTSP_CREDENTIALS_RE, value):
        raise ValidationError(credentials[0], code=credentials[1])
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in schemes or not parts.hostname:
        raise ValidationError(invalid[0], code=invalid[1])


def validate_rtsp_url(value):
    """An RTSP address, stored without credentials (DOMAIN.md section 3)."""
    _check_address(
        value,
        ("rtsp", "rtsps"),
        (
            _(
                "Remove the user name and password from the stream address: the registry never "
                "stores camera passwords. Give them to the officer in person."
            ),
            "rtsp_credentials",
        ),
        (
            _("Enter a stream address that starts with rtsp://, for example rtsp://192.168.1.10:554/stream1."),
            "invalid_rtsp",
        ),
    )


def validate_onvif_address(value):
    """A camera's ONVIF device address (http://…/onvif/device_service), without credentials."""
    _check_address(
        value,
        ("http", "https"),
        (
            _(
                "Remove the user name and password from the ONVIF address: grant the city a viewer "
                "account in the fields below instead."
            ),
            "onvif_credentials",
        ),
        (
            _("Enter an ONVIF address that starts with http://, for example http://192.168.1.10/onvif/device_service."),
            "invalid_onvif",
        ),
    )
