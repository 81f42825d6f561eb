"""Auditor exports: every table as CSV, streamed, and one zip with feed_info.csv.

Layout in the spirit of the LIVES inspection-data convention (DOMAIN.md section 5): one header
row, ISO 8601 dates with the time zone, stable ids that join across files, and every column
documented on /exports/columns/. Cells that a spreadsheet would run as a formula are
neutralised; files start with a UTF-8 BOM so that Excel shows Indonesian text correctly.
"""

import functools
from typing import NamedTuple

from django import forms
from django.db.models import Q
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from inspections.models import ComplianceFlag, Inspection, InspectionItem, SweepRun, WarningLetter
from registry import personal_data
from registry.csv_cells import cell, spreadsheet_phone
from registry.models import (
    AccessLog,
    Camera,
    CameraStandard,
    Kecamatan,
    Premises,
    ProtocolRoad,
    ResponsiblePerson,
)


class ExportFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    road = forms.ModelChoiceField(label=_("Protocol road"), queryset=ProtocolRoad.objects.all(), required=False)
    kecamatan = forms.ModelChoiceField(
        label=_("District (kecamatan)"), queryset=Kecamatan.objects.all(), required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Premises.Category.choices], required=False)
    status = forms.ChoiceField(
        label=_("Verification"), choices=[("", "—"), *Premises.Verification.choices], required=False
    )

    def as_dict(self):
        return {k: (v.pk if hasattr(v, "pk") else cell(v)) for k, v in self.cleaned_data.items() if v not in (None, "")}


def _premises_q(prefix, f):
    q = Q()
    if f.get("road"):
        q &= Q(**{f"{prefix}road": f["road"]})
    if f.get("kecamatan"):
        q &= Q(**{f"{prefix}kelurahan__kecamatan": f["kecamatan"]})
    if f.get("category"):
        q &= Q(**{f"{prefix}category": f["category"]})
    if f.get("status"):
        q &= Q(**{f"{prefix}verification_status": f["status"]})
    return q


def _dates_q(field, f, is_datetime):
    q = Q()
    if f.get("date_from"):
        q &= Q(**{f"{field}__date__gte" if is_datetime else f"{field}__gte": f["date_from"]})
    if f.get("date_to"):
        q &= Q(**{f"{field}__date__lte" if is_datetime else f"{field}__lte": f["date_to"]})
    return q


class Column(NamedTuple):
    """One column of a file: the header, what it means (shown on /exports/columns/), the field path
    it reads, and how the value is turned: "present" (true/false), "mask" (personal data, as
    registry/personal_data.py says for the exporter), "phone" (masked so, then written as
    registry.csv_cells.spreadsheet_phone says). Both writers read this: Python's csv writer
    through `cell()` and PostgreSQL's COPY through `streaming.sql_format()`."""

    name: str
    meaning: str
    path: str | None
    transform: str | None = None


def final_field(model, path):
    """The model field a column's path (`premises__road__name`) ends on."""
    if path == "pk":
        return model._meta.pk
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


class Export:
    """One file: its columns (the catalogue) and the rows after the filters."""

    def __init__(self, name, model, columns, *, premises_prefix=None, date_field=None, is_datetime=True, order=("pk",)):
        self.name, self.model, self.columns = name, model, columns
        self.premises_prefix, self.date_field, self.is_datetime, self.order = (
            premises_prefix,
            date_field,
            is_datetime,
            order,
        )

    def header(self):
        return [c.name for c in self.columns]

    def filter_q(self, filters):
        q = Q()
        if self.premises_prefix is not None:
            q &= _premises_q(self.premises_prefix, filters)
        if self.date_field:
            q &= _dates_q(self.date_field, filters, self.is_datetime)
        return q

    def rows(self, filters, user):
        paths = [c.path for c in self.columns]
        values = self.model.objects.filter(self.filter_q(filters)).order_by("pk").values_list(*paths)
        transforms = {}
        for i, c in enumerate(self.columns):
            if c.transform == "present":
                transforms[i] = _present
            elif c.transform in ("mask", "phone"):
                field = final_field(self.model, c.path)
                steps = []
                if not personal_data.can_see(user, field.model, field.name):
                    steps.append(functools.partial(personal_data.masked, field.model, field.name))
                if c.transform == "phone":
                    steps.append(spreadsheet_phone)
                if steps:
                    transforms[i] = functools.partial(_apply, steps)
        for row in values.iterator(chunk_size=2000):
            if transforms:
                row = [transforms[i](v) if i in transforms else v for i, v in enumerate(row)]
            yield [cell(v) for v in row]


