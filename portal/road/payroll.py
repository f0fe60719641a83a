"""A worker's payroll: reading payroll files, and comparing each pay period with the issued offer.

Plain Python (no Flask). Two halves:

* **Parsing** (:func:`parse_payroll`): a CSV or XLSX file, told apart by its content, never its
  name. One row per pay period: ``period_start``, ``period_end``, ``paid_on``, ``hours``,
  ``gross`` and one column per deduction, ``deduction_<purpose>`` for a purpose of
  :data:`portal.models.protection.PAYMENT_PURPOSES`. The same contract as the applicant and
  ledger imports: every problem named by row (as a spreadsheet shows it, header = row 1) and
  column, and either every row or none. Amounts are exact decimals read by the ledger's
  :func:`portal.protection.ledger_csv.parse_amount`; dates are ISO text or what spreadsheets
  store (a date cell, or a day number of the 1900 date system). XLSX is read with openpyxl in
  read-only mode with the values the spreadsheet saved; formulas are never evaluated, and a
  formula cell without a saved value is an error naming the cell.
* **Checks** (:func:`payroll_findings`): the PAY-* findings of issue 10 (not catalog rules; the
  catalog pins rules.md's IDs). Each check is one function with its ID, severity, citation and
  effective dates (:data:`CHECKS`), evaluated as of a date T.

A period's **weeks** (:func:`period_weeks`) follow the pay calendar: whole calendar months count
52/12 weeks each, the halves of a month (1st–15th, 16th–last day) 52/24 weeks, any other period
its days ÷ 7. So a semi-monthly salary of 1/24 of a year is exactly what a year's salary makes.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from portal import spreadsheets
from portal.cases.wages import WEEKS_PER_YEAR, hourly_fraction, to_decimal
from portal.limits import AS_OF_FIRST, AS_OF_LAST
from portal.models.protection import PAYMENT_PURPOSES
from portal.protection.ledger_csv import parse_amount
from portal.recruitment.applicant_csv import CsvProblem
from portal.rules import fees as fee_rules
from portal.rules import sources as src
from portal.rules.phrase import phrase, plural_phrase
from portal.rules.registry import ERROR, WARNING, Finding
from portal.rules.text import listing, money
from portal.spreadsheets import normalise

__all__ = [
    "CHECKS",
    "COLUMNS",
    "CsvProblem",
    "PayCheck",
    "PayDeduction",
    "PayPeriod",
    "payroll_findings",
    "parse_payroll",
    "period_weeks",
    "template_csv",
]

AREA = "payroll"
BASE_COLUMNS = ("period_start", "period_end", "paid_on", "hours", "gross")
REQUIRED = ("period_start", "period_end", "hours", "gross")
DEDUCTION_PREFIX = "deduction_"
DEDUCTION_COLUMNS = tuple(DEDUCTION_PREFIX + purpose for purpose in PAYMENT_PURPOSES)
COLUMNS = BASE_COLUMNS + DEDUCTION_COLUMNS
TEMPLATE_COLUMNS = BASE_COLUMNS + ("deduction_statutory", "deduction_housing")
MAX_ROWS = 5_000
MAX_PERIOD_DAYS = 31  # provincial standards pay at least monthly
MAX_HOURS = Decimal("99999.99")  # payroll_periods.hours is NUMERIC(7, 2)
_HOURS = re.compile(r"^\d+(?:\.\d{1,2})?$")
CENT = Decimal("0.01")

_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of the 1900 date system, as spreadsheets count


# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayDeduction:
    purpose: str
    amount: Decimal
    note: str | None = None

    def to_json(self) -> dict:
        return {"purpose": self.purpose, "amount": f"{self.amount:.2f}", "note": self.note}


@dataclass(frozen=True)
class PayPeriod:
    """One pay period as the payroll shows it (``row``: its line in the file, when imported)."""

    period_start: date
    period_end: date
    paid_on: date | None
    hours: Decimal
    gross: Decimal
    deductions: tuple[PayDeduction, ...] = ()
    row: int | None = None

    @property
    def deductions_total(self) -> Decimal:
        return sum((d.amount for d in self.deductions), start=Decimal("0.00"))

    @classmethod
    def of(cls, record: Any) -> PayPeriod:
        """From a ``PayrollPeriod`` row (or anything with its attributes)."""
        return cls(
            period_start=record.period_start,
            period_end=record.period_end,
            paid_on=record.paid_on,
            hours=Decimal(record.hours),
            gross=Decimal(record.gross),
            deductions=tuple(
                PayDeduction(d["purpose"], Decimal(str(d["amount"])), d.get("note"))
                for d in record.deductions or ()
            ),
        )


# --- parsing ------------------------------------------------------------------------------------


def template_csv() -> str:
    """The header row of a payroll file (one pay period per row; add deduction_* columns)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(TEMPLATE_COLUMNS)
    return buffer.getvalue()


