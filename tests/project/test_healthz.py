"""GET /healthz: 200 when the database answers, with the broker's state."""

import os

import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_the_database_and_the_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    if settings.CELERY_BROKER_URL:
        assert body["broker"] == "ok"
    else:
        assert body["broker"] == "not configured (tasks run eagerly)"


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs a real broker: CI sets CELERY_BROKER_URL")
def test_healthz_talks_to_the_real_redis_broker(client):
    assert client.get("/healthz").json()["broker"] == "ok"


@pytest.mark.django_db
def test_an_unreachable_broker_is_reported_but_the_site_stays_up(client):
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with override_settings(CELERY_BROKER_URL=unreachable):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"].startswith("error:")


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from perwali_cctv import views

    monkeypatch.setattr(views, "_database_status", lambda: "error: OperationalError")
    response = client.get("/healthz")
    assert response.status_code == 503
