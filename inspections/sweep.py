"""The compliance sweep: judge every obligated premises on `as_of` and bring flags up to date.

The work is split into chunks (ranges of premises ids). Planning a chunk only reads;
applying a plan writes flags in one transaction. Both are idempotent: the database keeps
at most one unresolved flag per premises and kind, a chunk is claimed with a conditional
update, and the last chunk to finish closes the run. The same functions serve the Celery
tasks (`inspections.tasks`) and `manage.py compliance_sweep`.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registry import owner_messages, spec_check
from registry.csv_cells import jsonb_order
from registry.models import Camera, CameraStandard, Premises, is_obligated, obligated_q

from . import obligation, rules, sweep_sql, totals
from .models import (
    UNRESOLVED,
    ComplianceFlag,
    FlagStatus,
    Inspection,
    SweepChunk,
    SweepRun,
    SweepStatus,
    record_history,
)

log = logging.getLogger(__name__)

CHUNK_SIZE = 5000  # premises per chunk: the set-based statements cost about 0.25 s per 5,000 (docs/benchmarks.md)

CAMERA_FIELDS = (
    "pk",
    "premises_id",
    "label",
    "status",
    *Camera.SPEC_FIELDS,
    "feed_dark_since",
    "onvif_address",
    "measured_px_per_m",
    "measured_on",
)
SPEC_SLICE = slice(4, 4 + len(Camera.SPEC_FIELDS))


class CameraRow(namedtuple("CameraValues", CAMERA_FIELDS)):
    """A camera as read for the sweep: the attributes the spec check reads, nothing more."""

    __slots__ = ()

    @property
    def spec_key(self):
        # Cameras of the same make and settings get the same verdict (see memoised_check); only
        # whether there is a stream address matters to the rules, not the address itself.
        return tuple(
            bool(v) if name == "rtsp_url" else v
            for name, v in zip(CAMERA_FIELDS[SPEC_SLICE], self[SPEC_SLICE], strict=True)
        )

    @property
    def onvif_profiles(self):
        flags = (self.onvif_profile_s, self.onvif_profile_t, self.onvif_profile_g, self.onvif_profile_m)
        return {profile for profile, on in zip("STGM", flags, strict=True) if on}


def memoised_check():
    """The spec check, remembered per (specs, standard): a city has a few hundred distinct setups."""
    seen = {}

    def check(camera, standard):
        key = (camera.spec_key, standard.pk)
        if key not in seen:
            seen[key] = spec_check.check_camera(camera, standard)
        return seen[key]

    return check


def population(as_of):
    """Premises the sweep judges: obligated on `as_of`, or waiting for verification."""
    return Premises.objects.filter(obligated_q(as_of) | Q(verification_status=Premises.Verification.PENDING))


@dataclass
class ChunkPlan:
    """What applying a chunk would change. A dry run prints it; a real run applies it."""

    evaluated: int = 0
    obligated: int = 0  # designated by as_of, for the compliance trend
    compliant: int = 0  # of those, without a warnable breach
    to_open: list = field(default_factory=list)  # (premises_id, Breach)
    to_confirm: list = field(default_factory=list)  # flag ids whose condition still holds unchanged (no write)
    to_update: list = field(default_factory=list)  # (flag id, Breach): still holds, details changed
    to_resolve: list = field(default_factory=list)  # (flag id, premises_id, kind, reason key)
    errors: list = field(default_factory=list)
    names: dict = field(default_factory=dict)  # premises_id -> name, for printing
    # premises_id -> in_breach, where the stored value changes: whether an open warnable flag is
    # left once the plan is applied (the dashboard filters and counts on the column).
    breach_changes: dict = field(default_factory=dict)
    breaches: dict = field(default_factory=dict)  # premises_id -> every Breach found


def plan_range(first_id, last_id, standard, as_of, check=None):
    """Read one range of premises and decide which flags to open, confirm, update or resolve."""
    check = check or memoised_check()
    plan = ChunkPlan()
    premises_rows = (
        population(as_of)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .values_list(
            "pk",
            "name",
            "category",
            "designated_on",
            "verification_status",
            "first_verified_at",
            "created_at",
            "next_inspection_due",
            "in_breach",
        )
    )
    # The latest valid inspection of each premises, read flat in the index's order (no subquery per row).
    last_result = {}
    inspections = (
        Inspection.objects.filter(
            premises_id__gte=first_id, premises_id__lte=last_id, performed_on__lte=as_of, correction__isnull=True
        )
        .order_by("premises_id", "-performed_on", "-pk")
        .values_list("premises_id", "result")
    )
    for premises_id, result in inspections.iterator(chunk_size=5000):
        last_result.setdefault(premises_id, result)
    cameras = defaultdict(list)
    camera_rows = (
        Camera.objects.filter(premises_id__gte=first_id, premises_id__lte=last_id)
        .exclude(status=Camera.Status.REMOVED)
        .order_by("pk")
        .values_list(*CAMERA_FIELDS)
    )
    for values in _raw_rows(camera_rows):  # numbers, text and flags need no converting
        cameras[values[1]].append(CameraRow._make(values))
    flags = defaultdict(dict)
    flag_rows = (
        ComplianceFlag.objects.filter(UNRESOLVED, premises_id__gte=first_id, premises_id__lte=last_id)
        .annotate(details_text=Cast("details", TextField()))
        .values_list("pk", "premises_id", "kind", "details_text", "standard_id")
    )
    for pk, premises_id, kind, details, standard_id in _raw_rows(flag_rows):
        flags[premises_id][kind] = (pk, details, standard_id)

    judged = set()
    warnable = rules.warnable_kinds(standard)
    for pk, name, category, designated_on, verification, first_verified_at, created_at, due, stored in premises_rows:
        judged.add(pk)
        plan.names[pk] = name
        facts = rules.PremisesFacts(
            category=category,
            designated_on=designated_on,
            verification_status=verification,
            first_verified_at=first_verified_at,
            registered_on=timezone.localdate(created_at) if verification == "pending" else None,
            next_inspection_due=due,
            last_inspection_result=last_result.get(pk),
            cameras=tuple(cameras.get(pk, ())),
        )
        try:
            breaches = rules.evaluate_premises(facts, standard, as_of, check=check)
        except Exception as error:  # one bad record must not stop the city's sweep
            log.exception("sweep: premises %s could not be judged", pk)
            plan.errors.append({"premises_id": pk, "error": f"{error.__class__.__name__}: {error}"})
            continue
        plan.evaluated += 1
        plan.breaches[pk] = breaches
        obligated = is_obligated(designated_on, verification, first_verified_at, as_of)
        in_breach = any(b.kind in warnable for b in breaches)
        if in_breach != stored:
            plan.breach_changes[pk] = in_breach
        if obligated:
            plan.obligated += 1
            plan.compliant += not in_breach
        current = flags.get(pk, {})
        found = {breach.kind for breach in breaches}
        for breach in breaches:
            existing = current.get(breach.kind)
            if existing is None:
                plan.to_open.append((pk, breach))
            elif existing[2] != standard.pk or not _same_details(existing[1], breach.details):
                plan.to_update.append((existing[0], breach))
            else:
                plan.to_confirm.append(existing[0])
        for kind, (flag_id, _details, _standard) in current.items():
            if kind not in found:
                owed = obligated or not rules.RULES_BY_KIND[kind].obligation
                plan.to_resolve.append((flag_id, pk, kind, "cleared" if owed else verification))

    # Flags of premises that are not judged: they owe nothing (rejected, not designated). A
    # premises that could not be judged is in `judged`: its flags stay as they were.
    gone = [premises_id for premises_id in flags if premises_id not in judged]
    statuses = dict(Premises.objects.filter(pk__in=gone).values_list("pk", "verification_status"))
    # A premises that is not judged has no open flag left, so it is not in breach.
    not_judged = Premises.objects.filter(pk__gte=first_id, pk__lte=last_id, in_breach=True).exclude(
        pk__in=judged | {error["premises_id"] for error in plan.errors}
    )
    for premises_id in not_judged.values_list("pk", flat=True):
        plan.breach_changes[premises_id] = False
    for premises_id in gone:
        for kind, (flag_id, _details, _standard) in flags[premises_id].items():
            plan.to_resolve.append((flag_id, premises_id, kind, statuses.get(premises_id, "verified")))
    return plan


def _raw_rows(queryset, size=5000):
    """The rows of a values_list() query as the database driver gives them, without Django's
    per-value converters (the sweep reads hundreds of thousands of rows a night)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield from rows


