"""One rule for a CSV cell and a CSV line, shared by every CSV the app writes (exports, the
dashboard's list). PostgreSQL's COPY writes the same bytes for the exports (exports/streaming.py;
tests/exports/test_parity.py compares both): hence the float, JSON and line rules below."""

import csv
import datetime
import json

from django.utils import timezone

# A text cell starting with one of these would be run by a spreadsheet (formula injection): prefixed with '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SPREADSHEET_TIME = "%Y-%m-%d %H:%M:%S"


def spreadsheet_phone(phone):
    """An Indonesian number as people in Bontang write it, which a spreadsheet keeps as text:
    +6281234567890 → 0812-3456-7890, +6254821234 → 0548-21234; a masked one (+62•••••••7890) →
    0•••••••7890. A leading + would be read as a formula (or a number, losing the +)."""
    if not phone.startswith("+62"):
        return phone
    national = "0" + phone[3:]
    if not (national.isascii() and national.isdigit()):
        return national
    rest = national[4:]
    if len(rest) >= 7:
        rest = rest[:4] + "-" + rest[4:]
    return national[:4] + "-" + rest if rest else national


def jsonb_order(value):
    """The key order of PostgreSQL's jsonb text (shorter keys first, then by bytes), all the way down."""
    if isinstance(value, dict):
        return {
            k: jsonb_order(v) for k, v in sorted(value.items(), key=lambda kv: (len(kv[0].encode()), kv[0].encode()))
        }
    if isinstance(value, list):
        return [jsonb_order(v) for v in value]
    return value


def cell(value):
    """One CSV cell: ISO dates, times as "YYYY-MM-DD HH:MM:SS" in WITA (the form LibreOffice Calc
    and Excel read as a date and time; the files' guide names the zone), JSON for structures, text
    that looks like a formula neutralised. Empty text and None are both an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime(SPREADSHEET_TIME)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)  # the shortest exact form, as PostgreSQL writes a double; 25.0 is 25
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, (dict, list)):
        return json.dumps(jsonb_order(value), ensure_ascii=False)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


class EchoWriter:
    """A file for csv.writer that hands each formatted line back, for streaming."""

    def write(self, value):
        return value


class LineWriter:
    """csv.writer's quoting (a field with a quote, comma, CR or LF is quoted, as COPY does), and
    lines that end in LF as COPY's do (csv.writer ends them in CR LF)."""

    def __init__(self):
        self._writer = csv.writer(EchoWriter())

    def writerow(self, row):
        return self._writer.writerow(row)[:-2] + "\n"
