"""Sweep benchmark on PostgreSQL: the sweep against its floor and against the naive peer.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python bench/generate.py --premises 100000
    .venv/bin/python bench/sweep.py [--sample 500]

Prints, in one run:
- the sweep's time on a clean slate (first run: every flag opened) and again with nothing
  changed (second run: it writes nothing to the flags that still hold);
- the floor: the whole city's verdicts in one set-based pass of the same SQL (no chunks, no
  history, no bookkeeping), and for the first run that pass plus one INSERT … SELECT of the
  flags; and the rows read flat into Python, the floor before issue 22;
- with --python, the sweep as it was before issue 22 (the Python plan, chunk by chunk);
- with --workers 1,2,4, a quiet night and a first run through that many processes sharing the
  chunks, as Celery workers do;
- the naive peer: a per-premises ORM loop (fetch the premises' cameras, flags and last
  inspection, judge, get_or_create each flag) on a sample, extrapolated to all premises.
"""

import argparse
import time

import _setup  # noqa: F401
from django.db import connection, transaction
from django.utils import timezone

from inspections import rules, sweep, sweep_sql
from inspections.models import ComplianceFlag, SweepChunk, SweepRun, WarningLetter
from registry.models import Camera, CameraStandard, Premises

# The same rows the sweep reads, flat, each fetched to Python.
FLOOR_READS = [
    "SELECT id, name, category, designated_on, verification_status, first_verified_at, created_at, next_inspection_due "
    "FROM registry_premises WHERE (designated_on <= %(as_of)s AND first_verified_at IS NOT NULL "
    "AND verification_status <> 'rejected') OR verification_status = 'pending'",
    "SELECT id, premises_id, label, status, "
    + ", ".join(Camera.SPEC_FIELDS)
    + " FROM registry_camera WHERE status <> 'removed'",
    "SELECT id, premises_id, kind, details, standard_id FROM inspections_complianceflag "
    "WHERE status IN ('open', 'acknowledged')",
    "SELECT i.premises_id, i.result FROM inspections_inspection i WHERE i.performed_on <= %(as_of)s "
    "AND NOT EXISTS (SELECT 1 FROM inspections_inspection c WHERE c.corrects_id = i.id) "
    "ORDER BY i.premises_id, i.performed_on DESC, i.id DESC",
]
FLAG_COLUMNS = "premises_id, kind, severity, details, standard_id, status, opened_at, updated_at, resolution_reason"


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


def floor_read(as_of):
    rows = 0
    with connection.cursor() as cursor:
        for sql in FLOOR_READS:
            cursor.execute(sql, {"as_of": as_of})
            rows += len(cursor.fetchall())
    return rows


def keep_flags_aside():
    """The flags the first run opened, kept in a scratch table; the flags table emptied."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_flags")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_flags AS SELECT {FLAG_COLUMNS} FROM inspections_complianceflag")
    clear_flags()


def insert_flags():
    """The floor's write: the same flags in one INSERT … SELECT."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO inspections_complianceflag ({FLAG_COLUMNS}) SELECT {FLAG_COLUMNS} FROM bench_flags"
        )
        return cursor.rowcount


def naive(as_of, standard, sample):
    ids = list(Premises.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    for premises in Premises.objects.filter(pk__in=ids):
        cameras = list(premises.cameras.exclude(status="removed"))
        last = premises.inspections.filter(performed_on__lte=as_of).order_by("-performed_on", "-pk").first()
        facts = rules.PremisesFacts(
            category=premises.category,
            designated_on=premises.designated_on,
            verification_status=premises.verification_status,
            first_verified_at=premises.first_verified_at,
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
                },
            )
    return len(ids)


