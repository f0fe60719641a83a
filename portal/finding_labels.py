"""Name what a finding is about as the user knows it, not as a path into the case file.

A finding's ``subject`` is a path into the case document (``applicants[4]``, ``workers[1].offer``,
``recruitment[2]``, ``job_match.matches[1]``, ``applicants[4].reason_detail``): right for the
case file, ``lmia check`` and the keys of waivers and reviews, but not what a screen shows.
:class:`SubjectLabeller` turns it into a label ("Applicant: Priya Sharma · The reason in your
words", "A3 · Indeed") and a :class:`RecordRef` saying which record's page shows it; the web
view turns that reference into a URL, the bundle prints the label alone.

Plain Python (no Flask): the labels are English, like the findings' messages. Field names are
the form labels of the pages where the user edits them (a test keeps them equal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from portal.cases import Case

# --- What the labeller returns ---------------------------------------------------------------

# The pages a reference can point to; ``id`` is the database id where the page is one record's.
APPLICANT = "applicant"  # id: Applicant.id
APPLICANTS = "applicants"  # the position's applicant log
ACTIVITY = "activity"  # id: RecruitmentActivity.id
RECRUITMENT = "recruitment"  # the position page's list of recruitment activities
JOB_MATCH_ENTRY = "job_match_entry"  # id: JobMatchEntry.id
JOB_MATCH = "job_match"  # the position's Job Match page
POSITION = "position"  # the position (its page and form)
EMPLOYER = "employer"  # the employer's profile
WORKER = "worker"  # id: Worker.id (the worker's page, with their offer)
PAYMENT = "payment"  # id: Payment.id (the money ledger)
THIRD_PARTY = "third_party"  # id: ThirdParty.id (the employer's or the position's)
CUSTODY = "custody"  # id: DocumentCustody.id
ATTESTATION = "attestation"  # id: Attestation.id (the worker's answers, read-only)
PAGES = (
    APPLICANT,
    APPLICANTS,
    ACTIVITY,
    RECRUITMENT,
    JOB_MATCH_ENTRY,
    JOB_MATCH,
    POSITION,
    EMPLOYER,
    WORKER,
    PAYMENT,
    THIRD_PARTY,
    CUSTODY,
    ATTESTATION,
)


@dataclass(frozen=True)
class RecordRef:
    """Which page shows the record; ``id`` is None when the record is not (yet) in the database."""

    page: str
    id: int | None = None
    # The record whose page holds this one, when its URL needs it (an attestation's worker).
    parent_id: int | None = None


@dataclass(frozen=True)
class SubjectLabel:
    subject: str  # the raw path, still the key of waivers and reviews
    record: str  # "Applicant: Sam Nguyen", "A1 · Job Bank", "Position: Line cook"
    field: str | None = None  # the form label of the part the finding is about, if any
    ref: RecordRef | None = None  # None: no page shows this record (e.g. a transition plan)

    @property
    def text(self) -> str:
        return f"{self.record} · {self.field}" if self.field else self.record

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CaseRecords:
    """Database ids behind a case's lists, index for index in the order the case lists them."""

    activities: tuple[int, ...] = ()
    applicants: tuple[int, ...] = ()
    job_matches: tuple[int, ...] = ()
    workers: tuple[int, ...] = ()
    third_parties: tuple[int, ...] = ()
    payments: tuple[int, ...] = ()
    custody: tuple[int, ...] = ()
    # Per worker (index for index with ``workers``): their latest answered attestation, if any.
    attestations: tuple[int | None, ...] = ()


# --- Words: form labels and the case's codes --------------------------------------------------

