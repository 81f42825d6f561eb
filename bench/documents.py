"""Rendering a PDF warning letter (run by hand): the production path (the letter's context, the
template, WeasyPrint, the QR code) against the floor of WeasyPrint alone on the same HTML.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cctv_bench .venv/bin/python bench/documents.py [--letters 50]

Needs letters in the database (bench/ladder.py makes them). Printed: median and p95 per letter of
the production path, and of HTML(string=…).write_pdf() on the already rendered HTML.
"""

import argparse
import statistics
import time

import _setup  # noqa: F401
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from documents import pdf
from documents.models import PublicCode, code_for
from inspections.letters import letter_context
from inspections.models import WarningLetter


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=50)
    args = parser.parse_args()
    letters = list(WarningLetter.objects.order_by("pk")[: args.letters])
    if not letters:
        raise SystemExit("No warning letters: run bench/ladder.py first.")
    from weasyprint import HTML

    ours, floor = [], []
    with translation.override("id"):
        for letter in letters:
            started = time.perf_counter()
            url = settings.SITE_URL + reverse("documents:verify", args=[code_for(PublicCode.Kind.LETTER, letter.pk)])
            context = {**letter_context(letter), "qr": pdf.qr_data_uri(url), "verify_url": url}
            data = pdf.render_pdf("documents/letter_pdf.html", context)
            ours.append(time.perf_counter() - started)
            html = render_to_string("documents/letter_pdf.html", context)
            started = time.perf_counter()
            HTML(string=html).write_pdf()
            floor.append(time.perf_counter() - started)
            assert data.startswith(b"%PDF")

    def p95(values):
        return sorted(values)[max(0, round(0.95 * len(values)) - 1)]

    print(f"{len(letters)} letters")
    print(
        f"letter PDF (context, template, QR, WeasyPrint): median {statistics.median(ours) * 1000:.0f} ms, p95 {p95(ours) * 1000:.0f} ms"
    )
    print(
        f"floor, WeasyPrint alone on the HTML:           median {statistics.median(floor) * 1000:.0f} ms, p95 {p95(floor) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
