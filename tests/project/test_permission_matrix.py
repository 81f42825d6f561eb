"""Every route and API operation, asked by every kind of caller, gives the expected answer.

The routes are discovered from the URL configuration and the operations from the generated
OpenAPI schema; a route or operation without a line in EXPECTED fails the test, so a new page
cannot ship without someone deciding who may open it.

Callers: anonymous, the owner holding a status link (no account), an officer, a supervisor, an
auditor, and the command centre's read-only API token (session pages ignore the token, so it
is anonymous there). Admin pages are checked separately below: every admin URL sends the
three outsiders to the login page, and each model's list and add pages answer each role as
its group permissions say.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from api.auth import issue_token
from documents.models import PublicCode, code_for
from imports.models import ImportBatch
from inspections import ladder, measurements, recording, sweep
from inspections.models import ComplianceFlag, SweepRun, WarningLetter, WarningStatus
from registry.models import CameraStandard, Premises
from registry.registration import hash_secret
from tests.factories import PremisesFactory, checklist, dome_below_standard
from tests.measurements.synthetic import scene

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "owner", "officer", "supervisor", "auditor", "token")
STAFF = ("officer", "supervisor", "auditor")
OK, LOGIN, DENIED, NOT_FOUND, UNAUTHORISED, REDIRECT, NOT_ALLOWED, ACCEPTED = (
    "ok",  # 200
    "login",  # 302 to the sign-in page
    "denied",  # 403
    "not found",  # 404
    "unauthorised",  # 401 (API: no or bad credentials)
    "redirect",  # 302 elsewhere (a form that did its work or sends the caller on)
    "method not allowed",  # 405
    "accepted",  # the request got past the permission check: any answer but 401/403/405/login
)


def everyone(outcome):
    return dict.fromkeys(ACTORS, outcome)


def signed_in(*allowed):
    """A session page: outsiders to the login page, staff without the permission get 403."""
    answer = {"anonymous": LOGIN, "owner": LOGIN, "token": LOGIN}
    answer.update({role: OK if role in allowed else DENIED for role in STAFF})
    return answer


def signed_in_post(*allowed):
    return {actor: ACCEPTED if outcome == OK else outcome for actor, outcome in signed_in(*allowed).items()}


def api(*allowed, token=OK):
    """An API operation: no credentials 401; staff sessions by permission; the read-only token."""
    answer = {"anonymous": UNAUTHORISED, "owner": UNAUTHORISED, "token": token}
    answer.update({role: OK if role in allowed else DENIED for role in STAFF})
    return answer


ALL_STAFF = STAFF
VERIFIERS = ("officer", "supervisor")
INSPECTORS = ("officer", "supervisor")
EXPORTERS = ("supervisor", "auditor")
POST_ONLY = everyone(NOT_ALLOWED)  # require_POST answers before the sign-in check; a GET changes nothing

# route name -> {method: {actor: outcome}}
EXPECTED = {
    "home": {"GET": everyone(OK)},
    "favicon": {"GET": everyone(REDIRECT)},
    # The staff sign-in page: signed-in staff are sent on to the dashboard; a POST without a
    # valid username and password shows the form again.
    "login": {
        "GET": {**everyone(OK), **dict.fromkeys(STAFF, REDIRECT)},
        "POST": {**everyone(OK), **dict.fromkeys(STAFF, REDIRECT)},
    },
    "healthz": {"GET": everyone(OK), "POST": everyone(NOT_ALLOWED)},
    "set_language": {"POST": everyone(REDIRECT)},
    "api-schema": {"GET": everyone(OK)},
    "api-docs": {"GET": everyone(OK)},
    "api-root": {"GET": api(*ALL_STAFF)},  # the API's index: for signed-in staff and tokens
    "register": {"GET": everyone(OK), "POST": everyone(OK)},  # an invalid form answers 200 with its errors
    "find-status": {"GET": everyone(OK), "POST": everyone(OK)},  # an empty form answers 200 with its errors
    "find-status-sent": {"GET": everyone(OK)},
    "register-done": {"GET": everyone(REDIRECT)},  # without a registration in the session: back to the form
    "owner-status": {"GET": everyone(OK), "wrong secret": everyone(NOT_FOUND)},
    "owner-edit": {"GET": everyone(OK), "POST": everyone(OK), "wrong secret": everyone(NOT_FOUND)},
    "verification-queue": {"GET": signed_in(*VERIFIERS)},
    "verify-registration": {"GET": POST_ONLY, "POST": signed_in_post(*VERIFIERS)},
    "reject-registration": {"GET": POST_ONLY, "POST": signed_in_post(*VERIFIERS)},
    "notifications:list": {"GET": signed_in(*ALL_STAFF)},
    "inspections:warning-letter": {"GET": signed_in(*ALL_STAFF)},
    "inspections:approve-freeze": {"GET": POST_ONLY, "POST": signed_in_post("supervisor")},
    "inspections:planning": {"GET": signed_in(*INSPECTORS)},
    "inspections:my-inspections": {"GET": signed_in(*INSPECTORS)},
    "inspections:inspection": {"GET": signed_in(*ALL_STAFF)},
    "inspections:correct": {"GET": signed_in(*INSPECTORS), "POST": signed_in_post(*INSPECTORS)},
    "inspections:record": {"GET": signed_in(*INSPECTORS), "POST": signed_in_post(*INSPECTORS)},
    "inspections:sheet": {"GET": signed_in(*ALL_STAFF)},
    "inspections:test-card": {"GET": signed_in(*INSPECTORS)},
    "inspections:measure": {"GET": signed_in(*INSPECTORS), "POST": signed_in_post(*INSPECTORS)},
    "inspections:measurement-picture": {"GET": signed_in(*INSPECTORS)},  # the pictures can show people
    "dashboard:overview": {"GET": signed_in(*ALL_STAFF)},
    "dashboard:map": {"GET": signed_in(*ALL_STAFF)},
    "dashboard:map-data": {"GET": signed_in(*ALL_STAFF)},
    "dashboard:premises-list": {"GET": signed_in(*ALL_STAFF)},
    "dashboard:premises": {"GET": signed_in(*ALL_STAFF)},
    "dashboard:flags": {"GET": signed_in(*ALL_STAFF)},
    "dashboard:flag-action": {"GET": POST_ONLY, "POST": signed_in_post(*INSPECTORS)},
    "dashboard:standard": {"GET": signed_in(*ALL_STAFF), "POST": signed_in_post("supervisor")},
    "dashboard:sweep": {"GET": signed_in(*ALL_STAFF), "POST": signed_in_post("supervisor")},
    "dashboard:sweep-progress": {"GET": signed_in(*ALL_STAFF)},
    "exports:index": {"GET": signed_in(*EXPORTERS)},
    "exports:columns": {"GET": signed_in(*ALL_STAFF)},
    "exports:zip": {"GET": signed_in(*EXPORTERS)},
    "exports:file": {"GET": signed_in(*EXPORTERS)},
    "documents:letter-pdf": {"GET": signed_in(*ALL_STAFF)},
    "documents:plaque": {"GET": signed_in(*ALL_STAFF)},
    "documents:verify": {"GET": everyone(OK)},  # what a letter's QR code opens: public, nothing personal
    "documents:premises-public": {"GET": everyone(OK)},  # what a plaque's QR code opens
    # The owner's premises is verified by the verify-registration line above; a pending one has none.
    "documents:owner-plaque": {"GET": everyone(OK), "wrong secret": everyone(NOT_FOUND)},
    "imports:index": {"GET": signed_in(*INSPECTORS), "POST": signed_in_post(*INSPECTORS)},
    "imports:batch": {"GET": signed_in(*INSPECTORS)},
    # A POST without "cancel" confirms: the supervisors' (an officer's cancel: tests/imports).
    "imports:decide": {"GET": POST_ONLY, "POST": signed_in_post("supervisor")},
    "transparency:page": {"GET": everyone(OK)},
    "transparency:data-csv": {"GET": everyone(OK)},
    "transparency:data-json": {"GET": everyone(OK)},
    "media": {"GET": everyone(NOT_FOUND)},  # development only; a name that does not exist
}
# Last, because it ends the sessions every line above uses: signing out sends anyone back to
# the sign-in page; a GET changes nothing.
EXPECTED["logout"] = {"GET": everyone(NOT_ALLOWED), "POST": everyone(LOGIN)}

# (path template, method) from the OpenAPI schema -> {actor: outcome}
EXPECTED_API = {
    ("/api/v1/spec-check/", "post"): everyone(OK),
    ("/api/v1/pixel-density/", "post"): api(*INSPECTORS),  # measures, stores nothing: the token may ask
    ("/api/v1/roads/", "get"): api(*ALL_STAFF),
    ("/api/v1/roads/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/premises/", "get"): api(*ALL_STAFF),
    ("/api/v1/premises/geojson/", "get"): api(*ALL_STAFF),
    ("/api/v1/premises/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/cameras/", "get"): api(*ALL_STAFF),
    ("/api/v1/cameras/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/inspections/", "get"): api(*ALL_STAFF),
    ("/api/v1/inspections/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/flags/", "get"): api(*ALL_STAFF),
    ("/api/v1/flags/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/flags/{id}/acknowledge/", "post"): api(*INSPECTORS, token=DENIED),  # the token is read-only
    ("/api/v1/warnings/", "get"): api(*ALL_STAFF),
    ("/api/v1/warnings/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/standards/", "get"): api(*ALL_STAFF),
    ("/api/v1/standards/{id}/", "get"): api(*ALL_STAFF),
    ("/api/v1/sweep-runs/", "get"): api(*ALL_STAFF),
    ("/api/v1/sweep-runs/{id}/", "get"): api(*ALL_STAFF),
}


def discovered_routes():
    """(route name, converter names) of every URL pattern outside the admin and the API router."""

    def walk(patterns, namespace="", prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if (route.startswith("api/v1/") and route != "api/v1/") or "format" in pattern.pattern.regex.groupindex:
                    continue  # the API: covered operation by operation from the schema
                yield (namespace + pattern.name) if pattern.name else _unnamed(route)

    return sorted(set(walk(get_resolver().url_patterns)))


def _unnamed(route):
    return "media" if route.startswith("^media/") else f"<unnamed {route}>"


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((path, method) for path, item in schema["paths"].items() for method in item)


@pytest.fixture
def world(officer, supervisor, auditor, django_user_model, client_factory, settings, tmp_path):
    """One of everything a route can point at, and a client per caller."""
    as_of = datetime.date(2026, 6, 1)
    failing = PremisesFactory(name="Toko Gagal", designated_on=datetime.date(2025, 1, 1))
    dome_below_standard(failing)
    inspection = recording.record_inspection(
        premises=failing, performed_on=as_of, actor=officer, items=checklist(failing, "fail")
    )
    sweep.run_sweep(as_of)
    ComplianceFlag.objects.update(opened_at=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC))
    for days in (0, 8, 16, 24):  # SP1, SP2, SP3, then the freeze waiting for a supervisor
        ladder.advance_warning_ladder(as_of + datetime.timedelta(days=days))
    letter = WarningLetter.objects.get(premises=failing, status=WarningStatus.AWAITING_APPROVAL)
    registered = PremisesFactory(
        name="Toko Baru",
        source=Premises.Source.SELF_REGISTRATION,
        verification_status=Premises.Verification.PENDING,
        status_secret_hash=hash_secret("the-owners-secret"),
    )
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    measurement = measurements.record(
        failing.cameras.first(), scene(60, size=(640, 480))[0], source="upload", user=officer, marker_side_mm=200
    )
    service_user = django_user_model.objects.create_user(username="command_centre", password="x-not-used-9")
    service_user.groups.add(*officer.groups.all())
    _, key = issue_token(name="command centre", user=service_user)
    ids = {
        "premises": failing.pk,
        "registration": registered.pk,
        "inspection": inspection.pk,
        "flag": ComplianceFlag.objects.filter(premises=failing).first().pk,
        "letter": letter.pk,
        "sweep": SweepRun.objects.first().pk,
        "camera": failing.cameras.first().pk,
        "road": failing.road_id,
        "standard": CameraStandard.objects.order_by("pk").first().pk,
        "measurement": measurement.pk,
        "letter_code": code_for(PublicCode.Kind.LETTER, letter.pk),
        "import": ImportBatch.objects.create(filename="oss.xlsx", uploaded_by=officer, status="done").pk,
        "plaque_code": code_for(PublicCode.Kind.PLAQUE, failing.pk),
    }
    clients = {
        "anonymous": client_factory(),
        "owner": client_factory(),
        "officer": client_factory(user=officer),
        "supervisor": client_factory(user=supervisor),
        "auditor": client_factory(user=auditor),
        "token": client_factory(HTTP_AUTHORIZATION=f"Token {key}"),
    }
    return ids, clients


@pytest.fixture
def client_factory():
    from django.test import Client

    def make(user=None, **headers):
        client = Client(**headers)
        if user is not None:
            client.force_login(user)
        return client

    return make


def route_url(name, ids, *, wrong_secret=False):
    secret = "not-the-secret" if wrong_secret else "the-owners-secret"
    args = {
        "owner-status": [secret],
        "owner-edit": [secret],
        "verify-registration": [ids["registration"]],
        "reject-registration": [ids["registration"]],
        "inspections:warning-letter": [ids["letter"]],
        "inspections:approve-freeze": [ids["letter"]],
        "inspections:inspection": [ids["inspection"]],
        "inspections:correct": [ids["inspection"]],
        "inspections:record": [ids["premises"]],
        "inspections:sheet": [ids["premises"]],
        "inspections:measure": [ids["camera"]],
        "documents:letter-pdf": [ids["letter"]],
        "imports:batch": [ids["import"]],
        "imports:decide": [ids["import"]],
        "documents:plaque": [ids["premises"]],
        "documents:verify": [ids["letter_code"]],
        "documents:premises-public": [ids["plaque_code"]],
        "documents:owner-plaque": [secret],
        "inspections:measurement-picture": [ids["measurement"], "original"],
        "dashboard:premises": [ids["premises"]],
        "dashboard:flag-action": [ids["flag"]],
        "dashboard:sweep-progress": [ids["sweep"]],
        "exports:file": ["premises"],
    }
    if name == "media":
        return "/media/no-such-photo.jpg"
    return reverse(name, args=args.get(name, []))


def outcome_of(response):
    status = response.status_code
    if status == 302:
        return LOGIN if "/login/" in response["Location"] else REDIRECT  # the staff page's or the admin's
    return {
        200: OK,
        403: DENIED,
        404: NOT_FOUND,
        401: UNAUTHORISED,
        405: NOT_ALLOWED,
    }.get(status, f"HTTP {status}")


def accepted(expected, got, response):
    if expected == ACCEPTED:
        return response.status_code not in (401, 403, 405) and got != LOGIN
    return expected == got


def test_every_route_has_an_expected_answer_for_every_caller():
    missing = [name for name in discovered_routes() if name not in EXPECTED]
    assert not missing, f"routes without a line in EXPECTED (decide who may open them): {missing}"
    development_only = {"media"}  # photos are served by Django only with DEBUG on (tests run with it off)
    stale = [name for name in EXPECTED if name not in discovered_routes() and name not in development_only]
    assert not stale, f"EXPECTED names routes that no longer exist: {stale}"
    for name, methods in EXPECTED.items():
        for answers in methods.values():
            assert set(answers) == set(ACTORS), name


def test_every_api_operation_has_an_expected_answer_for_every_caller():
    operations = api_operations()
    missing = [op for op in operations if op not in EXPECTED_API]
    assert not missing, f"API operations without a line in EXPECTED_API: {missing}"
    assert not [op for op in EXPECTED_API if op not in operations]


def test_pages_answer_each_caller_as_expected(world, settings):
    settings.FIND_STATUS_RATE = "1000/h"  # every caller asks from one address here; the limit has its own test
    ids, clients = world
    wrong = []
    routes = discovered_routes()
    for name, methods in EXPECTED.items():
        if name not in routes:
            continue  # development-only (see above)
        for method, answers in methods.items():
            url = route_url(name, ids, wrong_secret=method == "wrong secret")
            for actor, expected in answers.items():
                client = clients[actor]
                if method == "POST":
                    response = client.post(url, {})
                else:
                    response = client.get(url)
                got = outcome_of(response)
                if not accepted(expected, got, response):
                    wrong.append(f"{method} {url} as {actor}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_api_operations_answer_each_caller_as_expected(world):
    ids, clients = world
    by_collection = {
        "roads": ids["road"],
        "premises": ids["premises"],
        "cameras": ids["camera"],
        "inspections": ids["inspection"],
        "flags": ids["flag"],
        "warnings": ids["letter"],
        "standards": ids["standard"],
        "sweep-runs": ids["sweep"],
    }
    wrong = []
    for (path, method), answers in EXPECTED_API.items():
        collection = path.split("/")[3]
        url = path.replace("{id}", str(by_collection.get(collection)))
        body = {"horizontal_resolution_px": 1920, "horizontal_fov_deg": 90} if "spec-check" in path else {}
        for actor, expected in answers.items():
            response = getattr(clients[actor], method)(url, body, content_type="application/json")
            got = outcome_of(response)
            if got == "HTTP 400" and "spec-check" in path:
                got = OK  # the public check answered (an incomplete camera is its business)
            if got == "HTTP 415" and "pixel-density" in path:
                got = OK  # it answered: a picture is sent as multipart, not JSON
            if not accepted(expected, got, response):
                wrong.append(f"{method.upper()} {url} as {actor}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


def admin_urls():
    """Every admin URL pattern, with a placeholder for object ids."""
    names = []
    for pattern in admin.site.get_urls():
        names.extend(_admin_walk(pattern, ""))
    return names


def _admin_walk(pattern, prefix):
    if isinstance(pattern, URLResolver):
        for inner in pattern.url_patterns:
            yield from _admin_walk(inner, prefix + str(pattern.pattern))
    else:
        route = prefix + str(pattern.pattern)
        yield "/admin/" + re.sub(r"<[^>]+>", "1", route).replace("^", "").replace("$", "")


def test_every_admin_page_sends_outsiders_to_the_login_page(world):
    _, clients = world
    open_to_all = ("/admin/login/", "/admin/logout/")
    wrong = []
    urls = [url for url in admin_urls() if not url.startswith(open_to_all) and "(?P" not in url]
    assert len(urls) > 60  # every registered model's list, add, change, delete and history pages
    for url in urls:
        for actor in ("anonymous", "owner", "token"):
            response = clients[actor].get(url)
            if outcome_of(response) != LOGIN:
                wrong.append(f"GET {url} as {actor}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


# Admin pages where adding by hand is refused to everyone (records written only by the system).
NOBODY_ADDS = {
    "registry.accesslog",
    "registry.apitoken",  # issued with the "issue a token" form, which shows the key once
    "inspections.complianceflag",
    "inspections.sweeprun",
    "inspections.warningletter",
    "inspections.inspection",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def test_each_admin_list_and_add_page_answers_each_role_by_its_permissions(world):
    _, clients = world
    users = {role: clients[role].session.get("_auth_user_id") for role in STAFF}
    from django.contrib.auth import get_user_model

    wrong = []
    for model in admin.site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        info = (model._meta.app_label, model._meta.model_name)
        for role in STAFF:
            user = get_user_model().objects.get(pk=users[role])
            may_view = user.has_perm(f"{info[0]}.view_{info[1]}") or user.has_perm(f"{info[0]}.change_{info[1]}")
            may_add = user.has_perm(f"{info[0]}.add_{info[1]}") and label not in NOBODY_ADDS
            checks = [("admin:{}_{}_changelist".format(*info), may_view)]
            if label not in NOBODY_ADDS or may_add:
                checks.append(("admin:{}_{}_add".format(*info), may_add))
            for url_name, allowed in checks:
                response = clients[role].get(reverse(url_name))
                if (response.status_code == 200) != allowed or response.status_code not in (200, 403):
                    wrong.append(f"{url_name} as {role}: {response.status_code}, expected {200 if allowed else 403}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_notices_a_route_nobody_decided_on(settings):
    """The discovery is real: a page added to the URL configuration shows up without an answer."""
    settings.ROOT_URLCONF = "tests.project.urls_with_a_new_page"
    routes = discovered_routes()
    assert "a-new-page" in routes and "a-new-page" not in EXPECTED
    assert "dashboard:overview" in routes