# Case keys of each record -> the label of the form field that edits them (see
# portal/positions/forms.py and portal/employers/forms.py; test_finding_labels checks them).
APPLICANT_FIELDS = {
    "name": "Name",
    "status": "Status in Canada",
    "source": "Found the job through",
    "channel": "Applied by",
    "applied_on": "Applied on",
    "resume_downloaded_on": "Résumé downloaded on (Direct Apply)",
    "interviewed_on": "Interviewed on",
    "offered": "Offered the job",
    "hired": "Hired",
    "reason_code": "Why not hired",
    "reason_detail": "The reason in your words",
}
ACTIVITY_FIELDS = {
    "method": "Method",
    "kind": "Kind",
    "start": "Posted on",
    "end": "Taken down on",
    "date": "Event date",
    "platform": "Where (site, newspaper, organisation)",
    "national": "National in scope (seen anywhere in Canada)",
    "target_groups": "Under-represented groups targeted",
    "reference": "Job number or link",
    "direct_apply": "Job Bank Direct Apply enabled for the whole posting",
    "ad": "The ad as published",
    "ad.title": "Title in the ad",
    "ad.operating_name": "Business name in the ad",
    "ad.business_address": "Business address in the ad",
    "ad.work_location": "Work location in the ad",
    "ad.duties": "Duties in the ad",
    "ad.terms": "Terms in the ad",
    "ad.wage": "Wage in the ad (or lowest of a range)",
    "ad.wage.min": "Wage in the ad (or lowest of a range)",
    "ad.wage.amount": "Wage in the ad (or lowest of a range)",
    "ad.wage.max": "Highest of the range (if a range)",
    "ad.benefits": "Benefits in the ad",
    "ad.contact": "How to apply (contact)",
    "ad.education": "Education in the ad",
    "ad.experience": "Experience in the ad",
    "ad.languages": "Languages the ad requires",
    "ad.published_languages": "Ad published in",
}
MATCH_FIELDS = {
    "first_seen": "First seen on",
    "stars": "Stars",
    "invited_on": "Invited to apply on",
}
JOB_MATCH_FIELDS = {"mode": "Job Match setting", "matches": "Matches recorded"}
POSITION_FIELDS = {
    "title": "Job title",
    "noc": "NOC 2021 code",
    "stream": "Stream",
    "caregiver": "In-home caregiver position",
    "seasonal": "Seasonal (270 days or less)",
    "quebec_facilitated": "On Québec's facilitated-process list",
    "advertising_variation": "ESDC variation to minimum advertising (if any)",
    "work_location": "Work address",
    "work_location.street": "Work address",
    "work_location.city": "City",
    "work_location.province": "Province or territory",
    "work_location.postal_code": "Postal code",
    "work_location.economic_region": "Economic region (Job Bank)",
    "work_location.cma": "Census metropolitan area (CMA)",
    "work_location.admin_region": "Québec administrative region",
    "wage": "Wage offered",
    "hours_per_week": "Hours per week",
    "positions": "Number of workers",
    "duration_months": "Duration (months)",
    "duties": "Duties",
    "requirements": "Requirements",
    "requirements.education": "Education required",
    "requirements.experience": "Experience required",
    "requirements.experience_years": "Years of experience",
    "requirements.languages": "Languages required",
    "language_justification": "Why another language is needed",
    "benefits": "Benefits",
    "terms": "Terms of employment",
    "prevailing_wage": "Prevailing wage you rely on (optional)",
    "prevailing_wage_source": "Source of that figure",
    "incumbent_wage": "Wage paid to current employees in this job (optional)",
    "live_in_required": "Caregiver must live in (not allowed)",
}
# Top-level keys that the position form edits.
CASE_FIELDS_ON_POSITION = {
    "submission_date": "Planned submission date",
    "job_bank_alternative_rationale": "Reason for not using Job Bank (rare)",
}
# The case keeps these under ``employer``; the portal asks for them on the position form.
EMPLOYER_FIELDS_ON_POSITION = {
    "employees_at_location": "Employees at this work location today",
    "low_wage_tfws_at_location": "Low-wage temporary foreign workers there now",
}
EMPLOYER_FIELDS = {
    "legal_name": "Legal name",
    "operating_name": "Operating name (if different)",
    "business_number": "CRA business number",
    "address": "Business address",
    "address.street": "Business address",
    "address.city": "City",
    "address.province": "Province or territory",
    "address.postal_code": "Postal code",
    "naics": "NAICS code (optional)",
    "on_noncompliance_list": "On IRCC's list of non-compliant employers",
    "lmia_revoked_on": "Date of the last LMIA revocation",
}
# No page edits these (they come from an imported case file): plain words for their parts.
OFFER_FIELDS = {
    "date": "date of the offer",
    "worker_name": "worker's name",
    "employer_legal_name": "employer's legal name",
    "employer_address": "employer's address",
    "title": "job title",
    "noc": "NOC code",
    "duties": "duties",
    "work_location": "work location",
    "wage": "wage",
    "hours_per_week": "hours per week",
    "overtime": "overtime",
    "vacation": "vacation",
    "benefits": "benefits",
    "start_date": "start date",
    "duration_months": "duration",
    "deductions": "deductions",
    "employer_paid": "costs the employer pays",
    "housing_rent_monthly": "monthly rent for housing",
    "states_no_fees": "statement that no fees are charged",
    "language": "language",
    "signed_by_employer_on": "employer's signature date",
    "signed_by_worker_on": "worker's signature date",
    # lmia-case/2
    "employer_operating_name": "employer's operating name",
    "business_number": "business number",
    "pay_frequency": "pay frequency",
    "schedule": "schedule",
    "statutory_holidays": "statutory holidays",
    "probation": "probation",
    "termination_notice": "termination notice",
    "housing_terms": "housing terms",
    "lmia_number": "LMIA number",
    "employer_portal_offer_number": "Employer Portal offer number",
    "rights_information_given_on": "date the worker rights information was given",
    "signed_by_employer_name": "employer's signature name",
    "signed_by_worker_name": "worker's signature name",
}
# A worker's own keys (lmia-case/2 ``workers[i]``).
WORKER_FIELDS = {
    "name": "Name (as on the passport)",
    "country": "Country",
    "email": "E-mail",
    "language": "Preferred language",
    "english_requested_on": "Asked for the agreement in English on",
    "planned_start_date": "Planned start date",
}
# A worker's attestation answers (``workers[i].attestation``), as the questions ask them.
ATTESTATION_FIELDS = {
    "paid": "Paid anyone for the job",
    "payments": "What they paid",
    "payee": "Paid to",
    "amount": "Amount",
    "paid_on": "Paid on",
    "what_for": "What for",
    "holds_passport": "Holds their own passport",
    "holds_permit": "Holds their own work permit",
    "contract_before_start_in_language": "Got the contract in their language before starting",
    "knows_help": "Knows where to get help",
}

