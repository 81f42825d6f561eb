"""The sweep's chunk, set-based, on PostgreSQL: every verdict in SQL, every write one statement.

`inspections.sweep.plan_range` judges premises one by one in Python, the form the dry run, the
judging after a write and SQLite use. On PostgreSQL a sweep chunk runs here instead, in one
transaction:

1. the camera spec check (`registry.spec_check`, the one definition) runs in Python once per
   distinct camera setup of the chunk (a city has a few hundred), and its findings go to the
   database as one jsonb parameter;
2. one statement builds the judging table: a row per premises of the chunk's population with
   what the rules read (camera counts, the cameras each camera rule lists, the latest valid
   inspection); `rules.RULES` give each rule's SQL beside its Python check, and one more
   statement turns them into the verdict table (premises, kind, severity, details);
3. flags are opened with INSERT … ON CONFLICT DO NOTHING RETURNING, their history rows written
   by the same statement; flags whose details changed are updated, and flags whose condition is
   gone resolved, each in one UPDATE … RETURNING feeding its history rows; a flag that still
   holds unchanged is not written (the run is its confirmation);
4. `Premises.in_breach` is written only where it changes.

tests/inspections/test_sweep_sql.py proves on generated data that these statements and the
Python plan give the same flags, details included.
"""

from __future__ import annotations

import datetime
import json
import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone

from registry.models import Camera, PremisesCategory

from . import rules
from .models import HISTORY_FIELDS, ComplianceFlag

log = logging.getLogger(__name__)

UNRESOLVED_SQL = "status IN ('open', 'acknowledged')"
OBLIGATED_SQL = (
    "(p.designated_on <= %(as_of)s AND p.first_verified_at IS NOT NULL AND p.verification_status <> 'rejected')"
)


def _text(column):
    return f"coalesce(c.{column}::text, '')"


# A camera's setup as the spec check reads it: its spec fields, with only whether there is a stream
# address (not the address itself), as in sweep.CameraRow.spec_key.
SPEC_KEY_SQL = "concat_ws('|', {})".format(
    ", ".join("(coalesce(c.rtsp_url, '') <> '')::text" if f == "rtsp_url" else _text(f) for f in Camera.SPEC_FIELDS)
)
SPEC_COLUMNS = ", ".join(
    "(coalesce(c.rtsp_url, '') <> '')" if f == "rtsp_url" else f"c.{f}" for f in Camera.SPEC_FIELDS
)