sniff = spreadsheets.sniff


def _not_a_spreadsheet(raw: bytes) -> CsvProblem:
    return CsvProblem(
        1,
        "file",
        f"not a CSV or XLSX file ({spreadsheets.what_it_is(raw)}); save the payroll as CSV "
        "UTF-8 or XLSX",
    )


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(f'"{value}" has a time of day; enter the date only')
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number != number.to_integral_value() or not 1 <= number <= 2_958_465:
            raise ValueError(f'"{value}" is not a date')
        day = _EXCEL_EPOCH + timedelta(days=int(number))
    else:
        text = str(value).strip()
        if text.isdigit() and len(text) <= 7:  # a day number, as a spreadsheet stores dates
            return _parse_date(int(text))
        try:
            day = date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise ValueError(f'"{text}" is not a date in the form YYYY-MM-DD')
    if not AS_OF_FIRST <= day <= AS_OF_LAST:
        raise ValueError(f"{day} is outside {AS_OF_FIRST} to {AS_OF_LAST}")
    return day


def _text_of_number(value: Any) -> str:
    """A spreadsheet number as the text the ledger's amount reader reads (exact, no exponent)."""
    if isinstance(value, bool):
        raise ValueError(f'"{value}" is not a number')
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f'"{value}" is not a number')
        # repr is the shortest text that reads back as the same float: 1234.5, not 1234.49999…
        value = Decimal(repr(value))
    if isinstance(value, int | Decimal):
        if value < 0:
            raise ValueError(f'"{value}" is negative')
        return format(Decimal(value).normalize(), "f")
    return str(value).strip()


def _parse_money(value: Any) -> Decimal:
    return parse_amount(_text_of_number(value))


def parse_hours(value: Any) -> Decimal:
    text = _text_of_number(value)
    if not _HOURS.match(text):
        raise ValueError(
            f'"{text}" is not a number of hours: digits, at most 2 decimals, e.g. 80.5'
        )
    hours = Decimal(text)
    if hours > MAX_HOURS:
        raise ValueError(f'"{text}" is more hours than a pay period can hold')
    return hours.quantize(CENT)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "period_start": _parse_date,
    "period_end": _parse_date,
    "paid_on": _parse_date,
    "hours": parse_hours,
    "gross": _parse_money,
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(raw: bytes) -> tuple[list[tuple[int, list[Any]]], list[CsvProblem]]:
    return spreadsheets.read_csv(raw, MAX_ROWS)


def _read_xlsx(raw: bytes) -> tuple[list[tuple[int, list[Any]]], list[CsvProblem]]:
    return spreadsheets.read_xlsx(raw, MAX_ROWS)


def parse_payroll(
    raw: bytes, existing: Iterable[tuple[date, date]] = ()
) -> tuple[list[PayPeriod], list[CsvProblem], str | None]:
    """Validate the whole file: ``(periods, [], kind)`` when all is well, else ``([], problems,
    kind)``. ``kind`` is "csv" or "xlsx" (by content), None when the file is neither.

    ``existing`` are the periods already saved for the worker (start, end): a period of the file
    that overlaps one of them is an error, as is one that overlaps another row.
    """
    kind = sniff(raw)
    if kind is None:
        return [], [_not_a_spreadsheet(raw)], None
    rows, problems = _read_csv(raw) if kind == "csv" else _read_xlsx(raw)
    if problems:
        return [], problems, kind
    rows = [(n, cells) for n, cells in rows if not all(_blank(cell) for cell in cells)]
    if not rows:
        return (
            [],
            [CsvProblem(1, "file", "the file is empty: the first row names the columns")],
            kind,
        )
    header_row, header_cells = rows[0]
    header = [normalise(str(cell)) if not _blank(cell) else "" for cell in header_cells]
    problems = _header_problems(header_row, header_cells, header)
    if problems:
        return [], problems, kind
    body = rows[1:]
    if len(body) > MAX_ROWS:
        return (
            [],
            [CsvProblem(body[MAX_ROWS][0], "file", f"more than {MAX_ROWS} pay periods")],
            kind,
        )
    periods: list[PayPeriod] = []
    for number, cells in body:
        period = _parse_row(number, cells, header, problems)
        if period is not None:
            periods.append(period)
    if not body:
        problems.append(CsvProblem(2, "file", "no pay periods: add one row per pay period"))
    problems += _overlaps(periods, list(existing))
    if problems:
        return [], sorted(problems, key=lambda p: p.row), kind
    return periods, [], kind


