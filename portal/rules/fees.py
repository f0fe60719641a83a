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
from portal.rules.phrase import Capitalised, Joined, phrase, plural_phrase
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
    "recruitment_fee": phrase("a recruitment fee"),
    "placement_fee": phrase("a placement fee"),
    "lmia_fee": phrase("the LMIA processing fee"),
    "representative_fee": phrase("a representative's fee"),
    "processing_fee": phrase("a processing fee"),
    "job_offer": phrase("a job offer"),
    "travel": phrase("travel"),
    "health_insurance": phrase("health insurance"),
    "housing": phrase("housing"),
    "wages": phrase("wages"),
    "wages_returned": phrase("wages handed back"),
    "loan": phrase("a loan"),
    "loan_repayment": phrase("a loan repayment"),
    "training": phrase("training"),
    "statutory": phrase("statutory deductions"),
    "other": phrase("something else"),
    "utilities": phrase("utilities"),
    "meals": phrase("meals"),
    "government_agent": phrase("a government agent's services"),
}
# A deduction's period, as "a %(per)s" reads: "$50.00 a week".
PER_WORDS = {
    "hour": phrase("an hour"),
    "week": phrase("a week"),
    "month": phrase("a month"),
    "year": phrase("a year"),
}
PARTY_WORDS = {
    "employer": phrase("the employer"),
    "owner": phrase("an owner"),
    "worker": phrase("the worker"),
    "worker_family": phrase("the worker's family"),
    "recruiter": phrase("a recruiter"),
    "representative": phrase("a representative"),
    "government": phrase("the government"),
    "other": phrase("someone else"),
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
    return name or phrase("Worker %(number)s", number=index + 1)


def _party(ctx: Context, payment: Payment, side: str) -> str:
    """Who paid (``side`` "payer") or was paid ("payee"), by name when the payment is linked:
    the worker it names for the worker's side, the third party it names for a recruiter or
    representative; else the words of the role."""
    role = getattr(payment, side)
    if role == "worker" and (name := worker_name(ctx, payment.worker)):
        return name
    if role == "worker_family" and (name := worker_name(ctx, payment.worker)):
        return phrase("%(name)s's family", name=name)
    parties = ctx.case.third_parties or ()
    linked = payment.third_party
    if role in ("recruiter", "representative") and linked is not None and linked < len(parties):
        name = parties[linked].name.strip()
        if role == "recruiter":
            return phrase("%(name)s (recruiter)", name=name)
        return phrase("%(name)s (representative)", name=name)
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
    title=phrase("No recruitment costs charged to the worker"),
    severity=ERROR,
    area=AREA,
    citation=src.S1,
    streams=ALL_STREAMS,
    applies="all",
    evidence=phrase("payroll records and receipts showing the cost was refunded to the worker"),
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
        if payment.via != "deduction":
            how = phrase("was paid by %(payer)s", payer=_party(ctx, payment, "payer"))
        elif worker:
            how = phrase("was deducted from %(worker)s's pay", worker=worker)
        else:
            how = phrase("was deducted from the worker's pay")
        values = {
            "amount": money(payment.amount),
            "purpose": PURPOSE_WORDS[payment.purpose],
            "how": how,
            "payee": _party(ctx, payment, "payee"),
        }
        yield Hit(
            f"payments[{index}]",
            (
                phrase(
                    "%(amount)s for %(purpose)s %(how)s on %(date)s to %(payee)s; this cost may "
                    "not be charged to the worker.",
                    date=payment.date,
                    **values,
                )
                if payment.date
                else phrase(
                    "%(amount)s for %(purpose)s %(how)s to %(payee)s; this cost may not be "
                    "charged to the worker.",
                    **values,
                )
            ),
            phrase(
                "Refund the worker in full, stop any such charge, and keep proof of the refund."
            ),
        )
    if ctx.d >= FEE_BAN:
        yield from _reported_payments(ctx)
    for item in ctx.offers:
        for index, deduction in enumerate(item.offer.deductions or ()):
            if deduction.purpose in barred:
                yield Hit(
                    f"{item.subject}.deductions[{index}]",
                    phrase(
                        "%(offer)s deducts %(amount)s %(per)s for %(purpose)s; this cost may not "
                        "be recovered from the worker.",
                        offer=item.words,
                        amount=money(deduction.amount),
                        per=PER_WORDS[deduction.per],
                        purpose=PURPOSE_WORDS[deduction.purpose],
                    ),
                    phrase("Remove the deduction from the offer; the employer bears this cost."),
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
            payee = payment.payee.strip() or phrase("someone")
            to_whom = (
                payee
                if blank(payment.what_for)
                else phrase("%(payee)s (%(what)s)", payee=payee, what=payment.what_for.strip())
            )
            amount = money(payment.amount)
            yield Hit(
                f"workers[{index}].attestation.payments[{number}]",
                (
                    phrase(
                        "%(name)s reports paying %(amount)s to %(payee)s on %(date)s.",
                        name=name,
                        amount=amount,
                        payee=to_whom,
                        date=payment.paid_on,
                    )
                    if payment.paid_on
                    else phrase(
                        "%(name)s reports paying %(amount)s to %(payee)s.",
                        name=name,
                        amount=amount,
                        payee=to_whom,
                    )
                ),
                phrase(
                    "Check with %(name)s and with %(payee)s what this payment was for. If it was "
                    "for the job, the offer or the LMIA, make sure the worker is repaid in full, "
                    "keep proof of the refund, and stop working with anyone who charges workers.",
                    name=name,
                    payee=payee,
                ),
            )
        if attestation.paid and not reported:
            yield Hit(
                f"workers[{index}].attestation",
                phrase(
                    "%(name)s answered on %(date)s that they or their family paid someone for the "
                    "job, the offer or the LMIA, without saying whom or how much.",
                    name=name,
                    date=attestation.answered_on,
                ),
                phrase(
                    "Ask %(name)s, in confidence, whom they paid, how much and when; if it was for "
                    "the job, make sure the worker is repaid in full and keep proof of the refund.",
                    name=name,
                ),
            )


@rule(
    "FEE-RECRUITER-LICENSED",
    title=phrase("Licensed recruiters and authorized paid representatives"),
    severity=ERROR,
    area=AREA,
    citation=src.S142,
    streams=ALL_STREAMS,
    applies="every third party",
    evidence=phrase(
        "the recruiter's provincial licence, or the representative's CICC register entry or "
        "law society membership"
    ),
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
                (
                    phrase(
                        "The recruiter %(name)s has no %(province)s licence number recorded; "
                        "%(province)s requires recruiters of foreign workers to be licensed "
                        "(since %(since)s).",
                        name=party.name,
                        province=province,
                        since=since,
                    )
                    if since
                    else phrase(
                        "The recruiter %(name)s has no %(province)s licence number recorded; "
                        "%(province)s requires recruiters of foreign workers to be licensed.",
                        name=party.name,
                        province=province,
                    )
                ),
                phrase(
                    "Record the recruiter's %(province)s licence number, or use a licensed "
                    "recruiter.",
                    province=province,
                ),
                citation=citation,
            )
        elif party.paid:
            cicc = party.cicc_number is not None and _CICC_NUMBER.fullmatch(party.cicc_number)
            if cicc or not blank(party.law_society):
                continue
            yield Hit(
                f"third_parties[{index}]",
                (
                    phrase(
                        "The paid representative %(name)s has neither a valid CICC number nor a "
                        'law society membership (the CICC number "%(number)s" is not R and 6 '
                        "digits).",
                        name=party.name,
                        number=party.cicc_number,
                    )
                    if party.cicc_number
                    else phrase(
                        "The paid representative %(name)s has neither a valid CICC number nor a "
                        "law society membership.",
                        name=party.name,
                    )
                ),
                phrase(
                    "Record the representative's CICC number (R and 6 digits) or law society; "
                    "only licensed consultants, lawyers and Québec notaries may be paid to "
                    "represent."
                ),
                citation=src.S133,
            )


@rule(
    "FRAUD-WORKER-PAYS",
    title=phrase("Money flowing from the worker to the employer side"),
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
        purpose = PURPOSE_WORDS[payment.purpose]
        if payment.purpose == "housing":
            purpose = phrase(
                "%(purpose)s, more than 30%% of the monthly gross pay (%(limit)s)",
                purpose=purpose,
                limit=money(limit),
            )
        values = {
            "payer": Capitalised(_party(ctx, payment, "payer")),
            "amount": money(payment.amount),
            "payee": _party(ctx, payment, "payee"),
            "purpose": purpose,
        }
        paid = (
            phrase(
                "%(payer)s paid %(amount)s to %(payee)s on %(date)s for %(purpose)s.",
                date=payment.date,
                **values,
            )
            if payment.date
            else phrase("%(payer)s paid %(amount)s to %(payee)s for %(purpose)s.", **values)
        )
        if payment.purpose == "loan_repayment":
            yield Hit(
                f"payments[{index}]",
                paid,
                phrase(
                    "Keep the written loan agreement and the worker's voluntary, written consent "
                    "to each repayment taken from wages, and check that provincial employment "
                    "standards allow it; a loan that paid for recruitment or other costs the "
                    "worker may not bear must be repaid to the worker."
                ),
                severity=WARNING,
            )
            continue
        yield Hit(
            f"payments[{index}]",
            paid,
            phrase(
                "Explain and document this payment; if it was for the job or wages handed back, "
                "repay the worker and get legal advice."
            ),
        )


@rule(
    "FRAUD-SHAM-REVIEW",
    title=phrase("Local applicants all turned away"),
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
        problems.append(
            plural_phrase(
                "the only local applicant was not interviewed or hired",
                "none of the %(num)d local applicants was interviewed or hired",
                len(local),
            )
        )
    rejected = [a for a in local if a.hired is not True]
    if len(rejected) >= 3 and all(a.reason_code in GENERIC_REASONS for a in rejected):
        problems.append(
            phrase(
                "all %(count)s local applicants not hired were turned away as not suitable, "
                "overqualified or other",
                count=len(rejected),
            )
        )
    if problems:
        yield Hit(
            "recruitment",
            phrase(
                "The review of local applicants may look like a formality: %(problems)s.",
                problems=Joined(problems, "; "),
            ),
            phrase(
                "Interview qualified local applicants and record the specific reason for each "
                "one not hired under %(reason_field)s (e.g. %(example)s), with details under "
                "%(detail_field)s.",
                reason_field=field("reason_code"),
                example=choice(REASON_LABELS["lacks_experience"]),
                detail_field=field("reason_detail"),
            ),
        )


@rule(
    "FRAUD-OFFER-BEFORE-AD",
    title=phrase("Offer made before advertising started"),
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
                phrase(
                    "%(offer)s is dated %(date)s, before the first recruitment activity began "
                    "(%(first)s).",
                    offer=item.words,
                    date=offer.date,
                    first=first,
                ),
                phrase(
                    "Explain why the offer came first; an officer may conclude the job was never "
                    "open to local applicants."
                ),
            )


@rule(
    "FRAUD-DOCUMENT-CUSTODY",
    title=phrase("Worker's passport or permit held by others"),
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
    words = {"passport": phrase("passport"), "work_permit": phrase("work permit")}
    for index, custody in enumerate(ctx.case.document_custody or ()):
        if custody.document in words and custody.held_by in EMPLOYER_SIDE:
            holder = PARTY_WORDS[custody.held_by]
            held = (
                phrase(
                    "has been held by %(holder)s since %(since)s",
                    holder=holder,
                    since=custody.since,
                )
                if custody.since
                else phrase("is held by %(holder)s", holder=holder)
            )
            worker = worker_name(ctx, custody.worker)
            document = words[custody.document]
            whose = (
                phrase("%(worker)s's %(document)s", worker=worker, document=document)
                if worker
                else phrase("The worker's %(document)s", document=document)
            )
            yield Hit(
                f"document_custody[{index}]",
                phrase("%(document)s %(held)s.", document=whose, held=held),
                phrase(
                    "Give the document back to the worker now; it may not be kept, even for "
                    "safekeeping."
                ),
            )
    for index, worker in enumerate(ctx.case.workers or ()):
        attestation = worker.attestation
        if attestation is None:
            continue
        passport, permit = attestation.holds_passport is False, attestation.holds_permit is False
        if passport and permit:
            either = phrase("passport or work permit")
            both = phrase("passport and the work permit")
        elif passport or permit:
            either = both = words["passport" if passport else "work_permit"]
        else:
            continue
        name = worker_name(ctx, index)
        yield Hit(
            f"workers[{index}].attestation",
            phrase(
                "%(name)s answered on %(date)s that they do not hold their own %(documents)s.",
                name=name,
                date=attestation.answered_on,
                documents=either,
            ),
            phrase(
                "Ask %(name)s, in confidence, who holds the %(documents)s, and make sure it is "
                "given back; no employer, owner or recruiter may keep it, even for safekeeping.",
                name=name,
                documents=both,
            ),
        )


@rule(
    "FRAUD-HEADCOUNT",
    title=phrase("More positions than employees"),
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
        phrase(
            "%(positions)s positions are requested for a location with %(employees)s employees.",
            positions=positions,
            employees=employees,
        ),
        phrase(
            "Document the business need (contracts, expansion plans, revenue) that justifies "
            "the number of positions."
        ),
    )


@rule(
    "FRAUD-NONCOMPLIANT",
    title=phrase("Employer non-compliant or LMIA revoked"),
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
        problems.append(phrase("the employer is on IRCC's list of non-compliant employers"))
    revoked = employer.lmia_revoked_on
    since = ctx.d - relativedelta(years=REVOCATION_YEARS)
    if revoked is not None and since <= revoked <= ctx.d:
        problems.append(
            phrase(
                "an LMIA was revoked on %(revoked)s, within 2 years before %(date)s",
                revoked=revoked,
                date=ctx.d,
            )
        )
    if problems:
        yield Hit(
            "employer",
            phrase("ESDC will refuse to process: %(problems)s.", problems=Joined(problems, "; ")),
            phrase(
                "Get legal advice; the application cannot proceed until the ban or the 2-year "
                "period ends."
            ),
        )