def _same_details(stored_text, details):
    """Whether a flag's stored details (as the database prints its JSON) equal a breach's: first
    as text in PostgreSQL's jsonb form, the usual case, without parsing; else parsed."""
    if stored_text == json.dumps(jsonb_order(details), ensure_ascii=False):
        return True
    return json.loads(stored_text) == details


def _resolution_reason(key, run, as_of, standard):
    """`key` is "cleared", or the verification status of a premises that owes nothing."""
    with translation.override(settings.LANGUAGE_CODE):
        if key == "cleared":
            text = _("The condition no longer holds under standard v%(version)s.") % {"version": standard.version}
        else:
            text = obligation.reason_owes_nothing(key)
        who = _("Sweep run %(run)s") % {"run": run.pk} if run else _("Judged after a change")
        return f"{who}, {as_of.isoformat()}: {text}"


def _tell_owners_of_dark_feeds(premises_ids, opened_at):
    """A "feed dark" flag just opened: its owner hears which camera went silent (registry.owner_messages),
    once per flag."""
    if not premises_ids:
        return
    flags = (
        ComplianceFlag.objects.filter(UNRESOLVED, kind="feed_dark", opened_at=opened_at, premises_id__in=premises_ids)
        .select_related("premises")
        .only("pk", "details", "premises__name", "premises__tracking_code")
    )
    owner_messages.tell_many(
        "feed_dark",
        [(f.premises, f"flag-{f.pk}", _dark_context(f.details)) for f in flags],
    )


