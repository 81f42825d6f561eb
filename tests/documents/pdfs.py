"""Reading a PDF back as its reader would: its text (pypdf) and its QR codes (the page rasterised by
poppler's pdftoppm, decoded by zxing-cpp)."""

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader


def text_of(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pages_of(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_size_mm(pdf):
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)


def qr_codes_of(pdf, dpi=150):
    """The texts of the QR codes on the PDF's first page."""
    if not shutil.which("pdftoppm"):
        message = "needs poppler-utils (pdftoppm) to read the QR code: apt-get install -y poppler-utils"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", "1", source, Path(folder) / "page"], check=True
        )
        page = Image.open(Path(folder) / "page.png")
        return [
            barcode.text for barcode in zxingcpp.read_barcodes(page) if barcode.format == zxingcpp.BarcodeFormat.QRCode
        ]
