"""A worker's offer terms in the ``lmia-case/2`` ``workers[].offer`` shape: the prefill of a new
offer from the position and the employer, and how an offer follows later edits of them.

Plain Python. ``position`` and ``employer`` are anything with the attributes of the
``portal.models`` rows (``Position``: title, noc_code, duties, street_address, city, province,
postal_code, wage_amount, wage_per, hours_per_week, duration_months, benefits, stream,
is_caregiver; ``Employer``: legal_name, operating_name, business_number, street_address, city,
province, postal_code).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

# Offer terms that repeat a fact of the position or the employer: the agreement must state the
# same job as the LMIA, so they are copied in and follow later edits (see follow_position).
MIRRORED = (
    "employer_legal_name",
    "employer_operating_name",
    "business_number",
    "employer_address",
    "title",
    "noc",
    "duties",
    "work_location",
    "wage",
    "hours_per_week",
    "duration_months",
    "benefits",
)

# What the employer pays where the stream requires it (lmia-domain.md §6.1; rule LW-OBLIGATIONS):
# low-wage, agricultural and caregiver positions: round-trip travel, private health insurance
# until provincial coverage starts, and workplace-safety coverage.
OBLIGATED_EMPLOYER_PAID = ("round_trip_travel", "health_insurance", "workplace_safety_insurance")
OBLIGATED_STREAMS = frozenset({"low_wage", "agricultural"})

# docs' portal.offers.standards.default_terms(province, on, language) -> dict
StandardTerms = Callable[[str, date, str], dict]


def json_number(amount: Decimal | int | float | None) -> int | float | None:
    """A number as the case format writes it: integers stay integers, else the shortest float
    (18.5 reads back as Decimal("18.5") == Decimal("18.50"))."""
    if amount is None:
        return None
    amount = Decimal(str(amount))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _address(row) -> dict | None:
    parts = {
        "street": row.street_address,
        "city": row.city,
        "province": row.province,
        "postal_code": row.postal_code,
    }
    return parts if all(parts.values()) else None


def employer_terms(employer) -> dict[str, Any]:
    """The offer terms the employer's profile states."""
    return {
        "employer_legal_name": employer.legal_name,
        "employer_operating_name": employer.operating_name,
        "business_number": employer.business_number,
        "employer_address": _address(employer),
    }


def mirrored_terms(position, employer) -> dict[str, Any]:
    """The offer terms the position and the employer state (``MIRRORED`` keys)."""
    wage = None
    if position.wage_amount is not None and position.wage_per:
        wage = {"amount": json_number(position.wage_amount), "per": position.wage_per}
    return {
        **employer_terms(employer),
        "title": position.title,
        "noc": position.noc_code,
        "duties": position.duties,
        "work_location": _address(position),
        "wage": wage,
        "hours_per_week": json_number(position.hours_per_week),
        "duration_months": position.duration_months,
        "benefits": position.benefits,
    }


def employer_paid_defaults(position) -> list[str]:
    """What the employer pays by default: the obligations of the position's stream."""
    if position.stream in OBLIGATED_STREAMS or position.is_caregiver:
        return list(OBLIGATED_EMPLOYER_PAID)
    return []


def offer_language(province: str | None, preferred: str | None) -> str:
    """The worker's language; else French in Québec (Charter of the French language), else
    English."""
    if preferred in ("en", "fr"):
        return preferred
    return "fr" if province == "QC" else "en"


def new_offer(
    position,
    employer,
    *,
    worker_name: str | None,
    language: str | None,
    start_date: date | None,
    today: date,
    standard_terms: StandardTerms | None = None,
) -> dict[str, Any]:
    """A new worker's offer, prefilled: the mirrored terms, the province's overtime, vacation
    and statutory-holiday sentences in the worker's language, the no-fee statement and what the
    stream makes the employer pay. Empty values are left out, as the case format omits them."""
    language = offer_language(position.province, language)
    offer: dict[str, Any] = {
        "date": today.isoformat(),
        "worker_name": worker_name,
        "language": language,
        "start_date": start_date.isoformat() if start_date else None,
        **mirrored_terms(position, employer),
        "employer_paid": employer_paid_defaults(position),
        "states_no_fees": True,
    }
    if standard_terms is not None and position.province:
        on = start_date or today
        try:
            defaults = standard_terms(position.province, on, language) or {}
        except (KeyError, LookupError, ValueError):
            defaults = {}  # a province without reference data: the user writes them
        for key in ("overtime", "vacation", "statutory_holidays"):
            if defaults.get(key):
                offer[key] = defaults[key]
    return {key: value for key, value in offer.items() if value not in (None, "", [])}


def is_signed(offer: dict | None) -> bool:
    """Both sides signed: the agreement is what was signed, and no longer follows edits."""
    return bool(offer and offer.get("signed_by_employer_on") and offer.get("signed_by_worker_on"))


def follow_position(
    offer: dict | None, before: dict[str, Any], after: dict[str, Any]
) -> dict | None:
    """The offer after its position or employer changed from ``before`` to ``after`` (both
    ``mirrored_terms``): each mirrored term the offer still stated as before takes the new
    value; a term the user deliberately made different stays (the checks compare it).
    Returns a new dict (JSON columns track replacement, not mutation), or ``offer`` itself when
    nothing followed."""
    if offer is None:
        return None
    changed = {}
    for key in MIRRORED:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if offer.get(key) == old:
            changed[key] = new
    if not changed:
        return offer
    result = {**offer, **changed}
    return {key: value for key, value in result.items() if value is not None}
