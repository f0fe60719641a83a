"""Run the rules on a stored position and dress the verdict for the compliance page."""

import json
from dataclasses import dataclass
from datetime import date

from portal.cases import Case, case_to_json, parse_case
from portal.models import Position
from portal.positions import services
from portal.positions.case_bridge import case_dict
from portal.positions.reference import labour_market
from portal.recruitment.filing_window import FilingWindow, filing_window
from portal.recruitment.timeline import Timeline, build_timeline
from portal.rules import AREAS, SEVERITIES, Finding, Verdict, evaluate, get_rule
from portal.tenancy import current_employer

_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(("error", "warning", "info"))}


def case_of(position: Position, applicants=None) -> Case:
    """The position as an lmia-case/1 case (validated by the same parser as imported files)."""
    if applicants is None:
        applicants = services.applicants_in_log_order(position)
    document = case_dict(current_employer(), position, applicants)
    # Through JSON, so what the engine sees is exactly what an export would contain.
    return parse_case(json.dumps(document))


@dataclass(frozen=True)
class ShownFinding:
    finding: Finding
    title: str
    evidence: str | None
    waiver: object | None  # the active Waiver, if a representative accepted it


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

    def has_finding(self, rule_id: str, subject: str) -> bool:
        return any(f.rule == rule_id and f.subject == subject for f in self.verdict.findings)


def check(position: Position, as_of: date) -> ComplianceReport:
    reference = labour_market()
    case = case_of(position)
    verdict = evaluate(case, as_of, reference)
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
            ShownFinding(finding, rule.title, rule.evidence, waiver)
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
        window=filing_window(case, reference),
        timeline=build_timeline(case, as_of),
        sources=reference.sources,
        reference_version=reference.version,
    )


def wage_findings(position: Position, as_of: date) -> list[Finding]:
    """The wage and stream findings, shown at once on the position page."""
    verdict = evaluate(case_of(position, applicants=[]), as_of, labour_market())
    return [f for f in verdict.findings if f.area == "wage"]


def case_json(position: Position) -> str:
    """The position's lmia-case/1 document, as exported."""
    return case_to_json(case_of(position))
