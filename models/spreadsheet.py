"""Read and write the spreadsheets organisers live in: CSV (as Excel writes it) and XLSX.

Finnish Excel saves "CSV (semicolon)" in cp1252 and "CSV UTF-8" with a byte-order mark;
both are read, with ``;``, ``,`` or tab as the separator. Row numbers are the ones the
user sees in Excel: the header is row 1, and a cell with line breaks stays one row.

Example:
    >>> sheet = read_sheet_bytes("Nimi;Sähköposti\\r\\nMaija;m@x.fi\\r\\n".encode("cp1252"), "a.csv")
    >>> sheet.headers, sheet.rows[0].values
    (['Nimi', 'Sähköposti'], ['Maija', 'm@x.fi'])
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ZIP_MAGIC = b"PK\x03\x04"
_SEPARATORS = (";", ",", "\t")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make Excel, LibreOffice or Google Sheets run a cell as a formula
(a line break too: XLSX turns a carriage return into one)."""


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet at all (encoding, format, no header)."""


class SheetTooLarge(SpreadsheetError):  # noqa: N818 (reads as the condition, like its parent)
    """The file is over one of the :class:`SheetLimits` (an HTTP 413 for uploads)."""


_MIB = 1024 * 1024


@dataclass(frozen=True)
class SheetLimits:
    """How much one spreadsheet may hold, checked while reading, so that a huge file or a
    zip bomb is refused with a clear error before it fills the memory.

    ``max_unpacked_bytes`` bounds what an XLSX (a zip archive) unpacks to, as its directory
    declares; Python's zip reader never returns more than declared. Blank rows count too,
    up to as many again as ``max_rows``. ``max_cell_chars`` is Excel's own limit.

    Example:
        >>> read_sheet_bytes(b"a\\n1\\n2\\n", "x.csv", SheetLimits(max_rows=1))
        Traceback (most recent call last):
        ...
        models.spreadsheet.SheetTooLarge: x.csv: more than 1 data rows (the limit); split the file
    """

    max_bytes: int = 20 * _MIB
    max_rows: int = 20_000
    max_columns: int = 200
    max_cell_chars: int = 32_767
    max_unpacked_bytes: int = 100 * _MIB
    max_zip_members: int = 1_000


DEFAULT_LIMITS = SheetLimits()


def _size(n: int) -> str:
    return f"{n // _MIB} MiB" if n >= _MIB else f"{n} bytes"


@dataclass(frozen=True)
class SheetRow:
    """One data row: its number as the spreadsheet shows it, and its cells as text."""

    number: int
    values: list[str]


@dataclass
class Sheet:
    """A read spreadsheet: header cells, data rows, and how the file was encoded."""

    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    encoding: str = "xlsx"
    separator: str | None = None


def decode_text(data: bytes, name: str = "file") -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM) or cp1252; anything else is an error.

    Returns the text and the encoding used.

    Example:
        >>> decode_text("Sähköposti".encode("cp1252"))
        ('Sähköposti', 'cp1252')
    """
    if data.startswith(_UTF16_BOMS) or (len(data) > 1 and data[1:2] == b"\x00" and data[0:1] != b"\x00"):
        raise SpreadsheetError(
            f"{name}: the file is UTF-16 (Excel's 'Unicode text'); "
            "save it as 'CSV UTF-8' or 'CSV (semicolon)'"
        )
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            f"{name}: this is not a text file (it holds binary data); give a CSV or XLSX file"
        )
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(f"{name}: starts as UTF-8 but byte {exc.start} is not UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"{name}: the text is neither UTF-8 nor Windows-1252 (cp1252), byte {exc.start} "
            "cannot be read; save it from Excel as 'CSV UTF-8'"
        ) from None


def sniff_separator(text: str) -> str:
    """The separator of the header line: the most frequent of ``;``, ``,`` and tab outside quotes.

    Example:
        >>> sniff_separator('Etunimi;Sukunimi;"Teemat, muut"\\nA;B;C')
        ';'
    """
    header, in_quotes = [], False
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            break
        elif not in_quotes:
            header.append(ch)
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ";"


