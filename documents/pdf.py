"""PDFs made with WeasyPrint from the project's templates, and the QR codes in them (segno).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0); it is imported only when a PDF
is made, so the rest of the app runs without it, and a missing library gives a clear 503.
Images are never fetched over the network: a static path (CITY_EMBLEM_URL = /static/…) is read
from the static files, anything else is left out.
"""

from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


def qr_data_uri(url):
    """A QR code of `url` as an SVG data URI (error correction M: survives a crease or a stain)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def emblem_file_uri():
    """The emblem as a file:// URI when CITY_EMBLEM_URL names a static file, else ""."""
    url = settings.CITY_EMBLEM_URL
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not url.startswith(prefix):
        return ""
    found = finders.find(url[len(prefix) :])
    return Path(found).as_uri() if found else ""


def render_pdf(template, context):
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:  # a system library is missing
        raise PdfUnavailable(str(error)) from None
    html = render_to_string(template, context)
    local_only = URLFetcher(allowed_protocols={"file", "data"})  # never over the network
    return HTML(string=html, url_fetcher=local_only, base_url=str(settings.BASE_DIR)).write_pdf()