# One row per premises of the population in the chunk, with what the rules' SQL reads as `j`.
JUDGING_SQL = f"""
CREATE TEMP TABLE sweep_judging ON COMMIT DROP AS
WITH spec AS (
    SELECT * FROM jsonb_to_recordset(%(specs)s::jsonb) AS s(key text, spec jsonb, spec_if_measured jsonb, link jsonb)
),
population AS (
    SELECT p.id, p.category, p.verification_status, p.next_inspection_due AS due, p.in_breach,
           {OBLIGATED_SQL} AS obligated,
           (p.created_at AT TIME ZONE %(time_zone)s)::date AS registered_on
    FROM registry_premises p
    WHERE p.id BETWEEN %(first)s AND %(last)s AND p.id <> ALL(%(skipped)s::bigint[])
      AND ({OBLIGATED_SQL} OR p.verification_status = 'pending')
),
camera AS (
    SELECT c.id, c.premises_id, c.label, c.faces_road, c.measured_px_per_m, c.measured_on, c.feed_dark_since,
           c.status = 'active' AS working,
           c.status = 'active' AND (NOT %(road_cameras_only)s OR c.faces_road) AS judged,
           (%(measurement_valid_days)s > 0 AND c.measured_on IS NOT NULL AND c.measured_px_per_m IS NOT NULL
            AND %(as_of)s - c.measured_on < %(measurement_valid_days)s) AS measured,
           coalesce(c.rtsp_url, '') <> '' OR coalesce(c.onvif_address, '') <> '' AS has_feed,
           s.spec, s.spec_if_measured, s.link
    FROM registry_camera c JOIN spec s ON s.key = {SPEC_KEY_SQL}
    WHERE c.premises_id BETWEEN %(first)s AND %(last)s AND c.status <> 'removed'
),
cameras AS (
    SELECT premises_id,
           count(*) AS registered,
           count(*) FILTER (WHERE working AND faces_road) AS facing,
           coalesce(jsonb_agg(jsonb_build_object('id', id, 'label', label, 'findings',
                                                 CASE WHEN measured THEN spec_if_measured ELSE spec END) ORDER BY id)
                    FILTER (WHERE judged AND (CASE WHEN measured THEN spec_if_measured ELSE spec END) <> '[]'),
                    '[]') AS spec_cameras,
           coalesce(jsonb_agg(jsonb_build_object('id', id, 'label', label, 'findings', link) ORDER BY id)
                    FILTER (WHERE judged AND link <> '[]'), '[]') AS link_cameras,
           coalesce(jsonb_agg(jsonb_build_object(
                        'id', id, 'label', label, 'measured_px_per_m', round(measured_px_per_m),
                        'required_px_per_m', %(required_px_per_m)s, 'measured_on', to_char(measured_on, 'YYYY-MM-DD')
                    ) ORDER BY id) FILTER (WHERE working AND measured AND measured_px_per_m < %(face_px_per_m)s),
                    '[]') AS measured_cameras,
           coalesce(jsonb_agg(jsonb_build_object(
                        'id', id, 'label', label, 'hours', %(feed_dark_hours)s, 'silent_since',
                        to_char(feed_dark_since AT TIME ZONE %(time_zone)s, 'YYYY-MM-DD"T"HH24:MI:SS')
                        || CASE WHEN extract(microseconds FROM feed_dark_since)::bigint %% 1000000 <> 0
                                THEN to_char(feed_dark_since AT TIME ZONE %(time_zone)s, '.US') ELSE '' END
                        || %(utc_offset)s
                    ) ORDER BY id) FILTER (WHERE working AND has_feed AND feed_dark_since IS NOT NULL
                                           AND %(feed_dark_hours)s > 0
                                           AND %(start_of_day)s - feed_dark_since
                                               > make_interval(hours => %(feed_dark_hours)s)),
                    '[]') AS dark_cameras
    FROM camera GROUP BY premises_id
),
last_inspection AS (
    SELECT DISTINCT ON (i.premises_id) i.premises_id, i.result
    FROM inspections_inspection i
    WHERE i.premises_id BETWEEN %(first)s AND %(last)s AND i.performed_on <= %(as_of)s
      AND NOT EXISTS (SELECT 1 FROM inspections_inspection c WHERE c.corrects_id = i.id)
    ORDER BY i.premises_id, i.performed_on DESC, i.id DESC
)
SELECT p.*,
       coalesce(c.registered, 0) AS registered, coalesce(c.facing, 0) AS facing,
       coalesce(c.spec_cameras, '[]') AS spec_cameras, coalesce(c.link_cameras, '[]') AS link_cameras,
       coalesce(c.measured_cameras, '[]') AS measured_cameras, coalesce(c.dark_cameras, '[]') AS dark_cameras,
       coalesce((%(required_by_category)s::jsonb ->> p.category)::int, %(min_road_cameras)s) AS required,
       i.result AS last_result
FROM population p
LEFT JOIN cameras c ON c.premises_id = p.id
LEFT JOIN last_inspection i ON i.premises_id = p.id
"""


def _verdict_sql():
    """Every rule of rules.RULES over the judging table, one SELECT each."""
    selects = [
        f"SELECT j.id AS premises_id, '{rule.kind}'::text AS kind, '{rule.severity}'::text AS severity, "
        f"{rule.sql[1]} AS details FROM sweep_judging j "
        f"WHERE {'j.obligated AND ' if rule.obligation else ''}({rule.sql[0]})"
        for rule in rules.RULES
    ]
    return "CREATE TEMP TABLE sweep_verdict ON COMMIT DROP AS\n" + "\nUNION ALL\n".join(selects)


def _history_insert(source, *, history_type, reason, now):
    """INSERT the rows of the CTE `source` (flag rows, RETURNING *) into the flags' history."""
    history = ComplianceFlag.history.model
    columns = ", ".join(f'"{f.column}"' for f in history._meta.concrete_fields if f.name not in HISTORY_FIELDS)
    sql = (
        f"INSERT INTO {history._meta.db_table} ({columns}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {columns}, %(now)s, %(reason)s, '{history_type}', NULL FROM {source} "
        "RETURNING id, premises_id, kind"
    )
    return sql, {"now": now, "reason": reason}


