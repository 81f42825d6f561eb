"""Warning ladder benchmark on PostgreSQL: a city's first day of warnings, and the next step.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench
    .venv/bin/python bench/generate.py --premises 100000
    .venv/bin/python bench/ladder.py [--sample 500] [--owners]

Prints, in one run:
- a sweep (untimed) so that every breach has its open flag;
- the ladder's day: plan (three reads) and the set-based writes of every SP1;
- the next step eight days later: every SP1 escalated to SP2;
- the reference: the per-letter loop the ladder used before (for each premises: insert the
  letter, its history row, read and link its flags; ~7 statements a letter), on a sample,
  extrapolated to the same number of letters;
- the floor: the same SP1 letters inserted by one plain INSERT … SELECT.

With --owners, every premises first gets a responsible person (a phone; every second one an
e-mail too) if it has none, so that each letter also posts its messages to the owner (outbox):
the ladder's day then includes composing and inserting them.
"""

import argparse
import datetime
import time

import _setup  # noqa: F401
from django.db import connection, transaction
from django.utils import timezone

from inspections import ladder, rules, sweep
from inspections.models import CURRENT, ComplianceFlag, WarningLetter, WarningStep
from outbox.models import DeliveryAttempt, Message


def timed(label, fn):
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<52} {elapsed:8.2f} s")
    return elapsed, result


OWNERS_SQL = """
INSERT INTO registry_responsibleperson (premises_id, name, role, phone, email, nik)
SELECT p.id, 'Pemilik ' || p.id, 'Pemilik', '+62812' || lpad((p.id % 100000000)::text, 8, '0'),
       CASE WHEN p.id % 2 = 0 THEN 'pemilik' || p.id || '@contoh.id' ELSE '' END, ''
FROM registry_premises p
WHERE NOT EXISTS (SELECT 1 FROM registry_responsibleperson r WHERE r.premises_id = p.id)
"""


def clear_letters():
    models = (WarningLetter.flags.through, WarningLetter, WarningLetter.history.model, DeliveryAttempt, Message)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in models) + " CASCADE")


def per_letter(plan, as_of, sample):
    """The ladder as it was: one premises after another, a handful of statements each."""
    for premises_id, action in plan.issue[:sample]:
        with transaction.atomic():
            letter = WarningLetter(
                premises_id=premises_id,
                step=action.step,
                status=action.status,
                issued_on=as_of,
                due_on=action.due_on,
            )
            letter._change_reason = "system: warning ladder"
            letter.save()
            letter.flags.set(
                ComplianceFlag.objects.unresolved().filter(
                    premises_id=premises_id, kind__in=rules.warnable_kinds(sweep.standard_for(as_of))
                )
            )
    return min(sample, len(plan.issue))


FLOOR_SQL = """
INSERT INTO inspections_warningletter (premises_id, step, status, issued_on, due_on, closed_reason, created_at, updated_at)
SELECT DISTINCT f.premises_id, 'sp1', 'active', %(as_of)s, %(due)s, '', now(), now()
FROM inspections_complianceflag f
WHERE f.status IN ('open', 'acknowledged') AND f.kind = ANY(%(kinds)s)
"""


def floor(as_of, due):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL, {"as_of": as_of, "due": due, "kinds": sorted(rules.warnable_kinds(sweep.standard_for(as_of)))}
        )
        return cursor.rowcount


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=500, help="letters for the per-letter reference")
    parser.add_argument("--owners", action="store_true", help="give every premises an owner to message")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    as_of = timezone.localdate()
    if args.owners:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(OWNERS_SQL)
            print(f"owners added: {cursor.rowcount}")
    clear_letters()
    if not ComplianceFlag.objects.unresolved().exists():
        timed("sweep (setup, not part of the figures)", lambda: sweep.run_sweep(as_of, trigger="bench"))
    print(f"{ComplianceFlag.objects.unresolved().count()} open flags, as of {as_of}")

    plan_time, plan = timed("ladder: plan the day (three reads)", lambda: ladder.plan_ladder(as_of))
    print(f"  would issue {len(plan.issue)}, escalate {len(plan.escalate)}, close {len(plan.close)}")
    write_time, counts = timed("ladder: write every SP1 set-based", lambda: ladder.apply_ladder(plan))
    issued = counts["issued"]
    day_time = plan_time + write_time
    print(f"  messages to owners posted: {Message.objects.count()}")
    later = as_of + datetime.timedelta(days=8)
    escalate_time, counts = timed(
        "ladder, 8 days later: every SP1 to SP2", lambda: ladder.advance_warning_ladder(later)
    )
    print(f"  escalated {counts['escalated']}")
    assert WarningLetter.objects.filter(CURRENT, step=WarningStep.SP2).count() == counts["escalated"]

    clear_letters()
    sample_time, sampled = timed(
        f"reference: per-letter loop, {args.sample} letters", lambda: per_letter(plan, as_of, args.sample)
    )
    reference = sample_time / sampled * issued
    print(f"{'reference: per-letter loop, extrapolated':<52} {reference:8.2f} s")
    clear_letters()
    floor_time, rows = timed("floor: one INSERT … SELECT of the same SP1 letters", lambda: floor(as_of, later))
    print(f"  {rows} letters")
    clear_letters()

    print(f"issued {issued} SP1 in {day_time:.2f} s; reference {reference:.1f} s → {reference / day_time:.0f}x faster")
    print(f"ladder day / floor: {day_time / floor_time:.1f}x")


if __name__ == "__main__":
    main()
