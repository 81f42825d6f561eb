"""Fuzz the API from its own OpenAPI schema (schemathesis): no server error, no response that
breaks the schema. Bounded: a few examples per operation, run on the test database."""

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.auth import issue_token
from perwali_cctv.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections after each request; the test's transaction
    lives on that connection, so keep it open as Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, auditor):
    from inspections import sweep
    from tests.factories import CameraFactory, PremisesFactory, ResponsiblePersonFactory

    premises = PremisesFactory()
    ResponsiblePersonFactory(premises=premises)
    CameraFactory(premises=premises)
    from django.utils import timezone

    sweep.run_sweep(timezone.localdate())
    return issue_token(name="fuzz", user=auditor)[1]


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_without_a_server_error_or_a_schema_break(case, token):
    cache.clear()  # throttle counters: the fuzzer is one fast client
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
