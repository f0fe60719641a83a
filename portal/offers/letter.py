"""The job offer / employment agreement as data: every fact the letter prints, and nothing else.

:class:`LetterInputs` is what a version of the letter is made from. It is stored with each
generated version (``to_json``) so a version can be re-rendered and two versions compared
(``portal.offers.changes``); :func:`letter_inputs` builds it from a case (``lmia-case/2``) and one
of its workers. Figures the letter derives (the hourly and annual wage, the stream's duration
limit, the housing cap) are computed here once, exactly, so the templates only print.

Plain Python (Babel for the locale's numbers and dates): nothing here imports Flask.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from portal.cases.wages import (
    WEEKS_PER_YEAR,
    hourly_fraction,
    monthly_gross,
    to_decimal,
)

LANGUAGES = ("en", "fr")
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
CENT = Decimal("0.01")

# Low-wage LMIAs filed from this date allow at most 12 months of employment (24 before).
LOW_WAGE_ONE_YEAR_FROM = date(2024, 9, 26)

# Housing caps (lmia-domain.md §3.3, §6.1, §7.4), named so each template says them in its words.
CAP_30_PERCENT_OF_GROSS = "30_percent_of_gross_monthly"  # low-wage: rent ≤ 30 % of gross pay
CAP_30_DOLLARS_A_WEEK = "30_dollars_a_week"  # Agricultural Stream, on-farm housing
AGRICULTURAL_WEEKLY_CAP = Decimal("30.00")


@dataclass(frozen=True, kw_only=True)
class LetterAddress:
    street: str | None = None
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class LetterDeduction:
    """One deduction from the worker's pay: ``purpose`` (a case-format purpose), amount, per."""

    purpose: str
    amount: Decimal
    per: str


