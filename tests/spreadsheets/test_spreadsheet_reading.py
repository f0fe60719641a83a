"""Reading uploads as spreadsheets (portal/spreadsheets.py): CSV or XLSX told apart by content,
cells turned into the text the CSV parsers read, the ZIP bounded before openpyxl opens it."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from portal.protection.ledger_csv import COLUMNS as LEDGER_COLUMNS
from portal.protection.ledger_csv import parse_ledger
from portal.spreadsheets import (
    cell_text,
    read_records,
    read_text_table,
    sniff,
    workbook_bytes,
)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Ana", "Ana"),
        (3, "3"),
        (3.0, "3"),
        (1234.5, "1234.5"),
        (0.1 + 0.2, "0.30000000000000004"),  # exactly the float saved, never rounded to look nice
        (Decimal("12.50"), "12.5"),
        (True, "yes"),
        (False, "no"),
        (date(2026, 3, 5), "2026-03-05"),
        (datetime(2026, 3, 5), "2026-03-05"),  # a spreadsheet's date is a midnight date-time
        (datetime(2026, 3, 5, 14, 30), "2026-03-05 14:30:00"),  # a time stays, so it is refused
    ],
)
def test_a_cell_reads_as_the_text_a_csv_would_hold(value, text):
    assert cell_text(value) == text


def test_csv_and_xlsx_are_told_apart_by_content_not_name():
    assert sniff(b"name,status\nAna,citizen\n") == "csv"
    assert sniff(xlsx([["name"]])) == "xlsx"
    assert sniff(b"%PDF-1.7\n...") is None
    assert sniff("name\nJosé".encode("latin-1")) is None


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"%PDF-1.7 a PDF named applicants.xlsx", "it is a PDF"),
        (b"\x89PNG\r\n\x1a\n....", "it is a PNG image"),
        ("name\nJosé".encode("latin-1"), "neither UTF-8 text nor an XLSX workbook"),
    ],
)
def test_a_file_that_is_neither_is_refused_saying_what_it_is(content, says):
    rows, problems, kind = read_text_table(content, 10, "the applicant log")
    assert (rows, kind) == ([], None)
    assert [p.row for p in problems] == [1]
    assert says in problems[0].message and "save the applicant log as" in problems[0].message


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("members", "says"),
    [
        ({"readme.txt": b"hello"}, "a ZIP that is not an XLSX workbook"),
        (
            {"[Content_Types].xml": b"", "xl/workbook.xml": b"", "xl/vbaProject.bin": b""},
            "macros",
        ),
        (
            {"[Content_Types].xml": b"", "xl/workbook.xml": b"", "xl/big.xml": b"0" * 30_000_000},
            "unpacks far beyond its size",
        ),
    ],
)
def test_a_zip_that_is_no_plain_workbook_is_refused_before_openpyxl_reads_it(members, says):
    rows, problems, kind = read_text_table(_zip(members), 10)
    assert kind == "xlsx" and rows == []
    assert says in problems[0].message


def test_a_formula_without_a_saved_value_names_its_cell():
    # openpyxl writes formulas without their values, as a program that never calculated them.
    content = xlsx([["name", "status"], ["Ana", '=UPPER("citizen")']])
    _rows, problems, _kind = read_text_table(content, 10)
    assert [(p.row, p.column) for p in problems] == [(2, "cell B2")]


def test_records_of_an_xlsx_skip_blank_rows_and_name_extra_cells():
    content = xlsx(
        [
            ["Name ", "Status", None],  # an empty header cell at the right is no column
            ["Ana", "citizen"],
            [None, None],
            ["Bo", "foreign", None, "stray"],
        ]
    )
    records, problems = read_records(content, ("name", "status"), ("name",), 10, "rows", "it")
    assert records == []
    assert [(p.row, p.column, p.message) for p in problems] == [
        (4, "row", "more cells than columns")
    ]


def test_a_ledger_in_xlsx_reads_like_its_csv():
    workers, parties = [(7, "Aminata Koné")], [(3, "Global Kitchen Staffing")]
    row = {
        "paid_on": date(2026, 10, 1),
        "payer": "worker",
        "payee": "recruiter",
        "amount": 3000.5,
        "purpose": "processing_fee",
        "via": "transfer",
        "worker": "Aminata Koné",
        "third_party": "Global Kitchen Staffing",
        "note": "first instalment",
    }
    as_xlsx = xlsx([LEDGER_COLUMNS, [row[c] for c in LEDGER_COLUMNS]])
    as_csv = (
        ",".join(LEDGER_COLUMNS)
        + "\n2026-10-01,worker,recruiter,3000.50,processing_fee,transfer,Aminata Koné,"
        "Global Kitchen Staffing,first instalment\n"
    ).encode()
    from_xlsx, problems = parse_ledger(as_xlsx, workers, parties)
    assert problems == []
    assert from_xlsx == parse_ledger(as_csv, workers, parties)[0]
    assert from_xlsx[0].amount == Decimal("3000.50") and from_xlsx[0].worker_id == 7


def test_two_bad_ledger_rows_in_an_xlsx_are_both_named():
    good = ["2026-10-01", "worker", "recruiter", 10, "processing_fee", "", "", "", ""]
    rows = [LEDGER_COLUMNS] + [list(good) for _ in range(20)]
    rows[5][3] = -5  # row 6: a negative amount
    rows[12][1] = "landlord"  # row 13: no such payer
    rows_found, problems = parse_ledger(xlsx(rows), [], [])
    assert rows_found == []
    assert sorted({(p.row, p.column) for p in problems}) == [(6, "amount"), (13, "payer")]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_exports_never_hold_a_formula_and_quote_text_that_looks_like_one(start):
    text = f'{start}HYPERLINK("http://evil.example","click")'
    content = workbook_bytes(
        [("Sheet", ["name", "amount"], [[text, 12.5], ["plain", 3]])], date(2026, 12, 5)
    )

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    quoted = sheet["A2"]
    assert quoted.value == text and quoted.data_type == "s" and quoted.quotePrefix
    assert not sheet["A3"].quotePrefix and sheet["B2"].value == 12.5
    # Read back as an upload, the text is the text that was exported, not a formula's result.
    rows, problems, _ = read_text_table(content, 10)
    assert problems == [] and rows[1][1][0] == text


def test_the_same_rows_give_the_same_parts_whatever_the_clock(monkeypatch):
    """A HEAD promises the GET's Content-Length: the workbook's parts must not carry the time."""
    import datetime as real_datetime

    import openpyxl.packaging.core as openpyxl_core

    sheets = [("Applicants", ["name", "applied"], [["Ana", date(2026, 10, 1)]])]
    first = workbook_bytes(sheets, date(2026, 12, 5))

    class LaterClock(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return real_datetime.datetime(2031, 7, 9, 23, 59, 58, tzinfo=tz)

    monkeypatch.setattr(openpyxl_core.datetime, "datetime", LaterClock)
    second = workbook_bytes(sheets, date(2026, 12, 5))

    def parts(content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    assert parts(first) == parts(second)
    assert len(first) == len(second)
    assert b">2026-12-05T00:00:00Z</dcterms:modified>" in parts(first)["docProps/core.xml"]
