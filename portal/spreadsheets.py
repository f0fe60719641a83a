"""Spreadsheets both ways (issue 13): read a CSV or an XLSX upload as rows, write an XLSX export.

Plain Python. Imports (applicants, payments, payroll) accept CSV and XLSX, told apart by the
file's content, never its name: an XLSX workbook is a ZIP holding the OOXML parts, and the ZIP
is bounded (parts, unpacked size, ratio, no macros, no encryption) before openpyxl opens it.
Only the first worksheet is read, values as last saved (``data_only``): a formula without a
saved value is refused rather than guessed.

Exports neutralise formulas (OWASP "CSV injection"): every cell is written as a value, never a
formula, and a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
quoted: in XLSX with the cell's quote prefix (Excel's leading apostrophe: shown and kept as text,
never run, and the text reads back unchanged); in CSV with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_MEMBERS = 500
XLSX_MAX_UNPACKED = 100 * 1024 * 1024
XLSX_MAX_RATIO = 200
ZIP_MAGIC = b"PK\x03\x04"
BINARY_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old-style Office file or an encrypted workbook",
    b"\x7fELF": "a program",
    b"MZ": "a program",
    b"\x1f\x8b": "a gzip archive",
}
# Characters a spreadsheet program reads as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SheetProblem:
    """Why a file, or a cell of it, cannot be read (row as a spreadsheet shows it)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


def sniff(raw: bytes) -> str | None:
    """ "xlsx" for a ZIP, "csv" for UTF-8 text, None for anything else (judged by content)."""
    if raw.startswith(ZIP_MAGIC):
        return "xlsx"
    head = raw[:8]
    if any(head.startswith(magic) for magic in BINARY_MAGIC):
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        return None
    return "csv"


def what_it_is(raw: bytes) -> str:
    """What a file that is neither CSV nor XLSX is, for the message that refuses it."""
    kind = next((what for magic, what in BINARY_MAGIC.items() if raw.startswith(magic)), None)
    return f"it is {kind}" if kind else "it is neither UTF-8 text nor an XLSX workbook"


def check_zip(raw: bytes) -> str | None:
    """Why this ZIP may not be opened as a workbook, or None."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        return "a damaged ZIP, not an XLSX workbook"
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_MEMBERS:
            return f"more than {XLSX_MAX_MEMBERS} parts: not a workbook this portal reads"
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            return "a ZIP that is not an XLSX workbook"
        if "xl/vbaProject.bin" in names:
            return "a workbook with macros; save it as a plain XLSX workbook"
        unpacked = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members) or 1
        if unpacked > XLSX_MAX_UNPACKED or unpacked / packed > XLSX_MAX_RATIO:
            return "a workbook that unpacks far beyond its size; save it again as plain XLSX"
        if any(member.flag_bits & 0x1 for member in members):
            return "an encrypted workbook; save it without a password"
    return None


def read_csv(raw: bytes, max_rows: int) -> tuple[list[tuple[int, list[Any]]], list[SheetProblem]]:
    """(row number, cells) of a UTF-8 CSV (a BOM allowed); stops one row past ``max_rows``."""
    text = raw.decode("utf-8-sig")
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            rows.append((number, cells))
            if number > max_rows + 1:
                break
    except csv.Error as error:
        return [], [SheetProblem(len(rows) + 1, "file", f"not readable as CSV ({error})")]
    return rows, []


def _unreadable(error: Exception) -> SheetProblem:
    return SheetProblem(1, "file", f"the workbook cannot be read ({type(error).__name__})")


def read_xlsx(raw: bytes, max_rows: int) -> tuple[list[tuple[int, list[Any]]], list[SheetProblem]]:
    """(row number, cell values) of the first worksheet, values as last saved; a formula
    without a saved value is a problem naming its cell."""
    problem = check_zip(raw)
    if problem:
        return [], [SheetProblem(1, "file", problem)]
    from openpyxl import load_workbook  # only imported when a workbook comes in
    from openpyxl.utils import get_column_letter

    try:
        values = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken package
        return [], [_unreadable(error)]
    try:
        sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        problems: list[SheetProblem] = []
        pairs = zip(
            sheet.iter_rows(values_only=True),
            formula_sheet.iter_rows(values_only=True),
            strict=False,
        )
        for number, (cells, written) in enumerate(pairs, start=1):
            if number > max_rows + 1:
                rows.append((number, list(cells)))
                break
            cells = list(cells)
            for index, cell in enumerate(cells):
                typed = written[index] if index < len(written) else None
                if cell is None and isinstance(typed, str) and typed.startswith("="):
                    problems.append(
                        SheetProblem(
                            number,
                            f"cell {get_column_letter(index + 1)}{number}",
                            "a formula without a saved value: open the file in a spreadsheet "
                            "program and save it again (formulas are not calculated here)",
                        )
                    )
            rows.append((number, cells))
        return rows, problems
    except Exception as error:
        return [], [_unreadable(error)]
    finally:
        values.close()
        formulas.close()


def cell_text(value: Any) -> str:
    """A cell as the text a CSV of the same sheet would hold: dates ISO (a date-time at midnight
    is a date), whole numbers without ".0", decimals exactly as shown (1234.5, never
    1234.4999…), TRUE/FALSE as yes/no, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        value = Decimal(repr(value))  # the shortest text that reads back as this float
    if isinstance(value, int | Decimal):
        return format(Decimal(value).normalize(), "f")
    return str(value)


