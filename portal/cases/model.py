"""The case model: frozen dataclasses mirroring the JSON format, key for key.

Two formats: ``lmia-case/2`` (:data:`FORMAT`, what the portal writes: one offer per named worker
under ``workers[].offer``) and ``lmia-case/1`` (:data:`FORMAT_V1`, a single top-level
``offer``), still read. A :class:`Case` remembers its format, so a v1 file is written back as v1.

Field names are the JSON keys. Dates are ``datetime.date``, money and hours ``Decimal``, counts
``int``, lists tuples (so a case is immutable and hashable). An optional key that was omitted or
``null`` is ``None``; an optional list that was given empty is ``()``, which is not the same.
Enumerations are plain strings; the allowed values are the tuples below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

FORMAT = "lmia-case/2"
FORMAT_V1 = "lmia-case/1"
FORMATS = (FORMAT_V1, FORMAT)

PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
STREAMS = ("high_wage", "low_wage", "global_talent", "agricultural", "pr_only")
WAGE_PERIODS = ("hour", "week", "month", "year")
METHODS = (
    "job_bank",
    "job_board",
    "occupation_site",
    "newspaper",
    "professional_association",
    "union",
    "community_organization",
    "underrepresented_group_org",
    "employment_centre",
    "job_fair",
    "recruitment_agency",
    "internal",
    "social_media",
    "other",
)
ACTIVITY_KINDS = ("posting", "event")
TARGET_GROUPS = (
    "indigenous",
    "vulnerable_youth",
    "newcomers",
    "persons_with_disabilities",
    "asylum_claimants",
)
PUBLISHED_LANGUAGES = ("en", "fr")
JOB_MATCH_MODES = ("default", "strict")
APPLICANT_STATUSES = ("citizen", "permanent_resident", "authorized", "foreign", "unknown")
CHANNELS = ("direct_apply", "job_match", "email", "in_person", "other")
REASON_CODES = (
    "lacks_education",
    "lacks_experience",
    "lacks_certification",
    "lacks_language_en_fr",
    "declined_offer",
    "no_show",
    "no_response",
    "withdrew",
    "failed_reference_check",
    "not_available_for_schedule",
    "not_suitable",
    "overqualified",
    "other",
)
PLAN_KINDS = ("recruit", "retain", "train", "underrepresented", "permanent_residence")
EMPLOYER_PAID = ("round_trip_travel", "health_insurance", "housing", "workplace_safety_insurance")
OFFER_LANGUAGES = ("en", "fr")
WORKER_LANGUAGES = ("en", "fr")
PAY_FREQUENCIES = ("weekly", "biweekly", "semi_monthly", "monthly")
THIRD_PARTY_ROLES = ("recruiter", "representative")
PARTIES = (
    "employer",
    "owner",
    "worker",
    "worker_family",
    "recruiter",
    "representative",
    "government",
    "other",
)
PURPOSES = (
    "recruitment_fee",
    "placement_fee",
    "lmia_fee",
    "representative_fee",
    "processing_fee",
    "job_offer",
    "travel",
    "health_insurance",
    "housing",
    "wages",
    "wages_returned",
    "loan",
    "loan_repayment",
    "training",
    "statutory",
    "other",
)
# lmia-case/2 adds purposes ruleset 3 will need (lmia-domain.md §7.4); v1 keeps rejecting them.
PURPOSES_V2 = (*PURPOSES, "utilities", "meals", "government_agent")
PROGRAMS = ("sawp", "agricultural_stream")
ATTESTATION_LANGUAGES = ("en", "fr")
PAYMENT_VIAS = ("transfer", "cash", "deduction", "cheque", "card", "other")
DOCUMENTS = ("passport", "work_permit", "other")
HOLDERS = ("employer", "owner", "recruiter", "other")

Stream = Literal["high_wage", "low_wage", "global_talent", "agricultural", "pr_only"]
WagePeriod = Literal["hour", "week", "month", "year"]
ActivityKind = Literal["posting", "event"]

_frozen = dataclass(frozen=True, kw_only=True)


@_frozen
class Address:
    street: str
    city: str
    province: str
    postal_code: str


@_frozen
class WorkLocation:
    street: str
    city: str
    province: str
    postal_code: str
    economic_region: str | None = None
    cma: str | None = None
    admin_region: str | None = None


@_frozen
class Wage:
    """``{"amount", "per"}``; ``amount`` is ``None`` only in an ad that gave no figure."""

    amount: Decimal | None
    per: WagePeriod


@_frozen
class WageRange:
    """An ad's wage range ``{"min", "max", "per"}``."""

    min: Decimal | None = None
    max: Decimal | None = None
    per: WagePeriod


