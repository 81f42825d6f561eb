"""The kept totals (inspections.totals) always equal what the lists count: after every kind of write,
through its own path, each figure of the overview and the flag queue is the number of rows of the
premises list (or flag queue) it stands for, for the city, per road and per category."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from feeds.probe import Result
from feeds.run import store
from imports import premises as premises_import
from inspections import ladder, recording, sweep, totals
from inspections.filters import PremisesFilter
from inspections.models import (
    CAMERA_CHECKS,
    PREMISES_CHECKS,
    ComplianceFlag,
    FigureTotal,
    SweepRun,
    SweepStatus,
    WarningLetter,
)
from inspections.rules import FlagKind
from registry.choices import FeedStatus
from registry.models import Premises
from tests.factories import CameraFactory, PremisesFactory, ProtocolRoadFactory, dome_below_standard
from tests.imports.sheets import row, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]
TODAY = datetime.date(2026, 11, 28)  # the suite's frozen day (tests/conftest.py)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a write leaves for after its commit: the judging, which recounts."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def listed(params, **extra):
    """What the premises list counts for these filter parameters."""
    found = PremisesFilter({**params, **extra}, queryset=Premises.objects.all())
    assert found.is_valid(), found.errors
    return found.qs.count()


def assert_totals_equal_the_lists(found):
    assert found.as_of == TODAY
    for key, params in totals.FIGURES.items():
        assert found.city[key] == listed(params), key
    roads = set(Premises.objects.values_list("road_id", flat=True))
    for road_id in roads:
        for key in ("obligated", "compliant", "non_compliant", "pending"):
            assert found.by_road[road_id][key] == listed(totals.FIGURES[key], road=road_id), (road_id, key)
    for category in set(Premises.objects.values_list("category", flat=True)):
        for key in ("obligated", "compliant"):
            assert found.by_category[category][key] == listed(totals.FIGURES[key], category=category), category
    unresolved = ComplianceFlag.objects.unresolved()
    assert found.open_flags() == unresolved.count()
    for kind in FlagKind.values:
        assert found.open_flags(kind) == unresolved.filter(kind=kind).count(), kind


def check(*, kept_already=False):
    """The page's figures equal the lists; with `kept_already`, the write's own path (its judging,
    the sweep's close) had counted them, so the page had nothing left to count."""
    if kept_already:
        assert totals.kept(TODAY) is not None, "the write left its totals to be counted by the page"
    found = totals.current(TODAY)
    assert found.kept
    assert_totals_equal_the_lists(found)
    assert totals.kept(TODAY) is not None  # the page kept what it counted
    return found


def inspect_all_pass(premises, officer):
    camera = premises.cameras.first()
    items = [recording.ItemOutcome(c.value, "pass", camera) for c in CAMERA_CHECKS]
    items += [recording.ItemOutcome(c.value, "pass") for c in PREMISES_CHECKS]
    recording.record_inspection(premises=premises, performed_on=TODAY, actor=officer, items=items)


def test_every_kind_of_write_leaves_the_totals_equal_to_the_lists(officer, supervisor, commit):
    road, other_road = ProtocolRoadFactory(), ProtocolRoadFactory()
    with commit():
        good = PremisesFactory(road=road, next_inspection_due=datetime.date(2027, 3, 1))
        CameraFactory(premises=good)
        weak = PremisesFactory(road=road, category="bank", next_inspection_due=datetime.date(2026, 1, 1))
        dome_below_standard(weak)
        pending = PremisesFactory(road=other_road, verification_status="pending")
    check(kept_already=True)
    assert totals.current(TODAY).city["non_compliant"] == 1 and totals.current(TODAY).city["overdue"] == 1

    with commit():  # verified by an officer
        pending.verification_status = "verified"
        pending.first_verified_at = pending.verified_at = datetime.datetime(2026, 11, 28, 3, tzinfo=datetime.UTC)
        pending.save()
    check(kept_already=True)

    with commit():  # moved to another road and category: both groups change
        weak.road, weak.category = other_road, "ruko"
        weak.save()
    found = check(kept_already=True)
    assert found.by_road[other_road.pk]["non_compliant"] == 2 and found.by_category["bank"]["obligated"] == 0

    with commit():  # an inspection moves the due date
        inspect_all_pass(weak, officer)
    check(kept_already=True)

    run = sweep.run_sweep(TODAY)  # the sweep counts everything again as it closes
    assert run.status == SweepStatus.SUCCEEDED
    check(kept_already=True)

    with commit():  # the ladder's letters: SP1, then escalations up to a freeze awaiting a supervisor
        ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
        for day in (datetime.date(2026, 10, 1), datetime.date(2026, 10, 9), datetime.date(2026, 10, 17)):
            ladder.advance_warning_ladder(day)
            check()
        ladder.advance_warning_ladder(datetime.date(2026, 10, 25))
    assert WarningLetter.objects.filter(status="awaiting_approval").exists()
    found = check()
    assert found.city["awaiting"] == found.city["step_freeze"] == 2  # weak and the one verified above
    letter = WarningLetter.objects.get(status="awaiting_approval", premises=weak)
    ladder.approve_freeze(letter, supervisor=supervisor, as_of=TODAY)
    assert check().city["awaiting"] == 1

    with commit():  # the owner fixes the camera: the judging resolves the flag
        camera = weak.cameras.get()
        camera.status = camera.Status.REMOVED
        camera.save()
        CameraFactory(premises=weak)
    found = check(kept_already=True)
    assert (found.city["non_compliant"], found.city["step_freeze"]) == (1, 2)
    ladder.advance_warning_ladder(TODAY)  # the next day's ladder closes its warning
    assert check().city["step_freeze"] == 1

    doomed = PremisesFactory(road=other_road, category="hotel")  # not judged yet: no flags hold it
    assert check().by_category["hotel"]["obligated"] == 1
    doomed.delete()
    assert check().by_category["hotel"]["obligated"] == 0


def test_a_write_whose_judging_never_ran_is_still_counted_by_the_page():
    """The broker was down (or the judging failed): the write's own mark makes the page count its group."""
    PremisesFactory()
    check()
    PremisesFactory(verification_status="pending")  # no commit: the judging never runs
    assert totals.kept(TODAY) is None
    assert check().city["pending"] == 1
    moved = Premises.objects.get(verification_status="verified")
    moved.road = ProtocolRoadFactory()
    moved.save()
    assert totals.kept(TODAY) is None
    check()


def test_on_a_worker_the_judging_leaves_its_groups_to_one_recount_task(monkeypatch, django_capture_on_commit_callbacks):
    """With a broker, the judging marks its groups (its own flags included) and asks for the recount
    task after its commit, instead of counting them itself; the task counts every marked group."""
    from perwali_cctv.celery import app

    with django_capture_on_commit_callbacks(execute=True):
        weak = PremisesFactory()
    check(kept_already=True)
    dome_below_standard(weak)  # the write, without its judging yet
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    FigureTotal.objects.update(changed=False)  # as if a recount had run between the write and its judging
    with django_capture_on_commit_callbacks() as after_commit:
        sweep.judge_premises(weak.pk, TODAY)
    assert [c.__name__ for c in after_commit] == ["_queue_recount"]
    assert ComplianceFlag.objects.unresolved().filter(premises=weak).exists()
    assert FigureTotal.objects.get(road=weak.road, category=weak.category).changed  # its flags, marked
    assert totals.kept(TODAY) is None
    assert totals.recount_marked(TODAY) == 1  # what the task runs
    check(kept_already=True)


def test_a_write_marked_while_a_recount_counts_keeps_its_mark(django_capture_on_commit_callbacks):
    """The recount holds no lock while counting: a write that commits between the recount's read of
    the generations and its store (here, interleaved step by step) is left marked, and counted next."""
    with django_capture_on_commit_callbacks(execute=True):
        first = PremisesFactory()
    group = (first.road_id, first.category)
    seen = totals._generations([group])
    counted = totals.count_groups(TODAY, [group])  # the recount counts...
    PremisesFactory(road=first.road, category=first.category, verification_status="pending")  # ...a write lands
    totals._write(TODAY, counted, [group], seen)  # ...the recount stores what it had counted
    row = FigureTotal.objects.get(road=first.road, category=first.category)
    assert row.changed and row.counts["pending"] == 0
    assert totals.kept(TODAY) is None
    assert check().city["pending"] == 1  # the page counts it again


def test_many_marked_groups_are_counted_all_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        premises = [PremisesFactory(road=ProtocolRoadFactory()) for _ in range(totals.MANY_GROUPS + 1)]
    check(kept_already=True)
    for p in premises:
        p.verification_status = "pending"
        p.save()  # no commit: not judged
    with CaptureQueriesContext(connection) as counted:
        assert totals.recount_marked(TODAY) == totals.MANY_GROUPS + 1
    by_premises = [q for q in counted.captured_queries if '"premises_id" IN (' in q["sql"]]
    assert not by_premises, "counted group by group, through each premises"
    assert check(kept_already=True).city["pending"] == totals.MANY_GROUPS + 1


def test_the_feed_probes_change_the_feed_line():
    camera = CameraFactory(rtsp_url="rtsp://10.0.0.2:554/s")
    other = CameraFactory(rtsp_url="rtsp://10.0.0.3:554/s")
    assert check().city["cameras_probed"] == 0
    store(
        {camera.pk: Result(FeedStatus.OFFLINE), other.pk: Result(FeedStatus.ONLINE)},
        datetime.datetime.now(datetime.UTC),
    )
    assert totals.kept(TODAY) is None
    found = check()
    assert (found.city["cameras_probed"], found.city["cameras_answering"]) == (2, 1)


def test_an_import_is_counted(supervisor, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    ProtocolRoadFactory(name="Jl. Ahmad Yani")
    check()
    with translation.override("id"):
        plan = premises_import.plan_import(xlsx([row(1), row(2)]), None, today=TODAY)
        premises_import.apply_plan(plan, batch_id=1, user=supervisor)
    assert totals.kept(TODAY) is None
    assert check().city["obligated"] == 2


def test_a_new_day_counts_again_what_depends_on_the_day():
    PremisesFactory(designated_on=TODAY + datetime.timedelta(days=1))
    assert check().city["obligated"] == 0
    FigureTotal.objects.update(as_of=TODAY - datetime.timedelta(days=1))  # counted yesterday
    assert totals.kept(TODAY) is None
    check()
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert totals.current(tomorrow).city["obligated"] == 1


def test_while_a_sweep_is_writing_the_page_counts_live_and_keeps_nothing(client, officer):
    premises = PremisesFactory()
    dome_below_standard(premises)
    check()
    run = sweep.start_run(TODAY, trigger="test")
    chunk = run.chunks.get()
    with pytest.MonkeyPatch.context() as patch:  # the chunk writes, the run is not closed yet
        patch.setattr(sweep, "finish_run_if_complete", lambda run_id: False)
        sweep.run_chunk(chunk.pk)
    assert SweepRun.objects.get(pk=run.pk).status == SweepStatus.RUNNING
    found = totals.current(TODAY)
    assert not found.kept and found.city["non_compliant"] == listed({"compliance": "non_compliant"}) == 1
    assert totals.kept(TODAY) is None
    client.force_login(officer)
    assert 'data-count="1"' in client.get(reverse("dashboard:overview")).content.decode()
    sweep.finish_run_if_complete(run.pk)
    check(kept_already=True)


def test_the_overview_and_the_flag_queue_read_kept_totals_without_counting(client, officer):
    for _ in range(3):
        dome_below_standard(PremisesFactory())
    sweep.run_sweep(TODAY)
    client.force_login(officer)
    for name in ("dashboard:overview", "dashboard:flags"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        # The navigation's badge counts at most 100 new flags (a LIMIT); nothing else counts.
        counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert [q for q in counting if "LIMIT" not in q] == [], name
    open_flags = ComplianceFlag.objects.unresolved().count()
    assert open_flags >= 3 and response.context["page"].paginator.count == open_flags
