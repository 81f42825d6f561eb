"""A spreadsheet's first sheet as a header and rows (python-calamine), or a refusal of the whole file
with a message for the officer, in their language.

Refused before reading: a file that is no spreadsheet (the bytes are looked at, not the name), a
password-protected workbook, a file with more rows than settings.IMPORT_MAX_ROWS (counted from the
file's own dimension or lines, before any cell is parsed), and formulas in cells (their results are
not in a file saved by another program: the officer pastes values instead). Refused after: an
empty sheet, and a header spread over merged rows.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and also an encrypted (password-protected) .xlsx
ZIP = b"PK\x03\x04"


class Refused(ValueError):
    """The whole file is refused; the message says why and what to do."""


@dataclass
class Table:
    kind: str  # xlsx, xls, ods, csv
    header: list
    rows: list  # lists of cell values, the file's row number of the first being header_row + 1
    header_row: int  # 1-based, as the spreadsheet shows it


def _limit_error(count):
    return Refused(
        _("The file has %(n)s rows; at most %(max)s are taken at once. Split it into smaller files.")
        % {"n": f"{count:,}".replace(",", "."), "max": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")}
    )


def _kind(data):
    """xlsx, ods, xls or csv, from the bytes (never the name)."""
    if data.startswith(ZIP):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise Refused(_("The file is damaged: it cannot be opened as a spreadsheet.")) from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        raise Refused(_("This is not a spreadsheet: upload an XLSX, XLS, ODS or CSV file."))
    if data.startswith(OLE2):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise _password()
        return "xls"
    if b"\x00" in data[:4096] or data[:5] == b"%PDF-":
        raise Refused(_("This is not a spreadsheet: upload an XLSX, XLS, ODS or CSV file."))
    return "csv"


def _password():
    return Refused(_("The workbook is protected with a password: save it without the password and upload it again."))


def _xlsx_checks(data):
    """The declared size of the first sheet and any formula, read from the XML before parsing."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not sheets:
        return
    with archive.open(sheets[0]) as sheet:
        head = sheet.read(4096).decode("utf-8", "replace")
    dimension = re.search(r'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', head)
    if dimension and dimension.group(1) and int(dimension.group(1)) > settings.IMPORT_MAX_ROWS + 1:
        raise _limit_error(int(dimension.group(1)) - 1)
    with archive.open(sheets[0]) as sheet:
        for chunk in iter(lambda: sheet.read(1 << 20), b""):
            formula = re.search(rb'<c r="([A-Z]+\d+)"[^>]*>\s*<f[ >/]', chunk)
            if formula:
                raise Refused(
                    _(
                        "Cell %(cell)s holds a formula. Copy the sheet and paste it as values only, then upload "
                        "it again."
                    )
                    % {"cell": formula.group(1).decode()}
                )


def _csv_rows(data):
    lines = data.count(b"\n")
    if lines > settings.IMPORT_MAX_ROWS + 1:
        raise _limit_error(lines - 1)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _workbook_rows(data):
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    except python_calamine.PasswordError:
        raise _password() from None
    except (python_calamine.CalamineError, ValueError, IndexError):
        raise Refused(_("The file is damaged: it cannot be opened as a spreadsheet.")) from None
    if sheet.total_height > settings.IMPORT_MAX_ROWS + 1:
        raise _limit_error(sheet.total_height - 1)
    try:
        return sheet.to_python(skip_empty_area=True), sheet.merged_cell_ranges or []
    except (python_calamine.CalamineError, ValueError, IndexError):
        raise Refused(_("The file is damaged: it cannot be opened as a spreadsheet.")) from None


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(data, known_headers):
    """The first sheet: its header row is the first row naming at least two of `known_headers`."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise Refused(_("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    kind = _kind(data)
    merged = []
    if kind == "xlsx":
        _xlsx_checks(data)
    if kind == "csv":
        rows = _csv_rows(data)
    else:
        rows, merged = _workbook_rows(data)
    rows = [list(row) for row in rows]
    if not any(not _blank(cell) for row in rows for cell in row):
        raise Refused(_("The first sheet is empty."))
    known = {h.strip().lower() for h in known_headers}
    for index, row in enumerate(rows[:20]):
        named = [str(cell).strip().lower() for cell in row if not _blank(cell)]
        if sum(1 for cell in named if cell in known) >= 2:
            header_row = index
            break
    else:
        raise Refused(
            _("No header row found: the first rows must name the columns, for example %(names)s.")
            % {"names": ", ".join(sorted(known_headers)[:5])}
        )
    header_merged = [r for r in merged if r[0][0] <= header_row < r[1][0] or r[0][0] < header_row <= r[1][0]]
    if header_merged:
        raise Refused(
            _(
                "The header is spread over merged rows (row %(row)s). Put every column name in one row, without "
                "merged cells, then upload again."
            )
            % {"row": header_row + 1}
        )
    header = [("" if _blank(cell) else str(cell).strip()) for cell in rows[header_row]]
    body = rows[header_row + 1 :]
    while body and all(_blank(cell) for cell in body[-1]):
        body.pop()
    if not body:
        raise Refused(_("The sheet has a header but no rows under it."))
    return Table(kind, header, body, header_row + 1)
