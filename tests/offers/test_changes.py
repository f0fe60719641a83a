"""What changed between two letter versions, in words, one line per changed fact."""

import dataclasses
from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest

from portal.offers.changes import DERIVED, DESCRIBED, describe_changes
from portal.offers.letter import LetterAddress, LetterDeduction, LetterInputs
from tests.offers.letter_samples import line_cook

NBSP = "\u00a0"


def changes(language="en", before=None, **changed):
    old = before or line_cook("en")
    return describe_changes(old.to_json(), dataclasses.replace(old, **changed).to_json(), language)


def test_no_change_no_lines():
    assert changes() == []
    assert describe_changes(line_cook("fr").to_json(), line_cook("fr").to_json(), "fr") == []


def test_the_issues_examples():
    assert changes(wage_amount=Decimal("18.00")) == ["wage: $17.50 → $18.00 an hour"]
    mississauga = LetterAddress(
        street="1 City Centre Dr", city="Mississauga", province="ON", postal_code="L5B 1M2"
    )
    assert changes(work_location=mississauga) == ["work location: Toronto → Mississauga"]
    no_deductions = line_cook("en", deductions=())
    housing = (LetterDeduction(purpose="housing", amount=Decimal("300.00"), per="month"),)
    assert changes(before=no_deductions, deductions=housing) == [
        "deduction added: housing $300.00 a month"
    ]


def test_french():
    assert changes("fr", wage_amount=Decimal("18.00")) == [
        f"salaire{NBSP}: 17,50{NBSP}$ → 18,00{NBSP}$ l’heure"
    ]
    assert changes("fr", start_date=date(2027, 2, 1)) == [
        f"date d’entrée en fonction{NBSP}: 15 janvier 2027 → 1er février 2027"
    ]
    assert changes("fr", hours_per_week=Decimal("37.5")) == [f"heures par semaine{NBSP}: 40 → 37,5"]


def test_a_wage_changing_period_shows_both_in_full():
    assert changes(wage_amount=Decimal("3000"), wage_per="month") == [
        "wage: $17.50 an hour → $3,000.00 a month"
    ]


def test_an_equal_amount_written_differently_is_no_change():
    old = line_cook("en").to_json()
    new = {**old, "wage_amount": "17.5", "hours_per_week": "40.0"}
    assert describe_changes(old, new) == []


def test_deductions_changed_removed_added():
    before = line_cook("en")  # housing $300 a month, meals $25 a week
    after = (
        LetterDeduction(purpose="housing", amount=Decimal("350.00"), per="month"),
        LetterDeduction(purpose="utilities", amount=Decimal("40.00"), per="month"),
    )
    assert changes(before=before, deductions=after) == [
        "deduction changed: housing $300.00 → $350.00 a month",
        "deduction removed: meals $25.00 a week",
        "deduction added: utilities $40.00 a month",
    ]
    # order alone is no change
    assert changes(before=before, deductions=tuple(reversed(before.deductions))) == []


def test_employer_paid_items():
    assert changes(employer_paid=("round_trip_travel", "housing")) == [
        "employer now pays: housing",
        "employer no longer pays: private health insurance until provincial coverage",
        "employer no longer pays: workplace safety insurance",
    ]


def test_none_and_long_text_and_dates_and_booleans():
    assert changes(probation=None) == ["probation: three months → none"]
    assert changes(duties="Cook.\nClean.") == ["duties: changed"]
    assert changes(signed_by_worker_on=None) == ["worker signed on: December 14, 2026 → none"]
    assert changes(live_in=True) == ["live-in caregiver: no → yes"]
    assert changes(language="en", stream="high_wage") == ["stream: low-wage → high-wage"]
    assert changes(duration_months=6) == ["duration: 12 months → 6 months"]
    assert changes(housing_rent_monthly=Decimal("250")) == ["rent: $300.00 → $250.00 a month"]


def test_derived_figures_are_not_repeated():
    # the hours change the annual figure, the cap…: only the hours are reported
    assert changes(
        hours_per_week=Decimal("35"), annual_wage=Decimal("31850.00"), housing_cap_amount=None
    ) == ["hours per week: 40 → 35"]


def test_lines_follow_the_letters_order():
    lines = changes(start_date=date(2027, 2, 1), worker_name="Ana Reyes", title="Cook")
    assert [line.split(":")[0] for line in lines] == ["worker", "job title", "start date"]


def test_every_fact_is_described_or_derived():
    names = {f.name for f in fields(LetterInputs)}
    assert names == DESCRIBED | DERIVED


def test_an_older_stored_version_still_compares():
    old = {"language": "en", "wage_amount": "17.00", "wage_per": "hour", "retired_field": "x"}
    lines = describe_changes(old, line_cook("en").to_json())
    assert "wage: $17.00 → $17.50 an hour" in lines


def test_unknown_language_refused():
    with pytest.raises(ValueError, match="language"):
        describe_changes({}, {}, "es")
