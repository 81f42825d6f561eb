"""Spreadsheets as the licensing office sends them, built with openpyxl, one per case."""

import io
import re
import zipfile

import openpyxl

HEADER = ["NIB", "Nama Usaha", "Alamat", "Jalan", "Kelurahan", "Kategori", "Kepemilikan", "Lintang", "Bujur"]


def row(n, **changes):
    values = {
        "NIB": 1234500000000 + n,  # a number, as Excel keeps it
        "Nama Usaha": f"Toko Impor {n}",
        "Alamat": f"Jl. Ahmad Yani No. {n}",
        "Jalan": "Jl. Ahmad Yani",
        "Kelurahan": "Api-Api",
        "Kategori": "Minimarket",
        "Kepemilikan": "Swasta",
        "Lintang": 0.137,
        "Bujur": 117.499,
    }
    values.update(changes)
    return values


def xlsx(rows, header=HEADER, extra_header=(), before=()):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in before:
        sheet.append(line)
    sheet.append([*header, *extra_header])
    for values in rows:
        sheet.append([values.get(name) for name in [*header, *extra_header]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_dimension(data, rows):
    """The same workbook, its first sheet declaring `rows` rows (as a huge export's does)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                declared = b'<dimension ref="\\1:\\g<2>' + str(rows).encode() + b'"'
                content = re.sub(rb'<dimension ref="([A-Z]+\d+):([A-Z]+)\d+"', declared, content)
            target.writestr(item, content)
    return out.getvalue()


def csv_bytes(rows, header=HEADER):
    lines = [";".join(header)]
    for values in rows:
        lines.append(";".join(str(values.get(name, "")) for name in header))
    return ("\n".join(lines) + "\n").encode()
