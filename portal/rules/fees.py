"""Fees and fraud signals, FEE and FRAUD [lmia-domain.md §7, §8]."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from portal.cases.model import Payment
from portal.rules import sources as src
from portal.rules.context import Context
from portal.rules.registry import ALL_STREAMS, ERROR, WARNING, Hit, rule
from portal.rules.text import blank, money
from portal.rules.wording import REASON_LABELS, choice, field

AREA = "fees"
FEE_BAN = date(2022, 9, 26)
ALWAYS_UNRECOVERABLE = frozenset({"lmia_fee"})
RECRUITMENT_COSTS = frozenset(
    {
        "recruitment_fee",
        "placement_fee",
        "lmia_fee",
        "representative_fee",
        "processing_fee",
        "job_offer",
    }
)
LOW_WAGE_COSTS = frozenset({"travel", "health_insurance"})
WORKER_SIDE = frozenset({"worker", "worker_family"})
EMPLOYER_SIDE = frozenset({"employer", "owner", "recruiter"})
PURPOSE_WORDS = {
    "recruitment_fee": "a recruitment fee",
    "placement_fee": "a placement fee",
    "lmia_fee": "the LMIA processing fee",
    "representative_fee": "a representative's fee",
    "processing_fee": "a processing fee",
    "job_offer": "a job offer",
    "travel": "travel",
    "health_insurance": "health insurance",
    "housing": "housing",
    "wages": "wages",
    "wages_returned": "wages handed back",
    "loan": "a loan",
    "loan_repayment": "a loan repayment",
    "training": "training",
    "statutory": "statutory deductions",
    "other": "something else",
    "utilities": "utilities",
    "meals": "meals",
    "government_agent": "a government agent's services",
}
PARTY_WORDS = {
    "employer": "the employer",
    "owner": "an owner",
    "worker": "the worker",
    "worker_family": "the worker's family",
    "recruiter": "a recruiter",
    "representative": "a representative",
    "government": "the government",
    "other": "someone else",
}
# Provinces whose law requires recruiters of foreign workers to be licensed, from when (None:
# before any case this portal handles), and where that law is described.
RECRUITER_LICENSING: dict[str, tuple[date | None, str]] = {
    "BC": (None, src.S142),
    "AB": (None, src.S162),
    "SK": (None, src.S150),
    "MB": (None, src.S145),
    "NS": (None, src.S152),
    "ON": (date(2024, 7, 1), src.S160),
    # PE licensing began 2025-04-01 with a grace period, to 2025-07-01, for recruiters who had
    # applied: a missing licence is certain only from 2025-07-01.
    "PE": (date(2025, 7, 1), src.PE_TFWPA),
    "QC": (date(2020, 1, 1), src.S76),
}
_CICC_NUMBER = re.compile(r"R[0-9]{6}")
HOUSING_SHARE = Fraction(30, 100)
GENERIC_REASONS = frozenset({"not_suitable", "overqualified", "other"})
REVOCATION_YEARS = 2


def unrecoverable(ctx: Context) -> frozenset[str]:
    """Purposes that may not be charged to or recovered from the worker on the submission date."""
    if ctx.d < FEE_BAN:
        return ALWAYS_UNRECOVERABLE
    if ctx.group in ("LW", "AG"):
        return RECRUITMENT_COSTS | LOW_WAGE_COSTS
    return RECRUITMENT_COSTS


def charged_to_worker(payment: Payment) -> bool:
    return payment.payer in WORKER_SIDE or payment.via == "deduction"


def fee_recovered(ctx: Context, payment: Payment) -> bool:
    """Is this a payment FEE-NO-RECOVERY reports?"""
    return charged_to_worker(payment) and payment.purpose in unrecoverable(ctx)


def worker_name(ctx: Context, index: int | None) -> str | None:
    """The worker a payment or custody row names, as the portal lists them ("Worker 2" without
    a name); None when the row names no worker."""
    workers = ctx.case.workers or ()
    if index is None or not 0 <= index < len(workers):
        return None
    name = (workers[index].name or "").strip()
    return name or f"Worker {index + 1}"


def _party(ctx: Context, payment: Payment, side: str) -> str:
    """Who paid (``side`` "payer") or was paid ("payee"), by name when the payment is linked:
    the worker it names for the worker's side, the third party it names for a recruiter or
    representative; else the words of the role."""
    role = getattr(payment, side)
    if role == "worker" and (name := worker_name(ctx, payment.worker)):
        return name
    if role == "worker_family" and (name := worker_name(ctx, payment.worker)):
        return f"{name}'s family"
    parties = ctx.case.third_parties or ()
    linked = payment.third_party
    if role in ("recruiter", "representative") and linked is not None and linked < len(parties):
        return f"{parties[linked].name.strip()} ({role})"
    return PARTY_WORDS[role]


def offer_of_worker(ctx: Context, index: int | None):
    """The offer of the worker a payment names, when it states a wage; else None."""
    workers = ctx.case.workers or ()
    if index is None or not 0 <= index < len(workers):
        return None
    offer = workers[index].offer
    return offer if offer is not None and offer.wage is not None else None


@rule(
    "FEE-NO-RECOVERY",
    title="No recruitment costs charged to the worker",
    severity=ERROR,
    area=AREA,
    citation=src.S1,
    streams=ALL_STREAMS,
    applies="all",
    evidence="payroll records and receipts showing the cost was refunded to the worker",
)
def worker_charged_recruitment_costs(ctx: Context) -> Iterator[Hit]:
    """The worker must not pay, or have recovered from them, the costs of recruiting them.

    The LMIA fee never; from 2022-09-26 also recruitment, placement, representative and
    processing fees and payment for a job offer; for low-wage and agricultural positions also
    travel and health insurance. Covers payments by the worker or their family, deductions from
    pay, and deductions written into the offer (each worker's offer in lmia-case/2). One finding
    per payment or deduction. Also one per payment a worker reports in their attestation (they
    were asked what they or their family paid for the job, the offer or the LMIA), from
    2022-09-26, and one when a worker answers that they paid without saying whom.
    """
    barred = unrecoverable(ctx)
    for index, payment in enumerate(ctx.case.payments or ()):
        if not (charged_to_worker(payment) and payment.purpose in barred):
            continue
        worker = worker_name(ctx, payment.worker)
        whose = f"{worker}'s" if worker else "the worker's"
        how = (
            f"was deducted from {whose} pay"
            if payment.via == "deduction"
            else f"was paid by {_party(ctx, payment, 'payer')}"
        )
        when = f" on {payment.date}" if payment.date else ""
        yield Hit(
            f"payments[{index}]",
            f"{money(payment.amount)} for {PURPOSE_WORDS[payment.purpose]} {how}{when} to "
            f"{_party(ctx, payment, 'payee')}; this cost may not be charged to the worker.",
            "Refund the worker in full, stop any such charge, and keep proof of the refund.",
        )
    if ctx.d >= FEE_BAN:
        yield from _reported_payments(ctx)
    for item in ctx.offers:
        for index, deduction in enumerate(item.offer.deductions or ()):
            if deduction.purpose in barred:
                yield Hit(
                    f"{item.subject}.deductions[{index}]",
                    f"{item.words} deducts {money(deduction.amount)} a {deduction.per} for "
                    f"{PURPOSE_WORDS[deduction.purpose]}; this cost may not be recovered from "
                    "the worker.",
                    "Remove the deduction from the offer; the employer bears this cost.",
                )


def _reported_payments(ctx: Context) -> Iterator[Hit]:
    """What workers say they paid, in their attestations: things to check, not conclusions."""
    for index, worker in enumerate(ctx.case.workers or ()):
        attestation = worker.attestation
        if attestation is None:
            continue
        name = worker_name(ctx, index)
        reported = attestation.payments or ()
        for number, payment in enumerate(reported):
            payee = payment.payee.strip() or "someone"
            what = "" if blank(payment.what_for) else f" ({payment.what_for.strip()})"
            when = f" on {payment.paid_on}" if payment.paid_on else ""
            yield Hit(
                f"workers[{index}].attestation.payments[{number}]",
                f"{name} reports paying {money(payment.amount)} to {payee}{what}{when}.",
                f"Check with {name} and with {payee} what this payment was for. If it was for "
                "the job, the offer or the LMIA, make sure the worker is repaid in full, keep "
                "proof of the refund, and stop working with anyone who charges workers.",
            )
        if attestation.paid and not reported:
            yield Hit(
                f"workers[{index}].attestation",
                f"{name} answered on {attestation.answered_on} that they or their family paid "
                "someone for the job, the offer or the LMIA, without saying whom or how much.",
                f"Ask {name}, in confidence, whom they paid, how much and when; if it was for the "
                "job, make sure the worker is repaid in full and keep proof of the refund.",
            )


@rule(
    "FEE-RECRUITER-LICENSED",
    title="Licensed recruiters and authorized paid representatives",
    severity=ERROR,
    area=AREA,
    citation=src.S142,
    streams=ALL_STREAMS,
    applies="every third party",
    evidence="the recruiter's provincial licence, or the representative's CICC register entry or "
    "law society membership",
    revised="2",
)
def unlicensed_recruiter_or_representative(ctx: Context) -> Iterator[Hit]:
    """Recruiters must hold the licence their province requires; paid representatives must be
    authorized.

    Licensing provinces: BC, AB, SK, MB, NS, ON (from 2024-07-01), PE (from 2025-07-01, the end
    of the grace period after licensing began on 2025-04-01) and QC (from 2020-01-01) — the
    recruiter's own province, else the work province; dates are compared with the submission
    date. A paid representative needs a CICC number (R and 6 digits) or membership of a law
    society (or the Chambre des notaires).
    """
    for index, party in enumerate(ctx.case.third_parties or ()):
        if party.role == "recruiter":
            province = party.province or ctx.province
            licensing = RECRUITER_LICENSING.get(province)
            if licensing is None or not blank(party.licence_number):
                continue
            since, citation = licensing
            if since is not None and ctx.d < since:
                continue
            yield Hit(
                f"third_parties[{index}]",
                f"The recruiter {party.name} has no {province} licence number recorded; "
                f"{province} requires recruiters of foreign workers to be licensed"
                + (f" (since {since})." if since else "."),
                f"Record the recruiter's {province} licence number, or use a licensed recruiter.",
                citation=citation,
            )
        elif party.paid:
            cicc = party.cicc_number is not None and _CICC_NUMBER.fullmatch(party.cicc_number)
            if cicc or not blank(party.law_society):
                continue
            given = (
                f' (the CICC number "{party.cicc_number}" is not R and 6 digits)'
                if party.cicc_number
                else ""
            )
            yield Hit(
                f"third_parties[{index}]",
                f"The paid representative {party.name} has neither a valid CICC number nor a law "
                f"society membership{given}.",
                "Record the representative's CICC number (R and 6 digits) or law society; only "
                "licensed consultants, lawyers and Québec notaries may be paid to represent.",
                citation=src.S133,
            )


@rule(
    "FRAUD-WORKER-PAYS",
    title="Money flowing from the worker to the employer side",
    severity=ERROR,
    area=AREA,
    citation=src.S131,
    streams=ALL_STREAMS,
    applies="all",
    revised="2",
)
def worker_pays_employer(ctx: Context) -> Iterator[Hit]:
    """Money from the worker or their family to the employer, an owner or a recruiter is a sign
    of a sold job or payroll cycling.

    Except statutory deductions (income tax, CPP/QPP, EI withheld for remittance: never a
    signal) and rent for housing of at most 30% of monthly gross pay (of the offer of the worker
    the payment names when it states a wage, else of the first offer that states a wage, else
    the position's); a loan repayment is
    a warning (keep the written loan agreement; repayment from wages must be voluntary and
    allowed by provincial employment standards); wages handed back count whoever receives them.
    Payments FEE-NO-RECOVERY already reports are not repeated.
    """
    for index, payment in enumerate(ctx.case.payments or ()):
        if payment.payer not in WORKER_SIDE or payment.purpose == "statutory":
            continue
        if payment.payee not in EMPLOYER_SIDE and payment.purpose != "wages_returned":
            continue
        if fee_recovered(ctx, payment):
            continue
        offer = offer_of_worker(ctx, payment.worker) or ctx.first_offer_with_wage
        limit = HOUSING_SHARE * ctx.monthly_gross(offer)
        if payment.purpose == "housing" and payment.amount <= limit:
            continue
        detail = ""
        if payment.purpose == "housing":
            detail = f", more than 30% of the monthly gross pay ({money(limit)})"
        when = f" on {payment.date}" if payment.date else ""
        payer = _party(ctx, payment, "payer")
        paid = (
            f"{payer[0].upper()}{payer[1:]} paid "
            f"{money(payment.amount)} to {_party(ctx, payment, 'payee')}{when} for "
            f"{PURPOSE_WORDS[payment.purpose]}{detail}."
        )
        if payment.purpose == "loan_repayment":
            yield Hit(
                f"payments[{index}]",
                paid,
                "Keep the written loan agreement and the worker's voluntary, written consent to "
                "each repayment taken from wages, and check that provincial employment "
                "standards allow it; a loan that paid for recruitment or other costs the worker "
                "may not bear must be repaid to the worker.",
                severity=WARNING,
            )
            continue
        yield Hit(
            f"payments[{index}]",
            paid,
            "Explain and document this payment; if it was for the job or wages handed back, "
            "repay the worker and get legal advice.",
        )


@rule(
    "FRAUD-SHAM-REVIEW",
    title="Local applicants all turned away",
    severity=WARNING,
    area=AREA,
    citation=src.S175,
    streams=ALL_STREAMS,
    applies="all with local applicants",
)
def local_applicants_not_genuinely_considered(ctx: Context) -> Iterator[Hit]:
    """Local applicants should be genuinely considered.

    Warns when there are local applicants but none was interviewed and none hired, or when at
    least three were not hired and every one of them was turned away as not suitable,
    overqualified or "other".
    """
    local = [applicant for _, applicant in ctx.local_applicants]
    if not local:
        return
    problems = []
    if not any(a.interviewed_on for a in local) and not any(a.hired for a in local):
        problems.append(f"none of the {len(local)} local applicants was interviewed or hired")
    rejected = [a for a in local if a.hired is not True]
    if len(rejected) >= 3 and all(a.reason_code in GENERIC_REASONS for a in rejected):
        problems.append(
            f"all {len(rejected)} local applicants not hired were turned away as not suitable, "
            "overqualified or other"
        )
    if problems:
        yield Hit(
            "recruitment",
            "The review of local applicants may look like a formality: "
            + "; ".join(problems)
            + ".",
            "Interview qualified local applicants and record the specific reason for each one "
            f"not hired under {field('reason_code')} (e.g. "
            f"{choice(REASON_LABELS['lacks_experience'])}), with details under "
            f"{field('reason_detail')}.",
        )


@rule(
    "FRAUD-OFFER-BEFORE-AD",
    title="Offer made before advertising started",
    severity=WARNING,
    area=AREA,
    citation=src.S131,
    streams=ALL_STREAMS,
    applies="an offer and recruitment exist",
)
def offer_before_advertising(ctx: Context) -> Iterator[Hit]:
    """A job offer dated before any recruitment began suggests the job was promised in advance.

    Per offer (each worker's in lmia-case/2).
    """
    if not ctx.activities:
        return
    starts = [a.start if a.kind == "posting" else a.date for a in ctx.activities]
    first = min(day for day in starts if day is not None)
    for item in ctx.offers:
        offer = item.offer
        if offer.date is not None and offer.date < first:
            yield Hit(
                item.subject,
                f"{item.words} is dated {offer.date}, before the first recruitment activity "
                f"began ({first}).",
                "Explain why the offer came first; an officer may conclude the job was never "
                "open to local applicants.",
            )


@rule(
    "FRAUD-DOCUMENT-CUSTODY",
    title="Worker's passport or permit held by others",
    severity=ERROR,
    area=AREA,
    citation=src.S149,
    streams=ALL_STREAMS,
    applies="all",
)
def identity_documents_held(ctx: Context) -> Iterator[Hit]:
    """No employer, owner or recruiter may hold a worker's passport or work permit.

    From the custody records, and from a worker's attestation answering that they do not hold
    their own passport or permit (whoever holds it: the worker is asked, not the holder).
    """
    words = {"passport": "passport", "work_permit": "work permit"}
    for index, custody in enumerate(ctx.case.document_custody or ()):
        if custody.document in words and custody.held_by in EMPLOYER_SIDE:
            holder = PARTY_WORDS[custody.held_by]
            held = (
                f"has been held by {holder} since {custody.since}"
                if custody.since
                else f"is held by {holder}"
            )
            worker = worker_name(ctx, custody.worker)
            whose = f"{worker}'s" if worker else "The worker's"
            yield Hit(
                f"document_custody[{index}]",
                f"{whose} {words[custody.document]} {held}.",
                "Give the document back to the worker now; it may not be kept, even for "
                "safekeeping.",
            )
    for index, worker in enumerate(ctx.case.workers or ()):
        attestation = worker.attestation
        if attestation is None:
            continue
        missing = [
            document
            for document, holds in (
                ("passport", attestation.holds_passport),
                ("work permit", attestation.holds_permit),
            )
            if holds is False
        ]
        if missing:
            name = worker_name(ctx, index)
            yield Hit(
                f"workers[{index}].attestation",
                f"{name} answered on {attestation.answered_on} that they do not hold their own "
                f"{' or '.join(missing)}.",
                f"Ask {name}, in confidence, who holds the {' and the '.join(missing)}, and make "
                "sure it is given back; no employer, owner or recruiter may keep it, even for "
                "safekeeping.",
            )


@rule(
    "FRAUD-HEADCOUNT",
    title="More positions than employees",
    severity=WARNING,
    area=AREA,
    citation=src.S9,
    streams=ALL_STREAMS,
    applies="employees_at_location given",
)
def positions_exceed_headcount(ctx: Context) -> Iterator[Hit]:
    """Asking for more workers than the location employs (and more than two) needs explaining."""
    employees = ctx.case.employer.employees_at_location
    positions = ctx.position.positions
    if employees is None or positions <= employees or positions <= 2:
        return
    yield Hit(
        "position",
        f"{positions} positions are requested for a location with {employees} employees.",
        "Document the business need (contracts, expansion plans, revenue) that justifies the "
        "number of positions.",
    )


@rule(
    "FRAUD-NONCOMPLIANT",
    title="Employer non-compliant or LMIA revoked",
    severity=ERROR,
    area=AREA,
    citation=src.S3,
    streams=ALL_STREAMS,
    applies="all",
)
def employer_noncompliant(ctx: Context) -> Iterator[Hit]:
    """ESDC refuses to process for employers on the non-compliant list or with an LMIA revoked in
    the past 2 years.
    """
    employer = ctx.case.employer
    problems = []
    if employer.on_noncompliance_list:
        problems.append("the employer is on IRCC's list of non-compliant employers")
    revoked = employer.lmia_revoked_on
    since = ctx.d - relativedelta(years=REVOCATION_YEARS)
    if revoked is not None and since <= revoked <= ctx.d:
        problems.append(f"an LMIA was revoked on {revoked}, within 2 years before {ctx.d}")
    if problems:
        yield Hit(
            "employer",
            "ESDC will refuse to process: " + "; ".join(problems) + ".",
            "Get legal advice; the application cannot proceed until the ban or the 2-year period "
            "ends.",
        )