@_frozen
class Employer:
    legal_name: str
    operating_name: str
    business_number: str
    address: Address
    naics: str | None = None
    employees_at_location: int | None = None
    low_wage_tfws_at_location: int | None = None
    on_noncompliance_list: bool | None = None
    lmia_revoked_on: date | None = None


@_frozen
class Requirements:
    education: str | None = None
    experience: str | None = None
    experience_years: Decimal | None = None
    languages: tuple[str, ...] | None = None


@_frozen
class Position:
    title: str
    noc: str
    stream: Stream
    program: str | None = None  # lmia-case/2 only: sawp | agricultural_stream
    caregiver: bool | None = None
    seasonal: bool | None = None
    quebec_facilitated: bool | None = None
    advertising_variation: str | None = None
    work_location: WorkLocation
    wage: Wage
    hours_per_week: Decimal
    positions: int
    duration_months: int
    duties: str
    requirements: Requirements | None = None
    language_justification: str | None = None
    benefits: str | None = None
    terms: str | None = None
    prevailing_wage: Wage | None = None
    prevailing_wage_source: str | None = None
    incumbent_wage: Wage | None = None
    live_in_required: bool | None = None


@_frozen
class Ad:
    operating_name: str | None = None
    business_address: str | None = None
    title: str | None = None
    duties: str | None = None
    terms: str | None = None
    wage: Wage | WageRange | None = None
    benefits: str | None = None
    work_location: str | None = None
    contact: str | None = None
    education: str | None = None
    experience: str | None = None
    languages: tuple[str, ...] | None = None
    published_languages: tuple[str, ...] | None = None


@_frozen
class Activity:
    id: str
    method: str
    kind: ActivityKind
    start: date | None = None
    end: date | None = None
    date: date | None = None
    platform: str | None = None
    national: bool | None = None
    target_groups: tuple[str, ...] | None = None
    reference: str | None = None
    direct_apply: bool | None = None
    ad: Ad | None = None


@_frozen
class Match:
    first_seen: date
    stars: int
    invited_on: date | None = None


@_frozen
class JobMatch:
    mode: str
    matches: tuple[Match, ...]


@_frozen
class Applicant:
    name: str
    status: str
    source: str | None = None
    channel: str | None = None
    applied_on: date
    resume_downloaded_on: date | None = None
    interviewed_on: date | None = None
    offered: bool | None = None
    hired: bool | None = None
    reason_code: str | None = None
    reason_detail: str | None = None


@_frozen
class PlanActivity:
    kind: str
    description: str


@_frozen
class TransitionPlan:
    exemption: str | None = None
    activities: tuple[PlanActivity, ...]


@_frozen
class Deduction:
    purpose: str
    amount: Decimal
    per: WagePeriod


@_frozen
class Offer:
    date: date | None = None
    worker_name: str | None = None
    employer_legal_name: str | None = None
    employer_address: Address | None = None
    title: str | None = None
    noc: str | None = None
    duties: str | None = None
    work_location: Address | None = None
    wage: Wage | None = None
    hours_per_week: Decimal | None = None
    overtime: str | None = None
    vacation: str | None = None
    benefits: str | None = None
    start_date: date | None = None
    duration_months: int | None = None
    deductions: tuple[Deduction, ...] | None = None
    employer_paid: tuple[str, ...] | None = None
    housing_rent_monthly: Decimal | None = None
    states_no_fees: bool | None = None
    language: str | None = None
    signed_by_employer_on: date | None = None
    signed_by_worker_on: date | None = None
    # lmia-case/2 only (the v1 parser rejects them as unknown keys).
    employer_operating_name: str | None = None
    business_number: str | None = None
    pay_frequency: str | None = None
    schedule: str | None = None
    statutory_holidays: str | None = None
    probation: str | None = None
    termination_notice: str | None = None
    housing_terms: str | None = None
    lmia_number: str | None = None
    employer_portal_offer_number: str | None = None
    rights_information_given_on: date | None = None
    signed_by_employer_name: str | None = None
    signed_by_worker_name: str | None = None


