"""Totals kept, not counted: the numbers of the officers' overview and flag queue.

Every figure is a premises list (its filter parameters in FIGURES, the conditions of
inspections.filters.params_q), so a figure's number is what that list counts. Counting them over a
whole city on every page is slow (a dozen filtered counts over 100,000 premises), so they are
counted per protocol road and category and kept in FigureTotal, and a page adds those up:

- A write that changes what a figure counts marks its groups changed in its own transaction, so
  the mark commits or rolls back with it, whatever path wrote: a premises saved, moved to another
  road or category, or deleted, a camera saved or removed (inspections.triggers), the warning
  ladder's letters, the officers' imports, the feed probes.
- The groups are then counted again: after the judging that follows every write (inspections.sweep;
  on a worker, by one task a few seconds later for all the groups marked meanwhile, so that a
  burst of registrations costs a few recounts, not one each), by the sweep for every group when its
  run closes (in the transaction that closes it), and by the page itself for any group still marked
  (the broker was down, or the recount not yet run) before it reads.
- A recount holds no lock while it counts (at 0.5 s for the city, that stalled every registration
  behind it). Each mark raises its group's generation; the recount reads the generations, then
  counts, then stores its counts and clears a group's mark only if its generation is still the one
  it read. A write committed before the read is in the count; one marked after it keeps its mark.
- The figures depend on the day (who is obligated, whose inspection is overdue): totals serve a
  day only if counted for it and after the latest sweep started; otherwise `current` counts them
  again, or, while a sweep is writing, counts live without keeping them.

tests/inspections/test_totals.py checks that every figure equals its list after each kind of write.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, Count, Q, When
from django.utils import timezone

from registry.choices import FeedStatus
from registry.models import Premises

from . import figures
from .filters import params_q
from .models import (
    CURRENT,
    UNRESOLVED,
    ComplianceFlag,
    FigureTotal,
    SweepRun,
    SweepStatus,
    WarningLetter,
    WarningStatus,
    WarningStep,
)
from .rules import FlagKind

# The figures: key -> the premises list's filter parameters (what the overview links to).
FIGURES = {
    "registered": {"registered": "true"},
    "pending": {"verification_status": "pending"},
    "verified": {"verification_status": "verified"},
    "obligated": {"obligated": "true"},
    "compliant": {"compliance": "compliant"},
    "non_compliant": {"compliance": "non_compliant"},
    "overdue": {"overdue": "true"},
    **{f"flag_{kind}": {"flag_kind": kind} for kind in FlagKind.values},
    **{f"step_{step}": {"warning_step": step} for step in WarningStep.values},
    "awaiting": {"warning_status": WarningStatus.AWAITING_APPROVAL},
}
# The overview's feed line counts cameras, not premises: in use, with a feed address, probed at least once.
CAMERA_FIGURES = ("cameras_probed", "cameras_answering")

# A run still running this long after it started lost a worker (inspections.sweep.ABANDONED_AFTER).
SWEEP_WRITING_FOR = datetime.timedelta(hours=2)
# The judging on a worker leaves its groups marked and asks for one recount this many seconds later,
# which counts every group marked by then (the writes of a burst counted together).
RECOUNT_AFTER_SECONDS = 3
RECOUNT_QUEUED = "inspections:totals-recount-queued"
# More groups than this are counted again all at once (a grouped query per side over the whole city:
# about 0.5 s at 100,000 premises) rather than group by group (about 0.1 s each).
MANY_GROUPS = 4


@dataclass
class Totals:
    """The figures of a day: for the city, per road and per category."""

    as_of: datetime.date
    city: dict = field(default_factory=lambda: defaultdict(int))
    by_road: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    by_category: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    kept: bool = True  # False: counted live (a sweep was writing), not kept

    @classmethod
    def of_groups(cls, as_of, groups, *, kept=True):
        totals = cls(as_of=as_of, kept=kept)
        for (road_id, category), counts in groups.items():
            for key, n in counts.items():
                totals.city[key] += n
                totals.by_road[road_id][key] += n
                totals.by_category[category][key] += n
        return totals

    def open_flags(self, kind=None):
        """Unresolved flags (of one kind): a premises has at most one unresolved flag per kind, so
        this is also the number of premises with such a flag."""
        kinds = [kind] if kind else FlagKind.values
        return sum(self.city[f"flag_{k}"] for k in kinds)


def _group_q(groups):
    """The premises of these (road_id, category) groups (all when None)."""
    if groups is None:
        return Q()
    q = Q(pk__in=[])
    for road_id, category in groups:
        q |= Q(road_id=road_id, category=category)
    return q


# The premises' own columns decide these figures; flags, letters and cameras are counted from their
# side, joined to their premises (each list's condition read the other way round: a premises has at
# most one unresolved flag per kind and one current warning, both constraints in the database).
PREMISES_FIGURES = ("registered", "pending", "verified", "obligated", "compliant", "non_compliant", "overdue")


def count_groups(as_of, groups=None):
    """{(road_id, category): {figure key: n}} counted from the registry, for the given groups or all:
    four grouped queries, each using an index to reach the groups' rows."""
    counted = defaultdict(lambda: dict.fromkeys([*FIGURES, *CAMERA_FIGURES], 0))
    aggregates = {key: Count("pk", filter=params_q(FIGURES[key], as_of)) for key in PREMISES_FIGURES}
    for row in (
        Premises.objects.filter(_group_q(groups)).values("road_id", "category").annotate(**aggregates).order_by()
    ):
        counted[(row.pop("road_id"), row.pop("category"))].update(row)
    # A few groups: their premises by id, each side read through its premises index and added up
    # here (joined to the premises by road and category, the planner scans whole tables).
    group_of = None
    if groups is not None:
        group_of = {
            pk: (road, cat)
            for pk, road, cat in Premises.objects.filter(_group_q(groups))
            .values_list("pk", "road_id", "category")
            .order_by()
        }
    on_premises = Q() if group_of is None else Q(premises_id__in=list(group_of))
    flags = ComplianceFlag.objects.filter(UNRESOLVED).filter(on_premises)
    for road_id, category, kind, n in _grouped(flags, group_of, "kind"):
        counted[(road_id, category)][f"flag_{kind}"] += n
    letters = WarningLetter.objects.filter(CURRENT).filter(on_premises)
    for road_id, category, step, status, n in _grouped(letters, group_of, "step", "status"):
        counted[(road_id, category)][f"step_{step}"] += n
        if status == WarningStatus.AWAITING_APPROVAL:
            counted[(road_id, category)]["awaiting"] += n
    cameras = figures.probed_cameras().filter(on_premises).annotate(answering=~Q(feed_status=FeedStatus.OFFLINE))
    for road_id, category, answering, n in _grouped(cameras, group_of, "answering"):
        counted[(road_id, category)]["cameras_probed"] += n
        counted[(road_id, category)]["cameras_answering"] += n if answering else 0
    return dict(counted)