@dataclass(frozen=True, kw_only=True)
class LetterInputs:
    """Every fact the letter prints. Optional facts the offer does not state are ``None``."""

    language: str
    offer_date: date | None = None
    # Parties
    employer_legal_name: str | None = None
    employer_operating_name: str | None = None
    employer_address: LetterAddress | None = None
    business_number: str | None = None
    worker_name: str | None = None
    worker_country: str | None = None
    # The job
    title: str | None = None
    noc: str | None = None
    noc_title: str | None = None
    duties: str | None = None
    work_location: LetterAddress | None = None
    province: str | None = None
    employment_standards_act: str | None = None
    stream: str | None = None
    caregiver: bool = False
    live_in: bool = False
    lmia_number: str | None = None
    employer_portal_offer_number: str | None = None
    # Pay and hours
    wage_amount: Decimal | None = None
    wage_per: str | None = None
    pay_frequency: str | None = None
    hourly_wage: Decimal | None = None
    annual_wage: Decimal | None = None
    hours_per_week: Decimal | None = None
    schedule: str | None = None
    overtime: str | None = None
    vacation: str | None = None
    statutory_holidays: str | None = None
    benefits: str | None = None
    # Term
    start_date: date | None = None
    duration_months: int | None = None
    duration_limit_months: int | None = None
    probation: str | None = None
    termination_notice: str | None = None
    # Money in and out
    deductions: tuple[LetterDeduction, ...] = ()
    employer_paid: tuple[str, ...] = ()
    housing_terms: str | None = None
    housing_rent_monthly: Decimal | None = None
    housing_cap: str | None = None
    housing_cap_amount: Decimal | None = None
    # Rights information and signatures
    rights_information_given_on: date | None = None
    rights_information_language: str | None = None
    signed_by_employer_name: str | None = None
    signed_by_employer_on: date | None = None
    signed_by_worker_name: str | None = None
    signed_by_worker_on: date | None = None

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language: {self.language!r} is not one of {LANGUAGES}")

    # -- derived facts ------------------------------------------------------------------------

    @property
    def teer(self) -> str | None:
        """The TEER category: the second digit of the NOC 2021 code."""
        return self.noc[1] if self.noc and len(self.noc) >= 2 and self.noc[1].isdigit() else None

    # -- formatting in the letter's language (the templates call these) ----------------------

    @property
    def locale(self) -> str:
        return LOCALES[self.language]

    def money(self, value: Decimal | None) -> str:
        """``$17.50`` / ``17,50 $`` (with the non-breaking space French typography wants)."""
        if value is None:
            return ""
        return format_currency(value, "CAD", locale=self.locale)

    def number(self, value: Decimal | int | None) -> str:
        """``37.5`` / ``37,5``; whole numbers without decimals."""
        if value is None:
            return ""
        return format_decimal(value, locale=self.locale)

    def date(self, value: date | None) -> str:
        """``January 15, 2027`` / ``15 janvier 2027``, ``1er février 2027``."""
        if value is None:
            return ""
        if self.language == "fr":
            # French writes the first of the month as an ordinal: « 1er février 2027 ».
            day = "1er" if value.day == 1 else str(value.day)
            return f"{day} {format_date(value, 'MMMM y', locale=self.locale)}"
        return format_date(value, "MMMM d, y", locale=self.locale)

    # -- storage -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: Decimals as strings, dates ISO, tuples as lists, every field."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LetterInputs:
        """The inverse of :meth:`to_json` (``from_json(x.to_json()) == x``)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown letter fields: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name in known & set(data):
            values[name] = _load(name, data[name])
        return cls(**values)


# JSON conversion, driven by the field names (the types are few and fixed).
_DATES = {
    "offer_date",
    "start_date",
    "rights_information_given_on",
    "signed_by_employer_on",
    "signed_by_worker_on",
}
_DECIMALS = {
    "wage_amount",
    "hourly_wage",
    "annual_wage",
    "hours_per_week",
    "housing_rent_monthly",
    "housing_cap_amount",
}
_ADDRESSES = {"employer_address", "work_location"}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATES:
        return date.fromisoformat(value)
    if name in _DECIMALS:
        return Decimal(str(value))  # str: a JSON number read as float keeps its digits
    if name in _ADDRESSES:
        return LetterAddress(**value)
    if name == "deductions":
        return tuple(
            LetterDeduction(purpose=d["purpose"], amount=Decimal(str(d["amount"])), per=d["per"])
            for d in value
        )
    if name == "employer_paid":
        return tuple(value)
    return value


# -- derived figures ----------------------------------------------------------------------------


def _cents(value: Fraction, rounding: str = ROUND_HALF_UP) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=rounding)


def wage_figures(amount: Decimal, per: str, hours_per_week: Decimal) -> tuple[Decimal, Decimal]:
    """(hourly, annual) in cents, from the exact hourly equivalent (case-format.md):
    annual = hourly × hours × 52, computed before rounding, so a yearly wage stays itself."""
    hourly = hourly_fraction(amount, per, hours_per_week)
    annual = hourly * Fraction(hours_per_week) * WEEKS_PER_YEAR
    return _cents(hourly), _cents(annual)


def duration_limit_months(stream: str | None, filed_on: date | None) -> int | None:
    """The most months the stream allows: low-wage 12 when filed from 2024-09-26, else 24.
    Without a filing date the current rule applies (any filing from now on is after it)."""
    if stream != "low_wage":
        return None
    if filed_on is not None and filed_on < LOW_WAGE_ONE_YEAR_FROM:
        return 24
    return 12


def housing_cap(
    stream: str | None, amount: Decimal | None, per: str | None, hours: Decimal | None
) -> tuple[str | None, Decimal | None]:
    """The rent cap the stream sets, and its amount (low-wage: 30 % of gross monthly pay,
    rounded down to the cent; agricultural: $30 a week)."""
    if stream == "low_wage":
        if amount is None or per is None or not hours:
            return CAP_30_PERCENT_OF_GROSS, None
        monthly = monthly_gross(hourly_fraction(amount, per, hours), hours)
        return CAP_30_PERCENT_OF_GROSS, _cents(monthly * Fraction(3, 10), ROUND_DOWN)
    if stream == "agricultural":
        return CAP_30_DOLLARS_A_WEEK, AGRICULTURAL_WEEKLY_CAP
    return None, None


def _act_name(province: str | None, on: date, language: str) -> str | None:
    """The province's employment standards act as a sentence cites it ("Employment Standards
    Act, 2000 (Ontario)"), from the reference table; None when the table has no row for it."""
    if not province:
        return None
    try:
        from portal.offers.standards import employment_standards
    except ImportError:  # the reference table ships with the documents layer
        return None
    try:
        standards = employment_standards(province, on)
    except ValueError:
        return None
    return None if standards is None else standards.act(language)