def _present(value):
    return bool(value)


def _apply(steps, value):
    for step in steps:
        value = step(value)
    return value


def codes(export, column):
    """The codes a column can hold and what each means, in the reader's language (from the
    model's choices), for /exports/columns/; empty for a column without fixed codes."""
    model = getattr(export, "model", None)
    if model is None or column.path is None or column.transform == "present":
        return []
    return [(code, label) for code, label in final_field(model, column.path).choices or []]


PREMISES = Export(
    "premises",
    Premises,
    [
        Column("premises_id", _("Stable id of the premises; joins every other file."), "pk"),
        Column("name", _("Name of the building."), "name"),
        Column(
            "category",
            _(
                "Category code (ruko, minimarket, office, plaza, bank, telecom, post_office, government_office, hotel, other)."
            ),
            "category",
        ),
        Column("ownership", _("government or private."), "ownership"),
        Column("road", _("Protocol road."), "road__name"),
        Column("address", _("Street address."), "address"),
        Column("kelurahan", _("Sub-district."), "kelurahan__name"),
        Column("kecamatan", _("District."), "kelurahan__kecamatan__name"),
        Column("latitude", _("Latitude, WGS 84."), "latitude"),
        Column("longitude", _("Longitude, WGS 84."), "longitude"),
        Column("nib", _("Business registration number (13 digits), empty for government buildings."), "nib"),
        Column("designated_on", _("Date the building was designated as obligated."), "designated_on"),
        Column("source", _("How it entered the registry: officer, self_registration, import."), "source"),
        Column("verification_status", _("pending, verified or rejected."), "verification_status"),
        Column("rejection_reason", _("The officer's reason for a rejection."), "rejection_reason"),
        Column("next_inspection_due", _("Date the next inspection falls due."), "next_inspection_due"),
        Column("in_breach", _("true when the last sweep left an open breach the owner must put right."), "in_breach"),
        Column("created_at", _("When the record was created (ISO 8601, WITA)."), "created_at"),
        Column("updated_at", _("When it last changed."), "updated_at"),
    ],
    premises_prefix="",
    date_field="created_at",
)

PERSONS = Export(
    "responsible_persons",
    ResponsiblePerson,
    [
        Column("person_id", _("Stable id of the person."), "pk"),
        Column("premises_id", _("The premises (premises.csv)."), "premises_id"),
        Column("name", _("Name."), "name"),
        Column("role", _("Role, for example owner."), "role"),
        Column(
            "phone",
            _(
                "Phone, as written in Indonesia (0812-3456-7890), so that a spreadsheet keeps it as text: "
                "masked (0•••••••7890) unless the exporter may see contact data."
            ),
            "phone",
            "phone",
        ),
        Column(
            "email", _("E-mail: masked (s•••@example.id) unless the exporter may see contact data."), "email", "mask"
        ),
        Column(
            "nik",
            _("Citizen ID number: masked (6474••••••••0001) unless the exporter may see personal data."),
            "nik",
            "mask",
        ),
        Column(
            "consent_at",
            _("When the person accepted the notice on personal data (online registrations)."),
            "consent_at",
        ),
    ],
    premises_prefix="premises__",
)

# What a spec column means, where the model's own label does not say it all.
SPEC_COLUMN_MEANING = {
    "camera_type": _("fixed, dome, ptz or fisheye."),
    "hfov_wide_deg": _("Horizontal field of view at the wide end, degrees."),
    "hfov_tele_deg": _("Horizontal field of view at the tele end, degrees."),
    "faces_road": _("Faces the public road."),
}


def _spec_column(name):
    """The column of one spec field (Camera.SPEC_FIELDS); the stream address only as present or not."""
    if name == "rtsp_url":
        return Column(
            "has_rtsp",
            _("Has an RTSP stream address (the address itself is not exported)."),
            "rtsp_url",
            "present",
        )
    meaning = SPEC_COLUMN_MEANING.get(name) or format_lazy("{}.", capfirst(Camera._meta.get_field(name).verbose_name))
    return Column(name, meaning, name)