def _grouped(rows, group_of, *fields):
    """(road_id, category, *fields, number of premises) of `rows`: grouped in SQL through their
    premises, or, with `group_of` (premises id -> group), read by premises and added up here."""
    if group_of is None:
        return (
            rows.values_list("premises__road_id", "premises__category", *fields)
            .annotate(n=Count("premises_id", distinct=True))
            .order_by()
        )
    found = defaultdict(set)
    for premises_id, *values in rows.values_list("premises_id", *fields).order_by():
        found[(*group_of[premises_id], *values)].add(premises_id)
    return [(*key, len(ids)) for key, ids in found.items()]


def _generations(groups=None):
    """(road_id, category) -> generation of the stored rows, read before counting (no lock)."""
    rows = FigureTotal.objects.all() if groups is None else FigureTotal.objects.filter(_group_q(groups))
    return {(road, cat): gen for road, cat, gen in rows.values_list("road_id", "category", "generation")}


def _write(as_of, counted, recounted, seen):
    """Store the counts of the recounted groups. `seen`: their generations before the count; a group
    marked since then (a write the count may have missed) keeps its mark, whatever this count
    found, and a group left empty goes only if nothing marked it meanwhile. No row is locked while
    counting: a write's mark waits only for this short write, never for the count."""
    now = timezone.now()
    for group in sorted(set(recounted) - set(counted)):
        if group in seen:
            FigureTotal.objects.filter(_group_q([group]), generation=seen[group]).delete()
    new = []
    for (road_id, category), counts in sorted(counted.items()):
        if (road_id, category) not in seen:
            new.append(FigureTotal(road_id=road_id, category=category, as_of=as_of, counted_at=now, counts=counts))
            continue
        FigureTotal.objects.filter(road_id=road_id, category=category).update(
            as_of=as_of,
            counted_at=now,
            counts=counts,
            changed=Case(When(generation=seen[(road_id, category)], then=False), default=True),
        )
    # A row a write created meanwhile is its mark: left as it is, to be counted again.
    FigureTotal.objects.bulk_create(new, ignore_conflicts=True)


