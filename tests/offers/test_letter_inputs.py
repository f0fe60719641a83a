"""LetterInputs: built from a case's worker, derived figures exact, JSON round trip exact."""

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.cases import parse_case
from portal.offers.letter import (
    CAP_30_DOLLARS_A_WEEK,
    CAP_30_PERCENT_OF_GROSS,
    LetterAddress,
    LetterDeduction,
    LetterInputs,
    duration_limit_months,
    housing_cap,
    letter_inputs,
    wage_figures,
)
from tests.offers.letter_samples import hostile, line_cook

DEMO = Path(__file__).resolve().parents[2] / "portal/demo/line_cook_findings.json"


def v2_case(offer: dict, worker: dict | None = None, **top):
    """The demo line cook's case in lmia-case/2 with one worker holding ``offer``."""
    data = json.loads(DEMO.read_text())
    data.pop("offer", None)
    data["format"] = "lmia-case/2"
    data["workers"] = [{"name": "Ana Reyes", "country": "Philippines", **(worker or {})}]
    data["workers"][0]["offer"] = offer
    data.update(top)
    return parse_case(data)


FULL_OFFER = {
    "date": "2026-12-10",
    "wage": {"amount": 18, "per": "hour"},
    "hours_per_week": 37.5,
    "work_location": {
        "street": "1 Main St",
        "city": "Mississauga",
        "province": "ON",
        "postal_code": "L5B 1M2",
    },
    "start_date": "2027-02-01",
    "deductions": [{"purpose": "housing", "amount": 300, "per": "month"}],
    "employer_paid": ["round_trip_travel", "health_insurance"],
    "housing_rent_monthly": 300,
    "pay_frequency": "biweekly",
    "schedule": "Mon-Fri",
    "statutory_holidays": "paid",
    "probation": "3 months",
    "termination_notice": "2 weeks",
    "housing_terms": "shared flat",
    "lmia_number": "A7654321",
    "rights_information_given_on": "2026-12-10",
    "signed_by_employer_name": "Luca Marchetti",
    "signed_by_worker_name": "Ana Reyes",
    "signed_by_employer_on": "2026-12-11",
    "business_number": "999999999",
}


def test_offer_facts_win_and_the_position_fills_what_the_offer_leaves_out():
    case = v2_case(FULL_OFFER, {"language": "fr"})
    inputs = letter_inputs(case, 0, noc_title="Cuisiniers/cuisinières")
    assert inputs.language == "fr"
    assert inputs.worker_name == "Ana Reyes"
    assert inputs.worker_country == "Philippines"
    assert inputs.work_location.city == "Mississauga"
    assert inputs.province == "ON"
    assert inputs.business_number == "999999999"  # the offer's own
    assert inputs.employer_legal_name == "Marchetti Hospitality Inc."  # from the employer
    assert inputs.title == "Line cook"  # from the position
    assert (inputs.noc, inputs.teer, inputs.noc_title) == ("63200", "3", "Cuisiniers/cuisinières")
    assert inputs.duration_months == 12
    assert inputs.wage_amount == Decimal("18") and inputs.wage_per == "hour"
    assert inputs.hourly_wage == Decimal("18.00")
    assert inputs.annual_wage == Decimal("35100.00")  # 18 × 37.5 × 52
    assert inputs.deductions == (
        LetterDeduction(purpose="housing", amount=Decimal("300"), per="month"),
    )
    assert inputs.employer_paid == ("round_trip_travel", "health_insurance")
    assert inputs.lmia_number == "A7654321"
    assert inputs.stream == "low_wage"
    assert inputs.duration_limit_months == 12  # filed 2026-12-01
    # 30 % of 18 × 37.5 × 52 ÷ 12 = 877.50
    assert (inputs.housing_cap, inputs.housing_cap_amount) == (
        CAP_30_PERCENT_OF_GROSS,
        Decimal("877.50"),
    )
    assert inputs.rights_information_given_on == date(2026, 12, 10)
    assert inputs.rights_information_language == "fr"
    assert inputs.signed_by_employer_on == date(2026, 12, 11)
    assert inputs.signed_by_worker_on is None
    assert inputs.start_date == date(2027, 2, 1)


def test_the_position_stands_in_for_an_empty_offer():
    case = v2_case({}, {"planned_start_date": "2027-03-01"})
    inputs = letter_inputs(case, 0, noc_title=None)
    assert inputs.work_location.city == "Toronto"
    assert inputs.hourly_wage == Decimal("17.50")
    assert inputs.annual_wage == Decimal("36400.00")
    assert inputs.start_date == date(2027, 3, 1)
    assert inputs.deductions == () and inputs.employer_paid == ()


@pytest.mark.parametrize(
    ("worker", "offer", "asked", "expected"),
    [
        ({"language": "fr"}, {"language": "en"}, None, "fr"),
        ({}, {"language": "fr"}, None, "fr"),
        ({}, {}, None, "en"),
        ({"language": "fr"}, {}, "en", "en"),
    ],
)
def test_language_is_the_asked_then_the_workers_then_the_offers_else_english(
    worker, offer, asked, expected
):
    inputs = letter_inputs(v2_case(offer, worker), 0, noc_title=None, language=asked)
    assert inputs.language == expected


def test_a_quebec_position_is_in_french_unless_someone_chose():
    quebec = {"street": "1 rue X", "city": "Montréal", "province": "QC", "postal_code": "H2X 1Y4"}
    assert letter_inputs(v2_case({"work_location": quebec}), 0, noc_title=None).language == "fr"
    chosen = v2_case({"work_location": quebec}, {"language": "en"})
    assert letter_inputs(chosen, 0, noc_title=None).language == "en"