METHODS = {
    "job_bank": "Job Bank",
    "job_board": "Job board (e.g. Indeed)",
    "occupation_site": "Occupation-specific site",
    "newspaper": "Newspaper",
    "professional_association": "Professional association",
    "union": "Union",
    "community_organization": "Community organisation",
    "underrepresented_group_org": "Organisation serving an under-represented group",
    "employment_centre": "Employment centre",
    "job_fair": "Job fair",
    "recruitment_agency": "Recruitment agency",
    "internal": "Internal posting",
    "social_media": "Social media",
    "other": "Other",
}
_PURPOSES = {
    "recruitment_fee": "recruitment fee",
    "placement_fee": "placement fee",
    "lmia_fee": "LMIA processing fee",
    "representative_fee": "representative's fee",
    "processing_fee": "processing fee",
    "job_offer": "job offer",
    "travel": "travel",
    "health_insurance": "health insurance",
    "housing": "housing",
    "wages": "wages",
    "wages_returned": "wages handed back",
    "loan": "loan",
    "loan_repayment": "loan repayment",
    "training": "training",
    "statutory": "statutory deductions",
    "other": "other purpose",
    "utilities": "utilities",
    "meals": "meals",
    "government_agent": "government agent",
}
_PARTIES = {
    "employer": "the employer",
    "owner": "an owner",
    "worker": "the worker",
    "worker_family": "the worker's family",
    "recruiter": "a recruiter",
    "representative": "a representative",
    "government": "the government",
    "other": "someone else",
}
_DOCUMENTS = {"passport": "passport", "work_permit": "work permit", "other": "document"}
# Short words for a payment's label ("Payment 2: worker → recruiter, $3,000.00, processing fee").
_PARTY_SHORT = {
    "employer": "employer",
    "owner": "owner",
    "worker": "worker",
    "worker_family": "worker's family",
    "recruiter": "recruiter",
    "representative": "representative",
    "government": "government",
    "other": "someone else",
}
_HOLDERS = {
    "employer": "the employer",
    "owner": "an owner",
    "recruiter": "a recruiter",
    "other": "someone else",
}
_ROLES = {"recruiter": "Recruiter", "representative": "Representative"}
_PLAN_KINDS = {
    "recruit": "recruit Canadians",
    "retain": "retain and train",
    "train": "train",
    "underrepresented": "hire from under-represented groups",
    "permanent_residence": "support permanent residence",
}