def _header_problems(row: int, cells: list[Any], header: list[str]) -> list[CsvProblem]:
    problems = []
    for name in REQUIRED:
        if name not in header:
            problems.append(CsvProblem(row, name, "this column is missing"))
    seen: set[str] = set()
    unknown = []
    for shown, name in zip(cells, header, strict=True):
        if not name:
            continue
        if name in seen:
            problems.append(CsvProblem(row, name, "this column appears twice"))
        seen.add(name)
        if name not in COLUMNS:
            unknown.append(str(shown).strip())
    if unknown:
        purposes = ", ".join(PAYMENT_PURPOSES)
        problems.append(
            CsvProblem(
                row,
                ", ".join(unknown),
                f"unknown column{'s' if len(unknown) > 1 else ''}: use "
                f"{', '.join(BASE_COLUMNS)} and deduction_<purpose>, the purpose one of: "
                f"{purposes}",
            )
        )
    return problems


def _parse_row(
    number: int, cells: list[Any], header: list[str], problems: list
) -> PayPeriod | None:
    if len(cells) > len(header) and any(not _blank(cell) for cell in cells[len(header) :]):
        problems.append(CsvProblem(number, "row", "more cells than columns"))
        return None
    values = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header) if name}
    found = len(problems)
    parsed: dict[str, Any] = {}
    for name in BASE_COLUMNS:
        value = values.get(name)
        if _blank(value):
            if name in REQUIRED:
                problems.append(CsvProblem(number, name, "required"))
            parsed[name] = None
            continue
        try:
            parsed[name] = _PARSERS[name](value)
        except ValueError as error:
            problems.append(CsvProblem(number, name, str(error)))
    deductions = []
    for name in header:
        if not name.startswith(DEDUCTION_PREFIX) or _blank(values.get(name)):
            continue
        try:
            amount = _parse_money(values[name])
        except ValueError as error:
            problems.append(CsvProblem(number, name, str(error)))
            continue
        if amount:
            deductions.append(PayDeduction(name.removeprefix(DEDUCTION_PREFIX), amount))
    if len(problems) > found:
        return None
    row_problems = period_problems(
        parsed["period_start"], parsed["period_end"], parsed["hours"], parsed["gross"], deductions
    )
    problems += [CsvProblem(number, column, message) for column, message in row_problems]
    if row_problems:
        return None
    return PayPeriod(
        period_start=parsed["period_start"],
        period_end=parsed["period_end"],
        paid_on=parsed["paid_on"],
        hours=parsed["hours"],
        gross=parsed["gross"],
        deductions=tuple(deductions),
        row=number,
    )


def period_problems(
    start: date, end: date, hours: Decimal, gross: Decimal, deductions: Iterable[PayDeduction]
) -> list[tuple[str, str]]:
    """(column, message) for what cannot be true of one period; the form and the file share it."""
    problems = []
    if end < start:
        problems.append(("period_end", f"{end} is before the period's start ({start})"))
        return problems
    days = (end - start).days + 1
    if days > MAX_PERIOD_DAYS:
        problems.append(
            ("period_end", f"the period runs {days} days; a pay period is at most a month")
        )
    if hours > 24 * days:
        problems.append(("hours", f"{hours} hours do not fit in {days} days"))
    total = sum((d.amount for d in deductions), start=Decimal("0"))
    if total > gross:
        problems.append(
            (
                "gross",
                f"the deductions ({money(total)}) are more than the gross pay ({money(gross)})",
            )
        )
    return problems


