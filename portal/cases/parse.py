"""Read an ``lmia-case/2`` or ``lmia-case/1`` document into a :class:`~portal.cases.model.Case`.

Or say what is wrong. The two formats differ in the offer: v1 has one top-level ``offer``, v2 a
``workers`` list, each worker with their own ``offer`` (which may use the keys v2 added).

Validation follows ``case-format.md``: required keys, unknown keys anywhere, enumerations, dates,
numbers, duplicate activity ids, applicant sources, posting and event dates, the NAICS pattern.
The first problem found raises :class:`CaseError` naming the path of the bad value, e.g.
``recruitment[2].start: not a date ("2026-02-30")``. Keys are checked in the order they appear
in the document; missing required keys after the keys that are present; cross-references
(activity ids, applicant sources) once the lists are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from portal.cases import model as m
from portal.limits import RECORD_FIRST, RECORD_LAST, record_date_in_range

Parser = Callable[[Any, str], Any]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NAICS = re.compile(r"[0-9]{2,6}")


class CaseError(ValueError):
    """A case document that cannot be read; ``path`` names the bad value (``""``: the file)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class _Object(dict):
    """A JSON object that remembers the first key it saw twice."""

    duplicate: str | None = None


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.duplicate is None:
            obj.duplicate = key
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _show(value: Any) -> str:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except ValueError:
            text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- scalar parsers ----------------------------------------------------------------------------


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise CaseError(path, f"not a string ({_show(value)})")
    return value


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise CaseError(path, f"not true or false ({_show(value)})")
    return value


