"""The LMIA rules engine (ruleset 2, 2026-12-04): one function per catalog rule, by area.

Plain Python: nothing here imports Flask, SQLAlchemy or ``portal.models``. Public API::

    evaluate(case, as_of, reference) -> Verdict
    all_rules() -> tuple[Rule, ...]; get_rule(rule_id) -> Rule
    rule(...)  # the decorator that registers a rule; Finding, Hit, Verdict values

Importing this package registers every rule (the area modules below).
"""

from portal.rules import (  # noqa: F401 - imported to register their rules
    advertising,
    fees,
    high_wage,
    low_wage,
    offer,
    position,
    recruitment,
    wage,
)
from portal.rules.context import Context, Reference
from portal.rules.engine import RULESET, Verdict, evaluate, ruleset_version, subject_key
from portal.rules.registry import (
    ERROR,
    INFO,
    RULESET_DATE,
    SEVERITIES,
    WARNING,
    Finding,
    Hit,
    Rule,
    all_rules,
    get_rule,
    rule,
)

AREAS = (
    "recruitment",
    "advertising",
    "wage",
    "low_wage",
    "high_wage",
    "position",
    "offer",
    "fees",
)

__all__ = [
    "AREAS",
    "ERROR",
    "INFO",
    "RULESET",
    "RULESET_DATE",
    "SEVERITIES",
    "WARNING",
    "Context",
    "Finding",
    "Hit",
    "Reference",
    "Rule",
    "Verdict",
    "all_rules",
    "evaluate",
    "get_rule",
    "rule",
    "ruleset_version",
    "subject_key",
]
