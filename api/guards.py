"""What stands between the API and a hostile client: a strict JSON parser and throttles that
count the client's real address (registry.client_ip), never a header the client wrote."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import parsers, throttling, views
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

from registry.client_ip import client_ip

MAX_JSON_DEPTH = 32  # a camera's specs are one flat object; nothing legitimate nests deeper


def _reject_constant(name):
    raise ValueError(name)  # NaN, Infinity, -Infinity are not JSON


def _finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _check_parsed(data):
    """Depth, lone surrogates and NUL bytes, walked with a stack (no recursion to exhaust)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ParseError(_("Invalid JSON: nested too deeply (more than %(n)s levels).") % {"n": MAX_JSON_DEPTH})
        if isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise ParseError(_("Invalid JSON: a text contains a NUL character."))
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError(_("Invalid JSON: a text contains an unpaired surrogate (\\ud800–\\udfff).")) from None


class StrictJSONParser(parsers.JSONParser):
    """JSON that cannot hurt the server: no NaN or infinities, no numbers past
    Python's digit limit, bounded nesting, valid Unicode. Every refusal is a 400 in the user's
    language that does not echo the input."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""  # DRF read request.body: its size is checked
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        except RecursionError:
            raise ParseError(
                _("Invalid JSON: nested too deeply (more than %(n)s levels).") % {"n": MAX_JSON_DEPTH}
            ) from None
        except ValueError:  # includes UnicodeDecodeError, JSONDecodeError and too many digits
            raise ParseError(_("Invalid JSON: the body is not well-formed JSON in UTF-8.")) from None
        _check_parsed(data)
        return data


def exception_handler(exc, context):
    """DRF's handler, plus a body over DATA_UPLOAD_MAX_MEMORY_SIZE as a JSON 400 (Django raises it
    while DRF reads the body, outside DRF's own exceptions)."""
    if isinstance(exc, RequestDataTooBig):
        exc = ParseError(
            _("The request body is larger than %(mb)s MB.") % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20}
        )
    return views.exception_handler(exc, context)


class _ClientAddress:
    """Count per client address as the app sees it (one function, configured per deployment), and
    read the rates at request time so that a changed setting applies at once."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    @property
    def THROTTLE_RATES(self):  # noqa: N802 (DRF's attribute name)
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonRateThrottle(_ClientAddress, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ClientAddress, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_ClientAddress, throttling.ScopedRateThrottle):
    pass