def _overlaps(periods: list[PayPeriod], existing: list[tuple[date, date]]) -> list[CsvProblem]:
    problems = []
    ordered = sorted(periods, key=lambda p: (p.period_start, p.row or 0))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.period_start <= before.period_end:
            problems.append(
                CsvProblem(
                    after.row or 0,
                    "period_start",
                    f"overlaps row {before.row} ({before.period_start} to {before.period_end})",
                )
            )
    for period in periods:
        for start, end in existing:
            if period.period_start <= end and start <= period.period_end:
                problems.append(
                    CsvProblem(
                        period.row or 0,
                        "period_start",
                        f"overlaps the period already saved from {start} to {end}",
                    )
                )
    return problems


# --- the pay calendar ---------------------------------------------------------------------------


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def period_weeks(start: date, end: date) -> tuple[Fraction, str]:
    """The period's length in weeks, and how it was counted (for the messages)."""
    if start.day == 1 and end.day == _last_day(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return Fraction(months * WEEKS_PER_YEAR, 12), plural_phrase(
            "a calendar month", "%(num)d calendar months", months
        )
    same_month = (start.year, start.month) == (end.year, end.month)
    if same_month and (
        (start.day == 1 and end.day == 15) or (start.day == 16 and end.day == _last_day(end))
    ):
        return Fraction(WEEKS_PER_YEAR, 24), phrase("half a month")
    days = (end - start).days + 1
    return Fraction(days, 7), plural_phrase("%(num)d day", "%(num)d days", days)


def _per_period(amount: Decimal, per: str, weeks: Fraction, hours: Decimal) -> Fraction:
    """An amount stated per hour, week, month or year, for one pay period."""
    value = Fraction(amount)
    if per == "hour":
        return value * Fraction(hours)
    if per == "week":
        return value * weeks
    if per == "month":
        return value * 12 / WEEKS_PER_YEAR * weeks
    if per == "year":
        return value / WEEKS_PER_YEAR * weeks
    raise ValueError(f"unknown period {per!r}")


def _cents(value: Fraction) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value: Fraction | Decimal) -> str:
    """Hours for a message: up to two decimals, "about" when not exact."""
    exact = value if isinstance(value, Decimal) else to_decimal(value)
    shown = exact.quantize(CENT).normalize()
    text = format(shown, "f")
    return text if shown == exact else phrase("about %(number)s", number=text)


# --- the checks ---------------------------------------------------------------------------------

FEE_BAN = date(2022, 9, 26)  # SOR/2022-142: recruitment fees and health insurance
COMPLIANCE_REGIME = date(2013, 12, 31)  # employer compliance conditions (lmia-domain.md §0)
ALWAYS_PROHIBITED = frozenset({"lmia_fee"})
RECRUITMENT_COSTS = frozenset(
    {"recruitment_fee", "placement_fee", "representative_fee", "processing_fee", "job_offer"}
)
LOW_WAGE_STREAMS = frozenset({"low_wage", "agricultural"})
WORKER_SIDE = frozenset({"worker", "worker_family"})
EMPLOYER_SIDE = frozenset({"employer", "owner", "recruiter"})
# The same words the fee rules use, so a payroll finding reads like a compliance finding.
PER_WORDS = fee_rules.PER_WORDS
PURPOSE_WORDS = fee_rules.PURPOSE_WORDS
PARTY_WORDS = fee_rules.PARTY_WORDS


@dataclass(frozen=True)
class Item:
    """What a check found about one period (``index``: the period's place in date order)."""

    index: int
    message: str
    fix: str
    citation: str | None = None


@dataclass(frozen=True)
class Facts:
    """What the checks read: periods in date order (with their index), the issued offer, the
    ledger's payments and the day T."""

    periods: tuple[tuple[int, PayPeriod], ...]
    offer: Any
    payments: tuple[Any, ...]
    today: date