def _dark_context(details):
    cameras = details.get("cameras", [])
    return {"cameras": [c["label"] for c in cameras], "hours": cameras[0]["hours"] if cameras else ""}


def apply_plan(plan, standard, as_of, run=None):
    """Write a chunk's plan in one transaction. Safe to run twice or concurrently."""
    now = timezone.now()
    with transaction.atomic():
        ComplianceFlag.objects.bulk_create(
            [
                ComplianceFlag(
                    premises_id=premises_id,
                    kind=breach.kind,
                    severity=breach.severity,
                    details=breach.details,
                    standard=standard,
                    opened_at=now,
                    opened_by_run=run,
                    updated_at=now,
                )
                for premises_id, breach in plan.to_open
            ],
            ignore_conflicts=True,  # another worker opened it first: the constraint keeps one
        )
        reason = f"system: sweep run {run.pk}" if run else "system: judged after a change"
        if plan.to_open:
            opened = ComplianceFlag.objects.filter(
                UNRESOLVED, opened_at=now, premises_id__in={premises_id for premises_id, _breach in plan.to_open}
            ).values_list("pk", flat=True)
            record_history(ComplianceFlag, opened, reason=reason, created=True)
            _tell_owners_of_dark_feeds(
                [premises_id for premises_id, breach in plan.to_open if breach.kind == "feed_dark"], now
            )
        # Flags that still hold unchanged (most nights, all of them) are not written: the run that
        # found them true is their confirmation (ComplianceFlagQuerySet.with_last_confirmed).
        for flag_id, breach in plan.to_update:
            ComplianceFlag.objects.filter(UNRESOLVED, pk=flag_id).update(
                details=breach.details, severity=breach.severity, standard=standard, updated_at=now
            )
        by_reason = defaultdict(list)
        for flag_id, _premises_id, _kind, reason in plan.to_resolve:
            by_reason[reason].append(flag_id)
        resolved = 0
        for key, ids in by_reason.items():
            resolved += ComplianceFlag.objects.filter(UNRESOLVED, pk__in=ids).update(
                status=FlagStatus.RESOLVED,
                resolved_at=now,
                resolved_by_run=run,
                resolution_reason=_resolution_reason(key, run, as_of, standard),
                updated_at=now,
            )
        changed = [flag_id for flag_id, _breach in plan.to_update] + [r[0] for r in plan.to_resolve]
        if changed:
            record_history(ComplianceFlag, changed, reason=reason)
        for value in (True, False):
            ids = [pk for pk, in_breach in plan.breach_changes.items() if in_breach is value]
            if ids:
                Premises.objects.filter(pk__in=ids).update(in_breach=value, updated_at=now)  # API clients poll it
    return {
        "opened": len(plan.to_open),
        "confirmed": len(plan.to_confirm) + len(plan.to_update),
        "resolved": resolved,
    }


