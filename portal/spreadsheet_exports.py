"""What the XLSX exports hold (issue 13): the applicant log, a position's findings, the fee and
fraud signs. Plain Python: each function turns domain values into ``(title, header, rows)``
sheets for :func:`portal.spreadsheets.workbook_bytes`, which quotes any text a spreadsheet
would run as a formula.

The applicant log is written in the import's own columns and codes, so an exported log imports
again unchanged (a lawyer's annotated copy, or a move between positions). The findings and risk
sheets end with an empty "Notes" column for the reader's annotations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from portal.recruitment.applicant_csv import COLUMNS as APPLICANT_COLUMNS

Sheet = tuple[str, list[str], list[list]]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def applicant_log(
    applicants: Iterable,
    source_keys: Mapping[int, str],
    position_title: str,
    employer_name: str,
    exported_on: date,
) -> list[Sheet]:
    """The log in the applicant import's columns (first sheet, the one an import reads);
    ``source_keys``: activity id -> case key. A second sheet says whose log it is."""
    rows = [
        [
            applicant.name,
            applicant.status,
            source_keys.get(applicant.source_activity_id, ""),
            applicant.channel,
            applicant.applied_on,
            applicant.resume_downloaded_on,
            applicant.interviewed_on,
            _yes_no(applicant.offered),
            _yes_no(applicant.hired),
            applicant.reason_code,
            applicant.reason_detail,
        ]
        for applicant in applicants
    ]
    about = [
        ["Employer", employer_name],
        ["Position", position_title],
        ["Exported on", exported_on],
    ]
    return [("Applicants", list(APPLICANT_COLUMNS), rows), ("About", ["Item", "Value"], about)]


FINDING_COLUMNS = [
    "Rule",
    "Severity",
    "Area",
    "About",
    "Subject",
    "Finding",
    "What to do",
    "Source",
    "Waived",
    "Waiver reason",
    "Notes",
]


def findings(report, position_title: str, employer_name: str) -> list[Sheet]:
    """Every finding of a compliance report (``portal.positions.compliance``), in the page's
    order, and a sheet saying what was checked, as of when and under which ruleset."""
    rows = []
    for area, items in report.groups:
        for item in items:
            finding = item.finding
            waiver = item.waiver
            rows.append(
                [
                    finding.rule,
                    finding.severity,
                    area,
                    item.about.text if item.about else "",
                    finding.subject,
                    str(finding.message),
                    str(finding.fix),
                    finding.citation,
                    "yes" if waiver else "no",
                    waiver.reason if waiver else "",
                    "",
                ]
            )
    verdict = report.verdict
    about = [
        ["Employer", employer_name],
        ["Position", position_title],
        ["Checked as of", verdict.as_of],
        ["Submission date", verdict.submission_date],
        ["Stream", verdict.stream],
        ["Ruleset", verdict.ruleset],
        ["Errors", verdict.counts.get("error", 0)],
        ["Warnings", verdict.counts.get("warning", 0)],
    ]
    return [("Findings", FINDING_COLUMNS, rows), ("About this check", ["Item", "Value"], about)]


RISK_COLUMNS = [
    "Employer",
    "Position",
    "Date",
    "Rule",
    "Severity",
    "About",
    "Finding",
    "Records behind it",
    "Waived",
    "Notes",
]


def risk_signs(entries: Iterable[tuple[str, str, object]], as_of: date) -> list[Sheet]:
    """Fee and fraud signs: ``(employer name, position title, RiskItem)`` in the page's order."""
    rows = [
        [
            employer,
            position,
            item.dated,
            item.finding.rule,
            item.finding.severity,
            item.about.text,
            str(item.finding.message),
            "; ".join(record.text for record in item.records[1:]),
            "yes" if item.waived else "no",
            "",
        ]
        for employer, position, item in entries
    ]
    return [
        ("Fee and fraud signs", RISK_COLUMNS, rows),
        ("About", ["Item", "Value"], [["As of", as_of]]),
    ]
