"""Hostile spreadsheets for the upload-limit tests, generated (none checked in)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def small_xlsx(rows: list[list[str]]) -> bytes:
    """A real workbook holding ``rows`` (the first is the header)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite(data: bytes, member: str, transform: object) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == member:
                assert callable(transform)
                body = transform(body)
            target.writestr(info.filename, body)
    return out.getvalue()


def zip_bomb_xlsx(unpacked_mib: int) -> bytes:
    """A valid-looking workbook whose sheet unpacks to about ``unpacked_mib`` MiB (blank space
    inside the XML, which deflate packs about a thousand to one)."""
    base = small_xlsx([["Etunimi", "Sukunimi"], ["Maija", "Mäki"]])
    padding = b" " * (unpacked_mib * 1024 * 1024)
    return _rewrite(base, SHEET, lambda body: body.replace(b"<sheetData>", b"<sheetData>" + padding, 1))


def forged_dimension_xlsx(rows: list[list[str]], ref: str = "A1:XFD3") -> bytes:
    """A workbook whose sheet claims to span ``ref`` while holding only ``rows``."""
    base = small_xlsx(rows)

    def forge(body: bytes) -> bytes:
        start = body.index(b"<dimension ref=")
        end = body.index(b"/>", start) + 2
        return body[:start] + f'<dimension ref="{ref}"/>'.encode() + body[end:]

    return _rewrite(base, SHEET, forge)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
