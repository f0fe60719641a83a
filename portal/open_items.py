"""What is still open on a position: the facts a representative signs off against.

Plain Python (no Flask, no database): the callers pass the findings of the rules engine, the
keys of the waived findings, the evidence files and the open requests. Used by the sign-off,
the filing bundle's cover page and the dashboard.

Open means:
- an error or warning the rules report that no representative waived;
- a file awaiting review (not reviewed yet) or whose review asked for changes;
- a request (a review comment asking for a change, or a question) not yet closed.

Signing off with open errors, files not accepted or open requests needs an explicit
confirmation with a reason; open warnings are shown but do not need one.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

REASON_MIN_LENGTH = 10  # as for a waiver: a reason, not "ok"


@dataclass(frozen=True)
class OpenFinding:
    rule: str
    severity: str
    subject: str
    message: str


@dataclass(frozen=True)
class OpenFile:
    id: int
    name: str
    review_status: str  # "pending" or "changes_requested"


@dataclass(frozen=True)
class OpenRequest:
    id: int
    body: str
    evidence_id: int | None
    rule_id: str | None
    subject: str | None


@dataclass(frozen=True)
class OpenItems:
    errors: tuple[OpenFinding, ...] = ()
    warnings: tuple[OpenFinding, ...] = ()
    files_awaiting_review: tuple[OpenFile, ...] = ()
    files_changes_requested: tuple[OpenFile, ...] = ()
    requests: tuple[OpenRequest, ...] = field(default=())

    @property
    def needs_confirmation(self) -> bool:
        """Whether signing off needs the representative's explicit, reasoned confirmation."""
        return bool(
            self.errors
            or self.files_awaiting_review
            or self.files_changes_requested
            or self.requests
        )

    @property
    def is_empty(self) -> bool:
        return not (self.needs_confirmation or self.warnings)

    def counts(self) -> dict[str, int]:
        return {
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "files_awaiting_review": len(self.files_awaiting_review),
            "files_changes_requested": len(self.files_changes_requested),
            "requests": len(self.requests),
        }

    def fingerprint(self) -> str:
        """A short digest of what is open: the sign-off form carries the one it showed, so a
        confirmation never covers items that appeared after the page was loaded."""
        parts = [f"E{f.rule}|{f.subject}" for f in self.errors]
        parts += [f"F{f.id}:{f.review_status}" for f in self.files_awaiting_review]
        parts += [f"F{f.id}:{f.review_status}" for f in self.files_changes_requested]
        parts += [f"R{r.id}" for r in self.requests]
        return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        """What is stored with a sign-off (JSON) and shown on the bundle's cover page."""
        return {
            "counts": self.counts(),
            "errors": [_finding_dict(f) for f in self.errors],
            "warnings": [_finding_dict(f) for f in self.warnings],
            "files": [
                {"id": f.id, "name": f.name, "review_status": f.review_status}
                for f in self.files_awaiting_review + self.files_changes_requested
            ],
            "requests": [
                {
                    "id": r.id,
                    "body": r.body,
                    "evidence_id": r.evidence_id,
                    "rule_id": r.rule_id,
                    "subject": r.subject,
                }
                for r in self.requests
            ],
        }


def _finding_dict(finding: OpenFinding) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "subject": finding.subject,
        "message": finding.message,
    }


def open_items(
    findings: Iterable,
    waived: Iterable[tuple[str, str]],
    files: Iterable,
    requests: Iterable,
) -> OpenItems:
    """Gather what is open.

    ``findings``: the engine's findings (``rule``, ``severity``, ``subject``, ``message``);
    ``waived``: (rule, subject) pairs with an active waiver; ``files``: the position's active
    evidence (``id``, ``original_filename``, ``review_status``); ``requests``: the open
    requests (``id``, ``body``, ``evidence_id``, ``rule_id``, ``subject``). A request about a
    finding the rules no longer report, or that was waived, is settled: the data was fixed or
    the representative accepted it.
    """
    waived = set(waived)
    findings = list(findings)
    reported = {(f.rule, f.subject) for f in findings}
    errors, warnings = [], []
    for f in findings:
        if (f.rule, f.subject) in waived or f.severity not in ("error", "warning"):
            continue
        shown = OpenFinding(f.rule, f.severity, f.subject, f.message)
        (errors if f.severity == "error" else warnings).append(shown)
    awaiting, changes = [], []
    for item in files:
        if item.review_status in ("pending", "changes_requested"):
            shown = OpenFile(item.id, item.original_filename, item.review_status)
            (awaiting if item.review_status == "pending" else changes).append(shown)
    kept = []
    for r in requests:
        if r.rule_id and r.evidence_id is None:
            key = (r.rule_id, r.subject)
            if key not in reported or key in waived:
                continue
        kept.append(OpenRequest(r.id, r.body, r.evidence_id, r.rule_id, r.subject))
    return OpenItems(
        errors=tuple(errors),
        warnings=tuple(warnings),
        files_awaiting_review=tuple(awaiting),
        files_changes_requested=tuple(changes),
        requests=tuple(kept),
    )


# Why a sign-off is refused; the view words them for the user.
CHANGED = "changed"  # the open items are not those the page showed
NOT_CONFIRMED = "not_confirmed"
NO_REASON = "no_reason"


def sign_off_problems(
    items: OpenItems, *, confirmed: bool, reason: str | None, fingerprint: str | None
) -> set[str]:
    """Why a sign-off cannot be recorded (empty: it can).

    With nothing open that needs it, no confirmation is asked. Otherwise the representative
    ticks the confirmation for exactly what the page showed, and gives a reason.
    """
    if not items.needs_confirmation:
        return set()
    problems = set()
    if not confirmed:
        problems.add(NOT_CONFIRMED)
    elif fingerprint != items.fingerprint():
        problems.add(CHANGED)
    if len((reason or "").strip()) < REASON_MIN_LENGTH:
        problems.add(NO_REASON)
    return problems