def _number(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise CaseError(path, f"not a number ({_show(value)})")
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if not number.is_finite():
        raise CaseError(path, f"not a number ({_show(value)})")
    return number


def _positive_number(value: Any, path: str) -> Decimal:
    number = _number(value, path)
    if number <= 0:
        raise CaseError(path, f"must be more than 0 ({_show(value)})")
    return number


def _integer(low: int | None = None, high: int | None = None) -> Parser:
    def parse(value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise CaseError(path, f"not a whole number ({_show(value)})")
        number = _number(value, path)
        if number != number.to_integral_value():
            raise CaseError(path, f"not a whole number ({_show(value)})")
        integer = int(number)
        if low is not None and integer < low:
            bound = f"at least {low}" if high is None else f"from {low} to {high}"
            raise CaseError(path, f"must be {bound} ({_show(value)})")
        if high is not None and integer > high:
            raise CaseError(path, f"must be from {low} to {high} ({_show(value)})")
        return integer

    return parse


def _date(value: Any, path: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return _fail(path, f"not a date ({_show(value)})")
        if not record_date_in_range(day):
            return _fail(path, f"must be from {RECORD_FIRST} to {RECORD_LAST} ({_show(value)})")
        return day
    return _fail(path, f"not a date ({_show(value)})")


def _fail(path: str, message: str) -> Any:
    raise CaseError(path, message)


def _enum(values: tuple[str, ...]) -> Parser:
    def parse(value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in values:
            raise CaseError(path, f"not one of {', '.join(values)} ({_show(value)})")
        return value

    return parse


def _naics(value: Any, path: str) -> str:
    text = _string(value, path)
    if not _NAICS.fullmatch(text):
        raise CaseError(path, f"not a NAICS code of 2 to 6 digits ({_show(value)})")
    return text


def _format(value: Any, path: str) -> str:
    if value not in m.FORMATS:
        raise CaseError(path, f'not "{m.FORMAT_V1}" or "{m.FORMAT}" ({_show(value)})')
    return value


def _email(value: Any, path: str) -> str:
    # An address as typed: the format keeps it as a string; the portal's form checks its shape.
    return _string(value, path)


def _v1_offer(value: Any, path: str) -> Any:
    raise CaseError(path, f"not in {m.FORMAT}: each worker's offer is workers[].offer")


def _list(item: Parser) -> Parser:
    def parse(value: Any, path: str) -> tuple:
        if not isinstance(value, list | tuple):
            raise CaseError(path, f"not a list ({_show(value)})")
        result = []
        for index, element in enumerate(value):
            element_path = f"{path}[{index}]"
            if element is None:
                raise CaseError(element_path, "null in a list")
            result.append(item(element, element_path))
        return tuple(result)

    return parse


# --- objects -----------------------------------------------------------------------------------

Spec = dict[str, tuple[Parser, bool]]


def _fields(value: Any, path: str, spec: Spec) -> dict[str, Any]:
    """Check an object against ``spec`` (key -> (parser, required)) and parse its values."""
    if not isinstance(value, Mapping):
        raise CaseError(path, f"not an object ({_show(value)})")
    duplicate = getattr(value, "duplicate", None)
    if duplicate is not None:
        raise CaseError(_key(path, duplicate), "key given twice")
    fields: dict[str, Any] = {}
    for key, item in value.items():
        key_path = _key(path, str(key))
        if key not in spec:
            raise CaseError(key_path, "unknown key")
        parser, required = spec[key]
        if item is None:
            if required:
                raise CaseError(key_path, "required, but null")
            continue
        fields[key] = parser(item, key_path)
    for key, (_, required) in spec.items():
        if required and key not in value:
            raise CaseError(_key(path, key), "required")
    return fields


def _object(cls: type, spec: Spec) -> Parser:
    def parse(value: Any, path: str) -> Any:
        return cls(**_fields(value, path, spec))

    return parse


_ADDRESS_SPEC: Spec = {
    "street": (_string, True),
    "city": (_string, True),
    "province": (_enum(m.PROVINCES), True),
    "postal_code": (_string, True),
}
_address = _object(m.Address, _ADDRESS_SPEC)
_work_location = _object(
    m.WorkLocation,
    {
        **_ADDRESS_SPEC,
        "economic_region": (_string, False),
        "cma": (_string, False),
        "admin_region": (_string, False),
    },
)
_PER = (_enum(m.WAGE_PERIODS), True)
_wage = _object(m.Wage, {"amount": (_number, True), "per": _PER})
_AD_WAGE_SPEC: Spec = {"amount": (_number, False), "per": _PER}
_WAGE_RANGE_SPEC: Spec = {"min": (_number, False), "max": (_number, False), "per": _PER}


def _ad_wage(value: Any, path: str) -> m.Wage | m.WageRange:
    if isinstance(value, Mapping) and ("min" in value or "max" in value):
        if "amount" in value:
            raise CaseError(_key(path, "amount"), "not allowed with min and max")
        wage_range = m.WageRange(**_fields(value, path, _WAGE_RANGE_SPEC))
        if wage_range.min is None and wage_range.max is None:
            # No figure at all: the same statement as {"amount": null}; one canonical form.
            return m.Wage(amount=None, per=wage_range.per)
        return wage_range
    fields = _fields(value, path, _AD_WAGE_SPEC)
    return m.Wage(amount=fields.get("amount"), per=fields["per"])


_requirements = _object(
    m.Requirements,
    {
        "education": (_string, False),
        "experience": (_string, False),
        "experience_years": (_number, False),
        "languages": (_list(_string), False),
    },
)

_employer = _object(
    m.Employer,
    {
        "legal_name": (_string, True),
        "operating_name": (_string, True),
        "business_number": (_string, True),
        "address": (_address, True),
        "naics": (_naics, False),
        "employees_at_location": (_integer(0), False),
        "low_wage_tfws_at_location": (_integer(0), False),
        "on_noncompliance_list": (_boolean, False),
        "lmia_revoked_on": (_date, False),
    },
)

_POSITION_V1_SPEC: Spec = {
    "title": (_string, True),
    "noc": (_string, True),
    "stream": (_enum(m.STREAMS), True),
    "caregiver": (_boolean, False),
    "seasonal": (_boolean, False),
    "quebec_facilitated": (_boolean, False),
    "advertising_variation": (_string, False),
    "work_location": (_work_location, True),
    "wage": (_wage, True),
    # Hours divide every wage conversion; zero hours cannot be a position.
    "hours_per_week": (_positive_number, True),
    "positions": (_integer(1), True),
    "duration_months": (_integer(1), True),
    "duties": (_string, True),
    "requirements": (_requirements, False),
    "language_justification": (_string, False),
    "benefits": (_string, False),
    "terms": (_string, False),
    "prevailing_wage": (_wage, False),
    "prevailing_wage_source": (_string, False),
    "incumbent_wage": (_wage, False),
    "live_in_required": (_boolean, False),
}
_position = _object(m.Position, _POSITION_V1_SPEC)
# v2: ``program`` right after ``stream`` (the order the portal writes).
_POSITION_V2_SPEC: Spec = {}
for _name, _spec in _POSITION_V1_SPEC.items():
    _POSITION_V2_SPEC[_name] = _spec
    if _name == "stream":
        _POSITION_V2_SPEC["program"] = (_enum(m.PROGRAMS), False)
_position_v2 = _object(m.Position, _POSITION_V2_SPEC)

_ad = _object(
    m.Ad,
    {
        "operating_name": (_string, False),
        "business_address": (_string, False),
        "title": (_string, False),
        "duties": (_string, False),
        "terms": (_string, False),
        "wage": (_ad_wage, False),
        "benefits": (_string, False),
        "work_location": (_string, False),
        "contact": (_string, False),
        "education": (_string, False),
        "experience": (_string, False),
        "languages": (_list(_string), False),
        "published_languages": (_list(_enum(m.PUBLISHED_LANGUAGES)), False),
    },
)

_ACTIVITY_SPEC: Spec = {
    "id": (_string, True),
    "method": (_enum(m.METHODS), True),
    "kind": (_enum(m.ACTIVITY_KINDS), True),
    "start": (_date, False),
    "end": (_date, False),
    "date": (_date, False),
    "platform": (_string, False),
    "national": (_boolean, False),
    "target_groups": (_list(_enum(m.TARGET_GROUPS)), False),
    "reference": (_string, False),
    "direct_apply": (_boolean, False),
    "ad": (_ad, False),
}


def _activity(value: Any, path: str) -> m.Activity:
    activity = m.Activity(**_fields(value, path, _ACTIVITY_SPEC))
    if activity.kind == "posting":
        if activity.start is None:
            raise CaseError(_key(path, "start"), "required for a posting")
        if activity.end is not None and activity.end < activity.start:
            raise CaseError(
                _key(path, "end"), f"before start ({activity.end} is before {activity.start})"
            )
    elif activity.date is None:
        raise CaseError(_key(path, "date"), "required for an event")
    return activity


def _recruitment(value: Any, path: str) -> tuple[m.Activity, ...]:
    activities = _list(_activity)(value, path)
    seen: dict[str, int] = {}
    for index, activity in enumerate(activities):
        if activity.id in seen:
            raise CaseError(
                f"{path}[{index}].id",
                f"duplicate id ({_show(activity.id)}, also {path}[{seen[activity.id]}])",
            )
        seen[activity.id] = index
    return activities


_match = _object(
    m.Match,
    {
        "first_seen": (_date, True),
        "stars": (_integer(1, 5), True),
        "invited_on": (_date, False),
    },
)
_job_match = _object(
    m.JobMatch,
    {"mode": (_enum(m.JOB_MATCH_MODES), True), "matches": (_list(_match), True)},
)

_applicant = _object(
    m.Applicant,
    {
        "name": (_string, True),
        "status": (_enum(m.APPLICANT_STATUSES), True),
        "source": (_string, False),
        "channel": (_enum(m.CHANNELS), False),
        "applied_on": (_date, True),
        "resume_downloaded_on": (_date, False),
        "interviewed_on": (_date, False),
        "offered": (_boolean, False),
        "hired": (_boolean, False),
        "reason_code": (_enum(m.REASON_CODES), False),
        "reason_detail": (_string, False),
    },
)

_plan_activity = _object(
    m.PlanActivity,
    {"kind": (_enum(m.PLAN_KINDS), True), "description": (_string, True)},
)
_transition_plan = _object(
    m.TransitionPlan,
    {"exemption": (_string, False), "activities": (_list(_plan_activity), True)},
)

_deduction = _object(
    m.Deduction,
    {"purpose": (_enum(m.PURPOSES), True), "amount": (_number, True), "per": _PER},
)

_OFFER_V1_SPEC: Spec = {
    "date": (_date, False),
    "worker_name": (_string, False),
    "employer_legal_name": (_string, False),
    "employer_address": (_address, False),
    "title": (_string, False),
    "noc": (_string, False),
    "duties": (_string, False),
    "work_location": (_address, False),
    "wage": (_wage, False),
    "hours_per_week": (_positive_number, False),
    "overtime": (_string, False),
    "vacation": (_string, False),
    "benefits": (_string, False),
    "start_date": (_date, False),
    "duration_months": (_integer(1), False),
    "deductions": (_list(_deduction), False),
    "employer_paid": (_list(_enum(m.EMPLOYER_PAID)), False),
    "housing_rent_monthly": (_number, False),
    "states_no_fees": (_boolean, False),
    "language": (_enum(m.OFFER_LANGUAGES), False),
    "signed_by_employer_on": (_date, False),
    "signed_by_worker_on": (_date, False),
}
_offer = _object(m.Offer, _OFFER_V1_SPEC)
_offer_v2 = _object(
    m.Offer,
    {
        **_OFFER_V1_SPEC,
        "employer_operating_name": (_string, False),
        "business_number": (_string, False),
        "pay_frequency": (_enum(m.PAY_FREQUENCIES), False),
        "schedule": (_string, False),
        "statutory_holidays": (_string, False),
        "probation": (_string, False),
        "termination_notice": (_string, False),
        "housing_terms": (_string, False),
        "lmia_number": (_string, False),
        "employer_portal_offer_number": (_string, False),
        "rights_information_given_on": (_date, False),
        "signed_by_employer_name": (_string, False),
        "signed_by_worker_name": (_string, False),
    },
)


def _nonnegative_number(value: Any, path: str) -> Decimal:
    number = _number(value, path)
    if number < 0:
        raise CaseError(path, f"must be 0 or more ({_show(value)})")
    return number


_reported_payment = _object(
    m.ReportedPayment,
    {
        "payee": (_string, True),
        "amount": (_nonnegative_number, True),
        "paid_on": (_date, False),
        "what_for": (_string, False),
    },
)
_attestation = _object(
    m.Attestation,
    {
        "answered_on": (_date, True),
        "language": (_enum(m.ATTESTATION_LANGUAGES), True),
        "paid": (_boolean, True),
        "payments": (_list(_reported_payment), False),
        "holds_passport": (_boolean, False),
        "holds_permit": (_boolean, False),
        "contract_before_start_in_language": (_boolean, False),
        "knows_help": (_boolean, False),
    },
)
_worker = _object(
    m.Worker,
    {
        "name": (_string, False),
        "country": (_string, False),
        "email": (_email, False),
        "language": (_enum(m.WORKER_LANGUAGES), False),
        "english_requested_on": (_date, False),
        "planned_start_date": (_date, False),
        "offer": (_offer_v2, False),
        "attestation": (_attestation, False),
    },
)

_THIRD_PARTY_V1_SPEC: Spec = {
    "name": (_string, True),
    "role": (_enum(m.THIRD_PARTY_ROLES), True),
    # Not an enumeration in the format, but read as one: the licensing rules key on it.
    "province": (_enum(m.PROVINCES), False),
    "paid": (_boolean, False),
    "licence_number": (_string, False),
    "cicc_number": (_string, False),
    "law_society": (_string, False),
}
_third_party = _object(m.ThirdParty, _THIRD_PARTY_V1_SPEC)
_third_party_v2 = _object(
    m.ThirdParty,
    {
        **_THIRD_PARTY_V1_SPEC,
        "employer_wide": (_boolean, False),
        "contract_on_file": (_boolean, False),
        "contract_forbids_worker_fees": (_boolean, False),
    },
)

_PAYMENT_V1_SPEC: Spec = {
    "date": (_date, False),
    "payer": (_enum(m.PARTIES), True),
    "payee": (_enum(m.PARTIES), True),
    "amount": (_number, True),
    "purpose": (_enum(m.PURPOSES), True),
    "via": (_enum(m.PAYMENT_VIAS), False),
}
_payment = _object(m.Payment, _PAYMENT_V1_SPEC)
_payment_v2 = _object(
    m.Payment,
    {
        **_PAYMENT_V1_SPEC,
        "purpose": (_enum(m.PURPOSES_V2), True),
        "worker": (_integer(0), False),
        "third_party": (_integer(0), False),
        "note": (_string, False),
    },
)

_CUSTODY_V1_SPEC: Spec = {
    "document": (_enum(m.DOCUMENTS), True),
    "held_by": (_enum(m.HOLDERS), True),
    "since": (_date, False),
}
_document_custody = _object(m.DocumentCustody, _CUSTODY_V1_SPEC)
_document_custody_v2 = _object(
    m.DocumentCustody, {**_CUSTODY_V1_SPEC, "worker": (_integer(0), False)}
)

_CASE_V1_SPEC: Spec = {
    "format": (_format, True),
    "submission_date": (_date, False),
    "employer": (_employer, True),
    "position": (_position, True),
    "recruitment": (_recruitment, True),
    "job_bank_alternative_rationale": (_string, False),
    "job_match": (_job_match, False),
    "applicants": (_list(_applicant), True),
    "transition_plan": (_transition_plan, False),
    "offer": (_offer, False),
    "third_parties": (_list(_third_party), False),
    "payments": (_list(_payment), False),
    "document_custody": (_list(_document_custody), False),
}
# v2: the same keys, with ``workers`` where v1 had ``offer`` (kept in the same place).
_CASE_V2_SPEC: Spec = {}
_V2_PARSERS: dict[str, Parser] = {
    "position": _position_v2,
    "third_parties": _list(_third_party_v2),
    "payments": _list(_payment_v2),
    "document_custody": _list(_document_custody_v2),
}
for _name, _spec in _CASE_V1_SPEC.items():
    if _name == "offer":
        _CASE_V2_SPEC["offer"] = (_v1_offer, False)
        _CASE_V2_SPEC["workers"] = (_list(_worker), False)
    elif _name in _V2_PARSERS:
        _CASE_V2_SPEC[_name] = (_V2_PARSERS[_name], _spec[1])
    else:
        _CASE_V2_SPEC[_name] = _spec


def _load(text: str | bytes) -> Any:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CaseError("", f"not UTF-8 (byte {error.start})") from None
    try:
        return json.loads(
            text, parse_float=Decimal, parse_constant=_no_constant, object_pairs_hook=_pairs
        )
    except json.JSONDecodeError as error:
        raise CaseError(
            "", f"not JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:
        raise CaseError("", f"not JSON ({error})") from None


def parse_case(document: str | bytes | Mapping[str, Any]) -> m.Case:
    """Parse and validate a case given as JSON text (or bytes) or as an already-decoded dict."""
    data = _load(document) if isinstance(document, str | bytes) else document
    if not isinstance(data, Mapping):
        raise CaseError("", f"not a JSON object ({_show(data)})")
    # An unknown or missing format is read by the shape that fits, so its other faults read
    # as they always did; the format's own error still comes in key order.
    version = data.get("format")
    if version not in m.FORMATS:
        version = m.FORMAT if "workers" in data else m.FORMAT_V1
    spec = _CASE_V1_SPEC if version == m.FORMAT_V1 else _CASE_V2_SPEC
    fields = _fields(data, "", spec)
    case = m.Case(**fields)
    ids = {activity.id for activity in case.recruitment}
    for index, applicant in enumerate(case.applicants):
        if applicant.source is not None and applicant.source not in ids:
            raise CaseError(
                f"applicants[{index}].source",
                f"names no recruitment activity ({_show(applicant.source)})",
            )
    _check_links(case)
    return case


def _check_links(case: m.Case) -> None:
    """Payments and custody name a worker and a third party by their index in the lists."""
    workers = len(case.workers or ())
    parties = len(case.third_parties or ())
    for name, items in (("payments", case.payments), ("document_custody", case.document_custody)):
        for index, item in enumerate(items or ()):
            if item.worker is not None and item.worker >= workers:
                raise CaseError(
                    f"{name}[{index}].worker",
                    f"names no worker ({item.worker}; workers are counted from 0)",
                )
            third_party = getattr(item, "third_party", None)
            if third_party is not None and third_party >= parties:
                raise CaseError(
                    f"{name}[{index}].third_party",
                    f"names no third party ({third_party}; third_parties are counted from 0)",
                )