def breaches_now(premises_id, as_of):
    """What one premises breaks on `as_of`, judged as the sweep judges it (reads only)."""
    standard = CameraStandard.objects.in_force(as_of)
    if standard is None:
        return []
    return plan_range(premises_id, premises_id, standard, as_of).breaches.get(premises_id, [])


def judge_premises(premises_id, as_of, *, left=None):
    """The sweep's own judgement for one premises, now: run (through a task) after every write
    that can change its verdict (inspections.triggers), then its kept totals counted again (now, or
    on a worker by one task for a burst of writes: inspections.totals.after_judging).
    Nothing to judge without a standard in force: the nightly sweep reports that. Returns the counts, or None."""
    standard = CameraStandard.objects.in_force(as_of)
    plan = plan_range(premises_id, premises_id, standard, as_of) if standard else None
    with transaction.atomic():
        counts = apply_plan(plan, standard, as_of) if plan else None
        if plan:
            obligation.release(Q(pk=premises_id), as_of)
        # The write itself counts, standard or not; so does the road and category the premises `left`.
        totals.after_judging(totals.groups_of([premises_id]) | ({left} if left else set()), as_of)
    return counts


# ---------------------------------------------------------------------------
# Runs and chunks


class NoStandardInForce(ValidationError):
    """A clear message for the page or command that needed a standard, never a server error."""


def standard_for(as_of):
    standard = CameraStandard.objects.in_force(as_of)
    if standard is None:
        raise NoStandardInForce(
            _("No camera standard is in force on %(date)s: a supervisor must add a version first.")
            % {"date": date_format(as_of, "j F Y")}
        )
    return standard


def chunk_ranges(chunk_size=CHUNK_SIZE):
    """Split all premises ids into (first, last) ranges of at most `chunk_size` ids."""
    ids = list(Premises.objects.order_by("pk").values_list("pk", flat=True))
    return [(ids[i], ids[min(i + chunk_size, len(ids)) - 1]) for i in range(0, len(ids), chunk_size)]


# A run still "running" this long after it started lost a worker mid-chunk (the broker hands the
# chunk out again only after its visibility timeout); the next run closes it and covers its premises.
ABANDONED_AFTER = datetime.timedelta(hours=2)


def close_abandoned_runs(now):
    return SweepRun.objects.filter(status=SweepStatus.RUNNING, started_at__lt=now - ABANDONED_AFTER).update(
        status=SweepStatus.FAILED,
        finished_at=now,
        errors=[{"error": "abandoned: not finished within 2 hours (a worker was lost); the next run covers it"}],
    )


def start_run(as_of, *, trigger, user=None, chunk_size=CHUNK_SIZE):
    """Record a run and its chunks; the caller (task or command) then runs the chunks."""
    standard = standard_for(as_of)
    ranges = chunk_ranges(chunk_size)
    close_abandoned_runs(timezone.now())
    with transaction.atomic():
        run = SweepRun.objects.create(
            as_of=as_of,
            standard=standard,
            trigger=trigger,
            started_by=user,
            started_at=timezone.now(),
            chunks_total=len(ranges),
        )
        SweepChunk.objects.bulk_create(
            SweepChunk(run=run, number=n, first_premises_id=first, last_premises_id=last)
            for n, (first, last) in enumerate(ranges, start=1)
        )
    if not ranges:
        finish_run_if_complete(run.pk)
    return run


def run_chunk(chunk_id, check=None):
    """Evaluate and apply one chunk, once; then close the run if it was the last. True if it ran."""
    chunk = SweepChunk.objects.select_related("run__standard").get(pk=chunk_id)
    if chunk.done:
        return False  # redelivered after a worker finished it
    run = chunk.run
    try:
        with transaction.atomic():
            counts = judge_and_write(chunk.first_premises_id, chunk.last_premises_id, run, check)
            obligation.release(Q(pk__gte=chunk.first_premises_id, pk__lte=chunk.last_premises_id), run.as_of)
            claimed = SweepChunk.objects.filter(pk=chunk.pk, done=False).update(
                done=True,
                premises_evaluated=counts["evaluated"],
                premises_obligated=counts["obligated"],
                premises_compliant=counts["compliant"],
                flags_opened=counts["opened"],
                flags_confirmed=counts["confirmed"],
                flags_resolved=counts["resolved"],
                errors=counts["errors"],
                finished_at=timezone.now(),
            )
            if not claimed:  # another worker finished this chunk meanwhile: keep its result
                transaction.set_rollback(True)
                return False
    except Exception as error:
        log.exception("sweep: chunk %s failed", chunk_id)
        SweepChunk.objects.filter(pk=chunk.pk, done=False).update(
            done=True,
            errors=[{"chunk": chunk.number, "error": f"{error.__class__.__name__}: {error}"}],
            finished_at=timezone.now(),
        )
    finish_run_if_complete(run.pk)
    return True


