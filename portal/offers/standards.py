"""Each province's and territory's employment standards an offer must respect, and the sentences
that prefill a new offer's overtime, vacation and statutory-holiday terms (plain Python).

The figures live in ``portal/reference/employment_standards.csv`` (sources, as-of date and what
could not be confirmed in ``employment_standards.SOURCE.md``): one row per jurisdiction and
period, ``effective_from`` inclusive, ``effective_to`` inclusive or empty while in force, so a
change in the law is a new row (and an end date on the old one), never an edit that rewrites what
an earlier offer was based on.

Where a figure could not be confirmed (listed in the row's ``unconfirmed`` column) the sentence
stays general and points to the Act rather than state a number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from portal.reference import PROVINCES

CSV_PATH = Path(__file__).resolve().parent.parent / "reference" / "employment_standards.csv"

COLUMNS = (
    "province",
    "effective_from",
    "effective_to",
    "act_en",
    "act_fr",
    "act_fr_official",
    "act_url",
    "overtime_rule",
    "overtime_daily_hours",
    "overtime_weekly_hours",
    "overtime_rate",
    "overtime_basis",
    "overtime_double_daily_hours",
    "vacation_weeks",
    "vacation_pay",
    "vacation_step_years",
    "vacation_step_weeks",
    "vacation_step_pay",
    "holiday_term_en",
    "holiday_term_fr",
    "holiday_other_act_en",
    "holiday_other_act_fr",
    "holidays_en",
    "holidays_fr",
    "unconfirmed",
)
OVERTIME_RULES = {"weekly", "either", "greater"}
OVERTIME_BASES = {"regular", "minimum"}
UNCONFIRMABLE = {"overtime", "vacation", "vacation_step", "holidays"}

# English names (the one list in portal.reference), and the French "of" form used after an
# Act's title (« … de l'Ontario »).
PROVINCE_EN = PROVINCES
PROVINCE_FR_OF = {
    "AB": "de l'Alberta",
    "BC": "de la Colombie-Britannique",
    "MB": "du Manitoba",
    "NB": "du Nouveau-Brunswick",
    "NL": "de Terre-Neuve-et-Labrador",
    "NS": "de la Nouvelle-Écosse",
    "NT": "des Territoires du Nord-Ouest",
    "NU": "du Nunavut",
    "ON": "de l'Ontario",
    "PE": "de l'Île-du-Prince-Édouard",
    "QC": "du Québec",
    "SK": "de la Saskatchewan",
    "YT": "du Yukon",
}
PROVINCE_FR = {
    "AB": "Alberta",
    "BC": "Colombie-Britannique",
    "MB": "Manitoba",
    "NB": "Nouveau-Brunswick",
    "NL": "Terre-Neuve-et-Labrador",
    "NS": "Nouvelle-Écosse",
    "NT": "Territoires du Nord-Ouest",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Île-du-Prince-Édouard",
    "QC": "Québec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}
NBSP = "\u00a0"  # French typography: a no-break space before « % » and « : »


class StandardsDataError(ValueError):
    """``employment_standards.csv`` is malformed (names the line and the column)."""


@dataclass(frozen=True)
class EmploymentStandards:
    """One jurisdiction's general rules for one period."""

    province: str
    effective_from: date
    effective_to: date | None
    act_en: str
    act_fr: str
    act_fr_official: bool  # False: the Act exists in English only; act_fr is a translation
    act_url: str
    overtime_rule: str  # "weekly", "either" (a day or a week), "greater" (whichever is more)
    overtime_daily_hours: Decimal | None
    overtime_weekly_hours: Decimal | None
    overtime_rate: Decimal  # 1.5 = time and a half
    overtime_basis: str  # "regular" wage or the "minimum" wage
    overtime_double_daily_hours: Decimal | None  # BC: double time beyond 12 hours a day
    vacation_weeks: int
    vacation_pay: str  # a percentage ("4") or a fraction of wages ("3/52")
    vacation_step_years: int | None
    vacation_step_weeks: int | None
    vacation_step_pay: str | None
    holiday_term_en: str
    holiday_term_fr: str
    holiday_other_act_en: str | None  # QC: June 24 is set by the National Holiday Act
    holiday_other_act_fr: str | None
    holidays_en: tuple[str, ...]
    holidays_fr: tuple[str, ...]
    unconfirmed: frozenset[str]

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def act(self, language: str = "en") -> str:
        """The Act's name as a sentence cites it: "Employment Standards Act, 2000 (Ontario)",
        « Loi de 2000 sur les normes d'emploi de l'Ontario »."""
        if _language(language) == "fr":
            name = self.act_fr
            if PROVINCE_FR[self.province] not in name:
                name = f"{name} {PROVINCE_FR_OF[self.province]}"
            if not self.act_fr_official:
                name = f"{name} ({self.act_en})"
            return name
        name = self.act_en
        if PROVINCE_EN[self.province] not in name:
            name = f"{name} ({PROVINCE_EN[self.province]})"
        return name

    def holidays(self, language: str = "en") -> tuple[str, ...]:
        return self.holidays_fr if _language(language) == "fr" else self.holidays_en


