"""The risk view's list: every fee and fraud finding with the records behind it, newest first.

A fee or fraud finding is one whose rule ID starts with ``FEE-`` or ``FRAUD-``. Each comes with
the records it rests on, as the user knows them (``portal.finding_labels``): the record its
subject names (a payment row, a worker's attestation answers, a recruiter, a document held for
the worker) and the records tied to it (the payment's recruiter and worker, the payments made to
a recruiter, the worker who answered). The list is ordered by the date of the record the finding
is about (a payment's date, the day an attestation was answered, the day a document was taken,
an offer's date), newest first; findings about records without a date (a recruiter, the
applicant review) come last. Ties keep the engine's catalog order.

Plain Python (no Flask): the web views, the dashboard count and ``flask --app portal risk`` use
the same list. The findings' messages are already worded as things to check; nothing here
accuses anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.finding_labels import SubjectLabel, SubjectLabeller, parse_path
from portal.rules import Finding, Verdict

RISK_PREFIXES = ("FEE-", "FRAUD-")


def is_risk(rule_id: str) -> bool:
    """Whether a rule is a fee or fraud rule (the risk view's findings)."""
    return rule_id.startswith(RISK_PREFIXES)


@dataclass(frozen=True)
class RiskItem:
    """One fee or fraud finding and the records behind it."""

    finding: Finding
    about: SubjectLabel  # the record the finding is about
    records: tuple[SubjectLabel, ...]  # that record first, then the records tied to it
    dated: date | None  # the date of the record it is about (None: undated)
    waived: bool = False  # a representative accepted it, with a reason on record

    @property
    def stands(self) -> bool:
        """Still to be checked: not waived."""
        return not self.waived

    def to_dict(self) -> dict:
        return {
            "rule": self.finding.rule,
            "severity": self.finding.severity,
            "subject": self.finding.subject,
            "message": self.finding.message,
            "date": self.dated.isoformat() if self.dated else None,
            "waived": self.waived,
        }


def _at(items, index):
    return items[index] if items is not None and 0 <= index < len(items) else None


def _index(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Records:
    """Finds a subject's date and the records tied to it in one case."""

    def __init__(self, case) -> None:
        self.case = case

    def worker(self, index):
        return _at(getattr(self.case, "workers", None), index)

    def attestation(self, index):
        worker = self.worker(index)
        return getattr(worker, "attestation", None) if worker is not None else None

    def date_of(self, steps: list) -> date | None:
        head = steps[0]
        index = steps[1] if len(steps) > 1 and isinstance(steps[1], int) else None
        if index is None:
            return None
        if head == "payments":
            payment = _at(self.case.payments, index)
            return getattr(payment, "date", None) or getattr(payment, "paid_on", None)
        if head == "document_custody":
            return getattr(_at(self.case.document_custody, index), "since", None)
        if head == "workers" and len(steps) > 2:
            if steps[2] == "attestation":
                return getattr(self.attestation(index), "answered_on", None)
            if steps[2] == "offer":
                return getattr(getattr(self.worker(index), "offer", None), "date", None)
        if head == "offer":
            return getattr(self.case.offer, "date", None)
        return None

    def tied_to(self, steps: list) -> list[str]:
        """Subjects of the records tied to the one ``steps`` names."""
        head = steps[0]
        index = steps[1] if len(steps) > 1 and isinstance(steps[1], int) else None
        if index is None:
            return []
        tied: list[str] = []
        if head == "payments":
            payment = _at(self.case.payments, index)
            party = _index(getattr(payment, "third_party", None))
            worker = _index(getattr(payment, "worker", None))
            if party is not None:
                tied.append(f"third_parties[{party}]")
            if worker is not None:
                tied.append(f"workers[{worker}]")
        elif head == "third_parties":
            for number, payment in enumerate(self.case.payments or ()):
                if _index(getattr(payment, "third_party", None)) == index:
                    tied.append(f"payments[{number}]")
            tied.extend(self._reported_paid(index))
        elif head == "document_custody":
            worker = _index(getattr(_at(self.case.document_custody, index), "worker", None))
            if worker is not None:
                tied.append(f"workers[{worker}]")
        elif head == "workers" and len(steps) > 2 and steps[2] == "attestation":
            if len(steps) > 3:  # one reported payment: the answers it is part of
                tied.append(f"workers[{index}].attestation")
                payee = self._reported_payee(index, steps)
                tied.extend(self._parties_named(payee))
            tied.append(f"workers[{index}]")
        return tied

    def _reported_payee(self, worker: int, steps: list) -> str | None:
        if len(steps) > 4 and steps[3] == "payments" and isinstance(steps[4], int):
            reported = _at(getattr(self.attestation(worker), "payments", None), steps[4])
            return getattr(reported, "payee", None)
        return None

    def _parties_named(self, name: str | None) -> list[str]:
        """The recorded third parties a worker's answer names (same name, case and spaces
        aside): the recruiter to check."""
        wanted = " ".join((name or "").split()).casefold()
        if not wanted:
            return []
        return [
            f"third_parties[{number}]"
            for number, party in enumerate(self.case.third_parties or ())
            if " ".join(party.name.split()).casefold() == wanted
        ]

    def _reported_paid(self, party: int) -> list[str]:
        """Attestation payments whose payee is this third party's name."""
        named = _at(self.case.third_parties, party)
        if named is None:
            return []
        wanted = " ".join(named.name.split()).casefold()
        found = []
        for worker_index, worker in enumerate(getattr(self.case, "workers", None) or ()):
            answers = getattr(worker, "attestation", None)
            for number, reported in enumerate(getattr(answers, "payments", None) or ()):
                payee = " ".join((getattr(reported, "payee", "") or "").split()).casefold()
                if payee == wanted:
                    found.append(f"workers[{worker_index}].attestation.payments[{number}]")
        return found


def risk_items(
    verdict: Verdict,
    labeller: SubjectLabeller,
    case=None,
    waived: Iterable[tuple[str, str]] = (),
) -> list[RiskItem]:
    """Every fee and fraud finding of ``verdict`` with its records, newest record first.

    ``labeller`` labels the verdict's case (``case`` defaults to the labeller's); ``waived``
    holds the (rule, subject) keys a representative waived: those items are kept, marked."""
    records = _Records(case if case is not None else labeller.case)
    waived_keys = set(waived)
    items: list[RiskItem] = []
    for finding in verdict.findings:
        if not is_risk(finding.rule):
            continue
        steps = parse_path(finding.subject) or [finding.subject]
        about = labeller(finding.subject)
        subjects = [finding.subject]
        for subject in records.tied_to(steps):
            if subject not in subjects:
                subjects.append(subject)
        items.append(
            RiskItem(
                finding=finding,
                about=about,
                records=tuple(labeller(subject) for subject in subjects),
                dated=records.date_of(steps),
                waived=(finding.rule, finding.subject) in waived_keys,
            )
        )
    order = {id(item): number for number, item in enumerate(items)}
    items.sort(
        key=lambda item: (
            item.dated is None,
            -item.dated.toordinal() if item.dated else 0,
            order[id(item)],
        )
    )
    return items


def standing_errors(items: Iterable[RiskItem]) -> int:
    """How many error-level items are not waived (``flask risk`` exits 1 when any)."""
    return sum(1 for item in items if item.stands and item.finding.severity == "error")


def standing(items: Iterable[RiskItem]) -> int:
    """How many items are not waived (the dashboard's count)."""
    return sum(1 for item in items if item.stands)


__all__ = [
    "RISK_PREFIXES",
    "RiskItem",
    "is_risk",
    "risk_items",
    "standing",
    "standing_errors",
]
