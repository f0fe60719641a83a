"""The checks on each worker's road after the LMIA, as findings with citations, and the road's
deadlines. Plain Python; not catalog rules (rules.md's catalog is pinned), but the same shape:
each check has its ID, severity, citation and the dates it applies (inclusive), and is
evaluated as of a date T. Wording: things to check, never accusations."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from portal.road import dates
from portal.road.deadline import Deadline
from portal.road.steps import RoadFacts, mask
from portal.rules import Finding
from portal.rules.phrase import phrase, plural_phrase

AREA = "road"


@dataclass(frozen=True)
class RoadCheck:
    id: str
    severity: str  # the worst it reports; ROAD-PERMIT-EXPIRY reports warning or error
    rule: dates.DateRule
    run: Callable[[RoadFacts, date, str], list[Finding]]

    @property
    def citation(self) -> str:
        return self.rule.citation

    @property
    def effective_from(self) -> date | None:
        return self.rule.effective_from

    @property
    def effective_to(self) -> date | None:
        return self.rule.effective_to


CHECKS: list[RoadCheck] = []


def road_check(check_id: str, severity: str, rule: dates.DateRule):
    def register(run):
        CHECKS.append(RoadCheck(check_id, severity, rule, run))
        return run

    return register


def _finding(check_id, severity, subject, message, fix, rule) -> Finding:
    return Finding(
        rule=check_id,
        severity=severity,
        subject=subject,
        message=message,
        fix=fix,
        citation=rule.citation,
        area=AREA,
    )


# --- Comparing what the permit prints with the position -----------------------------------------

_LEGAL_FORMS = {
    "inc", "incorporated", "ltd", "limited", "ltee", "limitee", "corp", "corporation", "co",
    "company", "llc", "llp", "lp", "ulc", "enr", "senc", "sencrl", "cie", "the",
}  # fmt: skip

PROVINCES = {
    "AB": "alberta",
    "BC": "british columbia",
    "MB": "manitoba",
    "NB": "new brunswick",
    "NL": "newfoundland and labrador",
    "NS": "nova scotia",
    "NT": "northwest territories",
    "NU": "nunavut",
    "ON": "ontario",
    "PE": "prince edward island",
    "QC": "quebec",
    "SK": "saskatchewan",
    "YT": "yukon",
}


def normalise(text: str | None) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = re.sub(r"[^\w\s]|_", " ", plain)
    return " ".join(plain.split())


def _name_words(text: str | None) -> str:
    return " ".join(w for w in normalise(text).split() if w not in _LEGAL_FORMS)


def employer_matches(printed: str, legal: str, operating: str | None) -> bool:
    words = _name_words(printed)
    return bool(words) and any(words == _name_words(name) for name in (legal, operating) if name)


def occupation_matches(printed: str, noc_code: str, title: str) -> bool:
    text = normalise(printed)
    codes = re.findall(r"\d{4,5}", text)
    if codes:
        return noc_code in codes
    wanted = normalise(title)
    return bool(wanted) and (text == wanted or wanted in text or text in wanted)


def _provinces_in(text: str) -> set[str]:
    found = set()
    words = f" {text} "
    for code, name in PROVINCES.items():
        if f" {code.lower()} " in words or f" {name} " in words:
            found.add(code)
    return found


def location_matches(printed: str, city: str, province: str) -> bool:
    text = normalise(printed)
    wanted_city = normalise(city)
    if not wanted_city or f" {wanted_city} " not in f" {text} ":
        return False
    provinces = _provinces_in(text)
    return not provinces or province in provinces


# --- The checks -------------------------------------------------------------------------------


@road_check("ROAD-LMIA-UNUSED", "error", dates.LMIA_VALIDITY)
def lmia_unused(facts: RoadFacts, today: date, subject: str) -> list[Finding]:
    valid_until = facts.valid_until
    if facts.exempt or valid_until is None or today <= valid_until:
        return []
    if facts.permit_applied_on is not None and facts.permit_applied_on <= valid_until:
        return []
    number = mask(facts.lmia_number)
    lmia = phrase("The LMIA %(number)s", number=number) if number else phrase("The LMIA")
    if facts.permit_applied_on is not None:
        message = phrase(
            "%(lmia)s was valid until %(until)s; the work-permit application is recorded on "
            "%(applied)s, after that.",
            lmia=lmia,
            until=valid_until.isoformat(),
            applied=facts.permit_applied_on.isoformat(),
        )
    else:
        message = phrase(
            "%(lmia)s was valid until %(until)s; the work-permit application is not recorded "
            "as filed by then.",
            lmia=lmia,
            until=valid_until.isoformat(),
        )
    return [
        _finding(
            "ROAD-LMIA-UNUSED",
            "error",
            f"{subject}.permit_applied_on",
            message,
            phrase(
                "Check the application date on IRCC's acknowledgement. If the worker did not "
                "apply in time, the LMIA cannot support the permit: a new LMIA is needed."
            ),
            dates.LMIA_VALIDITY,
        )
    ]


@road_check("ROAD-PERMIT-MISMATCH", "error", dates.PERMIT_CONDITIONS)
def permit_mismatch(facts: RoadFacts, today: date, subject: str) -> list[Finding]:
    if facts.permit_issued_on is None or today < facts.permit_issued_on:
        return []
    findings = []
    comparisons = (
        (
            "permit_employer",
            facts.permit_employer,
            lambda p: employer_matches(p, facts.employer_legal_name, facts.employer_operating_name),
            phrase("employer"),
            facts.employer_operating_name or facts.employer_legal_name,
        ),
        (
            "permit_occupation",
            facts.permit_occupation,
            lambda p: occupation_matches(p, facts.noc_code, facts.position_title),
            phrase("occupation"),
            phrase("%(title)s (NOC %(noc)s)", title=facts.position_title, noc=facts.noc_code),
        ),
        (
            "permit_location",
            facts.permit_location,
            lambda p: location_matches(p, facts.city, facts.province),
            phrase("location"),
            f"{facts.city}, {facts.province}",
        ),
    )
    for field, printed, matches, what, expected in comparisons:
        if not printed or matches(printed):
            continue
        findings.append(
            _finding(
                "ROAD-PERMIT-MISMATCH",
                "error",
                f"{subject}.{field}",
                phrase(
                    "The permit prints the %(what)s as “%(printed)s”; the position says "
                    "“%(expected)s”.",
                    what=what,
                    printed=printed,
                    expected=expected,
                ),
                phrase(
                    "Check the %(what)s printed on the permit. An employer-specific permit "
                    "allows work only for the employer, occupation and location it names: the "
                    "worker cannot be moved to this position without a new permit (or a "
                    "correction from IRCC if the permit was printed wrongly).",
                    what=what,
                ),
                dates.PERMIT_CONDITIONS,
            )
        )
    return findings


@road_check("ROAD-PERMIT-EXPIRY", "error", dates.PERMIT_RENEWAL)
def permit_expiry(facts: RoadFacts, today: date, subject: str) -> list[Finding]:
    expires = facts.permit_expires_on
    if expires is None or today < dates.renewal_warning_from(expires):
        return []
    if facts.renewal_started_on is not None and facts.renewal_started_on <= today:
        return []
    recruit_by = dates.start_recruiting_by(expires)
    if today > expires:
        return [
            _finding(
                "ROAD-PERMIT-EXPIRY",
                "error",
                f"{subject}.permit_expires_on",
                phrase(
                    "The work permit expired on %(expires)s and no renewal is recorded.",
                    expires=expires.isoformat(),
                ),
                phrase(
                    "Check the worker's status now: after expiry without an extension filed they "
                    "may not work. If an extension was filed, record the date it was started."
                ),
                dates.PERMIT_RENEWAL,
            )
        ]
    days = (expires - today).days
    return [
        _finding(
            "ROAD-PERMIT-EXPIRY",
            "warning",
            f"{subject}.permit_expires_on",
            plural_phrase(
                "The work permit expires on %(expires)s (in %(num)d day) and no renewal is "
                "recorded.",
                "The work permit expires on %(expires)s (in %(num)d days) and no renewal is "
                "recorded.",
                days,
                expires=expires.isoformat(),
            ),
            phrase(
                "To keep the worker, start recruiting for a new LMIA by %(recruit_by)s (4 weeks "
                "of advertising and ESDC's processing), and file the permit extension on or "
                "before %(expires)s. Record the date the renewal started.",
                recruit_by=recruit_by.isoformat(),
                expires=expires.isoformat(),
            ),
            dates.PERMIT_RENEWAL,
        )
    ]


@road_check("ROAD-WORK-BEFORE-PERMIT", "error", dates.AUTHORIZED_TO_WORK)
def work_before_permit(facts: RoadFacts, today: date, subject: str) -> list[Finding]:
    first = facts.first_day_on
    if first is None:
        return []
    issued = facts.permit_issued_on
    if issued is not None and issued <= first:
        return []
    message = (
        phrase(
            "The first day of work is recorded as %(first)s, before the permit was issued on "
            "%(issued)s.",
            first=first.isoformat(),
            issued=issued.isoformat(),
        )
        if issued
        else phrase(
            "The first day of work is recorded as %(first)s, and no permit is recorded.",
            first=first.isoformat(),
        )
    )
    return [
        _finding(
            "ROAD-WORK-BEFORE-PERMIT",
            "error",
            f"{subject}.first_day_on",
            message,
            phrase(
                "Check both dates against the permit and the payroll. The worker may start only "
                "on or after the permit is issued; if the dates are wrong, correct them."
            ),
            dates.AUTHORIZED_TO_WORK,
        )
    ]


@road_check("ROAD-RETENTION", "error", dates.RETENTION)
def retention(facts: RoadFacts, today: date, subject: str) -> list[Finding]:
    asked = facts.records_deletion_requested_on
    ends = dates.retention_ends(facts.first_day_on)
    if asked is None or ends is None or asked > ends:
        return []
    return [
        _finding(
            "ROAD-RETENTION",
            "error",
            f"{subject}.records_deletion_requested_on",
            phrase(
                "Deletion of the worker's records was asked on %(asked)s; they must be kept "
                "until %(ends)s (6 years from the first day, %(first)s).",
                asked=asked.isoformat(),
                ends=ends.isoformat(),
                first=facts.first_day_on.isoformat(),
            ),
            phrase(
                "Keep the records until the retention ends; tell the person who asked that the "
                "law requires it. Personal data not needed as proof can still be limited."
            ),
            dates.RETENTION,
        )
    ]


@road_check("ROAD-EXEMPT-OFFER", "error", dates.EMPLOYER_PORTAL)
def exempt_offer(facts: RoadFacts, today: date, subject: str) -> list[Finding]:
    applied = facts.permit_applied_on
    if not facts.exempt or applied is None or today < applied:
        return []
    offer_on = facts.offer_of_employment_submitted_on
    fee_on = facts.compliance_fee_paid_on
    offer_missing = offer_on is None or offer_on > applied
    fee_missing = fee_on is None or fee_on > applied
    if offer_missing and fee_missing:
        missing = phrase(
            "the Employer Portal offer of employment and the employer compliance fee are"
        )
    elif offer_missing:
        missing = phrase("the Employer Portal offer of employment is")
    elif fee_missing:
        missing = phrase("the employer compliance fee is")
    else:
        return []
    return [
        _finding(
            "ROAD-EXEMPT-OFFER",
            "error",
            f"{subject}.permit_applied_on",
            phrase(
                "The work-permit application is recorded on %(applied)s, but %(missing)s not "
                "recorded on or before that date.",
                applied=applied.isoformat(),
                missing=missing,
            ),
            phrase(
                "Check the Employer Portal: the offer must be submitted and the fee paid before "
                "the worker applies, and the worker needs the offer number for the application. "
                "Record the dates from the Employer Portal."
            ),
            dates.EMPLOYER_PORTAL,
        )
    ]


def road_findings(facts: RoadFacts, today: date, worker_index: int) -> list[Finding]:
    subject = f"workers[{worker_index}].road"
    findings: list[Finding] = []
    for check in CHECKS:
        if check.rule.applies_on(today):
            findings.extend(check.run(facts, today, subject))
    return findings


# --- Deadlines ------------------------------------------------------------------------------


def road_deadlines(facts: RoadFacts, today: date) -> list[Deadline]:
    """The road's dated steps for one worker, each with a stable key (reminders and calendar
    UIDs are built from it). ``today`` is taken for symmetry with the checks: past deadlines
    stay in the list (the collector filters by days)."""
    values = (
        ("employer_id", facts.employer_id),
        ("position_id", facts.position_id),
        ("worker_id", facts.worker_id),
    )
    who = facts.worker_name or phrase("worker %(number)s", number=facts.worker_id)
    out: list[Deadline] = []

    def add(kind: str, due_on: date, title: str, rule: dates.DateRule) -> None:
        out.append(
            Deadline(
                key=f"{kind}:worker:{facts.worker_id}:{due_on.isoformat()}",
                due_on=due_on,
                title=title,
                kind=kind,
                employer_id=facts.employer_id,
                position_id=facts.position_id,
                worker_id=facts.worker_id,
                url_endpoint="road.worker",
                url_values=values,
                citation=rule.citation,
            )
        )

    valid_until = None if facts.exempt else facts.valid_until
    if valid_until is not None and facts.permit_applied_on is None:
        add(
            "lmia-validity",
            valid_until,
            phrase("%(who)s: last day to apply for the work permit on the LMIA", who=who),
            dates.LMIA_VALIDITY,
        )
    expires = facts.permit_expires_on
    if expires is not None:
        add(
            "permit-expiry",
            expires,
            phrase("%(who)s: work permit expires", who=who),
            dates.PERMIT_RENEWAL,
        )
        if facts.renewal_started_on is None:
            add(
                "start-recruiting",
                dates.start_recruiting_by(expires),
                phrase("%(who)s: start recruiting for a new LMIA to renew the permit", who=who),
                dates.PERMIT_RENEWAL,
            )
    ends = dates.retention_ends(facts.first_day_on)
    if ends is not None:
        add(
            "retention-end",
            ends,
            phrase("%(who)s: records may be deleted after this day", who=who),
            dates.RETENTION,
        )
    return sorted(out, key=lambda d: (d.due_on, d.key))
