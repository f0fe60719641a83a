"""parse_case(case_to_dict(c)) == c, and the JSON text keeps every digit."""

import json
from decimal import Decimal

import pytest

from portal.cases import case_to_dict, case_to_json, parse_case, to_json
from portal.cases.model import Wage, WageRange
from tests.cases.generate import CaseGenerator
from tests.rules.builders import BASES


@pytest.mark.parametrize("seed", range(300))
def test_generated_cases_survive_the_round_trip(seed):
    case = CaseGenerator(seed).case()

    assert parse_case(case_to_dict(case)) == case
    assert parse_case(case_to_json(case)) == case
    assert parse_case(case_to_json(case).encode("utf-8")) == case


@pytest.mark.parametrize("name", sorted(BASES))
def test_base_cases_survive_the_round_trip(name):
    case = BASES[name]()

    assert parse_case(case_to_json(case)) == case


def test_canonical_form_omits_nulls_and_keeps_format_first():
    case = BASES["low_wage"]()
    data = case_to_dict(case)

    assert next(iter(data)) == "format"
    assert data["format"] == "lmia-case/1"
    assert "transition_plan" not in data  # None in the model
    assert data["payments"] == []  # () in the model: given, and empty
    assert data["submission_date"] == "2026-03-02"
    assert "cma" in data["position"]["work_location"]
    assert "admin_region" not in data["position"]["work_location"]


def test_decimals_are_written_digit_for_digit():
    text = to_json({"a": Decimal("19.50"), "b": Decimal("123456789012345678901234567890.01")})

    assert '"a": 19.50' in text
    assert '"b": 123456789012345678901234567890.01' in text
    assert json.loads(text, parse_float=Decimal)["b"] == Decimal(
        "123456789012345678901234567890.01"
    )


def test_parsing_a_canonical_document_gives_the_same_document_back():
    text = case_to_json(BASES["high_wage"]())

    assert case_to_json(parse_case(text)) == text


def test_an_ad_wage_with_no_figure_has_one_canonical_form():
    base = case_to_dict(BASES["low_wage"]())
    base["recruitment"][0]["ad"]["wage"] = {"min": None, "max": None, "per": "hour"}

    case = parse_case(base)

    assert case.recruitment[0].ad.wage == Wage(amount=None, per="hour")
    assert parse_case(case_to_dict(case)) == case


def test_an_ad_wage_range_keeps_its_bounds():
    base = case_to_dict(BASES["low_wage"]())
    base["recruitment"][0]["ad"]["wage"] = {"min": 19, "max": None, "per": "hour"}

    case = parse_case(base)

    assert case.recruitment[0].ad.wage == WageRange(min=Decimal("19"), max=None, per="hour")
    assert parse_case(case_to_dict(case)) == case