CAMERAS = Export(
    "cameras",
    Camera,
    [
        Column("camera_id", _("Stable id of the camera."), "pk"),
        Column("premises_id", _("The premises (premises.csv)."), "premises_id"),
        Column("premises_name", _("Name of the premises, for reading."), "premises__name"),
        Column("road", _("Protocol road of the premises."), "premises__road__name"),
        Column("label", _("Where the camera is."), "label"),
        Column("brand", _("Brand."), "brand"),
        Column("model", _("Model."), "model"),
        *(_spec_column(name) for name in Camera.SPEC_FIELDS),
        Column(
            "has_onvif_address",
            _("Has an ONVIF device address (the address itself is not exported)."),
            "onvif_address",
            "present",
        ),
        Column("feed_status", _("What the last probe of the stream found."), "feed_status"),
        Column("feed_last_seen_at", _("When the stream last answered a probe."), "feed_last_seen_at"),
        Column("status", _("active, faulty or removed."), "status"),
        Column(
            "declared_specs", _("Values the owner declared where an inspection found less (JSON)."), "declared_specs"
        ),
        Column("created_at", _("When the record was created."), "created_at"),
    ],
    premises_prefix="premises__",
    date_field="created_at",
)

INSPECTIONS = Export(
    "inspections",
    Inspection,
    [
        Column("inspection_id", _("Stable id of the inspection."), "pk"),
        Column("premises_id", _("The premises (premises.csv)."), "premises_id"),
        Column("kind", _("routine, follow_up, verification or complaint."), "kind"),
        Column("planned_on", _("Planned date."), "planned_on"),
        Column("performed_on", _("Date performed."), "performed_on"),
        Column("result", _("pass, partial or fail, derived from the items."), "result"),
        Column("corrects_inspection_id", _("The inspection this record corrects, if any."), "corrects_id"),
        Column("recorded_by", _("User who recorded it."), "recorded_by__username"),
        Column("recorded_at", _("When it was recorded."), "recorded_at"),
        Column("summary", _("The officer's summary."), "summary"),
    ],
    premises_prefix="premises__",
    date_field="performed_on",
    is_datetime=False,
)

ITEMS = Export(
    "inspection_items",
    InspectionItem,
    [
        Column("item_id", _("Stable id of the checklist line."), "pk"),
        Column("inspection_id", _("The inspection (inspections.csv)."), "inspection_id"),
        Column("camera_id", _("The camera (cameras.csv); empty for a premises-level check."), "camera_id"),
        Column("check", _("What was checked."), "item"),
        Column("outcome", _("pass, fail or not_checked."), "outcome"),
        Column("observed", _("Value seen: pan degrees or oldest recording date."), "observed"),
        Column("note", _("The officer's note."), "note"),
    ],
    premises_prefix="inspection__premises__",
    date_field="inspection__performed_on",
    is_datetime=False,
)

FLAGS = Export(
    "flags",
    ComplianceFlag,
    [
        Column("flag_id", _("Stable id of the flag."), "pk"),
        Column("premises_id", _("The premises (premises.csv)."), "premises_id"),
        Column("kind", _("Rule broken."), "kind"),
        Column("severity", _("high, medium or low."), "severity"),
        Column("details", _("Which cameras, required and actual values (JSON)."), "details"),
        Column("standard_version", _("Version of the camera standard it was judged against."), "standard__version"),
        Column("status", _("open, acknowledged or resolved."), "status"),
        Column("opened_at", _("When the flag opened."), "opened_at"),
        Column("opened_by_sweep_run_id", _("The sweep run that opened it (sweep_runs.csv)."), "opened_by_run_id"),
        Column("acknowledged_at", _("When an officer acknowledged it."), "acknowledged_at"),
        Column("resolved_at", _("When it was resolved."), "resolved_at"),
        Column("resolved_by_sweep_run_id", _("The sweep run that resolved it."), "resolved_by_run_id"),
        Column("resolution_reason", _("Why it was resolved."), "resolution_reason"),
        Column(
            "updated_at",
            _(
                "When it last changed. A sweep that finds a flag still true writes nothing: every successful "
                "run in sweep_runs.csv between opened_at and resolved_at confirmed it."
            ),
            "updated_at",
        ),
    ],
    premises_prefix="premises__",
    date_field="opened_at",
)

WARNINGS = Export(
    "warnings",
    WarningLetter,
    [
        Column("warning_id", _("Stable id of the warning."), "pk"),
        Column("premises_id", _("The premises (premises.csv)."), "premises_id"),
        Column("step", _("sp1, sp2, sp3, freeze or revocation (Perwali 25/2019 Article 15)."), "step"),
        Column("status", _("awaiting_approval, active, escalated or closed."), "status"),
        Column("issued_on", _("Date issued."), "issued_on"),
        Column("due_on", _("Date it falls due."), "due_on"),
        Column("issued_by", _("User who issued it; empty when the daily ladder did."), "issued_by__username"),
        Column("approved_by", _("Supervisor who approved a freeze."), "approved_by__username"),
        Column("approved_at", _("When it was approved."), "approved_at"),
        Column("closed_on", _("Date the ladder stopped."), "closed_on"),
        Column("closed_reason", _("Why."), "closed_reason"),
        Column("updated_at", _("When it last changed."), "updated_at"),
    ],
    premises_prefix="premises__",
    date_field="issued_on",
    is_datetime=False,
)

