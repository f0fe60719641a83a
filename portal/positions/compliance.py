"""Run the rules on a stored position and dress the verdict for the compliance page."""

import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from markupsafe import Markup

from portal import finding_labels as pages
from portal.cases import Case, case_to_json, parse_case
from portal.extensions import db
from portal.finding_labels import CaseRecords, RecordRef, SubjectLabel, SubjectLabeller
from portal.models import Applicant, Position
from portal.positions import services
from portal.positions.case_bridge import case_dict, protection_rows
from portal.positions.reference import labour_market
from portal.recruitment.filing_window import FilingWindow, filing_window
from portal.recruitment.timeline import Timeline, build_timeline
from portal.rules import AREAS, SEVERITIES, Finding, Verdict, evaluate, get_rule
from portal.rules import engine as rules_engine
from portal.tenancy import can, current_employer
from portal.web import in_page_language

_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(("error", "warning", "info"))}


def case_of(position: Position, applicants=None) -> Case:
    """The position as an lmia-case/1 case (validated by the same parser as imported files)."""
    if applicants is None:
        applicants = services.applicants_in_log_order(position)
    document = case_dict(current_employer(), position, applicants)
    # Through JSON, so what the engine sees is exactly what an export would contain.
    return parse_case(json.dumps(document))


def case_records(position: Position, applicants: list[Applicant]) -> CaseRecords:
    """The rows behind the case's lists, in the order ``case_dict`` writes them."""
    rows = protection_rows(current_employer(), position)
    return CaseRecords(
        activities=tuple(activity.id for activity in position.activities),
        applicants=tuple(applicant.id for applicant in applicants),
        job_matches=tuple(entry.id for entry in position.job_matches),
        workers=tuple(worker.id for worker in position.workers),
        third_parties=tuple(party.id for party in rows.third_parties),
        payments=tuple(payment.id for payment in position.payments),
        custody=tuple(custody.id for custody in position.document_custody),
        attestations=tuple(a.id if a is not None else None for a in rows.attestations),
    )


def _page(endpoint: str, **values) -> str | None:
    """``url_for`` the endpoint if the app has it, with the values its URL takes.

    The pages of payments, third parties, custody (blueprint ``protection``) and attestations
    (blueprint ``attestations``) come from other parts of issue 9, which may land after this
    one: until an endpoint exists its records are named, not linked. Values the URL does not
    take are dropped (an employer-wide third party's page has no position in its URL).
    """
    if endpoint not in current_app.view_functions:
        return None
    arguments = set().union(*(rule.arguments for rule in current_app.url_map.iter_rules(endpoint)))
    anchor = values.pop("_anchor", None)
    given = {key: value for key, value in values.items() if key in arguments}
    if any(
        not (rule.arguments <= given.keys()) for rule in current_app.url_map.iter_rules(endpoint)
    ):
        return None  # the URL needs a value the reference does not carry: named, not linked
    return url_for(endpoint, **given, **({"_anchor": anchor} if anchor else {}))


def subject_labeller(position: Position) -> SubjectLabeller:
    """Labels for subjects of this position's findings (e.g. of stored requests or reviews)."""
    applicants = services.applicants_in_log_order(position)
    return SubjectLabeller(case_of(position, applicants), case_records(position, applicants))


def finding_subject(about: SubjectLabel | None, employer, position) -> Markup:
    """What a finding is about, named as the user knows the record, linked to its page when one
    exists (``templates/_macros/findings.html``). In Python: a page lists every finding, and
    the macro's call cost more than the link."""
    if not about:
        return Markup("")
    href = record_url(about.ref, employer.id, position.id)
    text = in_page_language(about.text)  # the label's words in the page's language
    if href:
        return Markup('<a class="finding-subject" href="{}">{}</a>').format(href, text)
    return Markup('<span class="finding-subject">{}</span>').format(text)


