"""Premises from the licensing office's list (DPMPTSP, from OSS): read, check every row, plan what
would be created, updated or left alone, and write the valid rows when a supervisor confirms.

- Columns: the saved mapping, or the headers recognised in any letter case (HEADERS).
- A bad row is never written: the plan lists it (row, column, what is wrong, in the reader's
  language). Both rows of a NIB that appears twice are bad.
- Upsert: a private premises is found by its NIB; a government one by its name and address on the
  same road. An unchanged row is left alone (a rerun changes nothing).
- What an imported premises owes: it is designated (on the file's date, else the day of the
  import) and verified by the confirming supervisor, with no camera registered: the sweep opens
  "no camera", the registration it owes. With a phone number, the owner is invited through the
  outbox with a status link to register the cameras.
- History: every premises created or changed records "import N by <user>".
"""

import datetime
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from inspections import totals
from registry import owner_messages, registration
from registry.models import Kelurahan, Premises, ProtocolRoad, ResponsiblePerson
from registry.validators import (
    BONTANG_LAT_MAX,
    BONTANG_LAT_MIN,
    BONTANG_LON_MAX,
    BONTANG_LON_MIN,
    normalise_phone,
)

from .reading import Refused, read_table

# field -> the header the licensing office's export uses (recognised in any letter case)
HEADERS = {
    "nib": "NIB",
    "name": "Nama Usaha",
    "address": "Alamat",
    "road": "Jalan",
    "kelurahan": "Kelurahan",
    "category": "Kategori",
    "ownership": "Kepemilikan",
    "latitude": "Lintang",
    "longitude": "Bujur",
    "designated_on": "Tanggal Penetapan",
    "owner_name": "Nama Pemilik",
    "phone": "Telepon",
    "email": "Email",
}
REQUIRED = ("name", "address", "road", "kelurahan", "category", "ownership", "latitude", "longitude")
COMPARED = ("name", "address", "road_id", "kelurahan_id", "category", "ownership", "latitude", "longitude", "nib")
MAX_ERRORS_SHOWN = 500
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Plan:
    rows: int = 0
    create: list = field(default_factory=list)  # unsaved Premises (with ._contact)
    update: list = field(default_factory=list)  # (Premises with new values, [changed fields])
    unchanged: int = 0
    errors: list = field(default_factory=list)  # RowError
    skipped_rows: set = field(default_factory=set)

    def summary(self):
        return {
            "rows": self.rows,
            "create": len(self.create),
            "update": len(self.update),
            "unchanged": self.unchanged,
            "skipped": len(self.skipped_rows),
            "errors": [e.__dict__ for e in self.errors[:MAX_ERRORS_SHOWN]],
            "errors_total": len(self.errors),
        }


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(text):
    return re.sub(r"\s+", " ", str(text).strip().lower())


def column_map(header, mapping=None):
    """{field: column index}: the saved mapping's headers, else the recognised ones."""
    position = {_key(name): i for i, name in enumerate(header) if name}
    wanted = mapping or HEADERS
    return {name: position[_key(h)] for name, h in wanted.items() if h and _key(h) in position}


def _lookups():
    """Names as the licensing office writes them, in Indonesian, whatever the reader's language."""
    with translation.override("id"):
        return _names_in_active_language()


def _names_in_active_language():
    roads = {_key(name): pk for pk, name in ProtocolRoad.objects.values_list("pk", "name")}
    kelurahan = {_key(name): pk for pk, name in Kelurahan.objects.values_list("pk", "name")}
    categories = {_key(label): value for value, label in Premises.Category.choices}
    categories.update({_key(value): value for value in Premises.Category.values})
    ownership = {_key(label): value for value, label in Premises.Ownership.choices}
    ownership.update({_key(v): v for v in Premises.Ownership.values})
    ownership.update({"pemerintah": "government", "swasta": "private"})
    return roads, kelurahan, categories, ownership


