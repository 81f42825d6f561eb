"""The city's compliance for anyone: /transparency/ and the same figures as open data (CSV, JSON)
with Satu Data Indonesia's metadata (Perpres 39/2019).

The figures are inspections.figures, the ones the officers' overview reads, so they are equal. They
are counted per road, kecamatan, kelurahan and category: no premises, no person, no position finer
than the road. Cached for TRANSPARENCY_CACHE_SECONDS; labels are added per language after the cache.
"""

import csv
import io

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import figures
from registry.csv_cells import cell
from registry.models import Kecamatan, Kelurahan, Premises, ProtocolRoad

CITY_CODE = "64.74"  # Kemendagri: Kota Bontang
DIMENSIONS = ("road", "kecamatan", "kelurahan", "category")
FIELDS = {
    "road": "road_id",
    "kecamatan": "kelurahan__kecamatan_id",
    "kelurahan": "kelurahan_id",
    "category": "category",
}


def counted(today):
    """The numbers (cached): per dimension {key: (obligated, compliant)}, the total, trend and feeds."""

    def count():
        return {
            "by": {name: figures.compliance_by(field, today) for name, field in FIELDS.items()},
            "total": figures.compliance_total(today),
            "trend": figures.trend(today),
            "feeds": figures.feeds(),
        }

    return cache.get_or_set(f"transparency:{today.isoformat()}", count, settings.TRANSPARENCY_CACHE_SECONDS)


def _names(dimension):
    """{key: (name, Kemendagri code or "")} of one dimension, in the active language."""
    if dimension == "road":
        return {pk: (name, "") for pk, name in ProtocolRoad.objects.values_list("pk", "name")}
    if dimension == "kecamatan":
        return {pk: (name, code) for pk, name, code in Kecamatan.objects.values_list("pk", "name", "code")}
    if dimension == "kelurahan":
        rows = Kelurahan.objects.values_list("pk", "name", "kecamatan__code")
        return {pk: (name, code) for pk, name, code in rows}  # the kecamatan's code: the kelurahan's own is not kept
    return {value: (str(label), "") for value, label in Premises.Category.choices}


def figures_for_people(today):
    numbers = counted(today)
    tables = []
    for dimension in DIMENSIONS:
        names = _names(dimension)
        rows = [
            {
                "dimension": dimension,
                "name": names.get(key, (str(key), ""))[0],
                "region_code": names.get(key, ("", ""))[1],
                "obligated": n,
                "compliant": ok,
                "percent_compliant": figures.percent(ok, n),
            }
            for key, (n, ok) in numbers["by"][dimension].items()
        ]
        tables.append((dimension, sorted(rows, key=lambda row: row["name"])))
    obligated, compliant = numbers["total"]
    return {
        "tables": tables,
        "total": {"obligated": obligated, "compliant": compliant, "percent": figures.percent(compliant, obligated)},
        "trend": numbers["trend"],
        "feeds": numbers["feeds"],
    }


def metadata(request, today):
    return {
        "title": _("Compliance with the CCTV regulation of Kota Bontang"),
        "description": _(
            "Premises along Bontang's protocol roads that must run CCTV (Perwali Bontang No. 25/2019), and how "
            "many of them comply, per road, kecamatan, kelurahan and category; a monthly trend; the share of "
            "camera feeds that answer. No personal data and no position finer than the road."
        ),
        "publisher": settings.OFFICE_NAME,
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "update_frequency": _("daily (after the night's compliance sweep)"),
        "region_code": CITY_CODE,
        "region_code_system": "Kemendagri",
        "date": today.isoformat(),
        "language": "id",
        "url": request.build_absolute_uri(reverse("transparency:page")),
    }


def page(request):
    today = timezone.localdate()
    context = {**figures_for_people(today), "metadata": metadata(request, today), "today": today}
    context["labels"] = {
        "road": _("By protocol road"),
        "kecamatan": _("By kecamatan"),
        "kelurahan": _("By kelurahan"),
        "category": _("By category"),
    }
    response = render(request, "transparency/page.html", context)
    response["Cache-Control"] = f"public, max-age={settings.TRANSPARENCY_CACHE_SECONDS}"
    return response


def data_json(request):
    today = timezone.localdate()
    shown = figures_for_people(today)
    body = {
        "metadata": metadata(request, today),
        "total": shown["total"],
        "rows": [row for _dimension, rows in shown["tables"] for row in rows],
        "trend": [{**month, "month": month["month"].strftime("%Y-%m")} for month in shown["trend"]],
        "feeds": shown["feeds"],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Cache-Control"] = f"public, max-age={settings.TRANSPARENCY_CACHE_SECONDS}"
    return response


CSV_COLUMNS = ["dimension", "name", "region_code", "obligated", "compliant", "percent_compliant"]


def data_csv(request):
    today = timezone.localdate()
    shown = figures_for_people(today)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    total = shown["total"]
    writer.writerow(
        {
            "dimension": "city",
            "name": "Kota Bontang",
            "region_code": CITY_CODE,
            "obligated": total["obligated"],
            "compliant": total["compliant"],
            "percent_compliant": total["percent"],
        }
    )
    for _dimension, rows in shown["tables"]:
        writer.writerows({**row, "name": cell(row["name"])} for row in rows)  # a name is never a formula
    for month in shown["trend"]:
        writer.writerow(
            {
                "dimension": "month",
                "name": month["month"].strftime("%Y-%m"),
                "region_code": CITY_CODE,
                "obligated": month["obligated"],
                "compliant": month["compliant"],
                "percent_compliant": month["percent"],
            }
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kepatuhan-cctv-bontang-{today.isoformat()}.csv"'
    response["Cache-Control"] = f"public, max-age={settings.TRANSPARENCY_CACHE_SECONDS}"
    return response
