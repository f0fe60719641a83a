"""HW-TRANSITION: the high-wage transition plan."""

import pytest

from portal.cases import PlanActivity, TransitionPlan
from tests.rules.builders import (
    found,
    global_talent_case,
    high_wage_case,
    low_wage_case,
    one,
    position,
    pr_only_case,
    replace,
    rule_ids,
)


def plan(*kinds, exemption=None):
    return TransitionPlan(
        exemption=exemption,
        activities=tuple(
            PlanActivity(kind=kind, description=f"A {kind} activity") for kind in kinds
        ),
    )


def with_plan(case, transition_plan):
    return replace(case, transition_plan=transition_plan)


# --- HW-TRANSITION -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kinds", "fires"),
    [
        (("recruit", "retain", "train", "underrepresented"), False),
        (("recruit", "recruit", "recruit", "underrepresented"), False),
        (("train", "retain", "underrepresented"), True),
        (("recruit", "retain", "train"), True),
        (("permanent_residence",), False),
        (("recruit", "permanent_residence"), False),
        (("underrepresented", "underrepresented", "underrepresented", "underrepresented"), True),
        ((), True),
    ],
)
def test_three_plus_one_or_permanent_residence(kinds, fires):
    case = with_plan(high_wage_case(), plan(*kinds))

    assert (("HW-TRANSITION", "transition_plan") in found(case)) is fires


def test_message_counts_the_activities():
    case = with_plan(high_wage_case(), plan("train", "retain", "underrepresented"))

    assert one(case, "HW-TRANSITION").message.startswith(
        "The transition plan has 2 recruit, retain or train activities and 1 aimed at "
        "under-represented groups; it needs at least 3 and 1"
    )
    assert one(with_plan(high_wage_case(), None), "HW-TRANSITION").message == (
        "There is no transition plan."
    )


def test_a_stated_exemption_replaces_the_plan():
    assert "HW-TRANSITION" not in rule_ids(
        with_plan(high_wage_case(), plan(exemption="Limited duration: 18-month project"))
    )
    assert "HW-TRANSITION" in rule_ids(with_plan(high_wage_case(), plan(exemption=" ")))


@pytest.mark.parametrize(
    "noc", ["80020", "80021", "82030", "82031", "84120", "85100", "85101", "85103"]
)
def test_no_plan_for_primary_agriculture_nocs(noc):
    case = position(with_plan(high_wage_case(), None), noc=noc)

    assert "HW-TRANSITION" not in rule_ids(case)


def test_plan_rule_only_for_high_wage_non_caregivers():
    case = with_plan(high_wage_case(), None)

    assert "HW-TRANSITION" in rule_ids(position(case, noc="85102"))
    assert "HW-TRANSITION" not in rule_ids(position(case, caregiver=True))
    assert "HW-TRANSITION" not in rule_ids(pr_only_case())
    assert "HW-TRANSITION" not in rule_ids(low_wage_case())
    assert "HW-TRANSITION" not in rule_ids(global_talent_case())
