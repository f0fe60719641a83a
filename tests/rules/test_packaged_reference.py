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
    assert verdict(low_wage_case(), reference=data).ruleset == f"2+{data.version}"


def test_toronto_cook_is_refused_in_the_winter_2026_quarter(data):
    # Five quarters are packaged (2025-01-10..2026-04-09); Toronto is listed in each of them.
    result = verdict(low_wage_case(), reference=data)

    assert [(f.rule, f.severity) for f in result.findings] == [("LW-CMA", "error")]
    assert "on the list for 2026-01-09 to 2026-04-09" in result.findings[0].message
    assert "(unemployment 6% or more)" in result.findings[0].message  # no rate in the source


@pytest.mark.parametrize(
    ("submitted", "severity"),
    [
        ("2025-01-09", "warning"),  # before the first loaded quarter: cannot verify
        ("2025-01-10", "error"),
        ("2025-04-03", "error"),
        ("2025-04-04", "error"),
        ("2025-07-10", "error"),
        ("2025-07-11", "error"),
        ("2025-10-09", "error"),
        ("2025-10-10", "error"),
        ("2026-01-08", "error"),
        ("2026-01-09", "error"),
        ("2026-04-09", "error"),
        ("2026-04-10", "warning"),  # after the last loaded quarter
    ],
)
def test_a_toronto_low_wage_position_gets_a_verdict_in_every_loaded_quarter(
    data, submitted, severity
):
    case = at(low_wage_case(), date.fromisoformat(submitted))

    assert one(case, "LW-CMA", as_of=date(2026, 6, 1), reference=data).severity == severity


@pytest.mark.parametrize(
    ("cma", "submitted", "status"),
    [
        ("Belleville – Quinte West", "2025-07-10", None),  # not listed before 2025-07-11
        ("Belleville – Quinte West", "2025-07-11", "error"),  # ESDC's spaced en dash
        ("Belleville-Quinte West", "2026-04-09", "error"),
        ("Ottawa-Gatineau", "2025-07-11", "error"),
        ("Ottawa – Gatineau", "2026-01-09", "error"),
        ("Ottawa-Gatineau", "2025-07-10", None),
        ("Moncton", "2026-01-09", None),  # removed in January 2026
        ("Moncton", "2026-01-08", "error"),
    ],
)
def test_cma_names_and_quarters_against_the_packaged_list(data, cma, submitted, status):
    case = at(location(low_wage_case(), cma=cma), date.fromisoformat(submitted))

    findings = verdict(case, as_of=date(2026, 6, 1), reference=data).findings
    assert [f.severity for f in findings if f.rule == "LW-CMA"] == ([status] if status else [])


@pytest.mark.parametrize("province", ["ON", "QC"])
def test_ottawa_gatineau_is_refused_on_both_sides_of_the_river(data, province):
    case = at(
        location(low_wage_case(), cma="Ottawa - Gatineau", province=province), date(2025, 8, 1)
    )

    finding = one(case, "LW-CMA", as_of=date(2026, 6, 1), reference=data)
    assert "(unemployment 6.4%)" in finding.message


def test_a_primary_agriculture_noc_in_toronto_is_exempt(data):
    case = position(low_wage_case(), noc="85100")

    assert "LW-CMA" not in rule_ids(case, reference=data)


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [
        ("2020-05-10", "warning"),
        ("2020-05-11", None),
        ("2022-01-18", "warning"),
        ("2022-05-04", None),
    ],
)
def test_wage_stream_uses_only_rows_that_cover_the_date(data, submitted, fires):
    case = at(position(high_wage_case(), wage=hourly("30")), date.fromisoformat(submitted))

    findings = verdict(case, as_of=date(2026, 6, 1), reference=data).findings
    assert [f.severity for f in findings if f.rule == "WAGE-STREAM"] == ([fires] if fires else [])


def test_a_declared_figure_below_job_bank_is_not_used(data):
    case = position(low_wage_case(), wage=hourly("17.99"), prevailing_wage=hourly("15"))

    finding = one(case, "WAGE-PREVAILING", reference=data)
    assert finding.message == (
        "The offered wage is $17.99 an hour, below the prevailing wage of $18.00 (the Job Bank "
        "median for NOC 63200 in Toronto, higher than the $15.00 given in the case)."
    )


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
