"""The money ledger as CSV or XLSX: the template and an all-or-nothing, row-by-row validated import.

Plain Python, the same contract as the applicant import (``portal.recruitment.applicant_csv``):
``parse_ledger`` returns either the rows ready to save or every problem found, each naming the
row (as a spreadsheet shows it, header = row 1) and the column.

Amounts are read as exact decimals, never floats: digits with at most two decimals after a
point; a leading "$" and thousands commas in their right places are accepted ("$3,000.00"), as
spreadsheets write them. Anything else ("3.000,00", "1e3", "-5", "12.345", "3,00") is refused:
guessing a decimal comma could turn $3.00 into $300.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from portal.limits import RECORD_FIRST, RECORD_LAST, record_date_in_range
from portal.models.protection import PARTIES, PAYMENT_PURPOSES, PAYMENT_VIAS
from portal.recruitment.applicant_csv import CsvProblem
from portal.spreadsheets import normalise, read_records

COLUMNS = (
    "paid_on",
    "payer",
    "payee",
    "amount",
    "purpose",
    "via",
    "worker",
    "third_party",
    "note",
)
REQUIRED = ("payer", "payee", "amount", "purpose")
MAX_ROWS = 10_000
MAX_AMOUNT = Decimal("9999999999.99")  # payments.amount is NUMERIC(12, 2)
_AMOUNT = re.compile(r"^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")

EXAMPLE_NOTE = "Example payment (delete this row)"
EXAMPLE_ROW = {
    "paid_on": "2026-10-01",
    "payer": "worker",
    "payee": "recruiter",
    "amount": "3000.00",
    "purpose": "processing_fee",
    "via": "transfer",
    "worker": "Aminata Koné",
    "third_party": "Global Kitchen Staffing",
    "note": EXAMPLE_NOTE,
}

__all__ = ["COLUMNS", "CsvProblem", "LedgerRow", "parse_amount", "parse_ledger", "template_csv"]


@dataclass(frozen=True)
class LedgerRow:
    paid_on: date | None
    payer: str
    payee: str
    amount: Decimal
    purpose: str
    via: str | None
    worker_id: int | None
    third_party_id: int | None
    note: str | None


def template_csv() -> str:
    """The header row and one example row (one payment per row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE_ROW[name] for name in COLUMNS)
    return buffer.getvalue()


def parse_amount(value: str) -> Decimal:
    """An exact amount in dollars: "3000", "3000.5", "$3,000.00"; anything else is refused."""
    text = value.strip()
    if not _AMOUNT.match(text):
        raise ValueError(
            f'"{value}" is not an amount: use digits with a decimal point, e.g. 3000.00 '
            "(a $ sign and thousands commas are allowed)"
        )
    try:
        amount = Decimal(text.lstrip("$").replace(",", ""))
    except InvalidOperation:  # the pattern should make this unreachable
        raise ValueError(f'"{value}" is not an amount') from None
    if amount > MAX_AMOUNT:
        raise ValueError(f'"{value}" is larger than {MAX_AMOUNT:,}')
    return amount.quantize(Decimal("0.01"))


def _date(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'not a date in the form YYYY-MM-DD ("{value}")') from None
    if not record_date_in_range(day):
        raise ValueError(f"{day} is outside {RECORD_FIRST} to {RECORD_LAST}")
    return day


def _choice(allowed):
    def parse(value: str) -> str:
        code = normalise(value)
        if code not in allowed:
            raise ValueError(f'"{value}" is not one of: {", ".join(allowed)}')
        return code

    return parse


def _by_name(kind: str, choices: list[tuple[int, str]], *, ids: bool):
    """Find one of ``choices`` (id, name) by name (any case) or, when ``ids``, by its id."""
    by_name: dict[str, list[int]] = {}
    for object_id, name in choices:
        by_name.setdefault(" ".join(name.lower().split()), []).append(object_id)
    known_ids = {object_id for object_id, _name in choices}

    def parse(value: str) -> int:
        if ids and value.isdigit() and int(value) in known_ids:
            return int(value)
        found = by_name.get(" ".join(value.lower().split()), [])
        if len(found) > 1:
            raise ValueError(f'{len(found)} {kind}s are called "{value}": use the id instead')
        if not found:
            listed = ", ".join(name for _id, name in choices) or f"(record the {kind}s first)"
            raise ValueError(f'no {kind} "{value}" here; use one of: {listed}')
        return found[0]

    return parse


def parse_ledger(
    raw: bytes, workers: list[tuple[int, str]], third_parties: list[tuple[int, str]]
) -> tuple[list[LedgerRow], list[CsvProblem]]:
    """Validate the whole file; return (rows, []) when all is well, else ([], problems).

    ``workers`` are the position's (id, name), found by name or id; ``third_parties`` the
    recruiters and representatives the position may name (the employer's and its own), by name.
    """
    records, problems = read_records(raw, COLUMNS, REQUIRED, MAX_ROWS, "payments", "the ledger")
    if problems:
        return [], problems
    parsers = {
        "paid_on": _date,
        "payer": _choice(PARTIES),
        "payee": _choice(PARTIES),
        "amount": parse_amount,
        "purpose": _choice(PAYMENT_PURPOSES),
        "via": _choice(PAYMENT_VIAS),
        "worker": _by_name("worker", workers, ids=True),
        "third_party": _by_name("third party", third_parties, ids=False),
    }
    rows: list[LedgerRow] = []
    for number, values in records:
        parsed: dict = {}
        for name in COLUMNS:
            value = values[name]
            if not value:
                if name in REQUIRED:
                    problems.append(CsvProblem(number, name, "required"))
                parsed[name] = None
                continue
            try:
                parsed[name] = parsers.get(name, str)(value)
            except ValueError as error:
                problems.append(CsvProblem(number, name, str(error)))
        if parsed.get("note") == EXAMPLE_NOTE:
            problems.append(
                CsvProblem(number, "note", "this is the template's example row: delete it")
            )
        if len(parsed.get("note") or "") > 2000:
            problems.append(CsvProblem(number, "note", "longer than 2000 characters"))
        if parsed.get("payer") not in (None, "other") and parsed["payer"] == parsed.get("payee"):
            problems.append(CsvProblem(number, "payee", "the payer and the payee are the same"))
        if not problems:
            rows.append(
                LedgerRow(
                    paid_on=parsed["paid_on"],
                    payer=parsed["payer"],
                    payee=parsed["payee"],
                    amount=parsed["amount"],
                    purpose=parsed["purpose"],
                    via=parsed["via"],
                    worker_id=parsed["worker"],
                    third_party_id=parsed["third_party"],
                    note=parsed["note"],
                )
            )
    if problems:
        return [], problems
    return rows, []
