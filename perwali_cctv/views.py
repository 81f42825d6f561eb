from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any driver error means "down" here
        return f"error: {error.__class__.__name__}"


def _broker_status():
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:
        return f"error: {error.__class__.__name__}"


@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: 200 when the database answers, with the broker's state."""
    database = _database_status()
    body = {"database": database, "broker": _broker_status()}
    return JsonResponse(body, status=200 if database == "ok" else 503)


def bad_request(request, exception):
    """400 in the user's language (hostile query strings, refused admin filters, oversized bodies)."""
    return render(request, "400.html", status=400)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; send them to the static icon."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("favicon.svg"))
