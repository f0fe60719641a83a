"""The rule registry: a decorator that records a rule's metadata, and the values rules produce.

A rule is a plain function ``check(ctx) -> Iterable[Hit]``; :func:`rule` records its ID, title,
severity, streams, effective dates, area, citation and the evidence it expects, and returns the
function unchanged. :func:`portal.rules.engine.evaluate` turns each :class:`Hit` into a
:class:`Finding` carrying the rule's metadata.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from portal.rules.context import Context

# The ruleset: its version number and the date of the catalog it encodes. Sign-offs store the
# version (with the reference data's), so a change here marks earlier sign-offs as made under
# older rules. Ruleset 2 (2026-12-04): the corrections in the "Changes" line of rules.md.
RULESET = "2"
RULESET_DATE = "2026-12-04"
# The ruleset that first had every rule of the catalog; a rule added later says ``since=``.
FIRST_RULESET = "1"
ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)

ALL_STREAMS = frozenset({"high_wage", "low_wage", "global_talent", "agricultural", "pr_only"})
HW = frozenset({"high_wage", "pr_only"})
LW = frozenset({"low_wage"})
AG = frozenset({"agricultural"})
GTS = frozenset({"global_talent"})


@dataclass(frozen=True)
class Hit:
    """What a rule found: the subject, a message with the numbers, a fix.

    ``severity`` and ``citation`` override the rule's own (e.g. a "cannot verify" warning).
    """

    subject: str
    message: str
    fix: str
    severity: str | None = None
    citation: str | None = None


@dataclass(frozen=True)
class Finding:
    """One finding of one rule about one subject (an immutable value)."""

    rule: str
    severity: str
    subject: str
    message: str
    fix: str
    citation: str
    area: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "fix": self.fix,
            "citation": self.citation,
        }


Check = Callable[["Context"], Iterable[Hit]]
F = TypeVar("F", bound=Check)


@dataclass(frozen=True)
class Rule:
    """A registered rule: its metadata and its check function."""

    id: str
    title: str
    severity: str
    area: str
    citation: str
    streams: frozenset[str]
    applies: str
    effective_from: date | None
    effective_to: date | None
    evidence: str | None
    check: Check
    since: str = FIRST_RULESET
    revised: str | None = None

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

    def in_force(self, day: date) -> bool:
        """Is the rule in force on ``day`` (the submission date D)? Both ends inclusive."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    def applies_to(self, stream: str) -> bool:
        return stream in self.streams


_RULES: dict[str, Rule] = {}


def rule(
    id: str,  # noqa: A002 - the catalog calls it the rule's ID
    *,
    title: str,
    severity: str,
    area: str,
    citation: str,
    streams: frozenset[str] = ALL_STREAMS,
    applies: str = "all",
    effective_from: date | None = None,
    effective_to: date | None = None,
    evidence: str | None = None,
    since: str = FIRST_RULESET,
    revised: str | None = None,
) -> Callable[[F], F]:
    """Register the decorated function as rule ``id``; return the function unchanged.

    ``since`` is the ruleset version that introduced the rule; an ID is never reused.
    ``revised`` is the latest ruleset that changed what the rule checks, if any.
    """
    if severity not in SEVERITIES:
        raise ValueError(f"{id}: unknown severity {severity!r}")
    if not citation.startswith("https://"):
        raise ValueError(f"{id}: the citation must be an https:// URL")
    if not streams <= ALL_STREAMS:
        raise ValueError(f"{id}: unknown streams {sorted(streams - ALL_STREAMS)}")

    def register(check: F) -> F:
        if id in _RULES:
            raise ValueError(f"rule {id} is registered twice")
        if not inspect.getdoc(check):
            raise ValueError(f"{id}: a rule states its requirement in its docstring")
        _RULES[id] = Rule(
            id=id,
            title=title,
            severity=severity,
            area=area,
            citation=citation,
            streams=frozenset(streams),
            applies=applies,
            effective_from=effective_from,
            effective_to=effective_to,
            evidence=evidence,
            check=check,
            since=since,
            revised=revised,
        )
        return check

    return register


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, by ID."""
    return tuple(_RULES[key] for key in sorted(_RULES))


def get_rule(rule_id: str) -> Rule:
    """The rule with this ID (``KeyError`` if none)."""
    return _RULES[rule_id]
