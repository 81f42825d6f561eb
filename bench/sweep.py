"""Sweep benchmark on PostgreSQL: the sweep against its floor and against the naive peer.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python bench/generate.py --premises 100000
    .venv/bin/python bench/sweep.py [--sample 500]

Prints, in one run:
- the sweep's time on a clean slate (first run: every flag opened) and again with nothing
  changed (second run: every flag confirmed);
- the floor: one plain SQL query that reads the same rows (premises with their cameras,
  their unresolved flags and their latest inspection), fetched to Python;
- the naive peer: a per-premises ORM loop (fetch the premises' cameras, flags and last
  inspection, judge, get_or_create each flag) on a sample, extrapolated to all premises.
"""

import argparse
import time

import _setup  # noqa: F401
from django.db import connection, transaction
from django.utils import timezone

from inspections import rules, sweep
from inspections.models import ComplianceFlag, SweepChunk, SweepRun, WarningLetter
from registry.models import Camera, CameraStandard, Premises

# The plain join a person would write: premises with their cameras, unresolved flags and latest
# inspection, fetched to Python. (A json_agg form without the join's fan-out measured slower here.)
FLOOR_SQL = """
SELECT p.id, p.category, p.designated_on, p.verification_status, p.created_at, p.next_inspection_due,
       c.id, c.label, c.status, {camera_spec_columns},
       f.id, f.kind, f.details, f.standard_id,
       (SELECT i.result FROM inspections_inspection i WHERE i.premises_id = p.id AND i.performed_on <= %s
          AND NOT EXISTS (SELECT 1 FROM inspections_inspection c WHERE c.corrects_id = i.id)
        ORDER BY i.performed_on DESC, i.id DESC LIMIT 1)
FROM registry_premises p
LEFT JOIN registry_camera c ON c.premises_id = p.id AND c.status <> 'removed'
LEFT JOIN inspections_complianceflag f ON f.premises_id = p.id AND f.status IN ('open', 'acknowledged')
WHERE p.verification_status <> 'rejected' AND (p.designated_on <= %s OR p.verification_status = 'pending')
""".replace("{camera_spec_columns}", ", ".join(f"c.{name}" for name in Camera.SPEC_FIELDS))


def timed(label, fn):
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:8.2f} s")
    return elapsed, result


def clear_flags():
    with transaction.atomic():
        # TRUNCATE, not DELETE: flags are never deleted (PostgreSQL refuses a row delete).
        models = (
            WarningLetter.flags.through,
            WarningLetter,
            ComplianceFlag,
            SweepChunk,
            SweepRun,
            ComplianceFlag.history.model,
            WarningLetter.history.model,
        )
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models) + " CASCADE")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inspections_complianceflag")


def floor(as_of):
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [as_of, as_of])
        return len(cursor.fetchall())


def naive(as_of, standard, sample):
    ids = list(Premises.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    for premises in Premises.objects.filter(pk__in=ids):
        cameras = list(premises.cameras.exclude(status="removed"))
        last = premises.inspections.filter(performed_on__lte=as_of).order_by("-performed_on", "-pk").first()
        facts = rules.PremisesFacts(
            category=premises.category,
            designated_on=premises.designated_on,
            verification_status=premises.verification_status,
            registered_on=timezone.localdate(premises.created_at),
            next_inspection_due=premises.next_inspection_due,
            last_inspection_result=last.result if last else None,
            cameras=tuple(cameras),
        )
        for breach in rules.evaluate_premises(facts, standard, as_of):
            now = timezone.now()
            ComplianceFlag.objects.get_or_create(
                premises=premises,
                kind=breach.kind,
                status="open",
                defaults={
                    "severity": breach.severity,
                    "details": breach.details,
                    "standard": standard,
                    "opened_at": now,
                    "last_confirmed_at": now,
                },
            )
    return len(ids)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=500, help="premises for the naive loop")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    as_of = timezone.localdate()
    standard = CameraStandard.objects.in_force(as_of)
    premises = Premises.objects.count()
    print(f"{premises} premises, as of {as_of}, standard v{standard.version}")

    clear_flags()
    first, run1 = timed("sweep, first run (opens every flag)", lambda: sweep.run_sweep(as_of, trigger="bench"))
    second, run2 = timed("sweep, second run (nothing changed)", lambda: sweep.run_sweep(as_of, trigger="bench"))
    print(
        f"  first: opened {run1.flags_opened}; second: opened {run2.flags_opened}, "
        f"confirmed {run2.flags_confirmed}, resolved {run2.flags_resolved}"
    )
    floor_time, rows = timed("floor: one plain SQL read of the same rows", lambda: floor(as_of))
    print(f"  {rows} rows")

    clear_flags()
    sample_time, sampled = timed(f"naive ORM loop, {args.sample} premises", lambda: naive(as_of, standard, args.sample))
    naive_total = sample_time / sampled * premises
    print(f"{'naive ORM loop, extrapolated':<44} {naive_total:8.2f} s")
    clear_flags()

    print(f"second run / floor: {second / floor_time:.1f}x (target ≤ 5x)")
    print(f"naive / second run: {naive_total / second:.0f}x faster (target ≥ 20x)")


if __name__ == "__main__":
    main()