def read_text_table(
    raw: bytes, max_rows: int, what: str = "file"
) -> tuple[list[tuple[int, list[str]]], list[SheetProblem], str | None]:
    """``(rows, problems, kind)``: every row of a CSV or XLSX upload as text cells (see
    :func:`cell_text`), with its row number as a spreadsheet shows it. ``kind`` is "csv",
    "xlsx" or None (neither: one problem says what the file is). ``what`` names the file in
    that message ("the applicant log")."""
    kind = sniff(raw)
    if kind is None:
        return (
            [],
            [
                SheetProblem(
                    1,
                    "file",
                    f"not a CSV or XLSX file ({what_it_is(raw)}); save {what} as CSV UTF-8 or XLSX",
                )
            ],
            None,
        )
    rows, problems = read_csv(raw, max_rows) if kind == "csv" else read_xlsx(raw, max_rows)
    return [(number, [cell_text(cell) for cell in cells]) for number, cells in rows], problems, kind


def normalise(name: str) -> str:
    """Headers and codes compare without case, surrounding spaces, or spaces for underscores."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def read_records(
    raw: bytes,
    columns: Sequence[str],
    required: Sequence[str],
    max_rows: int,
    noun: str,
    what: str,
) -> tuple[list[tuple[int, dict[str, str]]], list[SheetProblem]]:
    """The rows of a one-record-per-row upload (CSV or XLSX) as ``(row number, {column: text})``
    with every known column present (stripped, "" when empty), blank rows left out; or the
    problems of its header (missing or unknown columns), of rows with more cells than columns,
    or of a file past ``max_rows`` ``noun`` ("applicants"). Headers compare as
    :func:`normalise` reads them ("Applied On" is ``applied_on``)."""
    table, problems, _kind = read_text_table(raw, max_rows + 1, what)
    if problems:
        return [], problems
    typed = [name.strip() for name in (table[0][1] if table else [])]
    while typed and not typed[-1]:  # empty header cells a spreadsheet leaves at the right
        typed.pop()
    header = [normalise(name) for name in typed]
    problems = [
        SheetProblem(1, name, "this column is missing") for name in required if name not in header
    ]
    problems += [
        SheetProblem(1, shown, f"unknown column; use: {', '.join(columns)}")
        for shown, name in zip(typed, header, strict=True)
        if name not in columns
    ]
    if problems:
        return [], problems
    records = []
    for number, cells in table[1:]:
        if number - 1 > max_rows:
            return [], [SheetProblem(number, "file", f"more than {max_rows} {noun}")]
        if any(cell.strip() for cell in cells[len(header) :]):
            problems.append(SheetProblem(number, "row", "more cells than columns"))
            continue
        named = dict(zip(header, cells, strict=False))
        values = {name: (named.get(name) or "").strip() for name in columns}
        if any(values.values()):  # a blank row of a spreadsheet is no record
            records.append((number, values))
    return ([], problems) if problems else (records, [])


# --- export --------------------------------------------------------------------------------


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralised(value: Any) -> Any:
    """A value safe to write to a CSV cell: text that a spreadsheet would read as a formula gets
    a leading apostrophe (shown as text, never run); numbers and dates stay as they are."""
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    return str(value)


def workbook_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    as_of: date,
) -> bytes:
    """An XLSX workbook of ``(title, header, rows)`` sheets: a bold, frozen header row, every
    cell a value (text neutralised, never a formula), column widths fitted to their text.

    The workbook's created and modified times are the start of ``as_of``, the day the rows
    describe: openpyxl's ``save`` stamps the clock into a compressed part, so the same rows
    changed size from one second to the next and a HEAD could not promise the GET's length."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.properties.created = workbook.properties.modified = datetime.combine(as_of, time())
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([_cell_value(name) for name in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        widths = [len(str(name)) for name in header]
        for row in rows:
            values = [_cell_value(value) for value in row]
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    # openpyxl would store text starting with "=" as a formula: keep it text,
                    # quoted so a spreadsheet program never runs it, even after an edit.
                    cell.data_type = "s"
                    if looks_like_formula(cell.value):
                        cell.quotePrefix = True
            for index, value in enumerate(values[: len(widths)]):
                widths[index] = max(widths[index], min(len(str(value or "")), 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
    buffer = io.BytesIO()
    # ExcelWriter closes the archive when it has written the parts.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()