# --- Paths -----------------------------------------------------------------------------------

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_path(subject: str) -> list[str | int] | None:
    """``"applicants[4].reason_detail"`` -> ``["applicants", 4, "reason_detail"]`` (None if not a
    path)."""
    steps: list[str | int] = []
    position = 0
    while position < len(subject):
        match = _STEP.match(subject, position)
        if match is None or (match.group(0).startswith(".") and not steps):
            return None
        name, index = match.groups()
        steps.append(int(index) if index is not None else name)
        position = match.end()
    return steps or None


def _humanize(key: str) -> str:
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _field(rest: list[str | int], table: dict[str, str]) -> str | None:
    """The label of the longest known prefix of ``rest`` (``ad.wage.min`` -> "Wage in the ad");
    an unknown key still reads as words, never as a path."""
    if not rest:
        return None
    names = [step for step in rest if isinstance(step, str)]
    for length in range(len(names), 0, -1):
        label = table.get(".".join(names[:length]))
        if label:
            return label
    return _humanize(names[-1]) if names else None


def _item(items, index: int | None):
    if items is None or index is None:
        return None
    return items[index] if 0 <= index < len(items) else None


def _id(ids: tuple[int, ...], index: int) -> int | None:
    return ids[index] if 0 <= index < len(ids) else None


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


# --- The labeller ----------------------------------------------------------------------------