@dataclass(frozen=True)
class PayCheck:
    id: str
    title: str
    severity: str
    citation: str
    effective_from: date | None
    effective_to: date | None
    check: Callable[[Facts], Iterator[Item]] = field(repr=False)

    def in_force(self, day: date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


CHECKS: list[PayCheck] = []


def pay_check(id, *, title, severity, citation, effective_from=None, effective_to=None):  # noqa: A002
    """Register a PAY-* check (the registry is this module's; these are not catalog rules)."""
    if not citation.startswith("https://"):
        raise ValueError(f"{id}: the citation must be an https:// URL")

    def register(function):
        CHECKS.append(
            PayCheck(id, title, severity, citation, effective_from, effective_to, function)
        )
        return function

    return register


def _span(period: PayPeriod) -> str:
    return phrase("%(start)s to %(end)s", start=period.period_start, end=period.period_end)


def _pay_day(period: PayPeriod) -> date:
    return period.paid_on or period.period_end


@pay_check(
    "PAY-BELOW-OFFER",
    title="Paid below the offered wage",
    severity=ERROR,
    citation=src.S20,
    effective_from=COMPLIANCE_REGIME,
)
def paid_below_offer(facts: Facts) -> Iterator[Item]:
    """Wages must be not less favourable than the offer (IRPR 209.3(1)(a)(iii)).

    Hourly offer: gross ≥ the hourly wage × the hours paid. Weekly, monthly or yearly offer
    (salaried): gross ≥ the salary for the period (its hourly equivalent, as the rules convert
    it, × hours per week × the period's weeks). The amount owed is rounded to the cent.
    """
    offer = facts.offer
    amount, per, per_week = offer.wage_amount, offer.wage_per, offer.hours_per_week
    if amount is None or per not in PER_WORDS:
        return
    for index, period in facts.periods:
        if per == "hour":
            owed = _cents(Fraction(amount) * Fraction(period.hours))
            basis = phrase(
                "%(hours)s hours at %(rate)s an hour",
                hours=_number(period.hours),
                rate=money(amount),
            )
        else:
            if not per_week:
                continue
            weeks, counted = period_weeks(period.period_start, period.period_end)
            weekly = hourly_fraction(amount, per, per_week) * Fraction(per_week)
            owed = _cents(weekly * weeks)
            basis = phrase(
                "%(amount)s %(per)s for %(counted)s",
                amount=money(amount),
                per=PER_WORDS[per],
                counted=counted,
            )
        if period.gross < owed:
            yield Item(
                index,
                phrase(
                    "The pay period %(span)s paid %(gross)s gross; the issued offer's %(basis)s "
                    "makes %(owed)s, %(more)s more.",
                    span=_span(period),
                    gross=money(period.gross),
                    basis=basis,
                    owed=money(owed),
                    more=money(owed - period.gross),
                ),
                phrase(
                    "Check the hours and the rate used for this period; if the worker was paid "
                    "less than the offer, pay the difference and keep the proof with the payroll "
                    "records."
                ),
            )


@pay_check(
    "PAY-HOURS-SHORT",
    title="Fewer hours than offered",
    severity=WARNING,
    citation=src.S20,
    effective_from=COMPLIANCE_REGIME,
)
def fewer_hours_than_offered(facts: Facts) -> Iterator[Item]:
    """Working conditions must be substantially the same as the offer: hours paid below the
    offered hours per week × the period's weeks are a thing to check."""
    per_week = facts.offer.hours_per_week
    if not per_week:
        return
    for index, period in facts.periods:
        weeks, counted = period_weeks(period.period_start, period.period_end)
        expected = Fraction(per_week) * weeks
        if Fraction(period.hours) < expected:
            yield Item(
                index,
                phrase(
                    "The pay period %(span)s paid %(hours)s hours; the issued offer's %(weekly)s "
                    "hours a week make %(expected)s hours for %(counted)s.",
                    span=_span(period),
                    hours=_number(period.hours),
                    weekly=_number(per_week),
                    expected=_number(expected),
                    counted=counted,
                ),
                phrase(
                    "Keep the record of why fewer hours were worked (a start or end during the "
                    "period, leave, the worker's own request); if the work was not offered, pay "
                    "the hours the offer promises."
                ),
            )


def _prohibited(purpose: str, on: date, stream: str | None) -> bool:
    if purpose in ALWAYS_PROHIBITED:
        return True
    if on < FEE_BAN:
        return False
    if purpose in RECRUITMENT_COSTS or purpose == "health_insurance":
        return True
    return purpose == "travel" and stream in LOW_WAGE_STREAMS


@pay_check(
    "PAY-DEDUCTION-PROHIBITED",
    title="A deduction the law does not allow",
    severity=ERROR,
    citation=src.S1,
)
def prohibited_deduction(facts: Facts) -> Iterator[Item]:
    """No recruitment cost may be recovered from the worker (FEE-NO-RECOVERY, lmia-domain.md
    §7.4): the LMIA fee never; from 2022-09-26 (SOR/2022-142) also recruitment, placement,
    representative and processing fees, a job offer, and private health insurance until
    provincial coverage; for low-wage and agricultural positions also travel. The date compared
    is the period's pay date (else its end)."""
    stream = getattr(facts.offer, "stream", None)
    for index, period in facts.periods:
        on = _pay_day(period)
        for deduction in period.deductions:
            if not _prohibited(deduction.purpose, on, stream):
                continue
            yield Item(
                index,
                phrase(
                    "The pay period %(span)s deducts %(amount)s for %(purpose)s (paid %(paid)s); "
                    "this cost may not be recovered from the worker.",
                    span=_span(period),
                    amount=money(deduction.amount),
                    purpose=PURPOSE_WORDS[deduction.purpose],
                    paid=on,
                ),
                phrase(
                    "Stop the deduction, repay the worker in full and keep proof of the refund; "
                    "the employer bears this cost."
                ),
                citation=None if deduction.purpose in ALWAYS_PROHIBITED else src.S20,
            )


@pay_check(
    "PAY-DEDUCTION-UNLISTED",
    title="A deduction the offer does not list",
    severity=WARNING,
    citation=src.S20,
    effective_from=COMPLIANCE_REGIME,
)
def deduction_not_in_offer(facts: Facts) -> Iterator[Item]:
    """Deductions must be the offer's (IRPR 209.3: wages and conditions as offered): a purpose
    the issued offer does not list, or more than its amount for the period, is a thing to check.
    Statutory deductions are always allowed; prohibited ones are PAY-DEDUCTION-PROHIBITED's."""
    offer = facts.offer
    listed: dict[str, list] = {}
    for item in offer.deductions or ():
        listed.setdefault(item.purpose, []).append(item)
    stream = getattr(offer, "stream", None)
    for index, period in facts.periods:
        on = _pay_day(period)
        totals: dict[str, Decimal] = {}
        for deduction in period.deductions:
            if deduction.purpose == "statutory" or _prohibited(deduction.purpose, on, stream):
                continue
            totals[deduction.purpose] = totals.get(deduction.purpose, Decimal(0)) + deduction.amount
        for purpose, total in totals.items():
            what = PURPOSE_WORDS[purpose]
            if purpose not in listed:
                yield Item(
                    index,
                    phrase(
                        "The pay period %(span)s deducts %(amount)s for %(purpose)s; the issued "
                        "offer lists no such deduction.",
                        span=_span(period),
                        amount=money(total),
                        purpose=what,
                    ),
                    phrase(
                        "Check that the worker agreed to this deduction in writing and that "
                        "provincial employment standards allow it; if not, repay it. Add it to the "
                        "offer only with the worker's agreement."
                    ),
                )
                continue
            weeks, counted = period_weeks(period.period_start, period.period_end)
            allowed = sum(
                (
                    _per_period(item.amount, item.per, weeks, period.hours)
                    for item in listed[purpose]
                ),
                start=Fraction(0),
            )
            if Fraction(total) > allowed:
                stated = listing(
                    [
                        phrase(
                            "%(amount)s %(per)s",
                            amount=money(item.amount),
                            per=PER_WORDS.get(item.per, item.per),
                        )
                        for item in listed[purpose]
                    ],
                    limit=len(listed[purpose]),
                )
                yield Item(
                    index,
                    phrase(
                        "The pay period %(span)s deducts %(amount)s for %(purpose)s; the issued "
                        "offer's %(stated)s allows %(allowed)s for %(counted)s.",
                        span=_span(period),
                        amount=money(total),
                        purpose=what,
                        stated=stated,
                        allowed=money(allowed),
                        counted=counted,
                    ),
                    phrase(
                        "Repay the worker the difference, or keep the worker's written agreement "
                        "to the higher amount."
                    ),
                )


def _payee(payment: Any) -> str:
    name = getattr(payment, "payee_name", None)
    words = PARTY_WORDS.get(payment.payee, payment.payee)
    return phrase("%(name)s (%(role)s)", name=name, role=words) if name else words


@pay_check(
    "PAY-WAGES-RETURNED",
    title="Wages handed back",
    severity=ERROR,
    citation=src.S20,
    effective_from=COMPLIANCE_REGIME,
)
def wages_handed_back(facts: Facts) -> Iterator[Item]:
    """Wages paid must stay with the worker: the money ledger's payments of wages handed back
    by the worker or their family (purpose ``wages_returned``, whoever received them, or
    ``wages`` paid to the employer, an owner or a recruiter), dated within or after a pay
    period, are reported against the period they fall in (or the last before them)."""
    periods = facts.periods
    if not periods:
        return
    first = periods[0][1].period_start
    for payment in facts.payments:
        if payment.payer not in WORKER_SIDE or payment.paid_on is None:
            continue
        returned = payment.purpose == "wages_returned" or (
            payment.purpose == "wages" and payment.payee in EMPLOYER_SIDE
        )
        if not returned or payment.paid_on < first:
            continue
        index, period = [item for item in periods if item[1].period_start <= payment.paid_on][-1]
        values = {
            "amount": money(payment.amount),
            "payer": PARTY_WORDS[payment.payer],
            "payee": _payee(payment),
            "paid": payment.paid_on,
            "span": _span(period),
        }
        yield Item(
            index,
            (
                phrase(
                    "The money ledger records %(amount)s paid by %(payer)s to %(payee)s on "
                    "%(paid)s as wages handed back, within the pay period %(span)s.",
                    **values,
                )
                if payment.paid_on <= period.period_end
                else phrase(
                    "The money ledger records %(amount)s paid by %(payer)s to %(payee)s on "
                    "%(paid)s as wages handed back, after the pay period %(span)s.",
                    **values,
                )
            ),
            phrase(
                "Find out what this payment was; wages must stay with the worker. If wages were "
                "handed back, repay the worker in full and get legal advice."
            ),
        )


def payroll_findings(
    periods: Iterable[Any],
    offer: Any,
    payments: Iterable[Any],
    worker_index: int,
    today: date,
    *,
    worker_id: int | None = None,
) -> list[Finding]:
    """The PAY-* findings of one worker as of ``today`` (T).

    ``periods``: :class:`PayPeriod` or ``PayrollPeriod`` rows; ``offer``: the worker's issued
    offer (:class:`portal.offers.letter.LetterInputs`), None when no version is issued — then
    nothing is compared; ``payments``: the position's money ledger (``Payment`` rows or alike);
    a payment naming another worker than ``worker_id`` is not this worker's. A period is checked
    once paid by T (its pay date, else its end, on or before T); a payment once dated by T.
    Subjects are ``workers[i].payroll[j]``, j the period's 0-based place in date order among
    all the worker's periods.
    """
    if offer is None:
        return []
    ordered = sorted(
        (p if isinstance(p, PayPeriod) else PayPeriod.of(p) for p in periods),
        key=lambda p: p.period_start,
    )
    due = tuple((j, p) for j, p in enumerate(ordered) if _pay_day(p) <= today)
    relevant = tuple(
        payment
        for payment in payments
        if (payment.worker_id is None or worker_id is None or payment.worker_id == worker_id)
        and (payment.paid_on is None or payment.paid_on <= today)
    )
    facts = Facts(due, offer, relevant, today)
    findings = []
    for check in CHECKS:
        if not check.in_force(today):
            continue
        for item in check.check(facts):
            findings.append(
                Finding(
                    rule=check.id,
                    severity=check.severity,
                    subject=f"workers[{worker_index}].payroll[{item.index}]",
                    message=item.message,
                    fix=item.fix,
                    citation=item.citation or check.citation,
                    area=AREA,
                )
            )
    order = {check.id: n for n, check in enumerate(CHECKS)}
    return sorted(findings, key=lambda f: (_index_of(f.subject), order[f.rule]))


def _index_of(subject: str) -> int:
    return int(subject.rsplit("[", 1)[1].rstrip("]"))