SWEEP_RUNS = Export(
    "sweep_runs",
    SweepRun,
    [
        Column("sweep_run_id", _("Stable id of the run."), "pk"),
        Column("as_of", _("Date judged."), "as_of"),
        Column("standard_version", _("Camera standard version applied."), "standard__version"),
        Column("status", _("running, succeeded or failed."), "status"),
        Column("trigger", _("Who or what started it."), "trigger"),
        Column("started_at", _("Start."), "started_at"),
        Column("finished_at", _("End."), "finished_at"),
        Column("premises_evaluated", _("Premises judged."), "premises_evaluated"),
        Column("premises_obligated", _("Of those, obligated."), "premises_obligated"),
        Column("premises_compliant", _("Of those, compliant."), "premises_compliant"),
        Column("flags_opened", _("Flags opened."), "flags_opened"),
        Column("flags_confirmed", _("Flags confirmed."), "flags_confirmed"),
        Column("flags_resolved", _("Flags resolved."), "flags_resolved"),
        Column("errors", _("Errors (JSON)."), "errors"),
    ],
    date_field="started_at",
)

ACCESS_LOG = Export(
    "access_log",
    AccessLog,
    [
        Column("access_id", _("Stable id of the entry."), "pk"),
        Column("at", _("When."), "at"),
        Column("user", _("Who."), "user__username"),
        Column("action", _("view_personal_data, view_stream_address or export."), "action"),
        Column("what", _("What was viewed or exported."), "target"),
        Column("filter", _("The filter used (JSON)."), "filters"),
        Column("rows", _("Rows exported."), "rows"),
        Column("ip", _("IP address."), "ip"),
    ],
    date_field="at",
)


class ChangesExport:
    """The audit trail: every recorded create, change and delete, with old and new values."""

    name = "changes"
    TRACKED = [Premises, ResponsiblePerson, Camera, CameraStandard, Inspection, ComplianceFlag, WarningLetter]
    columns = [
        Column("change_id", _("Id of the history record (unique per table)."), None),
        Column(
            "table",
            _(
                "What changed: premises, responsibleperson, camera, camerastandard, inspection, complianceflag, warningletter."
            ),
            None,
        ),
        Column("object_id", _("Id of the changed record in its own file."), None),
        Column("action", _("created, changed or deleted."), None),
        Column("at", _("When (ISO 8601, WITA)."), None),
        Column("by", _("The user, or who acted: 'owner via status link', 'system: sweep run N'."), None),
        Column(
            "changes",
            _(
                "For a change: {field: [old, new]} (JSON); NIK, phone, e-mail and stream addresses masked unless permitted."
            ),
            None,
        ),
    ]

    def header(self):
        return [c.name for c in self.columns]

    def rows(self, filters, user):
        kinds = {"+": "created", "~": "changed", "-": "deleted"}
        for model in self.TRACKED:
            history = model.history.model
            fields = [f.attname for f in history._meta.concrete_fields if not f.name.startswith("history_")]
            q = _dates_q("history_date", filters, True)
            records = (
                history.objects.filter(q)
                .order_by("id", "history_date", "history_id")
                .values_list(
                    "history_id",
                    "history_type",
                    "history_date",
                    "history_user__username",
                    "history_change_reason",
                    *fields,
                )
            )
            previous_id, previous = None, None
            for row in records.iterator(chunk_size=2000):
                values = dict(zip(fields, row[5:], strict=True))
                changes = {}
                if row[1] == "~" and previous_id == values["id"] and previous is not None:
                    changes = {
                        k: [personal_data.shown(user, model, k, old), personal_data.shown(user, model, k, v)]
                        for k, v in values.items()
                        if (old := previous.get(k)) != v
                    }
                previous_id, previous = values["id"], values
                who = row[3] or row[4] or "system"
                diff = {k: [cell(a), cell(b)] for k, (a, b) in changes.items()}
                yield [
                    cell(v)
                    for v in (row[0], model._meta.model_name, values["id"], kinds[row[1]], row[2], who, diff or "")
                ]


CHANGES = ChangesExport()
FILES = {
    e.name: e
    for e in (PREMISES, PERSONS, CAMERAS, INSPECTIONS, ITEMS, FLAGS, WARNINGS, SWEEP_RUNS, CHANGES, ACCESS_LOG)
}
