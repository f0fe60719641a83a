"""POS rules: NOC unit group, full-time hours, business number."""

from decimal import Decimal

import pytest

from tests.rules.builders import (
    agricultural_case,
    employer,
    found,
    global_talent_case,
    high_wage_case,
    low_wage_case,
    one,
    position,
    pr_only_case,
    rule_ids,
)

# --- POS-NOC, POS-FULLTIME, POS-BN ---------------------------------------------------------------


@pytest.mark.parametrize(("noc", "fires"), [("63200", False), ("6320", True), ("12345", True)])
def test_noc_must_be_a_unit_group(noc, fires):
    case = position(low_wage_case(), noc=noc)

    assert (("POS-NOC", "position") in found(case)) is fires
    assert (("POS-NOC", "position") in found(position(global_talent_case(), noc=noc))) is fires


@pytest.mark.parametrize(
    ("hours", "fires"), [("29.99", True), ("29", True), ("30", False), ("30.5", False)]
)
def test_high_and_low_wage_positions_are_full_time(hours, fires):
    for make in (low_wage_case, high_wage_case, pr_only_case):
        case = position(make(), hours_per_week=Decimal(hours))
        assert (("POS-FULLTIME", "position") in found(case)) is fires


def test_full_time_not_required_for_agriculture_or_global_talent():
    for make in (agricultural_case, global_talent_case):
        assert "POS-FULLTIME" not in rule_ids(position(make(), hours_per_week=Decimal("20")))


def test_full_time_message():
    case = position(low_wage_case(), hours_per_week=Decimal("29.5"))

    assert one(case, "POS-FULLTIME").message == (
        "The position is 29.5 hours a week; at least 30 are needed."
    )


@pytest.mark.parametrize(
    ("number", "fires"),
    [
        ("871234563", False),
        ("87123456", True),
        ("8712345630", True),
        ("871234563RT0001", True),
        ("871 234 563", True),
        ("87123456a", True),
        ("", True),
    ],
)
def test_business_number_is_9_digits(number, fires):
    case = employer(low_wage_case(), business_number=number)

    assert (("POS-BN", "employer") in found(case)) is fires
