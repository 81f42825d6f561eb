"""A file as a stream of CSV bytes: PostgreSQL's COPY formats the rows where it can (the same
columns and masks as the catalogue), Python's csv writer elsewhere."""

import io
import queue
import threading

from django.db import connection

from registry import personal_data
from registry.csv_cells import FORMULA_START, LineWriter

from .catalogue import Export, final_field


def csv_chunks(export, filters, user):
    """The file as (UTF-8 bytes, rows in them): PostgreSQL's COPY does the work where it can, Python elsewhere."""
    yield ("\ufeff" + LineWriter().writerow(export.header())).encode(), 0
    if connection.vendor == "postgresql" and isinstance(export, Export):
        yield from copy_chunks(export, filters, user)
    else:
        yield from python_chunks(export, filters, user)


def python_chunks(export, filters, user):
    """The rows by Python: `cell()` for each value, csv quoting, LF line ends (as COPY's)."""
    writer = LineWriter()
    for row in export.rows(filters, user):
        yield writer.writerow(row).encode(), 1


# ---------------------------------------------------------------------------
# PostgreSQL: the same columns formatted by SQL and streamed with COPY, in key ranges

COPY_CHUNK = 50_000
ZONE = "Asia/Makassar"
# A text cell starting with one of these is prefixed with ' (formula injection), as in `cell()`.
SQL_FORMULA_START = "(" + ", ".join(f"chr({ord(c)})" for c in FORMULA_START) + ")"


# The masks of registry/personal_data.py in SQL, for COPY (the parity test compares both on PostgreSQL).
SQL_MASKS = {
    "nik": "CASE WHEN {t} = '' THEN '' ELSE left({t}, 4) || repeat('•', length({t}) - 8) || right({t}, 4) END",
    "phone": "CASE WHEN {t} = '' THEN '' ELSE left({t}, 3) || repeat('•', greatest(length({t}) - 7, 1)) || right({t}, 4) END",
    "email": (
        "CASE WHEN {t} = '' THEN '' WHEN position('@' in {t}) = 0 THEN '•••' "
        "ELSE left({t}, 1) || '•••' || substr({t}, position('@' in {t})) END"
    ),
    "rtsp_url": "CASE WHEN {t} = '' THEN '' ELSE '•••' END",
}


# registry.csv_cells.spreadsheet_phone in SQL: +62 → 0, then 4 digits, a dash, the rest (split
# after 4 more when 7 or longer); a masked number only loses its +62.
SQL_PHONE = (
    "CASE WHEN left({t}, 3) <> '+62' THEN {t} "
    "WHEN substr({t}, 4) !~ '^[0-9]+$' THEN '0' || substr({t}, 4) "
    "WHEN length({t}) - 3 < 4 THEN '0' || substr({t}, 4) "
    "WHEN length({t}) - 3 - 3 >= 7 THEN '0' || substr({t}, 4, 3) || '-' || substr({t}, 7, 4) || '-' || substr({t}, 11) "
    "WHEN length({t}) - 3 - 3 >= 1 THEN '0' || substr({t}, 4, 3) || '-' || substr({t}, 7) "
    "ELSE '0' || substr({t}, 4) END"
)

TEXT_FIELDS = ("CharField", "TextField", "EmailField", "SlugField")


def sql_format(column, field, transform, user):
    """One column as COPY writes it, byte for byte what `cell()` and csv give (tests/exports/test_parity.py):
    text with formulas neutralised and empty text as an empty cell (NULL), times in WITA as cell() writes them,
    true/false, doubles in their shortest form, jsonb's own key order, addresses without a netmask."""
    kind = field.get_internal_type()
    if transform == "present":
        return f"CASE WHEN COALESCE({column}, '') <> '' THEN 'true' ELSE 'false' END"
    if kind == "DateTimeField":
        return f"to_char({column} AT TIME ZONE '{ZONE}', 'YYYY-MM-DD HH24:MI:SS')"
    if kind == "BooleanField":
        return f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END"
    if kind == "GenericIPAddressField":
        return f"host({column})"
    if kind in TEXT_FIELDS:
        text = f"{column}::text"
        if transform in ("mask", "phone") and not personal_data.can_see(user, field.model, field.name):
            text = SQL_MASKS[field.name].format(t=text)
        if transform == "phone":
            text = SQL_PHONE.format(t=text)
        neutralised = f"CASE WHEN left({text}, 1) IN {SQL_FORMULA_START} THEN '''' || {text} ELSE {text} END"
        return f"NULLIF({neutralised}, '')"
    return f"{column}::text"  # numbers, dates, jsonb: PostgreSQL's text is cell()'s


def copy_chunks(export, filters, user):
    """The rows of `export` as CSV made by one COPY, streamed through a bounded queue from a
    second connection, so that memory stays flat and COPY runs while the response is sent.
    Inside a transaction (tests, management commands) a second connection would not see its
    rows: then the same connection copies key ranges of COPY_CHUNK ids instead."""
    base = export.model.objects.filter(export.filter_q(filters)).order_by("pk")
    paths = [c.path for c in export.columns]
    aliases = [f"c{i}" for i in range(len(paths))]
    formatted = ", ".join(
        sql_format(alias, final_field(export.model, c.path), c.transform, user)
        for alias, c in zip(aliases, export.columns, strict=True)
    )

    def copy_sql(queryset, cursor):
        sql, params = queryset.values_list(*paths).query.sql_with_params()
        inner = cursor.mogrify(sql, params).decode()
        return f"COPY (SELECT {formatted} FROM ({inner}) AS t({', '.join(aliases)})) TO STDOUT WITH CSV"

    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            sql = copy_sql(base, cursor)
        yield from _copy_in_thread(sql)
        return
    last = None
    while True:
        chunk = base if last is None else base.filter(pk__gt=last)
        end = chunk.values_list("pk", flat=True)[COPY_CHUNK - 1 : COPY_CHUNK].first()
        rows = chunk if end is None else chunk.filter(pk__lte=end)
        with connection.cursor() as cursor:
            out = io.BytesIO()
            cursor.cursor.copy_expert(copy_sql(rows, cursor), out)
            copied = cursor.cursor.rowcount
        yield out.getvalue(), copied
        if end is None:
            return
        last = end


STREAM_BLOCK = 256 * 1024


def _copy_in_thread(sql):
    """Run COPY on another connection; hand its output over in 256 KB blocks, at most 16 waiting."""
    blocks = queue.Queue(maxsize=16)
    done = object()
    stop = threading.Event()  # the reader went away (client disconnected): abort COPY

    class Writer:
        def __init__(self):
            self.buffer = bytearray()
            self.rows = 0

        def write(self, data):
            if stop.is_set():
                raise ExportCancelled
            self.buffer += data
            self.rows += 1  # psycopg2 hands COPY TO over one row at a time
            if len(self.buffer) >= STREAM_BLOCK:
                blocks.put((bytes(self.buffer), self.rows))
                self.buffer.clear()
                self.rows = 0

    def run():
        writer = Writer()
        try:
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(sql, writer)
            blocks.put((bytes(writer.buffer), writer.rows))
        except ExportCancelled:
            pass
        except Exception as error:  # handed to the reader, which raises it
            blocks.put(error)
        finally:
            connection.close()
            blocks.put(done)

    thread = threading.Thread(target=run, name="export-copy", daemon=True)
    thread.start()
    try:
        while (item := blocks.get()) is not done:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive() or not blocks.empty():  # unblock the writer so it can see `stop`
            try:
                blocks.get(timeout=0.1)
            except queue.Empty:
                pass
        thread.join()


class ExportCancelled(Exception):
    pass