def phases(as_of, standard):
    """Where a quiet night's time goes: the chunks' reads alone, then planning (reads and judging)."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from inspections.models import UNRESOLVED, Inspection

    ranges = sweep.chunk_ranges()
    started = time.perf_counter()
    for first, last in ranges:
        in_range = {"pk__gte": first, "pk__lte": last}
        of_range = {"premises_id__gte": first, "premises_id__lte": last}
        list(sweep.population(as_of).filter(**in_range).values_list("pk", "name", "designated_on", "created_at"))
        list(
            Inspection.objects.filter(**of_range, performed_on__lte=as_of, correction__isnull=True)
            .order_by("premises_id", "-performed_on", "-pk")
            .values_list("premises_id", "result")
        )
        list(sweep._raw_rows(Camera.objects.filter(**of_range).values_list(*sweep.CAMERA_FIELDS)))
        flags = ComplianceFlag.objects.filter(UNRESOLVED, **of_range)
        list(sweep._raw_rows(flags.annotate(text=Cast("details", TextField())).values_list("pk", "text")))
    reads = time.perf_counter() - started
    check = sweep.memoised_check()
    started = time.perf_counter()
    for first, last in ranges:
        sweep.plan_range(first, last, standard, as_of, check)
    planning = time.perf_counter() - started
    print(f"  phases: the chunks' reads {reads:.2f} s; planning (reads and judging) {planning:.2f} s")


def set_based_floor(as_of, standard, first_run):
    """The floor: the whole city's verdicts in one set-based pass of the same SQL (one range, no
    chunks, no bookkeeping, no history), and on a first run one INSERT … SELECT of the flags."""
    ids = Premises.objects.order_by("pk").values_list("pk", flat=True)
    with transaction.atomic():
        sweep_sql.judge_range(ids.first(), ids.last(), standard, as_of, sweep.memoised_check())
        with connection.cursor() as cursor:
            if first_run:
                cursor.execute(
                    "INSERT INTO inspections_complianceflag (premises_id, kind, severity, details, standard_id, status, "
                    "opened_at, updated_at, resolution_reason) SELECT premises_id, kind, severity, details, %s, 'open', "
                    "now(), now(), '' FROM sweep_verdict",
                    [standard.pk],
                )
            else:
                cursor.execute("SELECT count(*) FROM sweep_verdict")
        transaction.set_rollback(True)


def python_plan(first_id, last_id, run, check=None):
    """The sweep as it was before issue 22: plan premises by premises in Python, then apply."""
    plan = sweep.plan_range(first_id, last_id, run.standard, run.as_of, check)
    counts = sweep.apply_plan(plan, run.standard, run.as_of, run)
    return {
        **counts,
        "evaluated": plan.evaluated,
        "obligated": plan.obligated,
        "compliant": plan.compliant,
        "errors": [],
    }


def _chunk_in_process(chunk_id):
    from django.db import connections

    connections.close_all()  # a fresh connection per process
    return sweep.run_chunk(chunk_id)


def through_workers(as_of, workers):
    """The chunked fan-out over `workers` processes, as the Celery workers share a run's chunks."""
    import multiprocessing

    from django.db import connections

    run = sweep.start_run(as_of, trigger="bench")
    chunk_ids = list(run.chunks.values_list("pk", flat=True))
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map(_chunk_in_process, chunk_ids, chunksize=1)
    run.refresh_from_db()
    assert run.status == "succeeded", run.errors
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=500, help="premises for the naive loop (0: skip it)")
    parser.add_argument("--phases", action="store_true", help="only time the phases of a quiet night")
    parser.add_argument("--python", action="store_true", help="also time the Python plan (the sweep before issue 22)")
    parser.add_argument("--workers", default="", help="e.g. 1,2,4: also time a quiet night through N processes")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    as_of = timezone.localdate()
    standard = CameraStandard.objects.in_force(as_of)
    premises = Premises.objects.count()
    print(f"{premises} premises, as of {as_of}, standard v{standard.version}, chunks of {sweep.CHUNK_SIZE}")
    if args.phases:
        if not ComplianceFlag.objects.exists():
            sweep.run_sweep(as_of, trigger="bench")
        phases(as_of, standard)
        return

    clear_flags()
    first, run1 = timed("sweep, first run (opens every flag)", lambda: sweep.run_sweep(as_of, trigger="bench"))
    second, run2 = timed("sweep, second run (nothing changed)", lambda: sweep.run_sweep(as_of, trigger="bench"))
    print(
        f"  first: opened {run1.flags_opened}; second: opened {run2.flags_opened}, "
        f"confirmed {run2.flags_confirmed}, resolved {run2.flags_resolved}"
    )
    floor_steady, _ = timed(
        "floor: the city's verdicts, one set-based pass", lambda: set_based_floor(as_of, standard, False)
    )
    clear_flags()
    floor_first, _ = timed(
        "floor: the same and one INSERT … SELECT of flags", lambda: set_based_floor(as_of, standard, True)
    )
    read_time, rows = timed("the rows read flat into Python (earlier floor)", lambda: floor_read(as_of))
    print(f"first run / floor: {first / floor_first:.1f}x (target ≤ 5x)")
    print(f"second run / floor: {second / floor_steady:.1f}x (target ≤ 3x)")

    if args.python:
        real = sweep.judge_and_write
        sweep.judge_and_write = python_plan
        try:
            clear_flags()
            timed("Python plan, first run (before issue 22)", lambda: sweep.run_sweep(as_of, trigger="bench"))
            timed("Python plan, second run", lambda: sweep.run_sweep(as_of, trigger="bench"))
        finally:
            sweep.judge_and_write = real

    if args.workers:
        if not ComplianceFlag.objects.unresolved().exists():
            sweep.run_sweep(as_of, trigger="bench")
        for n in [int(w) for w in args.workers.split(",")]:
            elapsed, run = timed(f"quiet night through {n} process(es)", lambda n=n: through_workers(as_of, n))
            print(f"  {run.chunks_total} chunks: {elapsed / run.chunks_total * n:.2f} s per chunk per process")
        clear_flags()
        first_runs = {}
        for n in [int(w) for w in args.workers.split(",")]:
            clear_flags()
            first_runs[n], _run = timed(f"first run through {n} process(es)", lambda n=n: through_workers(as_of, n))

    if args.sample:
        clear_flags()
        sample_time, sampled = timed(
            f"naive ORM loop, {args.sample} premises", lambda: naive(as_of, standard, args.sample)
        )
        naive_total = sample_time / sampled * premises
        print(f"{'naive ORM loop, extrapolated':<44} {naive_total:8.2f} s")
        print(f"naive / second run: {naive_total / second:.0f}x faster")
    clear_flags()


if __name__ == "__main__":
    main()
