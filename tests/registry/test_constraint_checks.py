"""The registry's check constraints validated in one query give exactly Django's answers (messages,
codes, skipped excluded fields), in one query instead of one each."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

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


def test_one_query_for_every_check_of_an_instance():
    camera = CameraFactory.build()
    with CaptureQueriesContext(connection) as ours:
        camera.validate_constraints()
    with CaptureQueriesContext(connection) as djangos:
        models.Model.validate_constraints(camera)
    checks = [q for q in ours.captured_queries if "CASE WHEN" in q["sql"]]
    assert len(checks) == 1 and len(djangos.captured_queries) > 5
    assert Premises.validate_constraints is not models.Model.validate_constraints