def _address(value: Any) -> LetterAddress | None:
    if value is None:
        return None
    return LetterAddress(
        street=value.street,
        city=value.city,
        province=value.province,
        postal_code=value.postal_code,
    )


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def letter_inputs(
    case: Any, worker_index: int, *, noc_title: str | None, language: str | None = None
) -> LetterInputs:
    """The letter for ``case.workers[worker_index]`` (an ``lmia-case/2`` case).

    The offer's own facts win; where the offer leaves one out, the position's (or the
    employer's) is used, since the agreement must state the same job as the LMIA. The language
    is ``language``, else the worker's, else the offer's, else French for a Québec position
    (Charter of the French language), else English.
    """
    workers = getattr(case, "workers", None) or ()
    if not 0 <= worker_index < len(workers):
        raise IndexError(f"workers[{worker_index}]: no such worker")
    worker = workers[worker_index]
    offer = worker.offer
    if offer is None:
        raise ValueError(f"workers[{worker_index}].offer: the worker has no offer")
    position, employer = case.position, case.employer

    work_location = _address(_first(offer.work_location, position.work_location))
    province = work_location.province if work_location else None
    language = language or worker.language or offer.language
    if language is None:
        language = "fr" if province == "QC" else "en"

    wage = _first(offer.wage, position.wage)
    hours = _first(offer.hours_per_week, position.hours_per_week)
    amount = wage.amount if wage is not None else None
    per = wage.per if wage is not None else None
    hourly = annual = None
    if amount is not None and per is not None and hours:
        hourly, annual = wage_figures(amount, per, hours)
    stream = position.stream
    cap, cap_amount = housing_cap(stream, amount, per, hours)
    live_in = bool(position.caregiver and position.live_in_required)
    as_of = _first(offer.date, case.submission_date) or date.today()

    return LetterInputs(
        language=language,
        offer_date=offer.date,
        employer_legal_name=_first(offer.employer_legal_name, employer.legal_name),
        employer_operating_name=_first(offer.employer_operating_name, employer.operating_name),
        employer_address=_address(_first(offer.employer_address, employer.address)),
        business_number=_first(offer.business_number, employer.business_number),
        worker_name=_first(worker.name, offer.worker_name),
        worker_country=worker.country,
        title=_first(offer.title, position.title),
        noc=_first(offer.noc, position.noc),
        noc_title=noc_title,
        duties=_first(offer.duties, position.duties),
        work_location=work_location,
        province=province,
        employment_standards_act=_act_name(province, as_of, language),
        stream=stream,
        caregiver=bool(position.caregiver),
        live_in=live_in,
        lmia_number=offer.lmia_number,
        employer_portal_offer_number=offer.employer_portal_offer_number,
        wage_amount=amount,
        wage_per=per,
        pay_frequency=offer.pay_frequency,
        hourly_wage=hourly,
        annual_wage=annual,
        hours_per_week=hours,
        schedule=offer.schedule,
        overtime=offer.overtime,
        vacation=offer.vacation,
        statutory_holidays=offer.statutory_holidays,
        benefits=_first(offer.benefits, position.benefits),
        start_date=_first(offer.start_date, worker.planned_start_date),
        duration_months=_first(offer.duration_months, position.duration_months),
        duration_limit_months=duration_limit_months(stream, case.submission_date),
        probation=offer.probation,
        termination_notice=offer.termination_notice,
        deductions=tuple(
            LetterDeduction(purpose=d.purpose, amount=d.amount, per=d.per)
            for d in offer.deductions or ()
        ),
        employer_paid=tuple(offer.employer_paid or ()),
        housing_terms=offer.housing_terms,
        housing_rent_monthly=offer.housing_rent_monthly,
        housing_cap=cap,
        housing_cap_amount=cap_amount,
        rights_information_given_on=offer.rights_information_given_on,
        rights_information_language=worker.language or language,
        signed_by_employer_name=offer.signed_by_employer_name,
        signed_by_employer_on=offer.signed_by_employer_on,
        signed_by_worker_name=offer.signed_by_worker_name,
        signed_by_worker_on=offer.signed_by_worker_on,
    )


__all__ = [
    "CAP_30_DOLLARS_A_WEEK",
    "CAP_30_PERCENT_OF_GROSS",
    "LANGUAGES",
    "LetterAddress",
    "LetterDeduction",
    "LetterInputs",
    "duration_limit_months",
    "housing_cap",
    "letter_inputs",
    "wage_figures",
]
