"""The auditors' pages: the list of files with filters, each file, the zip and the column guide."""

import csv
import hashlib
import io
import tempfile
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from inspections.access import signed_in_with
from registry.csv_cells import cell
from registry.models import AccessLog, CameraStandard, log_access

from .catalogue import FILES, ExportFilterForm, codes
from .streaming import csv_chunks

_guard = signed_in_with("registry.export_data")


@_guard
def index(request):
    return render(
        request,
        "exports/index.html",
        {"form": ExportFilterForm(request.GET or None), "files": FILES, "query": request.GET.urlencode()},
    )


@login_required
def columns(request):
    """Every file's columns, what each means and, for a column of codes, every code with its label."""
    guide = {name: [(c, codes(export, c)) for c in export.columns] for name, export in FILES.items()}
    return render(request, "exports/columns.html", {"guide": guide})


def _filters(request):
    form = ExportFilterForm(request.GET)
    if not form.is_valid():
        return None, form
    return form.cleaned_data, form


@_guard
def download(request, name):
    export = FILES.get(name)
    if export is None:
        raise Http404
    filters, form = _filters(request)
    if filters is None:
        return render(request, "exports/index.html", {"form": form, "files": FILES}, status=400)
    log = log_access(request, AccessLog.Action.EXPORT, f"{name}.csv", filters=form.as_dict())

    def counted():
        rows = 0
        for data, n in csv_chunks(export, filters, request.user):
            rows += n
            yield data
        AccessLog.objects.filter(pk=log.pk).update(rows=rows)  # known once the stream has ended

    response = StreamingHttpResponse(counted(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@_guard
def download_zip(request):
    filters, form = _filters(request)
    if filters is None:
        return render(request, "exports/index.html", {"form": form, "files": FILES}, status=400)
    exported_at = timezone.now()
    spool = tempfile.TemporaryFile()  # on disk: memory stays flat whatever the size
    summary = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, export in FILES.items():
            digest, rows = hashlib.sha256(), 0
            with archive.open(f"{name}.csv", "w") as member:
                for data, n in csv_chunks(export, filters, request.user):
                    digest.update(data)
                    member.write(data)
                    rows += n
            summary.append((f"{name}.csv", rows, digest.hexdigest()))
        standard = CameraStandard.objects.in_force(timezone.localdate())
        info = io.StringIO()
        writer = csv.writer(info)
        writer.writerow(["file", "rows", "sha256", "exported_at", "exported_by", "standard_version", "filter"])
        for file_name, rows, sha in summary:
            writer.writerow(
                [
                    file_name,
                    rows,
                    sha,
                    cell(exported_at),
                    request.user.get_username(),
                    standard.version if standard else "",
                    cell(form.as_dict()),
                ]
            )
        archive.writestr("feed_info.csv", "\ufeff" + info.getvalue())
    log_access(
        request, AccessLog.Action.EXPORT, "all.zip", filters=form.as_dict(), rows=sum(r for _f, r, _s in summary)
    )
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"cctv-registry-{exported_at:%Y%m%d-%H%M}.zip",
        content_type="application/zip",
    )
