"""House rules that a test can keep: dependencies run one way, modules stay readable, rules stay pure.

The core is `outbox` ← `registry` ← `inspections`; the feature apps (api, dashboard, exports, notifications,
and every new app) use the core and never each other, and no app reaches up into the project
package. The imports are read from the syntax tree (ast), so a comment or a string that names a
module is not an import, and `import x.y`, `from x import y` and `from .. import y` all count.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ("outbox", "registry", "inspections")  # in this order: each may import the ones before it
PROJECT = "perwali_cctv"
MAX_LINES = 600


def our_apps():
    return sorted(path.parent.name for path in ROOT.glob("*/apps.py"))


def feature_apps():
    return [app for app in our_apps() if app not in CORE]


def imported_apps(path, app):
    """The top-level packages a module imports (relative imports resolved inside its own app)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x / from .. import x: inside the app (a package one deep)
                yield app
            elif node.module:
                yield node.module.split(".")[0]


def forbidden_imports(app):
    """What `app` may not import: a later core layer, any feature app but itself, the project."""
    ours = set(our_apps())
    if app in CORE:
        allowed = set(CORE[: CORE.index(app) + 1])
    else:
        allowed = {*CORE, app}
    return (ours - allowed) | {PROJECT}


def violations(app, root=ROOT):
    found = []
    for path in (root / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for imported in imported_apps(path, app):
            if imported in forbidden_imports(app):
                found.append(f"{path.relative_to(root)} imports {imported}")
    return found


def test_the_house_has_its_core_and_one_app_per_capability():
    assert set(CORE) <= set(our_apps())
    assert {"api", "dashboard", "exports", "notifications"} <= set(feature_apps())


@pytest.mark.parametrize("app", our_apps())
def test_dependencies_run_one_way(app):
    assert violations(app) == []


def test_the_dependency_check_fails_on_a_forbidden_import(tmp_path):
    """Shown to fail: a feature importing another feature, the core importing up, the project."""
    for app in our_apps():
        (tmp_path / app).mkdir()
        (tmp_path / app / "apps.py").write_text("")
    (tmp_path / "dashboard" / "views.py").write_text("from exports.catalogue import FILES\nfrom . import forms\n")
    (tmp_path / "registry" / "models.py").write_text("import inspections.models\n# import api (a comment)\n")
    (tmp_path / "inspections" / "tasks.py").write_text("from perwali_cctv.celery import app\n")
    (tmp_path / "exports" / "views.py").write_text("from registry import models\nfrom inspections import rules\n")
    (tmp_path / "outbox" / "delivery.py").write_text("from registry.models import Premises\n")
    assert violations("outbox", tmp_path) == ["outbox/delivery.py imports registry"]
    assert violations("dashboard", tmp_path) == ["dashboard/views.py imports exports"]
    assert violations("registry", tmp_path) == ["registry/models.py imports inspections"]
    assert violations("inspections", tmp_path) == ["inspections/tasks.py imports perwali_cctv"]
    assert violations("exports", tmp_path) == []


def test_no_module_is_over_600_lines_without_a_comment_that_says_why():
    long = []
    for app in [*our_apps(), PROJECT]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            if text.count("\n") > MAX_LINES and "over 600 lines because" not in text:
                long.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
    assert long == []


def test_rule_modules_are_pure_no_orm_writes_and_no_clock():
    for module in ("registry/spec_check.py", "inspections/rules.py"):
        source = (ROOT / module).read_text()
        for forbidden in (".save(", ".objects.", "timezone.now", "localdate(", "date.today", "datetime.now"):
            assert forbidden not in source, f"{module} uses {forbidden}"


def test_the_cameras_spec_fields_are_listed_once_and_every_user_takes_them_from_there():
    from api.serializers import CameraSerializer
    from api.spec_check_serializers import SpecCheckRequestSerializer
    from exports.catalogue import CAMERAS
    from inspections.sweep import CAMERA_FIELDS
    from registry.forms import CameraForm
    from registry.models import Camera

    with_list = Camera.spec_fields_with_onvif_list()
    assert "onvif_profiles" in with_list and not set(Camera.ONVIF_FIELDS) & set(with_list)
    assert len(with_list) == len(Camera.SPEC_FIELDS) - len(Camera.ONVIF_FIELDS) + 1

    def in_order(fields, expected):
        positions = [list(fields).index(name) for name in expected]
        return positions == sorted(positions)

    assert in_order(CameraForm._meta.fields, with_list)
    assert in_order(CameraSerializer.Meta.fields, with_list)
    assert in_order(SpecCheckRequestSerializer.Meta.fields, with_list)
    exported = [column[2] for column in CAMERAS.columns]
    assert in_order(exported, Camera.SPEC_FIELDS)
    assert in_order(CAMERA_FIELDS, Camera.SPEC_FIELDS)