def specs_of_range(first_id, last_id, standard, check):
    """The spec check's findings for each distinct camera setup in the range, keyed as SPEC_KEY_SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {SPEC_KEY_SQL}, {SPEC_COLUMNS} FROM registry_camera c "
            "WHERE c.premises_id BETWEEN %s AND %s AND c.status <> 'removed'",
            [first_id, last_id],
        )
        rows = cursor.fetchall()
    specs, broken = [], {}
    for key, *values in rows:
        camera = _Setup(dict(zip(Camera.SPEC_FIELDS, values, strict=True)))
        try:
            findings = check(camera, standard).findings
        except Exception as error:  # one corrupt record must not stop the city's sweep
            log.exception("sweep: camera setup %s could not be checked", key)
            broken[key] = f"{error.__class__.__name__}: {error}"
            continue
        link = [f.as_dict() for f in findings if f.rule in rules.CONNECTIVITY_RULES]
        spec = [f.as_dict() for f in findings if f.rule not in rules.CONNECTIVITY_RULES]
        # A fresh measurement at the test card decides face identification instead (rules.Judging.measured).
        if_measured = [f for f in spec if f["rule"] != "face_identification"]
        specs.append({"key": key, "spec": spec, "spec_if_measured": if_measured, "link": link})
    return specs, broken


def _not_judged(first_id, last_id, broken):
    """The premises of the range with a camera whose setup could not be checked: {id: error}. They
    are left out, their flags and in_breach untouched, and reported (as the Python plan does)."""
    if not broken:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.premises_id, {SPEC_KEY_SQL} FROM registry_camera c "
            f"WHERE c.premises_id BETWEEN %s AND %s AND c.status <> 'removed' AND {SPEC_KEY_SQL} = ANY(%s)",
            [first_id, last_id, list(broken)],
        )
        return {premises_id: broken[key] for premises_id, key in cursor.fetchall()}


class _Setup:
    """A camera setup as the spec check reads it (attributes; `onvif_profiles`; a memoising key)."""

    def __init__(self, values):
        self.__dict__.update(values)
        self.rtsp_url = "rtsp" if values["rtsp_url"] else ""

    @property
    def onvif_profiles(self):
        return {p for p in "STGM" if getattr(self, f"onvif_profile_{p.lower()}")}

    @property
    def spec_key(self):
        return tuple(getattr(self, f) for f in Camera.SPEC_FIELDS)


def params(first_id, last_id, standard, as_of, check):
    """The statements' parameters, and the premises left out with their error."""
    start_of_day = datetime.datetime.combine(as_of, datetime.time.min, tzinfo=rules.WITA)
    specs, broken = specs_of_range(first_id, last_id, standard, check)
    skipped = _not_judged(first_id, last_id, broken)
    values = {
        "first": first_id,
        "last": last_id,
        "skipped": list(skipped),
        "as_of": as_of,
        "time_zone": settings.TIME_ZONE,
        "utc_offset": start_of_day.isoformat()[-6:],
        "start_of_day": start_of_day,
        "specs": json.dumps(specs),
        "road_cameras_only": standard.judge_road_cameras_only,
        "measurement_valid_days": standard.measurement_valid_days or 0,
        "face_px_per_m": standard.face_px_per_m,
        "required_px_per_m": round(standard.face_px_per_m),
        "feed_dark_hours": standard.feed_dark_hours or 0,
        "required_by_category": json.dumps({c: standard.min_road_cameras_for(c) for c in PremisesCategory.values}),
        "min_road_cameras": standard.min_road_cameras,
        "grace_period_days": standard.grace_period_days,
    }
    return values, skipped


def judge_range(first_id, last_id, standard, as_of, check):
    """Fill the two temporary tables (dropped at commit) for the range; call inside a transaction.
    Returns the premises left out ({id: error})."""
    values, skipped = params(first_id, last_id, standard, as_of, check)
    with connection.cursor() as cursor:
        # Short statements over one range: compiling them (JIT) costs more than it saves. And joins
        # by hash: right after a first run starts (or a TRUNCATE) the flags table's statistics say
        # "empty", and a nested loop over a seemingly empty table turns quadratic as chunks fill it.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("DROP TABLE IF EXISTS sweep_judging, sweep_verdict")
        cursor.execute(JUDGING_SQL, values)
        cursor.execute(_verdict_sql(), {"as_of": as_of, "grace_period_days": standard.grace_period_days})
    return skipped


def verdicts(first_id, last_id, standard, as_of, check):
    """{premises_id: {kind: details}} for every premises judged in the range, nothing written (what
    the parity test compares with the Python plan); call inside a transaction."""
    judge_range(first_id, last_id, standard, as_of, check)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM sweep_judging")
        found = {pk: {} for (pk,) in cursor.fetchall()}
        cursor.execute("SELECT premises_id, kind, details FROM sweep_verdict")
        for premises_id, kind, details in cursor.fetchall():
            found[premises_id][kind] = json.loads(details) if isinstance(details, str) else details
    return found


