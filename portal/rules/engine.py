"""Evaluate every rule against a case, as of a date, and collect the verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.cases.model import Case
from portal.rules.context import Context, Reference
from portal.rules.registry import (
    ERROR,
    INFO,
    RULESET,
    SEVERITIES,
    WARNING,
    Finding,
    all_rules,
)

FINDINGS_FORMAT = "lmia-findings/1"
# Still checked when the position is exempt from advertising (rules.md, REC-EXEMPT).
_RUN_WHEN_EXEMPT = frozenset({"REC-EXEMPT", "REC-RESULTS"})
_DIGITS = re.compile(r"([0-9]+)")


def subject_key(subject: str) -> tuple[Any, ...]:
    """Sort key for subjects: list indexes compare as numbers (``[2]`` before ``[10]``)."""
    # re.split with a group alternates text and digits, so element types line up in comparisons.
    return tuple(int(part) if n % 2 else part for n, part in enumerate(_DIGITS.split(subject)))


def finding_key(finding: Finding) -> tuple[Any, ...]:
    return (finding.rule, subject_key(finding.subject))


def ruleset_version(reference: Reference) -> str:
    """The ruleset and reference data versions, e.g. ``2+ref-1a2b3c4d``."""
    return f"{RULESET}+{reference.version}"


@dataclass(frozen=True)
class Verdict:
    """Findings of every rule for one case, as of a date, in the stable catalog order."""

    as_of: date
    submission_date: date
    stream: str
    ruleset: str
    findings: tuple[Finding, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == ERROR for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The checker's JSON answer (``lmia-findings/1``)."""
        return {
            "format": FINDINGS_FORMAT,
            "as_of": self.as_of.isoformat(),
            "submission_date": self.submission_date.isoformat(),
            "stream": self.stream,
            "ruleset": self.ruleset,
            "findings": [finding.to_dict() for finding in self.findings],
            "counts": self.counts,
        }


def evaluate(case: Case, as_of: date, reference: Reference) -> Verdict:
    """Run every rule in force on the submission date D that applies to the case's stream."""
    ctx = Context(case, as_of, reference)
    findings: list[Finding] = []
    for rule in all_rules():
        if not rule.applies_to(ctx.stream) or not rule.in_force(ctx.submission_date):
            continue
        if ctx.exempt and rule.area == "recruitment" and rule.id not in _RUN_WHEN_EXEMPT:
            continue
        for hit in rule.check(ctx):
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=hit.severity or rule.severity,
                    subject=hit.subject,
                    message=hit.message,
                    fix=hit.fix,
                    citation=hit.citation or rule.citation,
                    area=rule.area,
                )
            )
    findings.sort(key=finding_key)
    return Verdict(
        as_of=as_of,
        submission_date=ctx.submission_date,
        stream=ctx.stream,
        ruleset=ruleset_version(reference),
        findings=tuple(findings),
    )


__all__ = ["INFO", "RULESET", "WARNING", "Verdict", "evaluate", "finding_key", "subject_key"]
