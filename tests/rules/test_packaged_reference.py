"""The rules against the real packaged reference data (LabourMarketData.packaged())."""

from datetime import date
from decimal import Decimal

import pytest

from portal.reference.labour_market import LabourMarketData
from tests.rules.builders import (
    at,
    found,
    high_wage_case,
    hourly,
    location,
    low_wage_case,
    one,
    position,
    rule_ids,
    verdict,
)


@pytest.fixture(scope="module")
def data():
    return LabourMarketData.packaged()


def test_ruleset_names_the_packaged_data_version(data):
    assert verdict(low_wage_case(), reference=data).ruleset == f"1+{data.version}"


def test_toronto_cook_has_no_error_and_an_unverifiable_cma(data):
    # The packaged CMA list covers only 2025-04-04..2025-07-10, so 2026-03-02 cannot be checked.
    result = verdict(low_wage_case(), reference=data)

    assert [(f.rule, f.severity) for f in result.findings] == [("LW-CMA", "warning")]


def test_toronto_was_refused_in_the_spring_2025_quarter(data):
    case = at(low_wage_case(), date(2025, 5, 1))

    assert one(case, "LW-CMA", reference=data).severity == "error"


def test_job_bank_median_for_cooks_in_toronto_is_18(data):
    assert "WAGE-PREVAILING" not in rule_ids(
        position(low_wage_case(), wage=hourly("18.00")), reference=data
    )
    finding = one(
        position(low_wage_case(), wage=hourly("17.99")), "WAGE-PREVAILING", reference=data
    )
    assert "below the prevailing wage of $18.00" in finding.message
    assert "in Toronto" in finding.message


def test_ontario_threshold_from_2025_06_27_is_36(data):
    assert ("WAGE-STREAM", "position.wage") in found(
        position(high_wage_case(), wage=hourly("35.99")), reference=data
    )
    assert "WAGE-STREAM" not in rule_ids(
        position(high_wage_case(), wage=hourly("36")), reference=data
    )


def test_high_wage_engineer_is_compliant(data):
    assert verdict(high_wage_case(), reference=data).findings == ()


def test_unknown_noc_and_unknown_prevailing_wage(data):
    case = position(low_wage_case(), noc="99999")

    assert ("POS-NOC", "position") in found(case, reference=data)
    assert one(case, "WAGE-PREVAILING", reference=data).severity == "warning"


def test_province_fallback_without_economic_region(data):
    case = location(low_wage_case(), economic_region=None)
    expected = data.prevailing_wage("63200", None, "ON").hourly

    below = position(case, wage=hourly(str(expected - Decimal("0.01"))))

    assert "WAGE-PREVAILING" in rule_ids(below, reference=data)
    assert "WAGE-PREVAILING" not in rule_ids(
        position(case, wage=hourly(str(expected))), reference=data
    )