class SubjectLabeller:
    """Labels the subjects of one case's findings; ``records`` ties the case to database rows."""

    def __init__(self, case: Case, records: CaseRecords | None = None) -> None:
        self.case = case
        self.records = records or CaseRecords()
        names = [applicant.name.strip() for applicant in case.applicants]
        self._shared_names = {name for name in names if names.count(name) > 1}
        self._cache: dict[str, SubjectLabel] = {}
        self._position_name = f"Position: {case.position.title.strip()}"

    def __call__(self, subject: str) -> SubjectLabel:
        label = self._cache.get(subject)
        if label is None:
            label = self._cache[subject] = self._label(subject)
        return label

    def _label(self, subject: str) -> SubjectLabel:
        steps = parse_path(subject) or [subject]
        head, rest = steps[0], steps[1:]
        index = rest[0] if rest and isinstance(rest[0], int) else None
        after = rest[1:] if index is not None else rest
        handler = {
            "applicants": self._applicant,
            "recruitment": self._activity,
            "job_match": self._job_match,
            "position": self._position,
            "employer": self._employer,
            "offer": self._offer,
            "workers": self._worker,
            "payments": self._payment,
            "third_parties": self._third_party,
            "document_custody": self._custody,
            "transition_plan": self._transition_plan,
        }.get(head)
        if handler is not None:
            record, field, ref = handler(index, after)
        elif head in CASE_FIELDS_ON_POSITION:
            record, field, ref = (
                self._position_name,
                CASE_FIELDS_ON_POSITION[head],
                RecordRef(POSITION),
            )
        else:  # a part of the format this module does not know yet: words, not a path
            record, field, ref = _humanize(str(head)) or "The LMIA file", _field(rest, {}), None
        return SubjectLabel(subject, record, field, ref)

    # Each handler: (index in its list or None, the steps after it) -> (record, field, ref).

    def _applicant(self, index, rest):
        applicant = _item(self.case.applicants, index) if index is not None else None
        if applicant is None:
            return "The applicants", _field(rest, APPLICANT_FIELDS), RecordRef(APPLICANTS)
        name = applicant.name.strip() or "(no name)"
        if name in self._shared_names:
            name = f"{name} (applied {applicant.applied_on.isoformat()})"
        ref = RecordRef(APPLICANT, _id(self.records.applicants, index))
        return f"Applicant: {name}", _field(rest, APPLICANT_FIELDS), ref

    def _activity(self, index, rest):
        activity = _item(self.case.recruitment, index) if index is not None else None
        if activity is None:
            field = _field(rest, ACTIVITY_FIELDS)
            return "Recruitment (all activities)", field, RecordRef(RECRUITMENT)
        where = (activity.platform or "").strip() or METHODS.get(activity.method, "Other")
        ref = RecordRef(ACTIVITY, _id(self.records.activities, index))
        return f"{activity.id} · {where}", _field(rest, ACTIVITY_FIELDS), ref

    def _job_match(self, index, rest):
        job_match = self.case.job_match
        if rest[:1] == ["matches"] and len(rest) > 1 and isinstance(rest[1], int):
            position = rest[1]
            match = _item(job_match.matches if job_match else None, position)
            if match is not None:
                record = (
                    f"Job Match: {match.stars}-star match first seen {match.first_seen.isoformat()}"
                )
                ref = RecordRef(JOB_MATCH_ENTRY, _id(self.records.job_matches, position))
                return record, _field(rest[2:], MATCH_FIELDS), ref
            return "Job Match", _field(rest[2:], MATCH_FIELDS), RecordRef(JOB_MATCH)
        return "Job Match", _field(rest, JOB_MATCH_FIELDS), RecordRef(JOB_MATCH)

    def _position(self, index, rest):
        return self._position_name, _field(rest, POSITION_FIELDS), RecordRef(POSITION)

    def _employer(self, index, rest):
        key = rest[0] if rest else None
        if key in EMPLOYER_FIELDS_ON_POSITION:
            return self._position_name, EMPLOYER_FIELDS_ON_POSITION[key], RecordRef(POSITION)
        employer = self.case.employer
        name = (employer.operating_name or "").strip() or employer.legal_name.strip()
        return f"Employer: {name}", _field(rest, EMPLOYER_FIELDS), RecordRef(EMPLOYER)

    def _offer(self, index, rest):
        return self._offer_parts(self.case.offer, "The job offer", rest, None)

    def _offer_parts(self, offer, record, rest, ref):
        """(record, field, ref) of a path inside an offer: v1's, or a worker's in v2."""
        if rest[:1] == ["deductions"] and len(rest) > 1 and isinstance(rest[1], int):
            number = rest[1] + 1
            deduction = _item(offer.deductions if offer else None, rest[1])
            if deduction is None:
                return f"{record} · deduction {number}", _field(rest[2:], {}), ref
            purpose = _PURPOSES.get(deduction.purpose, "other purpose")
            record = (
                f"{record} · deduction {number} ({purpose}, "
                f"{_money(deduction.amount)} a {deduction.per})"
            )
            return record, _field(rest[2:], {}), ref
        field = _field(rest, OFFER_FIELDS)
        return record, field[:1].upper() + field[1:] if field else None, ref

    def _worker(self, index, rest):
        worker = _item(self.case.workers, index) if index is not None else None
        if index is None:
            return "The workers", _field(rest, WORKER_FIELDS), None
        name = ((worker.name if worker else None) or "").strip()
        record = f"Worker: {name}" if name else f"Worker {index + 1}"
        ref = RecordRef(WORKER, _id(self.records.workers, index))
        if rest[:1] == ["offer"]:
            offer = worker.offer if worker else None
            return self._offer_parts(offer, f"{record} · job offer", rest[1:], ref)
        if rest[:1] == ["attestation"]:
            return self._attestation(index, worker, record, rest[1:])
        return record, _field(rest, WORKER_FIELDS), ref

    def _worker_name(self, index: int | None) -> str | None:
        worker = _item(self.case.workers, index) if index is not None else None
        if worker is None:
            return None
        return (worker.name or "").strip() or f"Worker {index + 1}"

    def _payment(self, index, rest):
        number = "" if index is None else f" {index + 1}"
        payment = _item(self.case.payments, index) if index is not None else None
        if payment is None:
            return f"Payment{number}", _field(rest, {}), None
        purpose = _PURPOSES.get(payment.purpose, "other purpose")
        payer = _PARTY_SHORT.get(payment.payer, "someone")
        payee = _PARTY_SHORT.get(payment.payee, "someone")
        # Linked rows name the people: the worker who paid, the recruiter who was paid.
        name = self._worker_name(payment.worker)
        if name and payment.payer == "worker":
            payer = name
        elif name and payment.payer == "worker_family":
            payer = f"{name}'s family"
        party = _item(self.case.third_parties, payment.third_party)
        if party is not None and payment.payee in ("recruiter", "representative"):
            payee = party.name.strip()
        elif name and payment.payee == "worker":
            payee = name
        when = f", {payment.date.isoformat()}" if payment.date else ""
        record = f"Payment{number}: {payer} → {payee}, {_money(payment.amount)}, {purpose}{when}"
        ref = RecordRef(PAYMENT, _id(self.records.payments, index))
        return record, _field(rest, {}), ref

    def _third_party(self, index, rest):
        party = _item(self.case.third_parties, index) if index is not None else None
        if party is None:
            return "Recruiters and representatives", _field(rest, {}), None
        ref = RecordRef(THIRD_PARTY, _id(self.records.third_parties, index))
        return f"{_ROLES.get(party.role, 'Third party')}: {party.name}", _field(rest, {}), ref

    def _custody(self, index, rest):
        custody = _item(self.case.document_custody, index) if index is not None else None
        if custody is None:
            return "Documents held for the worker", _field(rest, {}), None
        document = _DOCUMENTS.get(custody.document, "document")
        holder = _HOLDERS.get(custody.held_by, "someone else")
        name = self._worker_name(custody.worker)
        whose = f"{name}'s" if name else "The worker's"
        ref = RecordRef(CUSTODY, _id(self.records.custody, index))
        return f"{whose} {document}, held by {holder}", _field(rest, {}), ref

    def _attestation(self, index, worker, record, rest):
        """(record, field, ref) of ``workers[i].attestation...``: the worker's answers."""
        attestation = worker.attestation if worker else None
        attestation_id = _id(self.records.attestations, index) if index is not None else None
        worker_id = _id(self.records.workers, index) if index is not None else None
        ref = RecordRef(ATTESTATION, attestation_id, worker_id)
        if attestation is None:
            return f"{record} · attestation", _field(rest, {}), ref
        record = f"{record} · attestation of {attestation.answered_on.isoformat()}"
        if rest[:1] == ["payments"] and len(rest) > 1 and isinstance(rest[1], int):
            reported = _item(attestation.payments, rest[1])
            if reported is not None:
                record = (
                    f"{record} · reported payment {rest[1] + 1} ({_money(reported.amount)} to "
                    f"{reported.payee.strip() or 'someone'})"
                )
            return record, _field(rest[2:], ATTESTATION_FIELDS), ref
        return record, _field(rest, ATTESTATION_FIELDS), ref

    def _transition_plan(self, index, rest):
        plan = self.case.transition_plan
        if rest[:1] == ["activities"] and len(rest) > 1 and isinstance(rest[1], int):
            activity = _item(plan.activities if plan else None, rest[1])
            what = f" ({_PLAN_KINDS.get(activity.kind, 'other')})" if activity else ""
            record = f"Transition plan · activity {rest[1] + 1}{what}"
            return record, _field(rest[2:], {}), None
        return "Transition plan", _field(rest, {}), None


def label_subject(case: Case, subject: str, records: CaseRecords | None = None) -> SubjectLabel:
    """One subject's label (a labeller is cheaper for many subjects of the same case)."""
    return SubjectLabeller(case, records)(subject)


__all__ = [
    "PAGES",
    "CaseRecords",
    "RecordRef",
    "SubjectLabel",
    "SubjectLabeller",
    "label_subject",
    "parse_path",
]
