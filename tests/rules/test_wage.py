"""WAGE rules: stream threshold, prevailing wage, ad floor, offer vs ad, incumbents."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Wage, WageRange
from tests.rules.builders import (
    REFERENCE,
    FakeReference,
    agricultural_case,
    at,
    found,
    global_talent_case,
    high_wage_case,
    hourly,
    location,
    low_wage_case,
    one,
    position,
    pr_only_case,
    rule_ids,
    subjects,
)
from tests.rules.builders import ad as change_ad
from tests.rules.builders import offer as change_offer


def wage(amount: str, per: str = "hour") -> Wage:
    return Wage(amount=Decimal(amount), per=per)


def all_ads(case, **changes):
    for index in range(len(case.recruitment)):
        case = change_ad(case, index, **changes)
    return case


# --- WAGE-STREAM (ON threshold: 28.39 to 2024-11-07, 34.07 to 2025-06-26, then 36.00) ------------


@pytest.mark.parametrize(
    ("amount", "fires"), [("35.99", True), ("35.999", True), ("36.00", False), ("36.01", False)]
)
def test_high_wage_needs_the_threshold(amount, fires):
    case = position(high_wage_case(), wage=hourly(amount))

    assert (("WAGE-STREAM", "position.wage") in found(case)) is fires


@pytest.mark.parametrize(("amount", "fires"), [("35.99", False), ("36.00", True), ("36.01", True)])
def test_low_wage_must_be_below_the_threshold(amount, fires):
    case = position(low_wage_case(), wage=hourly(amount))

    assert (("WAGE-STREAM", "position.wage") in found(case)) is fires


@pytest.mark.parametrize(("annual", "fires"), [("74880", False), ("74879.99", True)])
def test_annual_wages_are_compared_unrounded(annual, fires):
    case = position(high_wage_case(), wage=wage(annual, "year"))

    assert ("WAGE-STREAM" in rule_ids(case)) is fires
    if fires:
        assert one(case, "WAGE-STREAM").message == (
            "The offered wage is about $35.9999 an hour, below the high-wage threshold of $36.00 "
            "for ON on 2026-03-02."
        )


@pytest.mark.parametrize(
    ("submitted", "amount", "fires"),
    [
        (date(2024, 11, 7), "30", False),  # threshold 28.39
        (date(2024, 11, 8), "30", True),  # threshold 34.07 (median + 20%)
        (date(2025, 6, 26), "35", False),  # 34.07
        (date(2025, 6, 27), "35", True),  # 36.00
    ],
)
def test_the_threshold_in_force_on_the_submission_date(submitted, amount, fires):
    case = at(position(high_wage_case(), wage=hourly(amount)), submitted)

    assert ("WAGE-STREAM" in rule_ids(case, as_of=date(2026, 6, 1))) is fires


def test_without_a_threshold_row_it_is_a_warning():
    case = location(high_wage_case(), province="NB")

    finding = one(case, "WAGE-STREAM")

    assert finding.severity == "warning"
    assert "No high-wage threshold for NB is loaded for 2026-03-02" in finding.message


@pytest.mark.parametrize("make", [pr_only_case, agricultural_case, global_talent_case])
def test_stream_threshold_only_for_high_and_low_wage(make):
    assert "WAGE-STREAM" not in rule_ids(position(make(), wage=hourly("10")))


# --- WAGE-PREVAILING (NOC 63200: ER3530 18.00, ON 18.50) -----------------------------------------


@pytest.mark.parametrize(
    ("offered", "fires"),
    [(hourly("17.99"), True), (hourly("17.999"), True), (hourly("18.00"), False)],
)
def test_wage_below_the_regional_median(offered, fires):
    case = position(low_wage_case(), wage=offered)

    assert (("WAGE-PREVAILING", "position.wage") in found(case)) is fires


@pytest.mark.parametrize(
    ("offered", "fires"),
    [(wage("719.60", "week"), True), (wage("720", "week"), False), (wage("3120", "month"), False)],
)
def test_weekly_and_monthly_wages_are_converted(offered, fires):
    case = position(low_wage_case(), wage=offered)

    assert ("WAGE-PREVAILING" in rule_ids(case)) is fires


def test_prevailing_message_and_lookup_arguments():
    reference = FakeReference()
    case = position(low_wage_case(), wage=hourly("17.99"))

    finding = one(case, "WAGE-PREVAILING", reference=reference)

    assert finding.message == (
        "The offered wage is $17.99 an hour, below the prevailing wage of $18.00 "
        "(the Job Bank median for NOC 63200)."
    )
    assert ("prevailing_wage", "63200", "ER3530", "ON") in reference.calls


@pytest.mark.parametrize(("amount", "fires"), [("18.49", True), ("18.50", False)])
def test_province_median_without_an_economic_region(amount, fires):
    case = location(position(low_wage_case(), wage=hourly(amount)), economic_region=None)

    assert ("WAGE-PREVAILING" in rule_ids(case)) is fires


def test_the_case_own_prevailing_wage_wins():
    case = position(
        low_wage_case(), prevailing_wage=hourly("20"), prevailing_wage_source="Job Bank 2026"
    )

    assert "(the figure given in the case (Job Bank 2026))" in one(case, "WAGE-PREVAILING").message
    assert "WAGE-PREVAILING" not in rule_ids(position(case, wage=hourly("20")))


def test_unknown_prevailing_wage_is_a_warning():
    case = position(low_wage_case(), noc="73300")

    finding = one(case, "WAGE-PREVAILING")

    assert finding.severity == "warning"
    assert finding.message.startswith("No prevailing wage is known for NOC 73300 in ER3530")


def test_no_prevailing_wage_check_for_global_talent():
    assert "WAGE-PREVAILING" not in rule_ids(position(global_talent_case(), wage=hourly("10")))


# --- WAGE-AD-FLOOR -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("advertised", "fires"),
    [
        (hourly("17.99"), True),
        (hourly("18.00"), False),
        (WageRange(min=Decimal("17.99"), max=Decimal("25"), per="hour"), True),
        (WageRange(min=Decimal("18"), max=Decimal("25"), per="hour"), False),
        (wage("37439", "year"), True),
        (wage("37440", "year"), False),
    ],
)
def test_the_advertised_wage_or_its_minimum_meets_the_prevailing_wage(advertised, fires):
    case = change_ad(low_wage_case(), 2, wage=advertised)

    assert (("WAGE-AD-FLOOR", "recruitment[2]") in found(case)) is fires


def test_ad_floor_silent_without_figure_or_prevailing_wage_or_for_global_talent():
    no_figure = change_ad(low_wage_case(), 2, wage=Wage(amount=None, per="hour"))
    assert "WAGE-AD-FLOOR" not in rule_ids(no_figure)
    unknown = position(change_ad(low_wage_case(), 2, wage=hourly("1")), noc="73300")
    assert "WAGE-AD-FLOOR" not in rule_ids(unknown)
    gts = global_talent_case()
    assert "WAGE-AD-FLOOR" not in rule_ids(gts)


def test_one_ad_floor_finding_per_ad():
    case = all_ads(low_wage_case(), wage=hourly("17"))

    assert subjects(case, "WAGE-AD-FLOOR") == ["recruitment[0]", "recruitment[1]", "recruitment[2]"]


# --- WAGE-AD-OFFER -------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "fires"), [("19.49", True), ("19.50", False), ("19.51", False)])
def test_the_offer_pays_at_least_the_position_wage(amount, fires):
    case = change_offer(low_wage_case(), wage=hourly(amount))

    assert (("WAGE-AD-OFFER", "offer") in found(case)) is fires


def test_the_offer_pays_at_least_the_lowest_advertised_wage():
    case = all_ads(low_wage_case(), wage=hourly("20"))
    assert "WAGE-AD-OFFER" in rule_ids(case)
    assert "the $20.00 advertised in the Job Bank ad (recruitment[0])" in (
        one(case, "WAGE-AD-OFFER").message
    )
    assert "WAGE-AD-OFFER" not in rule_ids(change_ad(case, 1, wage=hourly("19.50")))
    ranged = change_ad(case, 1, wage=WageRange(min=Decimal("19.50"), max=Decimal("30"), per="hour"))
    assert "WAGE-AD-OFFER" not in rule_ids(ranged)


@pytest.mark.parametrize(("hours", "fires"), [("40", False), ("39", False), ("41", True)])
def test_the_offer_uses_its_own_hours(hours, fires):
    case = change_offer(low_wage_case(), wage=wage("780", "week"), hours_per_week=Decimal(hours))

    assert ("WAGE-AD-OFFER" in rule_ids(case)) is fires


def test_no_offer_wage_no_comparison():
    assert "WAGE-AD-OFFER" not in rule_ids(change_offer(low_wage_case(), wage=None))


# --- WAGE-INCUMBENT ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("incumbent", "fires"),
    [(hourly("19.51"), True), (hourly("19.50"), False), (wage("3380", "month"), False)],
)
def test_at_least_what_current_employees_earn(incumbent, fires):
    case = position(low_wage_case(), incumbent_wage=incumbent)

    assert (("WAGE-INCUMBENT", "position.wage") in found(case)) is fires
    if fires:
        assert "$19.50 an hour, below the $19.51 paid" in one(case, "WAGE-INCUMBENT").message


def test_reference_fixture_is_shared():
    assert REFERENCE.wage_threshold("ON", date(2026, 3, 2)).hourly == Decimal("36.00")