def recount_all(as_of):
    """Count every group again and keep the counts (the sweep's last step, or a new day)."""
    with transaction.atomic():
        seen = _generations()
        counted = count_groups(as_of)
        _write(as_of, counted, set(seen) | set(counted), seen)


def recount(groups, as_of=None):
    """Count these (road_id, category) groups again, as of today unless said: call it last in the
    transaction of the write that changed them."""
    groups = sorted({(road_id, category) for road_id, category in groups if road_id is not None})
    if not groups:
        return
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        seen = _generations(groups)
        _write(as_of, count_groups(as_of, groups), groups, seen)


def recount_marked(as_of=None):
    """Count again every group still marked (the recount task); returns how many were."""
    as_of = as_of or timezone.localdate()
    marked = FigureTotal.objects.filter(Q(changed=True) | Q(counted_at=None)).values_list("road_id", "category")
    return _recount_groups(list(marked), as_of)


def _recount_groups(groups, as_of):
    if len(groups) > MANY_GROUPS:
        recount_all(as_of)
    elif groups:
        recount(groups, as_of)
    return len(groups)


def after_judging(groups, as_of):
    """The judging's last step, in its transaction. In the web process (no broker, or tasks run
    eagerly) its groups are counted now. On a worker they stay marked (marked again here: the
    judgement itself may have opened or resolved flags since the write) and one recount task is
    queued, unless one is already queued for the next seconds."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        recount(groups, as_of)
        return
    mark(groups)
    transaction.on_commit(_queue_recount, robust=True)


def _queue_recount():
    from django.core.cache import cache

    from registry.jobs import enqueue

    from . import tasks

    if cache.add(RECOUNT_QUEUED, True, timeout=RECOUNT_AFTER_SECONDS) and not enqueue(
        tasks.recount_totals, countdown=RECOUNT_AFTER_SECONDS
    ):
        cache.delete(RECOUNT_QUEUED)  # no broker now: the pages count what is marked


def groups_of(premises_ids):
    return set(Premises.objects.filter(pk__in=list(premises_ids)).values_list("road_id", "category").distinct())


def mark(groups):
    """Mark these (road_id, category) groups changed, inside the transaction of the write: one
    upsert that also raises their generation (the recount's test for marks made while it counted)."""
    groups = sorted({(road_id, category) for road_id, category in groups if road_id is not None})
    if not groups:
        return
    table = connection.ops.quote_name(FigureTotal._meta.db_table)
    rows = ", ".join(["(%s, %s, '{}', TRUE, 1)"] * len(groups))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (road_id, category, counts, changed, generation) VALUES {rows} "
            f"ON CONFLICT (road_id, category) DO UPDATE SET changed = TRUE, generation = {table}.generation + 1",
            [value for group in groups for value in group],
        )


def mark_premises(premises_ids):
    mark(groups_of(premises_ids))


def _sweep_writing(now):
    return SweepRun.objects.filter(status=SweepStatus.RUNNING, started_at__gt=now - SWEEP_WRITING_FOR).exists()


def _needs(rows, today):
    """What the rows need before they serve `today`: "all" (another day, or a sweep since), the
    changed groups, or nothing."""
    if not rows:
        return "all" if Premises.objects.exists() else []  # an empty registry has nothing to keep
    latest = SweepRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    counted = [r for r in rows if r.counted_at is not None]
    if (
        not counted
        or any(r.as_of != today for r in counted)
        or (latest and min(r.counted_at for r in counted) < latest)
    ):
        return "all"
    return [(r.road_id, r.category) for r in rows if r.changed or r.counted_at is None]


def kept(today):
    """The kept totals if they serve `today` as they are, else None."""
    rows = list(FigureTotal.objects.all())
    if _needs(rows, today):
        return None
    return Totals.of_groups(today, {(r.road_id, r.category): r.counts for r in rows})


def current(today):
    """The figures of `today` for a page: the kept ones, after counting again what they need (the
    first page of a day counts every group); while a sweep is writing, counted live and not kept."""
    rows = list(FigureTotal.objects.all())
    needs = _needs(rows, today)
    if needs and _sweep_writing(timezone.now()):
        return Totals.of_groups(today, count_groups(today), kept=False)
    if needs == "all":
        recount_all(today)
    elif needs:
        _recount_groups(needs, today)
    if needs:
        rows = list(FigureTotal.objects.all())
    return Totals.of_groups(today, {(r.road_id, r.category): r.counts for r in rows})
