"""The ledger CSV: parsed as exact decimals, all or nothing, every bad row named."""

from datetime import date
from decimal import Decimal

import pytest

from portal.protection.ledger_csv import COLUMNS, parse_amount, parse_ledger, template_csv

WORKERS = [(7, "Aminata Koné"), (8, "Luis Pérez")]
PARTIES = [(3, "Global Kitchen Staffing")]
HEADER = ",".join(COLUMNS)


def _row(n=1, **overrides) -> str:
    values = {
        "paid_on": "2026-10-01",
        "payer": "worker",
        "payee": "recruiter",
        "amount": f"{n}.05",
        "purpose": "processing_fee",
        "via": "transfer",
        "worker": "Aminata Koné",
        "third_party": "Global Kitchen Staffing",
        "note": f"row {n}",
    } | overrides
    return ",".join(f'"{values[c]}"' for c in COLUMNS)


def _parse(lines):
    return parse_ledger("\n".join(lines).encode(), WORKERS, PARTIES)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("3000", "3000.00"),
        ("3000.5", "3000.50"),
        ("$3000", "3000.00"),
        ("3,000.00", "3000.00"),
        ("$1,234,567.89", "1234567.89"),
        ("0.01", "0.01"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_amounts_accepted_exactly(typed, amount):
    parsed = parse_amount(typed)
    assert isinstance(parsed, Decimal) and parsed == Decimal(amount)
    assert str(parsed) == amount


@pytest.mark.parametrize(
    "typed",
    [
        "3.000,00",
        "3000,00",
        "3,00",
        "30,00,000",
        "-5",
        "1e3",
        "12.345",
        "NaN",
        "$",
        "",
        "3 000",
        "10000000000.00",
        "USD 5",
        "3000.",
        ".5",
    ],
)
def test_amounts_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_a_good_file_gives_every_row_with_its_ids():
    rows, problems = _parse(
        [
            HEADER,
            _row(1),
            _row(2, worker="8", third_party="global kitchen staffing", via="", paid_on=""),
        ]
    )
    assert problems == []
    assert [r.amount for r in rows] == [Decimal("1.05"), Decimal("2.05")]
    assert (rows[0].worker_id, rows[0].third_party_id, rows[0].paid_on) == (7, 3, date(2026, 10, 1))
    assert (rows[1].worker_id, rows[1].third_party_id, rows[1].via, rows[1].paid_on) == (
        8,
        3,
        None,
        None,
    )


def test_two_bad_rows_among_fifty_are_both_named_and_nothing_is_kept():
    lines = [HEADER] + [_row(n) for n in range(1, 51)]
    lines[12] = _row(12, amount="3.000,00")  # spreadsheet row 13
    lines[40] = _row(40, worker="Nobody Here", purpose="bribe")  # row 41
    rows, problems = _parse(lines)
    assert rows == []
    assert {(p.row, p.column) for p in problems} == {
        (13, "amount"),
        (41, "worker"),
        (41, "purpose"),
    }


def test_header_problems_and_the_example_row():
    rows, problems = _parse(["paid_on,payer,amount,colour", _row()])
    assert rows == []
    assert {(p.row, p.column) for p in problems} == {(1, "payee"), (1, "purpose"), (1, "colour")}
    rows, problems = parse_ledger(template_csv().encode(), WORKERS, PARTIES)
    assert rows == [] and [(p.row, p.column) for p in problems] == [(2, "note")]


def test_ambiguous_and_unknown_names_are_refused():
    rows, problems = parse_ledger(
        ("\n".join([HEADER, _row(worker="Twin")])).encode(), [(1, "Twin"), (2, "twin")], PARTIES
    )
    assert rows == [] and problems[0].column == "worker" and "use the id" in problems[0].message
    rows, problems = _parse([HEADER, _row(third_party="7")])
    assert rows == [] and problems[0].column == "third_party"


def test_required_cells_blank_lines_and_not_utf8():
    rows, problems = _parse([HEADER, _row(payer=""), "", ",,,,,,,,"])
    assert rows == [] and [(p.row, p.column) for p in problems] == [(2, "payer")]
    rows, problems = parse_ledger(HEADER.encode() + b"\n\xff\xfe", WORKERS, PARTIES)
    assert rows == [] and problems[0].column == "file"
