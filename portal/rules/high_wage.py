"""High-wage stream rules, HW [lmia-domain.md §4]."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from portal.rules import sources as src
from portal.rules.context import Context
from portal.rules.phrase import phrase, plural_phrase
from portal.rules.registry import ERROR, Hit, rule
from portal.rules.text import blank

AREA = "high_wage"
PRIMARY_AGRICULTURE_NOCS = frozenset(
    {"80020", "80021", "82030", "82031", "84120", "85100", "85101", "85103"}
)
RECRUIT_RETAIN_TRAIN = ("recruit", "retain", "train")


@rule(
    "HW-TRANSITION",
    title=phrase("Transition plan for high-wage positions"),
    severity=ERROR,
    area=AREA,
    citation=src.S111,
    streams=frozenset({"high_wage"}),
    applies="high_wage, not caregiver, NOC not primary agriculture",
    evidence=phrase(
        "the transition plan with each activity's description, timeline and investment"
    ),
)
def transition_plan_missing_or_thin(ctx: Context) -> Iterator[Hit]:
    """A high-wage position needs a transition plan, unless an exemption is stated.

    Either at least three activities to recruit, retain or train Canadians and permanent residents
    (in any mix) plus one aimed at under-represented groups, or one activity supporting the
    worker's permanent residence. Not for caregivers or primary agriculture NOCs (80020, 80021,
    82030, 82031, 84120, 85100, 85101, 85103).
    """
    if ctx.position.caregiver or ctx.position.noc in PRIMARY_AGRICULTURE_NOCS:
        return
    plan = ctx.case.transition_plan
    if plan is not None and not blank(plan.exemption):
        return
    kinds = Counter(activity.kind for activity in (plan.activities if plan else ()))
    three = sum(kinds[kind] for kind in RECRUIT_RETAIN_TRAIN)
    if (three >= 3 and kinds["underrepresented"] >= 1) or kinds["permanent_residence"] >= 1:
        return
    if plan is None:
        message = phrase("There is no transition plan.")
    else:
        message = plural_phrase(
            "The transition plan has %(num)d recruit, retain or train activity and "
            "%(underrepresented)s aimed at under-represented groups; it needs at least 3 and "
            "1, or one activity supporting the worker's permanent residence.",
            "The transition plan has %(num)d recruit, retain or train activities and "
            "%(underrepresented)s aimed at under-represented groups; it needs at least 3 and "
            "1, or one activity supporting the worker's permanent residence.",
            three,
            underrepresented=kinds["underrepresented"],
        )
    yield Hit(
        "transition_plan",
        message,
        phrase(
            "Add recruit/retain/train activities (at least 3) and one for under-represented "
            "groups, or an activity supporting permanent residence, or state the exemption "
            "that applies."
        ),
    )