def judge_and_write(first_id, last_id, run, check=None):
    """Judge one range of premises and write what changed, inside the caller's transaction: set-based
    on PostgreSQL (inspections.sweep_sql), planned premises by premises in Python elsewhere."""
    check = check or memoised_check()
    standard, as_of = run.standard, run.as_of
    if connection.vendor == "postgresql":
        keys = ["cleared", *Premises.Verification.values]
        reasons = {key: _resolution_reason(key, run, as_of, standard) for key in keys}
        counts = sweep_sql.apply_range(first_id, last_id, standard, as_of, run, check, reasons)
        _tell_owners_of_dark_feeds(counts["dark_opened"], counts["opened_at"])
        return counts
    plan = plan_range(first_id, last_id, standard, as_of, check)
    counts = apply_plan(plan, standard, as_of, run)
    return {
        **counts,
        "evaluated": plan.evaluated,
        "obligated": plan.obligated,
        "compliant": plan.compliant,
        "errors": plan.errors,
    }


def finish_run_if_complete(run_id):
    """Close the run once every chunk is done; called after each chunk's own commit."""
    if SweepChunk.objects.filter(run_id=run_id, done=False).exists():
        return False
    chunks = SweepChunk.objects.filter(run_id=run_id)
    summed = chunks.aggregate(
        premises=Sum("premises_evaluated"),
        obligated=Sum("premises_obligated"),
        compliant=Sum("premises_compliant"),
        opened=Sum("flags_opened"),
        confirmed=Sum("flags_confirmed"),
        resolved=Sum("flags_resolved"),
    )
    errors = [e for chunk_errors in chunks.values_list("errors", flat=True) for e in chunk_errors]
    with transaction.atomic():
        closed = SweepRun.objects.filter(pk=run_id, status=SweepStatus.RUNNING).update(
            status=SweepStatus.FAILED if errors else SweepStatus.SUCCEEDED,
            finished_at=timezone.now(),
            premises_evaluated=summed["premises"] or 0,
            premises_obligated=summed["obligated"] or 0,
            premises_compliant=summed["compliant"] or 0,
            flags_opened=summed["opened"] or 0,
            flags_confirmed=summed["confirmed"] or 0,
            flags_resolved=summed["resolved"] or 0,
            errors=errors,
        )
        if closed:  # the flags changed under the kept totals: count them again with the run's close
            totals.recount_all(SweepRun.objects.values_list("as_of", flat=True).get(pk=run_id))
    return bool(closed)


def run_sweep(as_of, *, trigger="command", user=None, chunk_size=CHUNK_SIZE, progress=None):
    """The whole sweep in this process, chunk after chunk (no broker needed)."""
    run = start_run(as_of, trigger=trigger, user=user, chunk_size=chunk_size)
    check = memoised_check()
    chunk_ids = list(run.chunks.values_list("pk", flat=True))
    for done, chunk_id in enumerate(chunk_ids, start=1):
        run_chunk(chunk_id, check)
        if progress:
            progress(done, len(chunk_ids))
    run.refresh_from_db()
    return run


def preview_sweep(as_of, *, chunk_size=CHUNK_SIZE, progress=None):
    """A dry run: the plans of every chunk, nothing written."""
    standard = standard_for(as_of)
    check = memoised_check()
    ranges = chunk_ranges(chunk_size)
    plans = []
    for done, (first, last) in enumerate(ranges, start=1):
        plans.append(plan_range(first, last, standard, as_of, check))
        if progress:
            progress(done, len(ranges))
    return standard, plans
