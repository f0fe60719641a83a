"""Name what a finding is about as the user knows it, not as a path into the case file.

A finding's ``subject`` is a path into the case document (``applicants[4]``, ``workers[1].offer``,
``recruitment[2]``, ``job_match.matches[1]``, ``applicants[4].reason_detail``): right for the
case file, ``lmia check`` and the keys of waivers and reviews, but not what a screen shows.
:class:`SubjectLabeller` turns it into a label ("Applicant: Priya Sharma · The reason in your
words", "A3 · Indeed") and a :class:`RecordRef` saying which record's page shows it; the web
view turns that reference into a URL, the bundle prints the label alone.

Plain Python (no Flask): the labels are English, like the findings' messages, and like them
they are phrases (``portal.rules.phrase``) that a page or the bundle renders in the reader's
language; the names, dates and codes in them stay as the case wrote them. Field names are the
form labels of the pages where the user edits them (a test keeps them equal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from portal.cases import Case
from portal.rules.fees import PER_WORDS
from portal.rules.phrase import Capitalised, Joined, Money, phrase

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
        """The record and the field, "Position: Cook · Wage offered" (a ``Joined`` phrase)."""
        return Joined((self.record, self.field), " · ") if self.field else self.record

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
    "name": phrase("Name"),
    "status": phrase("Status in Canada"),
    "source": phrase("Found the job through"),
    "channel": phrase("Applied by"),
    "applied_on": phrase("Applied on"),
    "resume_downloaded_on": phrase("Résumé downloaded on (Direct Apply)"),
    "interviewed_on": phrase("Interviewed on"),
    "offered": phrase("Offered the job"),
    "hired": phrase("Hired"),
    "reason_code": phrase("Why not hired"),
    "reason_detail": phrase("The reason in your words"),
}
ACTIVITY_FIELDS = {
    "method": phrase("Method"),
    "kind": phrase("Kind"),
    "start": phrase("Posted on"),
    "end": phrase("Taken down on"),
    "date": phrase("Event date"),
    "platform": phrase("Where (site, newspaper, organisation)"),
    "national": phrase("National in scope (seen anywhere in Canada)"),
    "target_groups": phrase("Under-represented groups targeted"),
    "reference": phrase("Job number or link"),
    "direct_apply": phrase("Job Bank Direct Apply enabled for the whole posting"),
    "ad": phrase("The ad as published"),
    "ad.title": phrase("Title in the ad"),
    "ad.operating_name": phrase("Business name in the ad"),
    "ad.business_address": phrase("Business address in the ad"),
    "ad.work_location": phrase("Work location in the ad"),
    "ad.duties": phrase("Duties in the ad"),
    "ad.terms": phrase("Terms in the ad"),
    "ad.wage": phrase("Wage in the ad (or lowest of a range)"),
    "ad.wage.min": phrase("Wage in the ad (or lowest of a range)"),
    "ad.wage.amount": phrase("Wage in the ad (or lowest of a range)"),
    "ad.wage.max": phrase("Highest of the range (if a range)"),
    "ad.benefits": phrase("Benefits in the ad"),
    "ad.contact": phrase("How to apply (contact)"),
    "ad.education": phrase("Education in the ad"),
    "ad.experience": phrase("Experience in the ad"),
    "ad.languages": phrase("Languages the ad requires"),
    "ad.published_languages": phrase("Ad published in"),
}
MATCH_FIELDS = {
    "first_seen": phrase("First seen on"),
    "stars": phrase("Stars"),
    "invited_on": phrase("Invited to apply on"),
}
JOB_MATCH_FIELDS = {"mode": phrase("Job Match setting"), "matches": phrase("Matches recorded")}
POSITION_FIELDS = {
    "title": phrase("Job title"),
    "noc": phrase("NOC 2021 code"),
    "stream": phrase("Stream"),
    "caregiver": phrase("In-home caregiver position"),
    "seasonal": phrase("Seasonal (270 days or less)"),
    "quebec_facilitated": phrase("On Québec's facilitated-process list"),
    "advertising_variation": phrase("ESDC variation to minimum advertising (if any)"),
    "work_location": phrase("Work address"),
    "work_location.street": phrase("Work address"),
    "work_location.city": phrase("City"),
    "work_location.province": phrase("Province or territory"),
    "work_location.postal_code": phrase("Postal code"),
    "work_location.economic_region": phrase("Economic region (Job Bank)"),
    "work_location.cma": phrase("Census metropolitan area (CMA)"),
    "work_location.admin_region": phrase("Québec administrative region"),
    "wage": phrase("Wage offered"),
    "hours_per_week": phrase("Hours per week"),
    "positions": phrase("Number of workers"),
    "duration_months": phrase("Duration (months)"),
    "duties": phrase("Duties"),
    "requirements": phrase("Requirements"),
    "requirements.education": phrase("Education required"),
    "requirements.experience": phrase("Experience required"),
    "requirements.experience_years": phrase("Years of experience"),
    "requirements.languages": phrase("Languages required"),
    "language_justification": phrase("Why another language is needed"),
    "benefits": phrase("Benefits"),
    "terms": phrase("Terms of employment"),
    "prevailing_wage": phrase("Prevailing wage you rely on (optional)"),
    "prevailing_wage_source": phrase("Source of that figure"),
    "incumbent_wage": phrase("Wage paid to current employees in this job (optional)"),
    "live_in_required": phrase("Caregiver must live in (not allowed)"),
}
# Top-level keys that the position form edits.
CASE_FIELDS_ON_POSITION = {
    "submission_date": phrase("Planned submission date"),
    "job_bank_alternative_rationale": phrase("Reason for not using Job Bank (rare)"),
}
# The case keeps these under ``employer``; the portal asks for them on the position form.
EMPLOYER_FIELDS_ON_POSITION = {
    "employees_at_location": phrase("Employees at this work location today"),
    "low_wage_tfws_at_location": phrase("Low-wage temporary foreign workers there now"),
}
EMPLOYER_FIELDS = {
    "legal_name": phrase("Legal name"),
    "operating_name": phrase("Operating name (if different)"),
    "business_number": phrase("CRA business number"),
    "address": phrase("Business address"),
    "address.street": phrase("Business address"),
    "address.city": phrase("City"),
    "address.province": phrase("Province or territory"),
    "address.postal_code": phrase("Postal code"),
    "naics": phrase("NAICS code (optional)"),
    "on_noncompliance_list": phrase("On IRCC's list of non-compliant employers"),
    "lmia_revoked_on": phrase("Date of the last LMIA revocation"),
}
# No page edits these (they come from an imported case file): plain words for their parts.
OFFER_FIELDS = {
    "date": phrase("date of the offer"),
    "worker_name": phrase("worker's name"),
    "employer_legal_name": phrase("employer's legal name"),
    "employer_address": phrase("employer's address"),
    "title": phrase("job title"),
    "noc": phrase("NOC code"),
    "duties": phrase("duties"),
    "work_location": phrase("work location"),
    "wage": phrase("wage"),
    "hours_per_week": phrase("hours per week"),
    "overtime": phrase("overtime"),
    "vacation": phrase("vacation"),
    "benefits": phrase("benefits"),
    "start_date": phrase("start date"),
    "duration_months": phrase("duration"),
    "deductions": phrase("deductions"),
    "employer_paid": phrase("costs the employer pays"),
    "housing_rent_monthly": phrase("monthly rent for housing"),
    "states_no_fees": phrase("statement that no fees are charged"),
    "language": phrase("language"),
    "signed_by_employer_on": phrase("employer's signature date"),
    "signed_by_worker_on": phrase("worker's signature date"),
    # lmia-case/2
    "employer_operating_name": phrase("employer's operating name"),
    "business_number": phrase("business number"),
    "pay_frequency": phrase("pay frequency"),
    "schedule": phrase("schedule"),
    "statutory_holidays": phrase("statutory holidays"),
    "probation": phrase("probation"),
    "termination_notice": phrase("termination notice"),
    "housing_terms": phrase("housing terms"),
    "lmia_number": phrase("LMIA number"),
    "employer_portal_offer_number": phrase("Employer Portal offer number"),
    "rights_information_given_on": phrase("date the worker rights information was given"),
    "signed_by_employer_name": phrase("employer's signature name"),
    "signed_by_worker_name": phrase("worker's signature name"),
}
# A worker's own keys (lmia-case/2 ``workers[i]``).
WORKER_FIELDS = {
    "name": phrase("Name (as on the passport)"),
    "country": phrase("Country"),
    "email": phrase("E-mail"),
    "language": phrase("Preferred language"),
    "english_requested_on": phrase("Asked for the agreement in English on"),
    "planned_start_date": phrase("Planned start date"),
}
# A worker's attestation answers (``workers[i].attestation``), as the questions ask them.
ATTESTATION_FIELDS = {
    "paid": phrase("Paid anyone for the job"),
    "payments": phrase("What they paid"),
    "payee": phrase("Paid to"),
    "amount": phrase("Amount"),
    "paid_on": phrase("Paid on"),
    "what_for": phrase("What for"),
    "holds_passport": phrase("Holds their own passport"),
    "holds_permit": phrase("Holds their own work permit"),
    "contract_before_start_in_language": phrase(
        "Got the contract in their language before starting"
    ),
    "knows_help": phrase("Knows where to get help"),
}

METHODS = {
    "job_bank": phrase("Job Bank"),
    "job_board": phrase("Job board (e.g. Indeed)"),
    "occupation_site": phrase("Occupation-specific site"),
    "newspaper": phrase("Newspaper"),
    "professional_association": phrase("Professional association"),
    "union": phrase("Union"),
    "community_organization": phrase("Community organisation"),
    "underrepresented_group_org": phrase("Organisation serving an under-represented group"),
    "employment_centre": phrase("Employment centre"),
    "job_fair": phrase("Job fair"),
    "recruitment_agency": phrase("Recruitment agency"),
    "internal": phrase("Internal posting"),
    "social_media": phrase("Social media"),
    "other": phrase("Other"),
}
_PURPOSES = {
    "recruitment_fee": phrase("recruitment fee"),
    "placement_fee": phrase("placement fee"),
    "lmia_fee": phrase("LMIA processing fee"),
    "representative_fee": phrase("representative's fee"),
    "processing_fee": phrase("processing fee"),
    "job_offer": phrase("job offer"),
    "travel": phrase("travel"),
    "health_insurance": phrase("health insurance"),
    "housing": phrase("housing"),
    "wages": phrase("wages"),
    "wages_returned": phrase("wages handed back"),
    "loan": phrase("loan"),
    "loan_repayment": phrase("loan repayment"),
    "training": phrase("training"),
    "statutory": phrase("statutory deductions"),
    "other": phrase("other purpose"),
    "utilities": phrase("utilities"),
    "meals": phrase("meals"),
    "government_agent": phrase("government agent"),
}
_DOCUMENTS = {
    "passport": phrase("passport"),
    "work_permit": phrase("work permit"),
    "other": phrase("document"),
}
# Short words for a payment's label ("Payment 2: worker → recruiter, $3,000.00, processing fee").
_PARTY_SHORT = {
    "employer": phrase("employer"),
    "owner": phrase("owner"),
    "worker": phrase("worker"),
    "worker_family": phrase("worker's family"),
    "recruiter": phrase("recruiter"),
    "representative": phrase("representative"),
    "government": phrase("government"),
    "other": phrase("someone else"),
}
_HOLDERS = {
    "employer": phrase("the employer"),
    "owner": phrase("an owner"),
    "recruiter": phrase("a recruiter"),
    "other": phrase("someone else"),
}
_ROLES = {"recruiter": phrase("Recruiter"), "representative": phrase("Representative")}
_PLAN_KINDS = {
    "recruit": phrase("recruit Canadians"),
    "retain": phrase("retain and train"),
    "train": phrase("train"),
    "underrepresented": phrase("hire from under-represented groups"),
    "permanent_residence": phrase("support permanent residence"),
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


_CENT = Decimal("0.01")


def _money(amount: Decimal) -> Money:
    """Dollars to the cent, "$3,000.00" (a ``Money``: French pages write "3 000,00 $")."""
    return Money(f"${amount:,.2f}", Decimal(amount).quantize(_CENT), True)


# --- The labeller ----------------------------------------------------------------------------


class SubjectLabeller:
    """Labels the subjects of one case's findings; ``records`` ties the case to database rows."""

    def __init__(self, case: Case, records: CaseRecords | None = None) -> None:
        self.case = case
        self.records = records or CaseRecords()
        names = [applicant.name.strip() for applicant in case.applicants]
        self._shared_names = {name for name in names if names.count(name) > 1}
        self._cache: dict[str, SubjectLabel] = {}
        self._position_name = phrase("Position: %(title)s", title=case.position.title.strip())

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
            record = _humanize(str(head)) or phrase("The LMIA file")
            field, ref = _field(rest, {}), None
        return SubjectLabel(subject, record, field, ref)

    # Each handler: (index in its list or None, the steps after it) -> (record, field, ref).

    def _applicant(self, index, rest):
        applicant = _item(self.case.applicants, index) if index is not None else None
        if applicant is None:
            return phrase("The applicants"), _field(rest, APPLICANT_FIELDS), RecordRef(APPLICANTS)
        name = applicant.name.strip() or phrase("(no name)")
        if name in self._shared_names:
            applied = applicant.applied_on.isoformat()
            name = phrase("%(name)s (applied %(date)s)", name=name, date=applied)
        ref = RecordRef(APPLICANT, _id(self.records.applicants, index))
        return phrase("Applicant: %(name)s", name=name), _field(rest, APPLICANT_FIELDS), ref

    def _activity(self, index, rest):
        activity = _item(self.case.recruitment, index) if index is not None else None
        if activity is None:
            field = _field(rest, ACTIVITY_FIELDS)
            return phrase("Recruitment (all activities)"), field, RecordRef(RECRUITMENT)
        where = (activity.platform or "").strip() or METHODS.get(activity.method, phrase("Other"))
        ref = RecordRef(ACTIVITY, _id(self.records.activities, index))
        return Joined((str(activity.id), where), " · "), _field(rest, ACTIVITY_FIELDS), ref

    def _job_match(self, index, rest):
        job_match = self.case.job_match
        if rest[:1] == ["matches"] and len(rest) > 1 and isinstance(rest[1], int):
            position = rest[1]
            match = _item(job_match.matches if job_match else None, position)
            if match is not None:
                record = phrase(
                    "Job Match: %(stars)s-star match first seen %(date)s",
                    stars=match.stars,
                    date=match.first_seen.isoformat(),
                )
                ref = RecordRef(JOB_MATCH_ENTRY, _id(self.records.job_matches, position))
                return record, _field(rest[2:], MATCH_FIELDS), ref
            return phrase("Job Match"), _field(rest[2:], MATCH_FIELDS), RecordRef(JOB_MATCH)
        return phrase("Job Match"), _field(rest, JOB_MATCH_FIELDS), RecordRef(JOB_MATCH)

    def _position(self, index, rest):
        return self._position_name, _field(rest, POSITION_FIELDS), RecordRef(POSITION)

    def _employer(self, index, rest):
        key = rest[0] if rest else None
        if key in EMPLOYER_FIELDS_ON_POSITION:
            return self._position_name, EMPLOYER_FIELDS_ON_POSITION[key], RecordRef(POSITION)
        employer = self.case.employer
        name = (employer.operating_name or "").strip() or employer.legal_name.strip()
        record = phrase("Employer: %(name)s", name=name)
        return record, _field(rest, EMPLOYER_FIELDS), RecordRef(EMPLOYER)

    def _offer(self, index, rest):
        return self._offer_parts(self.case.offer, phrase("The job offer"), rest, None)

    def _offer_parts(self, offer, record, rest, ref):
        """(record, field, ref) of a path inside an offer: v1's, or a worker's in v2."""
        if rest[:1] == ["deductions"] and len(rest) > 1 and isinstance(rest[1], int):
            number = rest[1] + 1
            deduction = _item(offer.deductions if offer else None, rest[1])
            if deduction is None:
                which = phrase("deduction %(number)s", number=number)
                return Joined((record, which), " · "), _field(rest[2:], {}), ref
            which = phrase(
                "deduction %(number)s (%(purpose)s, %(amount)s %(per)s)",
                number=number,
                purpose=_PURPOSES.get(deduction.purpose, phrase("other purpose")),
                amount=_money(deduction.amount),
                per=PER_WORDS.get(deduction.per, deduction.per),
            )
            return Joined((record, which), " · "), _field(rest[2:], {}), ref
        field = _field(rest, OFFER_FIELDS)
        return record, Capitalised(field) if field else None, ref

    def _worker(self, index, rest):
        worker = _item(self.case.workers, index) if index is not None else None
        if index is None:
            return phrase("The workers"), _field(rest, WORKER_FIELDS), None
        name = ((worker.name if worker else None) or "").strip()
        if name:
            record = phrase("Worker: %(name)s", name=name)
        else:
            record = phrase("Worker %(number)s", number=index + 1)
        ref = RecordRef(WORKER, _id(self.records.workers, index))
        if rest[:1] == ["offer"]:
            offer = worker.offer if worker else None
            record = Joined((record, phrase("job offer")), " · ")
            return self._offer_parts(offer, record, rest[1:], ref)
        if rest[:1] == ["attestation"]:
            return self._attestation(index, worker, record, rest[1:])
        return record, _field(rest, WORKER_FIELDS), ref

    def _worker_name(self, index: int | None) -> str | None:
        worker = _item(self.case.workers, index) if index is not None else None
        if worker is None:
            return None
        return (worker.name or "").strip() or phrase("Worker %(number)s", number=index + 1)

    def _payment(self, index, rest):
        payment = _item(self.case.payments, index) if index is not None else None
        if payment is None:
            if index is None:
                return phrase("Payment"), _field(rest, {}), None
            return phrase("Payment %(number)s", number=index + 1), _field(rest, {}), None
        purpose = _PURPOSES.get(payment.purpose, phrase("other purpose"))
        payer = _PARTY_SHORT.get(payment.payer, phrase("someone"))
        payee = _PARTY_SHORT.get(payment.payee, phrase("someone"))
        # Linked rows name the people: the worker who paid, the recruiter who was paid.
        name = self._worker_name(payment.worker)
        if name and payment.payer == "worker":
            payer = name
        elif name and payment.payer == "worker_family":
            payer = phrase("%(name)s's family", name=name)
        party = _item(self.case.third_parties, payment.third_party)
        if party is not None and payment.payee in ("recruiter", "representative"):
            payee = party.name.strip()
        elif name and payment.payee == "worker":
            payee = name
        record = phrase(
            "Payment %(number)s: %(payer)s → %(payee)s, %(amount)s, %(purpose)s",
            number=index + 1,
            payer=payer,
            payee=payee,
            amount=_money(payment.amount),
            purpose=purpose,
        )
        if payment.date:
            record = Joined((record, payment.date.isoformat()), ", ")
        ref = RecordRef(PAYMENT, _id(self.records.payments, index))
        return record, _field(rest, {}), ref

    def _third_party(self, index, rest):
        party = _item(self.case.third_parties, index) if index is not None else None
        if party is None:
            return phrase("Recruiters and representatives"), _field(rest, {}), None
        ref = RecordRef(THIRD_PARTY, _id(self.records.third_parties, index))
        role = _ROLES.get(party.role, phrase("Third party"))
        return phrase("%(role)s: %(name)s", role=role, name=party.name), _field(rest, {}), ref

    def _custody(self, index, rest):
        custody = _item(self.case.document_custody, index) if index is not None else None
        if custody is None:
            return phrase("Documents held for the worker"), _field(rest, {}), None
        document = _DOCUMENTS.get(custody.document, phrase("document"))
        holder = _HOLDERS.get(custody.held_by, phrase("someone else"))
        name = self._worker_name(custody.worker)
        if name:
            record = phrase(
                "%(name)s's %(document)s, held by %(holder)s",
                name=name,
                document=document,
                holder=holder,
            )
        else:
            record = phrase(
                "The worker's %(document)s, held by %(holder)s", document=document, holder=holder
            )
        ref = RecordRef(CUSTODY, _id(self.records.custody, index))
        return record, _field(rest, {}), ref

    def _attestation(self, index, worker, record, rest):
        """(record, field, ref) of ``workers[i].attestation...``: the worker's answers."""
        attestation = worker.attestation if worker else None
        attestation_id = _id(self.records.attestations, index) if index is not None else None
        worker_id = _id(self.records.workers, index) if index is not None else None
        ref = RecordRef(ATTESTATION, attestation_id, worker_id)
        if attestation is None:
            return Joined((record, phrase("attestation")), " · "), _field(rest, {}), ref
        answered = phrase("attestation of %(date)s", date=attestation.answered_on.isoformat())
        record = Joined((record, answered), " · ")
        if rest[:1] == ["payments"] and len(rest) > 1 and isinstance(rest[1], int):
            reported = _item(attestation.payments, rest[1])
            if reported is not None:
                which = phrase(
                    "reported payment %(number)s (%(amount)s to %(payee)s)",
                    number=rest[1] + 1,
                    amount=_money(reported.amount),
                    payee=reported.payee.strip() or phrase("someone"),
                )
                record = Joined((record, which), " · ")
            return record, _field(rest[2:], ATTESTATION_FIELDS), ref
        return record, _field(rest, ATTESTATION_FIELDS), ref

    def _transition_plan(self, index, rest):
        plan = self.case.transition_plan
        if rest[:1] == ["activities"] and len(rest) > 1 and isinstance(rest[1], int):
            activity = _item(plan.activities if plan else None, rest[1])
            number = rest[1] + 1
            if activity is not None:
                kind = _PLAN_KINDS.get(activity.kind, phrase("other"))
                which = phrase("activity %(number)s (%(kind)s)", number=number, kind=kind)
            else:
                which = phrase("activity %(number)s", number=number)
            return Joined((phrase("Transition plan"), which), " · "), _field(rest[2:], {}), None
        return phrase("Transition plan"), _field(rest, {}), None


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
