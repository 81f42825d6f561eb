"""One rule for a CSV cell, shared by every CSV the app writes (exports, the dashboard's list)."""

import datetime
import json

from django.utils import timezone

# A cell starting with one of these would be run by a spreadsheet (formula injection): prefixed with '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """One CSV cell: ISO dates with time zone, JSON for structures, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class EchoWriter:
    """A file for csv.writer that hands each formatted line back, for streaming."""

    def write(self, value):
        return value
