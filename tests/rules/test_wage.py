"""WAGE rules: stream threshold, prevailing wage, ad floor, offer vs ad, incumbents."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Wage, WageRange
from portal.rules import Context
from tests.rules.builders import (
    REFERENCE,
    FakeReference,
    agricultural_case,
    at,
    day,
    findings_of,
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


@pytest.mark.parametrize(
    ("submitted", "covered"),
    [
        ("2020-05-10", False),  # before the first row: no borrowing of the 2020 median
        ("2020-05-11", True),
        ("2022-01-17", True),
        ("2022-01-18", False),  # the gap: neither 24.04 nor 26.06
        ("2022-05-03", False),
        ("2022-05-04", True),
    ],
)
def test_dates_no_row_covers_cannot_be_verified(submitted, covered):
    # 25.00 is above the 2020 median (24.04) and below the 2022 one (26.06): borrowing either
    # neighbour would give a verdict.
    case = at(position(high_wage_case(), wage=hourly("25")), day(submitted))

    findings = findings_of(case, "WAGE-STREAM", as_of=date(2026, 6, 1))

    if covered:
        assert [f.severity for f in findings] in ([], ["error"])
    else:
        assert [(f.severity, f.subject) for f in findings] == [("warning", "position.wage")]
        assert "cannot be verified" in findings[0].message


@pytest.mark.parametrize(
    ("submitted", "amount", "fires"),
    [
        ("2022-01-17", "24.03", True),  # 2020 median 24.04
        ("2022-01-17", "24.04", False),
        ("2022-05-04", "26.05", True),  # 2022 median 26.06
        ("2022-05-04", "26.06", False),
        ("2023-05-30", "26.06", False),
    ],
)
def test_the_2020_and_2022_medians(submitted, amount, fires):
    case = at(position(high_wage_case(), wage=hourly(amount)), day(submitted))

    assert (("WAGE-STREAM", "position.wage") in found(case, as_of=date(2026, 6, 1))) is fires


# ESDC's transition: 2023-05-31 to 2023-08-29 a stream correct under the threshold of 2023-05-30
# (ON 26.06) is a warning, not an error; the threshold from 2023-05-31 is 27.00.


@pytest.mark.parametrize(
    ("submitted", "severity"),
    [
        ("2023-05-30", None),  # 26.50 >= 26.06: correct under the threshold in force
        ("2023-05-31", "warning"),
        ("2023-06-01", "warning"),
        ("2023-08-29", "warning"),
        ("2023-08-30", "error"),
    ],
)
def test_high_wage_right_under_the_old_threshold_during_the_transition(submitted, severity):
    case = at(position(high_wage_case(), wage=hourly("26.50")), day(submitted))

    findings = findings_of(case, "WAGE-STREAM", as_of=date(2026, 6, 1))

    assert [f.severity for f in findings] == ([severity] if severity else [])
    if severity == "warning":
        assert findings[0].message == (
            f"The offered wage is $26.50 an hour, below the high-wage threshold of $27.00 for ON "
            f"on {submitted}. The stream was correct under the threshold of $26.06 in force on "
            "2023-05-30, which ESDC still accepted during its transition (2023-05-31 to "
            "2023-08-29)."
        )


@pytest.mark.parametrize(
    ("amount", "severity"), [("26.05", "error"), ("26.06", "warning"), ("26.99", "warning")]
)
def test_the_transition_needs_the_old_threshold_met(amount, severity):
    case = at(position(high_wage_case(), wage=hourly(amount)), day("2023-07-01"))

    assert [f.severity for f in findings_of(case, "WAGE-STREAM", as_of=date(2026, 6, 1))] == [
        severity
    ]


@pytest.mark.parametrize(
    ("submitted", "amount", "severity"),
    [
        ("2023-07-01", "26.50", None),  # below 27.00: right for low-wage
        ("2023-07-01", "26.05", None),
        ("2023-05-31", "27.00", "error"),  # at the new threshold, and above the old one
        ("2023-05-30", "26.06", "error"),
    ],
)
def test_low_wage_during_the_transition(submitted, amount, severity):
    case = at(position(low_wage_case(), wage=hourly(amount)), day(submitted))

    findings = findings_of(case, "WAGE-STREAM", as_of=date(2026, 6, 1))

    assert [f.severity for f in findings] == ([severity] if severity else [])


def test_low_wage_right_under_the_old_threshold_is_a_warning_in_the_transition():
    # A made-up province whose median fell on 2023-05-31: 26.00 was low-wage under 26.50.
    reference = FakeReference()
    reference.thresholds["XX"] = [
        (day("2022-05-04"), day("2023-05-30"), Decimal("26.50")),
        (day("2023-05-31"), None, Decimal("25.50")),
    ]
    case = at(location(low_wage_case(), province="XX"), day("2023-08-29"))
    case = position(case, wage=hourly("26.00"))

    finding = one(case, "WAGE-STREAM", as_of=date(2026, 6, 1), reference=reference)

    assert finding.severity == "warning"
    assert "correct under the threshold of $26.50 in force on 2023-05-30" in finding.message
    after = at(case, day("2023-08-30"))
    assert one(after, "WAGE-STREAM", as_of=date(2026, 6, 1), reference=reference).severity == (
        "error"
    )


def test_the_transition_needs_a_threshold_on_2023_05_30():
    reference = FakeReference()
    reference.thresholds["XX"] = [(day("2023-05-31"), None, Decimal("27.00"))]
    case = at(location(high_wage_case(), province="XX"), day("2023-06-01"))
    case = position(case, wage=hourly("26.50"))

    assert one(case, "WAGE-STREAM", as_of=date(2026, 6, 1), reference=reference).severity == (
        "error"
    )


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


# The prevailing wage is the higher of Job Bank's median and the case's figure (corrected
# 2026-12-04: before, a declared figure replaced Job Bank's even when lower).


@pytest.mark.parametrize(("offered", "fires"), [("19.99", True), ("20.00", False)])
def test_a_higher_declared_figure_raises_the_floor(offered, fires):
    case = position(
        low_wage_case(),
        wage=hourly(offered),
        prevailing_wage=hourly("20"),
        prevailing_wage_source="collective agreement",
    )

    assert (("WAGE-PREVAILING", "position.wage") in found(case)) is fires
    if fires:
        assert one(case, "WAGE-PREVAILING").message == (
            "The offered wage is $19.99 an hour, below the prevailing wage of $20.00 (the figure "
            "given in the case (collective agreement), higher than the Job Bank median for NOC "
            "63200 ($18.00))."
        )


@pytest.mark.parametrize(
    ("declared", "offered", "fires"),
    [
        ("17.00", "17.99", True),  # the old rule let the lower declared figure replace 18.00
        ("17.00", "18.00", False),
        ("17.99", "17.99", True),
        ("18.00", "17.99", True),  # equal figures: Job Bank's
        ("18.00", "18.00", False),
    ],
)
def test_a_lower_or_equal_declared_figure_never_lowers_job_bank(declared, offered, fires):
    case = position(low_wage_case(), wage=hourly(offered), prevailing_wage=hourly(declared))

    assert (("WAGE-PREVAILING", "position.wage") in found(case)) is fires
    if fires:
        message = one(case, "WAGE-PREVAILING").message
        relation = "the same as" if declared == "18.00" else "higher than"
        assert message == (
            f"The offered wage is ${offered} an hour, below the prevailing wage of $18.00 (the "
            f"Job Bank median for NOC 63200, {relation} the ${declared} given in the case)."
        )


@pytest.mark.parametrize(
    ("declared", "noc", "basis", "expected"),
    [
        (None, "63200", "job_bank", "18.00"),
        ("17.99", "63200", "job_bank", "18.00"),
        ("18.00", "63200", "job_bank", "18.00"),
        ("18.01", "63200", "declared", "18.01"),
        ("12.00", "73300", "declared", "12.00"),
    ],
)
def test_the_prevailing_wage_says_which_figure_it_is(declared, noc, basis, expected):
    case = position(
        low_wage_case(), noc=noc, prevailing_wage=hourly(declared) if declared else None
    )

    prevailing = Context(case, date(2026, 3, 2), REFERENCE).prevailing

    assert (prevailing.basis, prevailing.hourly) == (basis, Decimal(expected))


def test_the_declared_figure_alone_when_job_bank_has_none():
    case = position(
        low_wage_case(),
        noc="73300",
        wage=hourly("24.99"),
        prevailing_wage=hourly("25"),
        prevailing_wage_source="employer survey",
    )

    finding = one(case, "WAGE-PREVAILING")

    assert finding.severity == "error"
    assert finding.message == (
        "The offered wage is $24.99 an hour, below the prevailing wage of $25.00 (the figure "
        "given in the case (employer survey); Job Bank publishes no median for NOC 73300 in the "
        "loaded data)."
    )
    assert "WAGE-PREVAILING" not in rule_ids(position(case, wage=hourly("25")))


def test_a_declared_annual_figure_is_compared_per_hour():
    # 41,600 a year at 40 hours a week is 20.00 an hour.
    case = position(low_wage_case(), wage=hourly("19.99"), prevailing_wage=wage("41600", "year"))

    assert "$20.00" in one(case, "WAGE-PREVAILING").message
    assert "WAGE-PREVAILING" not in rule_ids(position(case, wage=hourly("20")))


@pytest.mark.parametrize(
    ("declared", "advertised", "fires"),
    [("20", "19.99", True), ("20", "20", False), ("17", "17.99", True), ("17", "18", False)],
)
def test_the_ad_floor_uses_the_same_higher_figure(declared, advertised, fires):
    case = position(low_wage_case(), wage=hourly("25"), prevailing_wage=hourly(declared))
    case = change_ad(case, 2, wage=hourly(advertised))

    assert (("WAGE-AD-FLOOR", "recruitment[2]") in found(case)) is fires


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
    assert one(case, "WAGE-AD-OFFER").message == (
        "The offer pays $19.50 an hour, less than the $20.00 advertised in the Job Bank ad."
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
