"""The registry's check constraints, evaluated in Python (or, for what Python does not evaluate, in
one query), give exactly Django's answers: messages, codes, skipped excluded fields, NULL passing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import constraint_checks
from registry.models import Camera, Premises, ResponsiblePerson
from tests.factories import CameraFactory, PremisesFactory

pytestmark = pytest.mark.django_db


def _errors(validate, instance, exclude=None):
    try:
        validate(instance, exclude=exclude)
    except ValidationError as error:
        return {
            field: sorted((e.message % (e.params or {}), e.code) for e in errs)
            for field, errs in error.error_dict.items()
        }
    return {}


def _cases():
    premises = PremisesFactory.build(category="bogus", ownership="private", nib="", latitude=Decimal("1.5"))
    camera = CameraFactory.build(
        camera_type="zoom",
        pan_range_deg=400,
        hfov_wide_deg=60,
        hfov_tele_deg=90,
        optical_zoom=0.5,
        rtsp_url="rtsp://admin:1@10.0.0.1/s",
        onvif_address="http://admin:1@10.0.0.1/",
    )
    person = ResponsiblePerson(name="A", role="B", phone="0812", nik="123")
    good = CameraFactory.build()
    return [premises, camera, person, good]


@pytest.mark.parametrize("index", range(4))
def test_the_answers_equal_djangos_own(index):
    instance = _cases()[index]
    ours = _errors(type(instance).validate_constraints, instance)
    djangos = _errors(models.Model.validate_constraints, instance)
    assert ours == djangos
    assert bool(ours) == (index != 3)


def test_an_excluded_field_skips_its_constraints_as_django_does():
    camera = CameraFactory.build(pan_range_deg=400, rtsp_url="rtsp://a:b@10.0.0.1/s")
    exclude = {"pan_range_deg"}
    assert _errors(Camera.validate_constraints, camera, exclude) == _errors(
        models.Model.validate_constraints, camera, exclude
    )


def test_the_registrys_checks_ask_the_database_nothing():
    camera = CameraFactory.build(hfov_tele_deg=90, hfov_wide_deg=60)
    with CaptureQueriesContext(connection) as ours:
        errors = _errors(Camera.validate_constraints, camera)
    assert errors == _errors(models.Model.validate_constraints, camera)
    assert errors and not ours.captured_queries
    person = ResponsiblePerson(name="A", role="B", phone="+6281234567890")
    with CaptureQueriesContext(connection) as ours:
        person.validate_constraints()
    assert not ours.captured_queries
    assert Premises.validate_constraints is not models.Model.validate_constraints


def test_what_python_does_not_evaluate_is_asked_of_the_database_in_one_query():
    camera = CameraFactory.build(label="ab")
    conditions = [Q(label__startswith="x"), Q(pan_range_deg__gt=Length("label")), Q(label__gt="a")]
    for condition in conditions:
        with pytest.raises(constraint_checks.Unsupported):
            constraint_checks.evaluate(condition, {"label": "ab", "pan_range_deg": 360})
    extra = [models.CheckConstraint(condition=c, name=f"extra_{i}") for i, c in enumerate(conditions)]
    original = Camera.get_constraints

    def with_extra(self):
        return [(model, [*constraints, *extra]) for model, constraints in original(self)]

    Camera.get_constraints = with_extra
    try:
        with CaptureQueriesContext(connection) as ours:
            failed = _errors(Camera.validate_constraints, camera)
        djangos = _errors(models.Model.validate_constraints, camera)
    finally:
        Camera.get_constraints = original
    assert failed == djangos and "__all__" in failed  # label "ab" does not start with "x"
    assert len([q for q in ours.captured_queries if "CASE WHEN" in q["sql"]]) == 1


def test_sql_three_valued_logic():
    values = {"a": None, "b": 2, "c": "x"}
    assert constraint_checks.evaluate(Q(a__gt=1), values) is None
    assert constraint_checks.evaluate(~Q(a__gt=1), values) is None
    assert constraint_checks.evaluate(Q(a__gt=1) | Q(b=2), values) is True
    assert constraint_checks.evaluate(Q(a__gt=1) & Q(b=3), values) is False
    assert constraint_checks.evaluate(Q(a__isnull=True) & Q(b__lte=F("b")), values) is True
    assert constraint_checks.evaluate(Q(c__in=["y"]), values) is False
    assert constraint_checks.evaluate(Q(a__isnull=False) | Q(b__isnull=False), values) is True
    assert constraint_checks.evaluate(Q(a__isnull=False), values) is False
    with pytest.raises(constraint_checks.Excluded):
        constraint_checks.evaluate(Q(d=1), values)


# Values around each registry constraint's edges, NULL and the wrong kind included.
TEXT = st.sampled_from(["", "ruko", "bogus", "private", "government", "rejected", "pending", "1234567890123", "12"])
URLS = st.sampled_from(["", "rtsp://10.0.0.2/s", "rtsp://admin:1@10.0.0.2/s", "http://u:p@h/", "http://h/"])
NUMBER = st.one_of(st.none(), st.integers(-5, 400), st.sampled_from([0.0, 0.5, 1.0, 57.6, 360.0, 360.5]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    camera_type=st.sampled_from(["ptz", "zoom", ""]),
    pan=st.one_of(st.none(), st.integers(0, 400)),
    wide=NUMBER,
    tele=NUMBER,
    zoom=NUMBER,
    height=st.one_of(st.none(), st.integers(-1, 2)),
    rtsp=URLS,
    onvif=URLS,
)
def test_cameras_generated_answer_as_django_does(camera_type, pan, wide, tele, zoom, height, rtsp, onvif):
    camera = CameraFactory.build(
        camera_type=camera_type,
        pan_range_deg=pan,
        hfov_wide_deg=wide,
        hfov_tele_deg=tele,
        optical_zoom=zoom,
        resolution_v_px=height,
        rtsp_url=rtsp,
        onvif_address=onvif,
    )
    assert _errors(Camera.validate_constraints, camera) == _errors(models.Model.validate_constraints, camera)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    category=TEXT,
    ownership=TEXT,
    status=TEXT,
    nib=TEXT,
    reason=st.sampled_from(["", "duplikat"]),
    latitude=st.sampled_from([Decimal("0.137"), Decimal("1.5"), Decimal("-1"), None]),
    longitude=st.sampled_from([Decimal("117.499"), Decimal("100"), None]),
    phone=st.sampled_from(["+6281234567890", "0812", ""]),
    nik=st.sampled_from(["", "1234567890123456", "123"]),
)
def test_premises_and_persons_generated_answer_as_django_does(
    category, ownership, status, nib, reason, latitude, longitude, phone, nik
):
    premises = PremisesFactory.build(
        category=category,
        ownership=ownership,
        verification_status=status,
        nib=nib,
        rejection_reason=reason,
        latitude=latitude,
        longitude=longitude,
    )
    assert _errors(Premises.validate_constraints, premises) == _errors(models.Model.validate_constraints, premises)
    person = ResponsiblePerson(name="A", role="B", phone=phone, nik=nik)
    assert _errors(ResponsiblePerson.validate_constraints, person) == _errors(models.Model.validate_constraints, person)