def record_url(ref: RecordRef | None, employer_id: int, position_id: int) -> str | None:
    """The page of the record a finding is about: its form for those who may edit it, else its
    row in the list that shows it (rows carry ``id="applicant-7"`` and the like; an applicant's
    row through ``applicant_row``, which knows the page of the paged list)."""
    if ref is None:
        return None
    ids = {"employer_id": employer_id, "position_id": position_id}
    editor = can("edit")
    if ref.page == pages.APPLICANT and ref.id is not None:
        if editor:
            return url_for("positions.edit_applicant", applicant_id=ref.id, **ids)
        return url_for("positions.applicant_row", applicant_id=ref.id, **ids)
    if ref.page in (pages.APPLICANT, pages.APPLICANTS):
        return url_for("positions.applicants", **ids)
    if ref.page == pages.ACTIVITY and ref.id is not None:
        if editor:
            return url_for("positions.edit_activity", activity_id=ref.id, **ids)
        return url_for("positions.show", **ids, _anchor=f"activity-{ref.id}")
    if ref.page in (pages.ACTIVITY, pages.RECRUITMENT):
        return url_for("positions.show", **ids, _anchor="recruitment")
    if ref.page == pages.JOB_MATCH_ENTRY and ref.id is not None:
        if editor:
            return url_for("positions.edit_job_match", entry_id=ref.id, **ids)
        return url_for("positions.job_match", **ids, _anchor=f"match-{ref.id}")
    if ref.page in (pages.JOB_MATCH_ENTRY, pages.JOB_MATCH):
        return url_for("positions.job_match", **ids)
    if ref.page == pages.POSITION:
        return url_for("positions.edit" if editor else "positions.show", **ids)
    if ref.page == getattr(pages, "WORKER", "worker") and ref.id is not None:
        # Everyone sees the worker's page; editors edit the offer from it.
        return url_for("offers.worker", worker_id=ref.id, **ids)
    if ref.page == pages.PAYMENT and ref.id is not None:
        if editor and (url := _page("protection.edit_payment", payment_id=ref.id, **ids)):
            return url
        return _page("protection.ledger", **ids, _anchor=f"payment-{ref.id}")
    if ref.page == pages.THIRD_PARTY and ref.id is not None:
        if editor and (url := _page("protection.edit_third_party", third_party_id=ref.id, **ids)):
            return url
        return _page("protection.position_third_parties", **ids, _anchor=f"third-party-{ref.id}")
    if ref.page == pages.CUSTODY and ref.id is not None:
        if editor and (url := _page("protection.edit_custody", custody_id=ref.id, **ids)):
            return url
        return _page("protection.custody", **ids, _anchor=f"custody-{ref.id}")
    if ref.page == pages.ATTESTATION and ref.id is not None and ref.parent_id is not None:
        # Read-only for everyone: answers are never edited.
        return _page("attestations.show", attestation_id=ref.id, worker_id=ref.parent_id, **ids)
    if ref.page == pages.EMPLOYER:
        if can("manage_employer"):
            return url_for("employers.edit_profile", employer_id=employer_id)
        return url_for("employers.overview", employer_id=employer_id)
    return None


@dataclass(frozen=True)
class ShownFinding:
    finding: Finding
    title: str
    evidence: str | None
    waiver: object | None  # the active Waiver, if a representative accepted it
    about: SubjectLabel | None = None  # the subject as the user knows the record


@dataclass(frozen=True)
class ComplianceReport:
    verdict: Verdict
    groups: list[tuple[str, list[ShownFinding]]]
    open_counts: dict[str, int]
    waived_count: int
    window: FilingWindow | None
    timeline: Timeline | None
    sources: list
    reference_version: str
    labeller: SubjectLabeller | None = None
    case: Case | None = None  # what the engine checked: its export needs no second read

    def about(self, subject: str) -> SubjectLabel | None:
        """The label of any subject of this position (a stored request's, a review's)."""
        return self.labeller(subject) if self.labeller and subject else None

    def has_finding(self, rule_id: str, subject: str) -> bool:
        return any(f.rule == rule_id and f.subject == subject for f in self.verdict.findings)