def test_unknown_worker_or_worker_without_offer_is_refused():
    case = v2_case({})
    with pytest.raises(IndexError):
        letter_inputs(case, 1, noc_title=None)
    with pytest.raises(IndexError):
        letter_inputs(case, -1, noc_title=None)
    no_offer = dataclasses.replace(
        case, workers=(dataclasses.replace(case.workers[0], offer=None),)
    )
    with pytest.raises(ValueError, match=r"workers\[0\]\.offer"):
        letter_inputs(no_offer, 0, noc_title=None)


@pytest.mark.parametrize(
    ("amount", "per", "hours", "hourly", "annual"),
    [
        ("17.50", "hour", "40", "17.50", "36400.00"),
        ("700", "week", "40", "17.50", "36400.00"),
        ("3000", "month", "40", "17.31", "36000.00"),  # 3000 × 12 exactly, not 17.31 × 2080
        ("52000", "year", "37.5", "26.67", "52000.00"),
        ("20.005", "hour", "40", "20.01", "41610.40"),  # rounded once, half up, at the end
    ],
)
def test_wage_figures_are_exact_and_rounded_once(amount, per, hours, hourly, annual):
    assert wage_figures(Decimal(amount), per, Decimal(hours)) == (Decimal(hourly), Decimal(annual))


@pytest.mark.parametrize(
    ("stream", "filed", "limit"),
    [
        ("low_wage", date(2024, 9, 25), 24),
        ("low_wage", date(2024, 9, 26), 12),
        ("low_wage", None, 12),
        ("high_wage", date(2026, 1, 1), None),
        ("agricultural", date(2026, 1, 1), None),
    ],
)
def test_duration_limit_follows_the_stream_and_the_filing_date(stream, filed, limit):
    assert duration_limit_months(stream, filed) == limit


def test_duration_limit_reads_the_case_submission_date():
    case = v2_case({}, submission_date="2024-09-25")
    assert letter_inputs(case, 0, noc_title=None).duration_limit_months == 24


def test_housing_cap_by_stream():
    assert housing_cap("low_wage", Decimal("17.50"), "hour", Decimal("40")) == (
        CAP_30_PERCENT_OF_GROSS,
        Decimal("910.00"),
    )
    # 30 % of 17.53 × 37.5 × 52 ÷ 12 is 854.5875: a cap is rounded down, never past the rule.
    assert housing_cap("low_wage", Decimal("17.53"), "hour", Decimal("37.5"))[1] == Decimal(
        "854.58"
    )
    assert housing_cap("agricultural", Decimal("16"), "hour", Decimal("40")) == (
        CAP_30_DOLLARS_A_WEEK,
        Decimal("30.00"),
    )
    assert housing_cap("high_wage", Decimal("40"), "hour", Decimal("40")) == (None, None)


def test_live_in_caregiver_flags_come_from_the_position():
    data = json.loads(DEMO.read_text())
    data["position"].update(caregiver=True, live_in_required=True)
    data.pop("offer", None)
    data.update(format="lmia-case/2", workers=[{"name": "A", "offer": {}}])
    inputs = letter_inputs(parse_case(data), 0, noc_title=None)
    assert inputs.caregiver and inputs.live_in


def test_teer_is_the_second_digit():
    assert LetterInputs(language="en", noc="21231").teer == "1"
    assert LetterInputs(language="en", noc="65201").teer == "5"
    assert LetterInputs(language="en", noc=None).teer is None


def test_language_must_be_english_or_french():
    with pytest.raises(ValueError, match="language"):
        LetterInputs(language="es")


@pytest.mark.parametrize("inputs", [line_cook("fr"), line_cook("en"), hostile("en")])
def test_json_round_trip_is_exact(inputs):
    data = inputs.to_json()
    assert json.loads(json.dumps(data)) == data  # plain JSON: strings, numbers, lists
    assert data["hourly_wage"] == "17.50" and data["start_date"] == "2027-01-15"
    assert data["deductions"][0] == {"purpose": "housing", "amount": "300.00", "per": "month"}
    assert LetterInputs.from_json(data) == inputs
    assert LetterInputs.from_json(json.loads(json.dumps(data))).to_json() == data


def test_round_trip_keeps_nones_and_empty_lists():
    bare = LetterInputs(language="en")
    assert LetterInputs.from_json(bare.to_json()) == bare
    assert LetterInputs.from_json({"language": "fr"}) == LetterInputs(language="fr")
    address = LetterAddress(city="Laval")
    assert (
        LetterInputs.from_json(
            LetterInputs(language="fr", work_location=address).to_json()
        ).work_location
        == address
    )


def test_from_json_refuses_unknown_fields():
    with pytest.raises(ValueError, match="wgae"):
        LetterInputs.from_json({"language": "en", "wgae": "1"})


@pytest.mark.parametrize(
    ("language", "act"),
    [
        ("en", "Employment Standards Act, 2000 (Ontario)"),
        ("fr", "Loi de 2000 sur les normes d'emploi de l'Ontario"),
    ],
)
def test_the_act_named_in_the_overtime_clause_comes_from_the_reference_table(language, act):
    pytest.importorskip("portal.offers.standards", reason="the documents layer's standards")
    inputs = letter_inputs(v2_case({}), 0, noc_title=None, language=language)
    assert inputs.employment_standards_act == act


def test_from_json_reads_numbers_written_as_json_numbers_digit_for_digit():
    data = {
        "language": "en",
        "wage_amount": 17.1,
        "deductions": [{"purpose": "meals", "amount": 25.1, "per": "week"}],
    }
    inputs = LetterInputs.from_json(data)
    assert inputs.wage_amount == Decimal("17.1")
    assert inputs.deductions[0].amount == Decimal("25.1")
