"""Reading payroll files: CSV and XLSX (built with openpyxl here), judged by content; every
problem named by row and column; all rows or none; exact amounts; formulas never evaluated."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from portal.road.payroll import COLUMNS, PayDeduction, parse_payroll, template_csv

HEADER = "period_start,period_end,paid_on,hours,gross,deduction_statutory,deduction_housing"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


def _xlsx(rows: list[list], formulas: dict | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _problems(raw: bytes, existing=()) -> dict[tuple[int, str], str]:
    periods, problems, _kind = parse_payroll(raw, existing)
    assert periods == [] and problems
    return {(p.row, p.column): p.message for p in problems}


def test_a_good_csv_gives_every_period_with_exact_decimals():
    raw = _csv(
        "2026-01-01,2026-01-14,2026-01-16,80,1400.00,210.55,150",
        '2026-01-15,2026-01-28,,80.5,"$1,408.75",,',
    )
    periods, problems, kind = parse_payroll(raw)
    assert problems == [] and kind == "csv"
    first, second = periods
    assert first.period_start == date(2026, 1, 1) and first.paid_on == date(2026, 1, 16)
    assert first.gross == Decimal("1400.00") and first.hours == Decimal("80.00")
    assert first.deductions == (
        PayDeduction("statutory", Decimal("210.55")),
        PayDeduction("housing", Decimal("150.00")),
    )
    assert second.paid_on is None and second.gross == Decimal("1408.75")
    assert second.hours == Decimal("80.50") and second.deductions == ()
    assert (first.row, second.row) == (2, 3)


def test_headers_in_any_case_and_order():
    raw = _csv("1400,80,2026-01-14,2026-01-01", header=" Gross ,HOURS,Period End,period-start")
    periods, problems, _ = parse_payroll(raw)
    assert problems == [] and periods[0].gross == Decimal("1400.00")


def test_unknown_and_missing_columns_are_named():
    found = _problems(_csv("2026-01-01,80", header="period_start,hours,deduction_bribe,colour"))
    assert found[(1, "period_end")] == "this column is missing"
    assert found[(1, "gross")] == "this column is missing"
    assert "unknown columns" in found[(1, "deduction_bribe, colour")]


def test_two_bad_rows_among_many_are_both_named_and_nothing_is_kept():
    lines = [
        f"2026-{m:02d}-01,2026-{m:02d}-15,,86.67,2000.00,300,"
        if m % 2
        else f"2026-{m:02d}-16,2026-{m:02d}-28,,80,2000.00,300,"
        for m in range(1, 13)
    ]
    lines[3] = "2026-04-16,2026-04-28,,80,2000.001,300,"  # row 5
    lines[8] = "2026-09-01,2026-09-15,,eighty,2000.00,300,"  # row 10
    found = _problems(_csv(*lines))
    assert set(found) == {(5, "gross"), (10, "hours")}


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("2026-01-01,2026-02-30,,80,1400,,", "period_end"),
        ("2026-01-01,2026-01-14,01/16/2026,80,1400,,", "paid_on"),
        ("2026-01-01,2026-01-14,,80,1400.5e3,,", "gross"),
        ("2026-01-01,2026-01-14,,80,-5,,", "gross"),
        ('2026-01-01,2026-01-14,,80,"1.400,00",,', "gross"),
        ("2026-01-01,2026-01-14,,80,99999999999.00,,", "gross"),
        ("2026-01-01,2026-01-14,,80.125,1400,,", "hours"),
        ("2026-01-01,2026-01-14,,400,1400,,", "hours"),  # more than 24 h × 14 days
        ("2026-01-01,2026-01-14,,80,1400,1500,", "gross"),  # deductions above gross
        ("2026-01-14,2026-01-01,,80,1400,,", "period_end"),
        ("2026-01-01,2026-03-01,,80,1400,,", "period_end"),  # longer than a month
        ("1999-12-31,2000-01-13,,80,1400,,", "period_start"),
        ("2026-01-01,2026-01-14,,80,NaN,,", "gross"),
        ("2026-01-01,2026-01-14,,80,1400,,,extra", "row"),
        (",2026-01-14,,80,1400,,", "period_start"),
    ],
)
def test_a_bad_value_is_named_by_row_and_column(cell, column):
    found = _problems(_csv(cell))
    assert list(found) == [(2, column)], found


def test_overlapping_periods_in_the_file_and_with_saved_ones():
    raw = _csv(
        "2026-01-01,2026-01-14,,80,1400,,",
        "2026-01-14,2026-01-27,,80,1400,,",  # overlaps row 2 on its last day
        "2026-02-01,2026-02-14,,80,1400,,",  # overlaps the saved period
    )
    found = _problems(raw, existing=[(date(2026, 2, 10), date(2026, 2, 23))])
    assert "overlaps row 2" in found[(3, "period_start")]
    assert "2026-02-10 to 2026-02-23" in found[(4, "period_start")]
    # The same start as a saved period is an overlap too.
    assert _problems(_csv("2026-01-01,2026-01-01,,8,140,,"), [(date(2026, 1, 1), date(2026, 1, 1))])


def test_spreadsheet_day_numbers_are_dates():
    periods, problems, _ = parse_payroll(_csv("46023,46036,46038,80,1400,,"))
    assert problems == []
    assert periods[0].period_start == date(2026, 1, 1)
    assert periods[0].paid_on == date(2026, 1, 16)


def test_an_empty_file_a_header_only_file_and_the_template():
    assert _problems(b"") == {(1, "file"): "the file is empty: the first row names the columns"}
    assert (2, "file") in _problems(template_csv().encode())
    assert template_csv().strip().split(",") == [
        "period_start",
        "period_end",
        "paid_on",
        "hours",
        "gross",
        "deduction_statutory",
        "deduction_housing",
    ]
    assert all(name in COLUMNS for name in template_csv().strip().split(","))


def test_not_utf8_is_refused():
    found = _problems("period_start,gross\n2026-01-01,1400 café".encode("latin-1"))
    assert "not a CSV or XLSX" in found[(1, "file")]


@pytest.mark.parametrize(
    "raw",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"%PDF-1.4\n1 0 obj<<>>endobj\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # old .xls / encrypted workbook
        b"MZ\x90\x00\x03",
        bytes(range(256)),
    ],
)
def test_a_non_spreadsheet_is_refused_whatever_its_name(raw):
    periods, problems, kind = parse_payroll(raw)
    assert periods == [] and kind is None
    assert problems[0].row == 1 and problems[0].column == "file"
    assert "not a CSV or XLSX file" in problems[0].message


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    found = _problems(buffer.getvalue())
    assert found == {(1, "file"): "a ZIP that is not an XLSX workbook"}
    assert "damaged" in _problems(b"PK\x03\x04 truncated")[(1, "file")]


def test_a_zip_bomb_is_refused_before_opening():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert "unpacks far beyond" in _problems(buffer.getvalue())[(1, "file")]


def test_a_good_xlsx_with_date_cells_numbers_and_text():
    raw = _xlsx(
        [
            ["Period start", "Period end", "Paid on", "Hours", "Gross", "deduction_statutory"],
            [datetime(2026, 1, 1), datetime(2026, 1, 14), date(2026, 1, 16), 80, 1400.1, 210],
            ["2026-01-15", "2026-01-28", None, 80.25, "1400.00", None],
            [None, None, None, None, None, None],  # a blank line is skipped
        ]
    )
    periods, problems, kind = parse_payroll(raw)
    assert problems == [] and kind == "xlsx"
    assert periods[0].gross == Decimal("1400.10") and periods[0].hours == Decimal("80.00")
    assert periods[0].deductions == (PayDeduction("statutory", Decimal("210.00")),)
    assert periods[1].hours == Decimal("80.25") and periods[1].paid_on is None


def test_xlsx_odd_values_are_named_by_row_and_column():
    raw = _xlsx(
        [
            ["period_start", "period_end", "hours", "gross"],
            [datetime(2026, 1, 1, 9, 30), datetime(2026, 1, 14), 80, 1400],
            [datetime(2026, 1, 15), datetime(2026, 1, 28), 80, 1e300],
            [datetime(2026, 2, 1), datetime(2026, 2, 14), True, 1400],
            [datetime(2026, 2, 15), datetime(2026, 2, 28), 80, 1400.005],
            [datetime(2026, 3, 1), datetime(2026, 3, 14), 80, -1],
        ]
    )
    found = _problems(raw)
    assert set(found) == {
        (2, "period_start"),
        (3, "gross"),
        (4, "hours"),
        (5, "gross"),
        (6, "gross"),
    }
    assert "time of day" in found[(2, "period_start")]


def test_an_xlsx_formula_without_a_saved_value_names_its_cell():
    # openpyxl writes formulas without cached values, as a script (not a spreadsheet) would.
    raw = _xlsx(
        [
            ["period_start", "period_end", "hours", "gross"],
            [datetime(2026, 1, 1), datetime(2026, 1, 14), 80, None],
        ],
        formulas={"D2": "=C2*17.5"},
    )
    found = _problems(raw)
    assert (2, "cell D2") in found
    assert "formula" in found[(2, "cell D2")]


def test_a_csv_renamed_xlsx_and_an_xlsx_renamed_csv_are_read_by_content():
    # The name never reaches the parser: the bytes decide.
    assert parse_payroll(_csv("2026-01-01,2026-01-14,,80,1400,,"))[2] == "csv"
    raw = _xlsx(
        [["period_start", "period_end", "hours", "gross"], ["2026-01-01", "2026-01-14", 8, 1]]
    )
    assert parse_payroll(raw)[2] == "xlsx"


def test_a_huge_file_is_refused_with_one_problem():
    lines = [
        f"2026-01-{(n % 28) + 1:02d},2026-01-{(n % 28) + 1:02d},,8,140,," for n in range(5_001)
    ]
    periods, problems, _ = parse_payroll(_csv(*lines))
    assert periods == [] and len(problems) == 1 and "more than 5000" in problems[0].message