def _language(language: str | None) -> str:
    code = (language or "en").replace("-", "_").split("_")[0].lower()
    if code not in ("en", "fr"):
        raise ValueError(f"language must be en or fr, not {language!r}")
    return code


# --- reading the table -------------------------------------------------------------------------


def _parse_row(line: int, row: dict[str, str]) -> EmploymentStandards:
    def fail(column: str, problem: str):
        raise StandardsDataError(f"{CSV_PATH.name} line {line}, column {column}: {problem}")

    def text(column: str, *, required: bool = True) -> str:
        value = (row.get(column) or "").strip()
        if required and not value:
            fail(column, "empty")
        return value

    def day(column: str, *, required: bool = True) -> date | None:
        value = text(column, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            fail(column, f"not a YYYY-MM-DD date: {value!r}")

    def number(column: str, *, required: bool = False) -> Decimal | None:
        value = text(column, required=required)
        if not value:
            return None
        try:
            result = Decimal(value)
        except ArithmeticError:
            fail(column, f"not a number: {value!r}")
        if result <= 0:
            fail(column, f"must be positive: {value!r}")
        return result

    def whole(column: str, *, required: bool = False) -> int | None:
        value = number(column, required=required)
        if value is not None and value != int(value):
            fail(column, f"not a whole number: {value}")
        return None if value is None else int(value)

    def pay(column: str, *, required: bool) -> str | None:
        value = text(column, required=required)
        if value and "/" in value:
            top, _, bottom = value.partition("/")
            if not (top.isdigit() and bottom.isdigit() and int(bottom) > 0):
                fail(column, f"not a fraction like 3/52: {value!r}")
        elif value:
            number(column)
        return value or None

    province = text("province")
    if province not in PROVINCE_EN:
        fail("province", f"not a province or territory code: {province!r}")
    rule = text("overtime_rule")
    if rule not in OVERTIME_RULES:
        fail("overtime_rule", f"one of {sorted(OVERTIME_RULES)}, not {rule!r}")
    basis = text("overtime_basis")
    if basis not in OVERTIME_BASES:
        fail("overtime_basis", f"one of {sorted(OVERTIME_BASES)}, not {basis!r}")
    official = text("act_fr_official")
    if official not in ("yes", "no"):
        fail("act_fr_official", f"yes or no, not {official!r}")
    unconfirmed = frozenset(text("unconfirmed", required=False).split())
    if unconfirmed - UNCONFIRMABLE:
        fail("unconfirmed", f"unknown parts {sorted(unconfirmed - UNCONFIRMABLE)}")
    holidays_en = tuple(h.strip() for h in text("holidays_en", required=False).split("|") if h)
    holidays_fr = tuple(h.strip() for h in text("holidays_fr", required=False).split("|") if h)
    if len(holidays_en) != len(holidays_fr):
        fail("holidays_fr", f"{len(holidays_fr)} names for {len(holidays_en)} English ones")
    if not holidays_en and "holidays" not in unconfirmed:
        fail("holidays_en", "empty (list 'holidays' in unconfirmed if they could not be checked)")
    standards = EmploymentStandards(
        province=province,
        effective_from=day("effective_from"),
        effective_to=day("effective_to", required=False),
        act_en=text("act_en"),
        act_fr=text("act_fr"),
        act_fr_official=official == "yes",
        act_url=text("act_url"),
        overtime_rule=rule,
        overtime_daily_hours=number("overtime_daily_hours", required=rule != "weekly"),
        overtime_weekly_hours=number("overtime_weekly_hours", required=True),
        overtime_rate=number("overtime_rate", required=True),
        overtime_basis=basis,
        overtime_double_daily_hours=number("overtime_double_daily_hours"),
        vacation_weeks=whole("vacation_weeks", required=True),
        vacation_pay=pay("vacation_pay", required=True),
        vacation_step_years=whole("vacation_step_years"),
        vacation_step_weeks=whole("vacation_step_weeks"),
        vacation_step_pay=pay("vacation_step_pay", required=False),
        holiday_term_en=text("holiday_term_en"),
        holiday_term_fr=text("holiday_term_fr"),
        holiday_other_act_en=text("holiday_other_act_en", required=False) or None,
        holiday_other_act_fr=text("holiday_other_act_fr", required=False) or None,
        holidays_en=holidays_en,
        holidays_fr=holidays_fr,
        unconfirmed=unconfirmed,
    )
    step = (
        standards.vacation_step_years,
        standards.vacation_step_weeks,
        standards.vacation_step_pay,
    )
    if any(v is not None for v in step) and None in step:
        fail("vacation_step_years", "the seniority step needs its years, weeks and pay, or none")
    if not standards.act_url.startswith("https://"):
        fail("act_url", "an https:// address")
    if standards.effective_to is not None and standards.effective_to < standards.effective_from:
        fail("effective_to", "before effective_from")
    return standards


def parse_table(text: str) -> tuple[EmploymentStandards, ...]:
    """Every row of a CSV text, checked (columns, values, no overlapping periods)."""
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise StandardsDataError(f"{CSV_PATH.name}: columns must be {', '.join(COLUMNS)}")
    rows = tuple(_parse_row(number, row) for number, row in enumerate(reader, start=2))
    by_province: dict[str, list[EmploymentStandards]] = {}
    for row in rows:
        by_province.setdefault(row.province, []).append(row)
    for province, periods in by_province.items():
        periods.sort(key=lambda r: r.effective_from)
        for earlier, later in zip(periods, periods[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                raise StandardsDataError(
                    f"{CSV_PATH.name}: {province} periods overlap "
                    f"({earlier.effective_from} and {later.effective_from}); end the earlier one"
                )
    return rows


@cache
def table() -> tuple[EmploymentStandards, ...]:
    return parse_table(CSV_PATH.read_text(encoding="utf-8"))


def employment_standards(
    province: str, on: date, *, rows: tuple[EmploymentStandards, ...] | None = None
) -> EmploymentStandards | None:
    """The rules in force in ``province`` (ISO code, "ON") on ``on``; None before the first
    period the table knows. An unknown code is a ValueError."""
    code = (province or "").strip().upper()
    if code not in PROVINCE_EN:
        raise ValueError(f"not a Canadian province or territory code: {province!r}")
    for row in table() if rows is None else rows:
        if row.province == code and row.in_force(on):
            return row
    return None


# --- the sentences -----------------------------------------------------------------------------


def default_terms(
    province: str,
    on: date,
    language: str = "en",
    *,
    rows: tuple[EmploymentStandards, ...] | None = None,
) -> dict[str, str] | None:
    """``{"overtime": …, "vacation": …, "statutory_holidays": …}``: sentences in English or
    Canadian French stating the province's general rules and naming the Act, ready to prefill an
    offer's terms. None when the table has no rules for that date."""
    standards = employment_standards(province, on, rows=rows)
    if standards is None:
        return None
    if _language(language) == "fr":
        return {
            "overtime": _overtime_fr(standards),
            "vacation": _vacation_fr(standards),
            "statutory_holidays": _holidays_fr(standards),
        }
    return {
        "overtime": _overtime_en(standards),
        "vacation": _vacation_en(standards),
        "statutory_holidays": _holidays_en(standards),
    }


def _hours(value: Decimal | None) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def _times_en(rate: Decimal) -> str:
    return {Decimal("1.5"): "1.5 times", Decimal(2): "twice"}.get(rate, f"{_hours(rate)} times")


def _percent_fr(rate: Decimal) -> str:
    return f"{_hours(rate * 100)}{NBSP}%"


def _join(items: tuple[str, ...], conjunction: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _pay_en(pay: str) -> str:
    return f"{pay} of wages" if "/" in pay else f"{pay}% of gross wages"


def _pay_fr(pay: str) -> str:
    return f"{pay} du salaire" if "/" in pay else f"{pay.replace('.', ',')}{NBSP}% du salaire brut"


def _weeks_en(weeks: int) -> str:
    return "1 week" if weeks == 1 else f"{weeks} weeks"


def _weeks_fr(weeks: int) -> str:
    return "1 semaine" if weeks == 1 else f"{weeks} semaines"


def _the(act_fr: str) -> tuple[str, str]:
    """French articles for an Act's title: ("le", "au") for a Code, ("la", "à la") for a Loi."""
    return ("le", "au") if act_fr.startswith("Code") else ("la", "à la")


def _cite_en(s: EmploymentStandards) -> str:
    """ "the Employment Standards Act (Yukon)", but "The Saskatchewan Employment Act"."""
    act = s.act("en")
    return act if act.startswith("The ") else f"the {act}"


def _overtime_en(s: EmploymentStandards) -> str:
    act = _cite_en(s)
    if "overtime" in s.unconfirmed:
        return f"Overtime is paid as {act} requires."
    if s.overtime_basis == "minimum":
        rate = f"no less than {_times_en(s.overtime_rate)} the minimum wage"
    else:
        rate = f"{_times_en(s.overtime_rate)} the regular hourly wage"
    week = f"{_hours(s.overtime_weekly_hours)} hours in a week"
    if s.overtime_rule == "weekly":
        beyond = week
    else:
        beyond = f"{_hours(s.overtime_daily_hours)} hours in a day or {week}"
        if s.overtime_rule == "greater":
            beyond += ", whichever gives more overtime hours"
    sentence = f"Overtime is paid at {rate} for hours worked beyond {beyond}"
    if s.overtime_double_daily_hours:
        sentence += (
            f", and at twice the regular hourly wage beyond "
            f"{_hours(s.overtime_double_daily_hours)} hours in a day"
        )
    return f"{sentence}, in accordance with {act}."


def _overtime_fr(s: EmploymentStandards) -> str:
    act = s.act("fr")
    article, to_the = _the(s.act_fr)
    if "overtime" in s.unconfirmed:
        return f"Les heures supplémentaires sont rémunérées conformément {to_the} {act}."
    if s.overtime_basis == "minimum":
        rate = f"à au moins {_percent_fr(s.overtime_rate)} du salaire minimum"
    else:
        rate = f"à {_percent_fr(s.overtime_rate)} du salaire horaire habituel"
    week = f"{_hours(s.overtime_weekly_hours)} heures par semaine"
    if s.overtime_rule == "weekly":
        beyond = week
    else:
        beyond = f"{_hours(s.overtime_daily_hours)} heures par jour ou de {week}"
        if s.overtime_rule == "greater":
            beyond += ", selon le calcul qui donne le plus d'heures supplémentaires"
    sentence = f"Les heures supplémentaires sont rémunérées {rate} au-delà de {beyond}"
    if s.overtime_double_daily_hours:
        sentence += (
            f", et à {_percent_fr(Decimal(2))} du salaire horaire habituel au-delà de "
            f"{_hours(s.overtime_double_daily_hours)} heures par jour"
        )
    return f"{sentence}, conformément {to_the} {act}."


def _vacation_en(s: EmploymentStandards) -> str:
    act = _cite_en(s)
    if "vacation" in s.unconfirmed:
        return f"The worker is entitled to paid vacation and vacation pay as {act} provides."
    sentence = (
        f"After each year of employment, the worker is entitled to at least "
        f"{_weeks_en(s.vacation_weeks)} of paid vacation, with vacation pay of at least "
        f"{_pay_en(s.vacation_pay)}"
    )
    if "vacation_step" in s.unconfirmed:
        return f"{sentence}, and to any longer vacation {act} grants for longer service."
    if s.vacation_step_years:
        sentence += (
            f"; after {s.vacation_step_years} years of employment, to at least "
            f"{_weeks_en(s.vacation_step_weeks)} and {_pay_en(s.vacation_step_pay)}"
        )
    return f"{sentence}, in accordance with {act}."


def _employee_fr(s: EmploymentStandards) -> tuple[str, str]:
    """The worker (« la personne salariée », as the letter writes it) and their vacation, in
    the words the province's own French uses (Quebec's Act says « congé annuel »)."""
    if s.province == "QC":
        return "la personne salariée", "de congé annuel"
    return "la personne salariée", "de vacances"


def _vacation_fr(s: EmploymentStandards) -> str:
    act = s.act("fr")
    _, to_the = _the(s.act_fr)
    employee, leave = _employee_fr(s)
    subject = employee[0].upper() + employee[1:]
    article, _ = _the(s.act_fr)
    if "vacation" in s.unconfirmed:
        return (
            f"{subject} a droit aux vacances payées et à l'indemnité {leave} que prévoit "
            f"{article} {act}."
        )
    paid = "de congé annuel payé" if s.province == "QC" else "de vacances payées"
    sentence = (
        f"Après chaque année de service, {employee} a droit à au moins "
        f"{_weeks_fr(s.vacation_weeks)} {paid} et à une indemnité {leave} d'au moins "
        f"{_pay_fr(s.vacation_pay)}"
    )
    if "vacation_step" in s.unconfirmed:
        return (
            f"{sentence}, ainsi qu'aux vacances plus longues que {article} {act} accorde "
            f"selon l'ancienneté."
        )
    if s.vacation_step_years:
        sentence += (
            f"; après {s.vacation_step_years} ans de service, à au moins "
            f"{_weeks_fr(s.vacation_step_weeks)} et à {_pay_fr(s.vacation_step_pay)}"
        )
    return f"{sentence}, conformément {to_the} {act}."


def _holidays_en(s: EmploymentStandards) -> str:
    under = _cite_en(s)
    if s.holiday_other_act_en:
        under += f" and the {s.holiday_other_act_en}"
    if "holidays" in s.unconfirmed or not s.holidays_en:
        return (
            f"The worker is entitled to the {s.holiday_term_en} set by {under}, "
            f"with holiday pay as that law provides."
        )
    return (
        f"The worker is entitled to the {len(s.holidays_en)} {s.holiday_term_en} under {under}: "
        f"{_join(s.holidays_en, 'and')}, with holiday pay as that law provides."
    )


def _holidays_fr(s: EmploymentStandards) -> str:
    act = s.act("fr")
    article, _ = _the(s.act_fr)
    employee, _ = _employee_fr(s)
    subject = employee[0].upper() + employee[1:]
    by = f"par {article} {act}"
    if s.holiday_other_act_fr:
        by += f" et la {s.holiday_other_act_fr}"
    if "holidays" in s.unconfirmed or not s.holidays_fr:
        return (
            f"{subject} a droit aux {s.holiday_term_fr} prévus {by}, "
            f"avec l'indemnité prévue par la loi."
        )
    return (
        f"{subject} a droit aux {len(s.holidays_fr)} {s.holiday_term_fr} prévus {by}{NBSP}: "
        f"{_join(s.holidays_fr, 'et')}, avec l'indemnité prévue par la loi."
    )