def apply_range(first_id, last_id, standard, as_of, run, check, reasons):
    """Judge the range and write what changed; call inside the chunk's transaction. `reasons`
    maps "cleared" and each verification status to the resolution text. Returns the chunk's
    counts and the premises of newly opened "feed dark" flags."""
    now = timezone.now()
    skipped = judge_range(first_id, last_id, standard, as_of, check)
    reason = f"system: sweep run {run.pk}" if run else "system: judged after a change"
    base = {
        "now": now,
        "standard": standard.pk,
        "run": getattr(run, "pk", None),
        "first": first_id,
        "last": last_id,
        "skipped": list(skipped),
    }
    history_opened, extra = _history_insert("opened", history_type="+", reason=reason, now=now)
    history_changed, _extra = _history_insert("changed", history_type="~", reason=reason, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH opened AS (
                INSERT INTO inspections_complianceflag
                    (premises_id, kind, severity, details, standard_id, status, opened_at, opened_by_run_id,
                     updated_at, resolution_reason)
                SELECT v.premises_id, v.kind, v.severity, v.details, %(standard)s, 'open', %(now)s, %(run)s,
                       %(now)s, ''
                FROM sweep_verdict v
                WHERE NOT EXISTS (SELECT 1 FROM inspections_complianceflag f
                                  WHERE f.premises_id = v.premises_id AND f.kind = v.kind AND f.{UNRESOLVED_SQL}
                                    AND f.premises_id BETWEEN %(first)s AND %(last)s)
                ON CONFLICT DO NOTHING
                RETURNING *
            ) {history_opened}""",
            {**base, **extra},
        )
        opened = cursor.fetchall()
        cursor.execute(
            f"""WITH changed AS (
                UPDATE inspections_complianceflag f
                SET details = v.details, severity = v.severity, standard_id = %(standard)s, updated_at = %(now)s
                FROM sweep_verdict v
                WHERE f.premises_id = v.premises_id AND f.kind = v.kind AND f.{UNRESOLVED_SQL}
                  AND f.premises_id BETWEEN %(first)s AND %(last)s
                  AND (f.details <> v.details OR f.standard_id <> %(standard)s OR f.severity <> v.severity)
                RETURNING f.*
            ) {history_changed}""",
            {**base, **extra},
        )
        updated = cursor.rowcount
        # A flag with no verdict left: "cleared" if the premises still owes that rule, else the
        # premises' verification status says why it owes nothing (rules.Rule.obligation).
        owed_always = [r.kind for r in rules.RULES if not r.obligation]
        cursor.execute(
            f"""WITH changed AS (
                UPDATE inspections_complianceflag f
                SET status = 'resolved', resolved_at = %(now)s, resolved_by_run_id = %(run)s, updated_at = %(now)s,
                    resolution_reason = %(reasons)s::jsonb ->> (
                        CASE WHEN j.id IS NOT NULL AND (j.obligated OR f.kind = ANY(%(owed_always)s)) THEN 'cleared'
                             ELSE p.verification_status END)
                FROM registry_premises p LEFT JOIN sweep_judging j ON j.id = p.id
                WHERE f.premises_id = p.id AND f.premises_id BETWEEN %(first)s AND %(last)s AND f.{UNRESOLVED_SQL}
                  AND f.premises_id <> ALL(%(skipped)s::bigint[])
                  AND NOT EXISTS (SELECT 1 FROM sweep_verdict v WHERE v.premises_id = f.premises_id AND v.kind = f.kind)
                RETURNING f.*
            ) {history_changed}""",
            {**base, **extra, "reasons": json.dumps(reasons), "owed_always": owed_always},
        )
        resolved = cursor.rowcount
        warnable = sorted(rules.warnable_kinds(standard))
        # in_breach only where it changes; a premises outside the population owes nothing.
        cursor.execute(
            """UPDATE registry_premises p SET in_breach = NOT p.in_breach, updated_at = %(now)s
               WHERE p.id BETWEEN %(first)s AND %(last)s AND p.id <> ALL(%(skipped)s::bigint[])
                 AND p.in_breach <> EXISTS (SELECT 1 FROM sweep_verdict v
                                            WHERE v.premises_id = p.id AND v.kind = ANY(%(warnable)s))""",
            {**base, "warnable": warnable},
        )
        cursor.execute(
            """SELECT count(*), count(*) FILTER (WHERE j.obligated),
                      count(*) FILTER (WHERE j.obligated AND w.premises_id IS NULL),
                      (SELECT count(*) FROM sweep_verdict)
               FROM sweep_judging j
               LEFT JOIN (SELECT DISTINCT premises_id FROM sweep_verdict WHERE kind = ANY(%(warnable)s)) w
                      ON w.premises_id = j.id""",
            {"warnable": warnable},
        )
        evaluated, obligated, compliant, found = cursor.fetchone()
    return {
        "evaluated": evaluated,
        "obligated": obligated,
        "compliant": compliant,
        "opened": len(opened),
        "confirmed": found - len(opened),
        "updated": updated,
        "resolved": resolved,
        "dark_opened": [premises_id for _pk, premises_id, kind in opened if kind == "feed_dark"],
        "errors": [{"premises_id": pk, "error": error} for pk, error in sorted(skipped.items())],
        "opened_at": now,
    }