def _date(value):
    """A date cell: a date, an ISO or dd/mm/yyyy text, or an Excel serial number (a date stored as a number)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 20000 <= value <= 80000:  # 1954–2119 as Excel counts days
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError


def plan_import(data, mapping=None, today=None):
    """The Plan of a file (bytes). Raises reading.Refused for a file refused whole."""
    today = today or timezone.localdate()
    table = read_table(data, list(HEADERS.values()) + list((mapping or {}).values()))
    columns = column_map(table.header, mapping)
    missing = [HEADERS.get(name, name) for name in REQUIRED if name not in columns]
    if missing:
        raise Refused(
            _("Columns missing: %(names)s. Choose them in the column mapping.") % {"names": ", ".join(missing)}
        )
    roads, kelurahan, categories, ownership = _lookups()
    header_of = {name: table.header[i] for name, i in columns.items()}
    plan = Plan(rows=len(table.rows))
    parsed = []  # (row number, values)
    nib_rows = {}
    for offset, row in enumerate(table.rows):
        number = table.header_row + 1 + offset
        if all(_text(cell) == "" for cell in row):
            plan.rows -= 1
            continue
        values, problems = _check_row(row, columns, header_of, roads, kelurahan, categories, ownership, today)
        for column, message in problems:
            plan.errors.append(RowError(number, column, message))
        if problems:
            plan.skipped_rows.add(number)
            continue
        if values["nib"]:
            nib_rows.setdefault(values["nib"], []).append(number)
        parsed.append((number, values))
    for nib, numbers in nib_rows.items():
        if len(numbers) > 1:
            for number in numbers:
                others = ", ".join(str(n) for n in numbers if n != number)
                plan.errors.append(
                    RowError(
                        number,
                        header_of["nib"],
                        _("NIB %(nib)s is also on row %(rows)s.") % {"nib": nib, "rows": others},
                    )
                )
                plan.skipped_rows.add(number)
    _match(plan, [(n, v) for n, v in parsed if n not in plan.skipped_rows])
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


def _check_row(row, columns, header_of, roads, kelurahan, categories, ownership, today):
    def cell(name):
        i = columns.get(name)
        return row[i] if i is not None and i < len(row) else None

    problems, values = [], {}
    for name in REQUIRED:
        if _text(cell(name)) == "":
            problems.append((header_of[name], _("empty: this column is required")))
    values["name"] = _text(cell("name"))[:150]
    values["address"] = _text(cell("address"))[:200]
    for name, table, what in (
        ("road", roads, _("not a protocol road of the registry")),
        ("kelurahan", kelurahan, _("not a kelurahan of Bontang")),
        ("category", categories, _("not a category of the registry")),
        ("ownership", ownership, _("write Pemerintah or Swasta")),
    ):
        text = _text(cell(name))
        if text and _key(text) not in table:
            problems.append((header_of[name], f"“{text[:60]}”: {what}"))
        values[name] = table.get(_key(text))
    nib = re.sub(r"\s", "", _text(cell("nib")))
    if nib and not re.fullmatch(r"\d{13}", nib):
        digits = len(re.sub(r"\D", "", nib))
        problems.append((header_of.get("nib", "NIB"), _("NIB has 13 digits; this one has %(n)s.") % {"n": digits}))
    elif not nib and values["ownership"] == "private":
        problems.append((header_of.get("nib", "NIB"), _("empty: a private business needs its NIB")))
    values["nib"] = nib
    for name, low, high in (
        ("latitude", BONTANG_LAT_MIN, BONTANG_LAT_MAX),
        ("longitude", BONTANG_LON_MIN, BONTANG_LON_MAX),
    ):
        text = _text(cell(name)).replace(",", ".")
        try:
            number = Decimal(text).quantize(Decimal("0.000001"))
            if not low <= number <= high:
                raise InvalidOperation
            values[name] = number
        except (InvalidOperation, ValueError):
            if text:
                problems.append((header_of[name], _("“%(value)s” is not a position in Bontang") % {"value": text[:30]}))
    values["designated_on"] = today
    if "designated_on" in columns and _text(cell("designated_on")):
        try:
            values["designated_on"] = _date(cell("designated_on"))
        except ValueError:
            problems.append(
                (
                    header_of["designated_on"],
                    _("“%(value)s” is not a date") % {"value": _text(cell("designated_on"))[:30]},
                )
            )
    values["phone"] = ""
    if _text(cell("phone")):
        try:
            values["phone"] = normalise_phone(_text(cell("phone")))
        except ValidationError:
            problems.append((header_of["phone"], _("not an Indonesian phone number")))
    values["email"] = _text(cell("email"))[:254]
    values["owner_name"] = _text(cell("owner_name"))[:120]
    return values, problems


def _match(plan, rows):
    """Split valid rows into created, updated and unchanged: private by NIB, government by name
    and address on the same road."""
    nibs = [v["nib"] for _n, v in rows if v["ownership"] == "private"]
    by_nib = {p.nib: p for p in Premises.objects.filter(nib__in=nibs).exclude(nib="")}
    government = [v for _n, v in rows if v["ownership"] == "government"]
    by_place = {}
    if government:
        q = Q()
        for v in government:
            q |= Q(name__iexact=v["name"], address__iexact=v["address"], road_id=v["road"])
        for p in Premises.objects.filter(q, ownership="government"):
            by_place[(_key(p.name), _key(p.address), p.road_id)] = p
    for _number, v in rows:
        current = (
            by_nib.get(v["nib"])
            if v["ownership"] == "private"
            else by_place.get((_key(v["name"]), _key(v["address"]), v["road"]))
        )
        new = {
            "name": v["name"],
            "address": v["address"],
            "road_id": v["road"],
            "kelurahan_id": v["kelurahan"],
            "category": v["category"],
            "ownership": v["ownership"],
            "latitude": v["latitude"],
            "longitude": v["longitude"],
            "nib": v["nib"],
        }
        if current is None:
            premises = Premises(**new, designated_on=v["designated_on"], source=Premises.Source.IMPORT)
            premises._contact = v
            plan.create.append(premises)
            continue
        changed = [name for name in COMPARED if getattr(current, name) != new[name]]
        if not changed:
            plan.unchanged += 1
            continue
        for name in changed:
            setattr(current, name, new[name])
        plan.update.append((current, changed))


def apply_plan(plan, *, batch_id, user, by=None, progress=None, batch_size=2000):
    """Write the plan's valid rows: creates and updates with their history, in batches of one
    transaction each (a batch is all or nothing); then invite the new owners with a phone. The
    history names the officer who brought the file in (`by`, else `user`) and records `user`, who
    confirmed it, as the one who wrote."""
    reason = f"import {batch_id} by {(by or user).get_username()}"
    now = timezone.now()
    written = 0
    for start in range(0, len(plan.create), batch_size):
        chunk = plan.create[start : start + batch_size]
        with transaction.atomic():
            for premises in chunk:
                premises.verification_status = Premises.Verification.VERIFIED
                premises.verified_at = premises.first_verified_at = now
                premises.verified_by = user
                premises.tracking_code = registration.new_tracking_code()
                if premises._contact.get("phone"):  # the owner is invited with a status link
                    premises._secret = secrets.token_urlsafe(24)
                    premises.status_secret_hash = registration.hash_secret(premises._secret)
            Premises.objects.bulk_create(chunk, batch_size=batch_size)  # sets the ids (PostgreSQL, SQLite ≥ 3.35)
            _record_history(chunk, "+", user, reason, now)
            _invite([p for p in chunk if hasattr(p, "_secret")], batch_id, user, reason)
            totals.mark({(p.road_id, p.category) for p in chunk})
        written += len(chunk)
        if progress:
            progress(written)
    updates = [premises for premises, _changed in plan.update]
    for premises_row in updates:
        premises_row.updated_at = now
    fields = sorted({name for _p, changed in plan.update for name in changed})
    for start in range(0, len(updates), batch_size):
        chunk = updates[start : start + batch_size]
        with transaction.atomic():
            before = totals.groups_of(p.pk for p in chunk)  # a row may move to another road or category
            Premises.objects.bulk_update(chunk, [*fields, "updated_at"], batch_size=batch_size)
            _record_history(chunk, "~", user, reason, now)
            totals.mark(before | {(p.road_id, p.category) for p in chunk})
        written += len(chunk)
        if progress:
            progress(written)
    return {"created": len(plan.create), "updated": len(updates), "unchanged": plan.unchanged}


def _record_history(rows, kind, user, reason, now):
    """The history rows of premises just written, copied from the table in one INSERT … SELECT (what
    django-simple-history records on a save, without compiling every value of every row twice)."""
    if not rows:
        return
    History = Premises.history.model
    columns = [f.column for f in History._meta.concrete_fields if not f.name.startswith("history_")]
    quote = connection.ops.quote_name
    listed = ", ".join(quote(c) for c in columns)
    ids = [row.pk for row in rows]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(History._meta.db_table)} ({listed}, history_date, history_type, history_user_id, "
            f"history_change_reason) SELECT {listed}, %s, %s, %s, %s FROM {quote(Premises._meta.db_table)} "
            f"WHERE id IN ({marks})",
            [now, kind, user.pk, reason, *ids],
        )


def _invite(invited, batch_id, user, reason):
    """The owner of each new premises with a phone as its responsible person (one insert, with history),
    and an invitation with the premises' status link through the outbox."""
    persons = bulk_create_with_history(
        [
            ResponsiblePerson(
                premises=premises,
                name=premises._contact.get("owner_name") or _("Owner"),
                role=_("Owner (from the licensing office's list)"),
                phone=premises._contact["phone"],
                email=premises._contact.get("email", ""),
            )
            for premises in invited
        ],
        ResponsiblePerson,
        default_user=user,
        default_change_reason=reason,
    )
    messages = []
    for premises, person in zip(invited, persons, strict=True):
        secret = registration.status_url(premises._secret)
        messages += owner_messages.compose("invitation", premises, f"import-{batch_id}", [person], secret=secret)
    owner_messages.post_and_send(messages)
