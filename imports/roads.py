"""Protocol roads from public works: GeoJSON LineStrings (properties: name, kecamatan) or a CSV with
the columns name, kecamatan and line ("lat lon; lat lon; …"). Each line must lie inside Bontang;
a road is found again by its name (a rerun changes nothing)."""

import csv
import io
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.models import Kecamatan, ProtocolRoad
from registry.validators import validate_line_geometry

from .premises import Plan, RowError, _key
from .reading import Refused


def _features(data):
    text = data.decode("utf-8-sig", "replace")
    if text.lstrip().startswith("{"):
        try:
            collection = json.loads(text)
        except json.JSONDecodeError:
            raise Refused(_("The GeoJSON cannot be read.")) from None
        for number, feature in enumerate(collection.get("features", []), start=1):
            geometry = feature.get("geometry") or {}
            properties = feature.get("properties") or {}
            line = None
            if geometry.get("type") == "LineString":
                line = [[c[1], c[0]] for c in geometry.get("coordinates", []) if isinstance(c, list) and len(c) >= 2]
            yield number, properties.get("name", ""), properties.get("kecamatan", ""), line
        return
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            line = [[float(x) for x in point.split()] for point in (row.get("line") or "").split(";") if point.strip()]
        except ValueError:
            line = None
        yield number, row.get("name", ""), row.get("kecamatan", ""), line


def plan_roads(data):
    kecamatan = {_key(name): pk for pk, name in Kecamatan.objects.values_list("pk", "name")}
    existing = {_key(road.name): road for road in ProtocolRoad.objects.all()}
    plan = Plan()
    seen = set()
    for number, name, district, line in _features(data):
        plan.rows += 1
        problems = []
        if not str(name).strip():
            problems.append(("name", _("empty: this column is required")))
        if _key(district) not in kecamatan:
            problems.append(("kecamatan", f"“{str(district)[:60]}”: " + _("not a kecamatan of Bontang")))
        try:
            validate_line_geometry(line)
            if not line:
                raise ValidationError("")
        except ValidationError:
            problems.append(("line", _("not a line of at least two points inside Bontang")))
        if _key(name) in seen:
            problems.append(("name", _("the same road is on an earlier row")))
        for column, message in problems:
            plan.errors.append(RowError(number, column, message))
        if problems:
            plan.skipped_rows.add(number)
            continue
        seen.add(_key(name))
        road = existing.get(_key(name))
        values = {"name": str(name).strip()[:100], "kecamatan_id": kecamatan[_key(district)], "geometry": line}
        if road is None:
            plan.create.append(ProtocolRoad(**values))
        elif road.kecamatan_id != values["kecamatan_id"] or road.geometry != line:
            road.kecamatan_id, road.geometry = values["kecamatan_id"], line
            plan.update.append((road, ["kecamatan_id", "geometry"]))
        else:
            plan.unchanged += 1
    return plan


def apply_roads(plan, *, batch_id, user, progress=None):
    with transaction.atomic():
        ProtocolRoad.objects.bulk_create(plan.create)
        ProtocolRoad.objects.bulk_update([road for road, _c in plan.update], ["kecamatan_id", "geometry"])
    if progress:
        progress(len(plan.create) + len(plan.update))
    return {"created": len(plan.create), "updated": len(plan.update), "unchanged": plan.unchanged}