@_frozen
class ReportedPayment:
    """A payment a worker reports in their attestation, in their own words."""

    payee: str
    amount: Decimal
    paid_on: date | None = None
    what_for: str | None = None


@_frozen
class Attestation:
    """A worker's latest answered attestation (lmia-case/2 ``workers[i].attestation``)."""

    answered_on: date
    language: str
    paid: bool
    payments: tuple[ReportedPayment, ...] | None = None
    holds_passport: bool | None = None
    holds_permit: bool | None = None
    contract_before_start_in_language: bool | None = None
    knows_help: bool | None = None


@_frozen
class Worker:
    """A named foreign worker of an ``lmia-case/2`` case, with their own job offer."""

    name: str | None = None
    country: str | None = None
    email: str | None = None
    language: str | None = None
    english_requested_on: date | None = None
    planned_start_date: date | None = None
    offer: Offer | None = None
    attestation: Attestation | None = None


@_frozen
class ThirdParty:
    name: str
    role: str
    province: str | None = None
    paid: bool | None = None
    licence_number: str | None = None
    cicc_number: str | None = None
    law_society: str | None = None
    # lmia-case/2 only (the v1 parser rejects them as unknown keys).
    employer_wide: bool | None = None
    contract_on_file: bool | None = None
    contract_forbids_worker_fees: bool | None = None


@_frozen
class Payment:
    date: date | None = None
    payer: str
    payee: str
    amount: Decimal
    purpose: str
    via: str | None = None
    # lmia-case/2 only: 0-based indexes into ``workers`` and ``third_parties``, and a note.
    worker: int | None = None
    third_party: int | None = None
    note: str | None = None


@_frozen
class DocumentCustody:
    document: str
    held_by: str
    since: date | None = None
    worker: int | None = None  # lmia-case/2 only: 0-based index into ``workers``


@_frozen
class Case:
    submission_date: date | None = None
    employer: Employer
    position: Position
    recruitment: tuple[Activity, ...]
    job_bank_alternative_rationale: str | None = None
    job_match: JobMatch | None = None
    applicants: tuple[Applicant, ...]
    transition_plan: TransitionPlan | None = None
    offer: Offer | None = None  # lmia-case/1 only
    workers: tuple[Worker, ...] | None = None  # lmia-case/2 only
    third_parties: tuple[ThirdParty, ...] | None = None
    payments: tuple[Payment, ...] | None = None
    document_custody: tuple[DocumentCustody, ...] | None = None
    # The format the case was read from and is written back in. Left out, it follows the
    # content: a case with a top-level ``offer`` is v1, any other v2.
    format: str = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.format is None:
            object.__setattr__(self, "format", FORMAT_V1 if self.offer is not None else FORMAT)
        if self.format not in FORMATS:
            raise ValueError(f"unknown case format {self.format!r}")
        if self.format == FORMAT_V1 and self.workers is not None:
            raise ValueError(f"an {FORMAT_V1} case has no workers (its offer is `offer`)")
        if self.format == FORMAT and self.offer is not None:
            raise ValueError(f"an {FORMAT} case keeps each offer under workers[].offer")

    def offers(self) -> tuple[tuple[str, Offer], ...]:
        """Each offer with its subject: ``offer`` (v1) or ``workers[i].offer`` (v2, 0-based;
        workers without an offer are skipped)."""
        if self.format == FORMAT_V1:
            return () if self.offer is None else (("offer", self.offer),)
        return tuple(
            (f"workers[{index}].offer", worker.offer)
            for index, worker in enumerate(self.workers or ())
            if worker.offer is not None
        )