# The engine's inputs and outputs per (position, input revision, as-of date, reference data):
# pure values (frozen dataclasses and ids), kept per process. The revision is bumped in the same
# transaction as any change to the position's rows or its employer's (portal.verdicts), so an
# entry is never used for other inputs: a page seen again unchanged skips reading the rows,
# building and validating the case and running the rules.
_CHECKED: OrderedDict[tuple, tuple] = OrderedDict()
_CHECKED_MAX = 256


def engine_run(position: Position, as_of: date, reference) -> tuple:
    """(case, records, verdict, filing window, timeline) of the position as of ``as_of``."""
    from portal.verdicts import input_revision

    revision = input_revision(position)  # reads after the session's pending changes (autoflush)
    key = None
    if revision is not None:
        key = (
            str(db.engine.url),  # one process may serve (or test) several databases
            position.id,
            position.employer_id,
            position.created_at,  # a new position never takes an old one's entries (id reuse)
            revision,
            as_of,
            reference.version,
            rules_engine.RULESET,  # read now: a new ruleset is new inputs
        )
        found = _CHECKED.get(key)
        if found is not None:
            _CHECKED.move_to_end(key)
            return found
    applicants = services.applicants_in_log_order(position)
    case = case_of(position, applicants)
    checked = (
        case,
        case_records(position, applicants),
        evaluate(case, as_of, reference),
        filing_window(case, reference),
        build_timeline(case, as_of),
    )
    if key is not None:
        _CHECKED[key] = checked
        while len(_CHECKED) > _CHECKED_MAX:
            _CHECKED.popitem(last=False)
    return checked


def check(position: Position, as_of: date) -> ComplianceReport:
    reference = labour_market()
    case, records, verdict, window, timeline = engine_run(position, as_of, reference)
    labeller = SubjectLabeller(case, records)
    waivers = {(w.rule_id, w.subject): w for w in services.active_waivers(position)}
    by_area: dict[str, list[ShownFinding]] = {}
    open_counts = dict.fromkeys(SEVERITIES, 0)
    waived = 0
    for finding in verdict.findings:
        rule = get_rule(finding.rule)
        waiver = waivers.get((finding.rule, finding.subject))
        if waiver:
            waived += 1
        else:
            open_counts[finding.severity] += 1
        by_area.setdefault(finding.area, []).append(
            ShownFinding(finding, rule.title, rule.evidence, waiver, labeller(finding.subject))
        )
    order = {area: index for index, area in enumerate(AREAS)}
    groups = []
    for area, items in by_area.items():
        items.sort(
            key=lambda item: (item.waiver is not None, _SEVERITY_RANK[item.finding.severity])
        )
        groups.append((area, items))

    # Worst area first: the one with the most serious open finding, then the catalog order.
    def worst(items) -> int:
        return min(_SEVERITY_RANK[i.finding.severity] + 3 * (i.waiver is not None) for i in items)

    groups.sort(key=lambda group: (worst(group[1]), order.get(group[0], 99)))
    return ComplianceReport(
        verdict=verdict,
        groups=groups,
        open_counts=open_counts,
        waived_count=waived,
        window=window,
        timeline=timeline,
        sources=reference.sources,
        reference_version=reference.version,
        labeller=labeller,
        case=case,
    )


def wage_findings(position: Position, as_of: date) -> list[Finding]:
    """The wage and stream findings, shown at once on the position page (from the same run as
    the compliance page's, kept per input revision: no wage rule reads the applicants)."""
    _case, _records, verdict, _window, _timeline = engine_run(position, as_of, labour_market())
    return [f for f in verdict.findings if f.area == "wage"]


def case_json(position: Position, report: ComplianceReport | None = None) -> str:
    """The position's lmia-case/1 document, as exported (from ``report``'s case when given: the
    same rows, read and validated once)."""
    if report is not None and report.case is not None:
        return case_to_json(report.case)
    return case_to_json(case_of(position))