def escape_formula(value: Any) -> Any:
    """``value`` as an export cell that no spreadsheet runs as a formula (CSV injection).

    Text whose first character (after any apostrophes) is one of :data:`FORMULA_STARTS` gets
    one more apostrophe in front, the convention Excel itself uses for "this is text";
    :func:`unescape_formula` undoes it exactly, so our exports import back unchanged.
    Anything that is not text is returned as is.

    Example:
        >>> escape_formula("=1+1"), escape_formula("Maija"), escape_formula(-3)
        ("'=1+1", 'Maija', -3)
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """Undo :func:`escape_formula`: one apostrophe off text that is apostrophes then a formula start.

    Example:
        >>> unescape_formula("'+358 40 123"), unescape_formula("'Maija"), unescape_formula("''=1")
        ('+358 40 123', "'Maija", "'=1")
    """
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _is_blank(values: Sequence[str]) -> bool:
    return all(not v.strip() for v in values)


def _check_record(number: int, values: Sequence[str], name: str, limits: SheetLimits) -> None:
    if number > 2 * limits.max_rows + 1:
        raise SheetTooLarge(f"{name}: more than {2 * limits.max_rows + 1} rows, blank ones included")
    if len(values) > limits.max_columns and any(v.strip() for v in values[limits.max_columns :]):
        raise SpreadsheetError(f"{name}: row {number} has more than {limits.max_columns} columns")
    for column, value in enumerate(values, start=1):
        if len(value) > limits.max_cell_chars:
            raise SpreadsheetError(
                f"{name}: row {number}, column {column}: a cell of {len(value)} characters "
                f"(at most {limits.max_cell_chars})"
            )


def _sheet_from_records(
    records: Iterable[tuple[int, list[str]]], name: str, limits: SheetLimits = DEFAULT_LIMITS
) -> Sheet:
    header: list[str] | None = None
    rows: list[SheetRow] = []
    for number, values in records:
        _check_record(number, values, name, limits)
        values = values[: limits.max_columns]
        if header is None:
            if _is_blank(values):
                continue
            header = [unescape_formula(v.strip().lstrip("\ufeff")) for v in values]
            while header and not header[-1]:
                header.pop()
            continue
        if not _is_blank(values):
            if len(rows) == limits.max_rows:
                raise SheetTooLarge(
                    f"{name}: more than {limits.max_rows} data rows (the limit); split the file"
                )
            rows.append(SheetRow(number, [unescape_formula(v) for v in values]))
    if header is None:
        raise SpreadsheetError(f"{name}: the file is empty (no header row)")
    return Sheet(headers=header, rows=rows)


def read_csv_text(text: str, name: str = "file", limits: SheetLimits = DEFAULT_LIMITS) -> Sheet:
    """Parse CSV text; the separator is sniffed from the header line."""
    separator = sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        sheet = _sheet_from_records(((i, rec) for i, rec in enumerate(reader, start=1)), name, limits)
    except csv.Error as exc:
        raise SpreadsheetError(f"{name}: not valid CSV ({exc})") from None
    sheet.separator = separator
    return sheet


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _check_zip(data: bytes, name: str, limits: SheetLimits) -> None:
    """Refuse an archive that unpacks to more than the limits allow, before anything unpacks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise SpreadsheetError(f"{name}: not a readable XLSX workbook ({exc})") from None
    if len(members) > limits.max_zip_members:
        raise SheetTooLarge(
            f"{name}: the workbook holds {len(members)} parts (at most {limits.max_zip_members})"
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise SheetTooLarge(
            f"{name}: the workbook unpacks to {_size(unpacked)}, more than the "
            f"{_size(limits.max_unpacked_bytes)} allowed; save only the registrations sheet"
        )


def _xlsx_records(rows: Iterable[Sequence[Any]]) -> Iterable[tuple[int, list[str]]]:
    for number, row in enumerate(rows, start=1):
        values = [_cell_text(v) for v in row]
        while values and not values[-1]:
            values.pop()
        yield number, values


def read_xlsx_bytes(data: bytes, name: str = "file", limits: SheetLimits = DEFAULT_LIMITS) -> Sheet:
    """Read the first worksheet of an XLSX workbook, read-only and within ``limits``.

    The sheet's declared dimensions are ignored (a forged ``A1:XFD1048576`` would otherwise
    pad every row), and no more than ``limits.max_columns + 1`` columns are read.
    """
    from openpyxl import load_workbook  # imported here: only XLSX users pay for it

    _check_zip(data, name, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise SpreadsheetError(f"{name}: not a readable XLSX workbook ({exc})") from None
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(f"{name}: the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
        return _sheet_from_records(_xlsx_records(rows), name, limits)
    except SpreadsheetError:
        raise
    except Exception as exc:  # a broken part shows only while reading the rows
        raise SpreadsheetError(f"{name}: not a readable XLSX workbook ({exc})") from None
    finally:
        workbook.close()


def read_sheet_bytes(data: bytes, name: str, limits: SheetLimits = DEFAULT_LIMITS) -> Sheet:
    """Read CSV or XLSX bytes (XLSX recognised by content, not only by the file name).

    :class:`SheetTooLarge` when the file is over ``limits``; :class:`SpreadsheetError` for
    anything else that makes it unreadable.
    """
    if len(data) > limits.max_bytes:
        raise SheetTooLarge(f"{name}: larger than {_size(limits.max_bytes)} (the limit)")
    if data.startswith(_ZIP_MAGIC):
        return read_xlsx_bytes(data, name, limits)
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(f"{name}: the name says XLSX but the content is not an XLSX workbook")
    if name.lower().endswith(".xls"):
        raise SpreadsheetError(f"{name}: old Excel .xls files are not read; save as XLSX or CSV")
    text, encoding = decode_text(data, name)
    sheet = read_csv_text(text, name, limits)
    sheet.encoding = encoding
    return sheet


def read_sheet(path: str | Path, limits: SheetLimits = DEFAULT_LIMITS) -> Sheet:
    """Read a CSV or XLSX file from disk (its size is checked before it is read)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        raise SpreadsheetError(f"{path}: cannot read the file ({exc.strerror})") from None
    return read_sheet_bytes(data, str(path), limits)


def write_sheet(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a table as XLSX (``.xlsx`` path) or as CSV that Finnish Excel opens directly
    (UTF-8 with BOM, ``;`` separator, CRLF). Returns the path.

    Text that a spreadsheet would run as a formula is escaped (:func:`escape_formula`), and
    XLSX cells holding text are written as text, never as formulas.

    Example:
        >>> import tempfile, os
        >>> p = write_sheet(os.path.join(tempfile.mkdtemp(), "x.csv"), ["a"], [["ä"]])
        >>> p.read_bytes()
        b'\\xef\\xbb\\xbfa\\r\\n\\xc3\\xa4\\r\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([_xlsx_value(v) for v in headers])
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        workbook.save(path)
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow([escape_formula(v) for v in headers])
        for row in rows:
            writer.writerow(["" if v is None else escape_formula(v) for v in row])
    return path


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return escape_formula(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # XLSX has no time zones; UTC by convention
    return value
