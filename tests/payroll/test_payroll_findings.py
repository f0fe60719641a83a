"""The PAY-* checks at their boundaries: a cent below / equal / above the wage, hours exactly at
the threshold, the 2022-09-26 fee ban the day before / on / after, and T around each check's
effective dates."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from portal.offers.letter import LetterDeduction, LetterInputs
from portal.road.payroll import (
    CHECKS,
    PayDeduction,
    PayPeriod,
    payroll_findings,
    period_weeks,
)

T = date(2026, 12, 4)
D = Decimal


def offer(**overrides) -> LetterInputs:
    values = {
        "language": "en",
        "wage_amount": D("17.50"),
        "wage_per": "hour",
        "hours_per_week": D("40"),
        "stream": "high_wage",
        "deductions": (LetterDeduction(purpose="housing", amount=D("400"), per="month"),),
    }
    return LetterInputs(**(values | overrides))


def period(start="2026-11-02", end="2026-11-15", paid=None, hours="80", gross="1400.00", *deds):
    return PayPeriod(
        period_start=date.fromisoformat(start),
        period_end=date.fromisoformat(end),
        paid_on=date.fromisoformat(paid) if paid else None,
        hours=D(hours),
        gross=D(gross),
        deductions=tuple(PayDeduction(purpose, D(amount)) for purpose, amount in deds),
    )


@dataclass(frozen=True)
class Pay:
    paid_on: date | None
    payer: str
    payee: str
    amount: Decimal
    purpose: str
    worker_id: int | None = None
    payee_name: str | None = None


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def run(periods, the_offer=None, payments=(), today=T, **kwargs):
    return payroll_findings(periods, the_offer or offer(), payments, 1, today, **kwargs)


def test_every_check_has_an_id_severity_https_citation_docstring_and_dates():
    ids = [check.id for check in CHECKS]
    assert ids == [
        "PAY-BELOW-OFFER",
        "PAY-HOURS-SHORT",
        "PAY-DEDUCTION-PROHIBITED",
        "PAY-DEDUCTION-UNLISTED",
        "PAY-WAGES-RETURNED",
    ]
    for check in CHECKS:
        assert check.severity in ("error", "warning")
        assert check.citation.startswith("https://")
        assert check.check.__doc__
    assert {c.id: c.severity for c in CHECKS}["PAY-HOURS-SHORT"] == "warning"


@pytest.mark.parametrize(
    ("gross", "fires"), [("1399.99", True), ("1400.00", False), ("1400.01", False)]
)
def test_hourly_wage_a_cent_below_equal_above(gross, fires):
    findings = run([period(gross=gross)])
    assert ("PAY-BELOW-OFFER" in rules(findings)) is fires
    if fires:
        below = findings[0]
        assert below.severity == "error" and below.area == "payroll"
        assert below.subject == "workers[1].payroll[0]"
        assert "$1,399.99" in below.message and "$1,400.00" in below.message
        assert "80 hours at $17.50 an hour" in below.message and "$0.01 more" in below.message
        assert below.citation.endswith("section-209.3-20220926.html")


@pytest.mark.parametrize(
    ("start", "end", "owed"),
    [
        ("2026-11-01", "2026-11-30", "4000.00"),  # a calendar month: 48,000 / 12
        ("2026-11-01", "2026-11-15", "2000.00"),  # half a month
        ("2026-11-16", "2026-11-30", "2000.00"),
        ("2026-02-16", "2026-02-28", "2000.00"),  # the second half of February too
        ("2026-11-02", "2026-11-15", "1846.15"),  # two weeks: 48,000 / 26, to the cent
    ],
)
def test_a_salaried_offer_is_compared_per_period(start, end, owed):
    yearly = offer(wage_amount=D("48000"), wage_per="year", deductions=())
    cent = D("0.01")
    assert "PAY-BELOW-OFFER" not in rules(run([period(start, end, gross=owed)], yearly))
    short = run([period(start, end, gross=str(D(owed) - cent))], yearly)
    assert "PAY-BELOW-OFFER" in rules(short)
    assert f"${D(owed):,}" in short[0].message and "$48,000.00 a year" in short[0].message


def test_a_monthly_salary_for_a_calendar_month_and_a_weekly_one():
    monthly = offer(wage_amount=D("3000"), wage_per="month", deductions=())
    assert not run([period("2026-10-01", "2026-10-31", None, "173.34", "3000.00")], monthly)
    short = run([period("2026-10-01", "2026-10-31", None, "173.34", "2999.99")], monthly)
    assert rules(short) == ["PAY-BELOW-OFFER"] and "for a calendar month" in short[0].message
    weekly = offer(wage_amount=D("700"), wage_per="week", deductions=())
    assert not run([period("2026-11-02", "2026-11-15", gross="1400.00")], weekly)
    assert rules(run([period("2026-11-02", "2026-11-15", gross="1399.99")], weekly)) == [
        "PAY-BELOW-OFFER"
    ]


@pytest.mark.parametrize(("hours", "fires"), [("79.99", True), ("80.00", False), ("80.01", False)])
def test_hours_exactly_at_the_threshold(hours, fires):
    findings = run([period(hours=hours, gross="2000")])
    assert ("PAY-HOURS-SHORT" in rules(findings)) is fires
    if fires:
        assert findings[0].severity == "warning"
        assert "79.99 hours" in findings[0].message
        assert "40 hours a week make 80 hours for 14 days" in findings[0].message


def test_hours_of_half_a_month_are_52_24_weeks():
    assert period_weeks(date(2026, 11, 16), date(2026, 11, 30))[1] == "half a month"
    # 40 × 52 / 24 = 86.666…: 86.67 is enough, 86.66 is not.
    assert not run([period("2026-11-16", "2026-11-30", hours="86.67", gross="2000")])
    short = run([period("2026-11-16", "2026-11-30", hours="86.66", gross="2000")])
    assert rules(short) == ["PAY-HOURS-SHORT"]
    assert "about 86.67 hours for half a month" in short[0].message


@pytest.mark.parametrize(
    ("paid", "fires"), [("2022-09-25", False), ("2022-09-26", True), ("2022-09-27", True)]
)
def test_health_insurance_deducted_from_2022_09_26(paid, fires):
    pay = period("2022-09-05", "2022-09-18", paid, "80", "1400", ("health_insurance", "40"))
    findings = run([pay])
    assert ("PAY-DEDUCTION-PROHIBITED" in rules(findings)) is fires
    # Before the ban it is still not in the offer: a warning to check, not an error.
    assert ("PAY-DEDUCTION-UNLISTED" in rules(findings)) is not fires
    if fires:
        prohibited = next(f for f in findings if f.rule == "PAY-DEDUCTION-PROHIBITED")
        assert "$40.00 for health insurance" in prohibited.message


@pytest.mark.parametrize(
    ("paid", "fires"), [("2022-09-25", False), ("2022-09-26", True), ("2022-09-27", True)]
)
def test_recruitment_fees_from_2022_09_26_the_lmia_fee_always(paid, fires):
    fee = period("2022-09-05", "2022-09-18", paid, "80", "1400", ("recruitment_fee", "100"))
    assert ("PAY-DEDUCTION-PROHIBITED" in rules(run([fee]))) is fires
    lmia = period("2022-09-05", "2022-09-18", paid, "80", "1400", ("lmia_fee", "100"))
    found = run([lmia])
    assert rules(found) == ["PAY-DEDUCTION-PROHIBITED"]
    assert found[0].citation == next(
        c.citation for c in CHECKS if c.id == "PAY-DEDUCTION-PROHIBITED"
    )


def test_without_a_pay_date_the_period_end_is_the_date():
    before = period("2022-09-12", "2022-09-25", None, "80", "1400", ("placement_fee", "1"))
    on = period("2022-09-13", "2022-09-26", None, "80", "1400", ("placement_fee", "1"))
    assert "PAY-DEDUCTION-PROHIBITED" not in rules(run([before]))
    assert "PAY-DEDUCTION-PROHIBITED" in rules(run([on]))


def test_travel_is_prohibited_for_low_wage_and_unlisted_for_high_wage():
    pay = period("2026-11-02", "2026-11-15", None, "80", "1400", ("travel", "50"))
    assert rules(run([pay], offer(stream="low_wage"))) == ["PAY-DEDUCTION-PROHIBITED"]
    assert rules(run([pay], offer(stream="high_wage"))) == ["PAY-DEDUCTION-UNLISTED"]


@pytest.mark.parametrize(
    ("amount", "fires"),
    [("200.00", False), ("200.01", True), ("199.99", False)],
)
def test_a_listed_deduction_up_to_the_offer_amount_for_the_period(amount, fires):
    # $400 a month, half a month: $200.
    pay = period("2026-11-01", "2026-11-15", None, "86.67", "2000", ("housing", amount))
    findings = run([pay])
    assert ("PAY-DEDUCTION-UNLISTED" in rules(findings)) is fires
    if fires:
        assert "allows $200.00 for half a month" in findings[0].message
        assert "$400.00 a month" in findings[0].message


def test_statutory_deductions_are_always_allowed_and_others_unlisted_are_named():
    pay = period(
        "2026-11-02", "2026-11-15", None, "80", "1400", ("statutory", "300"), ("meals", "20")
    )
    findings = run([pay])
    assert rules(findings) == ["PAY-DEDUCTION-UNLISTED"]
    assert "$20.00 for meals" in findings[0].message and "lists no such" in findings[0].message


def test_wages_returned_within_or_after_a_period_and_not_before():
    periods = [period("2026-10-05", "2026-10-18"), period("2026-10-19", "2026-11-01")]
    payments = [
        Pay(date(2026, 10, 4), "worker", "employer", D("100"), "wages_returned"),  # before
        Pay(date(2026, 10, 20), "worker", "employer", D("250"), "wages_returned"),  # within [1]
        Pay(date(2026, 11, 20), "worker_family", "recruiter", D("300"), "wages", None, "Acme"),
        Pay(date(2026, 10, 25), "worker", "employer", D("50"), "wages_returned", worker_id=99),
        Pay(date(2026, 10, 25), "employer", "worker", D("50"), "wages"),  # ordinary pay
        Pay(None, "worker", "employer", D("75"), "wages_returned"),  # undated
    ]
    findings = run(periods, payments=payments, worker_id=7)
    returned = [f for f in findings if f.rule == "PAY-WAGES-RETURNED"]
    assert [f.subject for f in returned] == ["workers[1].payroll[1]", "workers[1].payroll[1]"]
    assert "$250.00" in returned[0].message and "2026-10-20" in returned[0].message
    assert "the employer" in returned[0].message and "within" in returned[0].message
    assert "Acme (a recruiter)" in returned[1].message and "after" in returned[1].message
    assert returned[0].severity == "error"


def test_a_payment_of_this_worker_counts_and_one_after_t_does_not():
    periods = [period("2026-10-05", "2026-10-18")]
    mine = Pay(date(2026, 10, 6), "worker", "owner", D("10"), "wages_returned", worker_id=7)
    assert rules(run(periods, payments=[mine], worker_id=7)) == ["PAY-WAGES-RETURNED"]
    assert rules(run(periods, payments=[mine], worker_id=7, today=date(2026, 10, 18))) == [
        "PAY-WAGES-RETURNED"
    ]
    assert not run(periods, payments=[mine], worker_id=7, today=date(2026, 10, 5))


def test_no_issued_offer_no_finding():
    bad = period(gross="1.00", hours="1")
    assert payroll_findings([bad], None, [], 0, T) == []


def test_a_period_is_checked_once_paid_by_t():
    pay = period("2026-11-02", "2026-11-15", "2026-11-20", "80", "1.00")
    assert not run([pay], today=date(2026, 11, 19))
    assert rules(run([pay], today=date(2026, 11, 20))) == ["PAY-BELOW-OFFER"]


@pytest.mark.parametrize(
    ("today", "fires"),
    [(date(2013, 12, 30), False), (date(2013, 12, 31), True), (date(2014, 1, 1), True)],
)
def test_the_compliance_checks_apply_from_2013_12_31(today, fires):
    pay = period("2013-12-01", "2013-12-14", None, "80", "1.00")
    assert ("PAY-BELOW-OFFER" in rules(run([pay], today=today))) is fires


def test_subjects_count_periods_in_date_order_whatever_the_input_order():
    late, early = period("2026-11-16", "2026-11-29", gross="1"), period(gross="1400")
    findings = run([late, early])
    assert {f.subject for f in findings} == {"workers[1].payroll[1]"}


def test_huge_and_odd_values_compare_exactly():
    huge = period("2026-11-02", "2026-11-15", None, "99999.99", "9999999999.99")
    assert "PAY-BELOW-OFFER" not in rules(run([huge]))
    thirds = offer(wage_amount=D("17.33"), hours_per_week=D("37.5"))
    # 17.33 × 75.01 = 1299.9233 → $1,299.92 owed
    assert not run([period(hours="75.01", gross="1299.92")], thirds)
    assert rules(run([period(hours="75.01", gross="1299.91")], thirds)) == ["PAY-BELOW-OFFER"]
