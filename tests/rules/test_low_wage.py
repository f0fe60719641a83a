"""LW rules and the Québec freeze: caps by NAICS and period, CMA refusals, duration, obligations."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Wage
from tests.rules.builders import (
    FakeReference,
    agricultural_case,
    at,
    day,
    employer,
    found,
    high_wage_case,
    hourly,
    location,
    low_wage_case,
    one,
    position,
    replace,
    rule_ids,
)
from tests.rules.builders import offer as change_offer


def headcount(case, employees, tfws, positions=1, naics="722511"):
    case = employer(
        case, employees_at_location=employees, low_wage_tfws_at_location=tfws, naics=naics
    )
    return position(case, positions=positions)


# --- LW-CAP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "tfws", "positions", "fires"),
    [
        (29, 2, 1, False),  # 3 of 30 = 10%: at the cap
        (28, 2, 1, True),  # 3 of 29 = 10.3%
        (27, 1, 2, True),  # 3 of 29
        (58, 4, 2, False),  # 6 of 60
        (40, 2, 1, False),
    ],
)
def test_general_cap_from_2024_09_26_is_10_percent(employees, tfws, positions, fires):
    case = headcount(low_wage_case(), employees, tfws, positions)

    assert (("LW-CAP", "position") in found(case)) is fires


def test_cap_message_gives_the_numbers_and_the_fix():
    case = headcount(low_wage_case(), 28, 2)

    finding = one(case, "LW-CAP")

    assert finding.message == (
        "With this 1 position, low-wage TFWs would be 3 of 29 workers at the location (10.3%), "
        "above the 10% cap on 2026-03-02 (NAICS 722511)."
    )
    assert finding.fix == "Reduce the number of low-wage TFWs at the location before applying."
    roomier = one(headcount(low_wage_case(), 40, 2, positions=4), "LW-CAP")
    assert roomier.fix.startswith("Request at most 2 positions")


@pytest.mark.parametrize("naics", ["23", "236110", "311", "311811", "622111", "623110"])
def test_sector_cap_of_20_percent_from_2024_09_26(naics):
    assert "LW-CAP" not in rule_ids(headcount(low_wage_case(), 14, 2, naics=naics))  # 3/15 = 20%
    assert "LW-CAP" in rule_ids(headcount(low_wage_case(), 13, 2, naics=naics))  # 3/14


@pytest.mark.parametrize("naics", ["722511", "321", "62", "3", "61"])
def test_other_sectors_have_10_percent_from_2024_09_26(naics):
    assert "LW-CAP" in rule_ids(headcount(low_wage_case(), 14, 2, naics=naics))


def test_no_naics_means_the_general_cap():
    case = headcount(low_wage_case(), 14, 2, naics=None)

    assert "(no NAICS code given)" in one(case, "LW-CAP").message


@pytest.mark.parametrize(
    ("submitted", "naics", "employees", "fires"),
    [
        # 3 of 15 = 20%
        ("2024-09-25", "722511", 14, False),  # 20% general
        ("2024-09-26", "722511", 14, True),  # 10% general
        # 3 of 10 = 30%
        ("2024-09-25", "236110", 9, False),  # 30% for construction
        ("2024-09-26", "236110", 9, True),  # 20% for construction
        ("2024-09-25", "311811", 9, True),  # food manufacturing: 20% general in May-Sept 2024
        ("2024-04-30", "722511", 9, False),  # 30% for food services (road map)
        ("2024-05-01", "722511", 9, True),  # 20%
        ("2024-04-30", "337121", 9, False),
        ("2024-04-30", "541511", 9, True),  # 20% general
        ("2022-04-30", "721111", 9, False),  # 30% from 2022-04-30
        ("2022-04-29", "721111", 9, True),  # 10% before
        # 3 of 29 = 10.3%
        ("2022-04-29", "722511", 28, True),
        ("2022-04-30", "722511", 28, False),  # 30% road-map sector
    ],
)
def test_cap_by_period_and_sector(submitted, naics, employees, fires):
    case = at(headcount(low_wage_case(), employees, 2, naics=naics), day(submitted))

    assert ("LW-CAP" in rule_ids(case)) is fires


@pytest.mark.parametrize(("submitted", "fires"), [("2014-06-19", False), ("2014-06-20", True)])
def test_cap_starts_2014_06_20(submitted, fires):
    case = at(headcount(low_wage_case(), 14, 2), day(submitted))

    assert ("LW-CAP" in rule_ids(case)) is fires


def test_seasonal_and_caregiver_positions_are_outside_the_cap():
    case = headcount(low_wage_case(), 5, 2)

    assert "LW-CAP" in rule_ids(case)
    assert "LW-CAP" not in rule_ids(position(case, seasonal=True))
    assert "LW-CAP" not in rule_ids(position(case, caregiver=True))
    assert "LW-CAP" not in rule_ids(position(case, stream="high_wage", wage=hourly("40")))


@pytest.mark.parametrize(
    ("employees", "tfws", "missing"),
    [
        (None, 2, '"Employees at this work location today" is not filled in'),
        (40, None, '"Low-wage temporary foreign workers there now" is not filled in'),
        (
            None,
            None,
            '"Employees at this work location today" and "Low-wage temporary foreign workers '
            'there now" are not filled in',
        ),
    ],
)
def test_missing_headcounts_are_a_warning(employees, tfws, missing):
    case = employer(
        low_wage_case(), employees_at_location=employees, low_wage_tfws_at_location=tfws
    )

    finding = one(case, "LW-CAP")

    assert finding.severity == "warning"
    assert finding.message.endswith(f"cannot be verified: {missing}.")


# --- LW-CMA --------------------------------------------------------------------------------------
# Fake list: 2025-04-04..2025-07-10 Toronto (8.6%) and Montréal; 2026-01-09..2026-04-09 Hamilton,
# Montréal and Belleville - Quinte West (no rates).


def test_a_cma_on_the_list_in_force_is_refused():
    reference = FakeReference()
    case = location(low_wage_case(), cma="Hamilton")

    finding = one(case, "LW-CMA", reference=reference)

    assert (finding.severity, finding.subject) == ("error", "position")
    assert finding.message == (
        "The work location is in the Hamilton CMA, which is on the list for 2026-01-09 to "
        "2026-04-09 of CMAs where low-wage LMIAs are refused (unemployment 6% or more); the "
        "submission date is 2026-03-02."
    )
    assert ("cma_refusal", "Hamilton", date(2026, 3, 2), "ON") in reference.calls
    assert "LW-CMA" not in rule_ids(low_wage_case())  # Toronto is not listed in that quarter


def test_the_refusal_names_the_rate_when_the_list_gives_one():
    finding = one(at(low_wage_case(), date(2025, 5, 1)), "LW-CMA")

    assert "(unemployment 8.6%)" in finding.message
    assert "the list for 2025-04-04 to 2025-07-10" in finding.message


def test_the_list_is_chosen_by_submission_date():
    assert "LW-CMA" in rule_ids(at(low_wage_case(), date(2025, 7, 10)))
    assert "LW-CMA" not in rule_ids(at(low_wage_case(), date(2026, 1, 9)))


def test_no_loaded_list_for_the_date_is_a_warning():
    case = at(low_wage_case(), date(2025, 8, 1))

    finding = one(case, "LW-CMA")

    assert finding.severity == "warning"
    assert "No loaded CMA list covers 2025-08-01" in finding.message


@pytest.mark.parametrize(("submitted", "fires"), [("2024-09-25", False), ("2024-09-26", True)])
def test_cma_refusal_starts_2024_09_26(submitted, fires):
    reference = FakeReference(cma_periods=[(day("2024-09-01"), day("2024-10-10"), {"Toronto"})])
    case = at(low_wage_case(), day(submitted))

    assert ("LW-CMA" in rule_ids(case, reference=reference)) is fires


@pytest.mark.parametrize(
    ("naics", "fires"),
    [
        ("111219", False),
        ("112120", False),
        ("115110", False),
        ("115210", False),
        ("311811", False),
        ("236110", False),
        ("622111", False),
        ("623110", False),
        ("115310", True),
        ("113110", True),
        ("621111", True),
        ("722511", True),
        (None, True),
    ],
)
def test_exempt_sectors(naics, fires):
    case = employer(location(low_wage_case(), cma="Hamilton"), naics=naics)

    assert ("LW-CMA" in rule_ids(case)) is fires


PRIMARY_AGRICULTURE = ["80020", "80021", "82030", "82031", "84120", "85100", "85101", "85103"]
CAREGIVERS = ["31301", "32101", "44100", "44101"]


@pytest.mark.parametrize("noc", PRIMARY_AGRICULTURE)
def test_primary_agriculture_nocs_are_exempt_whatever_the_naics(noc):
    """Added 2026-12-04: the NOC exempts even when the employer's NAICS does not."""
    case = position(location(low_wage_case(), cma="Hamilton"), noc=noc)

    assert "LW-CMA" not in rule_ids(case)
    assert "LW-CMA" not in rule_ids(at(case, date(2025, 8, 1)))  # nor "cannot verify"


@pytest.mark.parametrize("noc", ["80010", "82010", "84110", "85102", "85104", "63200"])
def test_other_nocs_are_not_exempt(noc):
    case = position(location(low_wage_case(), cma="Hamilton"), noc=noc)

    assert "LW-CMA" in rule_ids(case)


@pytest.mark.parametrize("noc", CAREGIVERS)
def test_in_home_caregiver_positions_are_exempt(noc):
    case = position(location(low_wage_case(), cma="Hamilton"), noc=noc, caregiver=True)

    assert "LW-CMA" not in rule_ids(case)
    assert "LW-CMA" in rule_ids(position(case, caregiver=False))
    assert "LW-CMA" in rule_ids(position(case, caregiver=None))


@pytest.mark.parametrize("noc", ["63200", "33102", "31300"])
def test_a_caregiver_flag_with_another_noc_is_not_exempt(noc):
    case = position(location(low_wage_case(), cma="Hamilton"), noc=noc, caregiver=True)

    assert "LW-CMA" in rule_ids(case)


def test_seasonal_positions_have_no_general_exemption():
    """lmia-domain.md §3.2: the ≤270-day seasonal exemption belongs to the cap, not here."""
    case = position(location(low_wage_case(), cma="Hamilton"), seasonal=True)

    assert ("LW-CMA", "position") in found(case)
    assert "LW-CAP" not in rule_ids(
        employer(case, employees_at_location=10, low_wage_tfws_at_location=9)
    )


@pytest.mark.parametrize(
    "written",
    ["Belleville-Quinte West", "Belleville – Quinte West", "Belleville—Quinte West"],
)
def test_the_cma_name_is_passed_as_written(written):
    reference = FakeReference()
    case = location(low_wage_case(), cma=written)

    assert one(case, "LW-CMA", reference=reference).severity == "error"
    assert ("cma_refusal", written, date(2026, 3, 2), "ON") in reference.calls


def test_outside_any_cma_or_outside_low_wage_nothing_to_check():
    assert "LW-CMA" not in rule_ids(at(location(low_wage_case(), cma=None), date(2025, 8, 1)))
    assert "LW-CMA" not in rule_ids(location(high_wage_case(), cma="Hamilton"))


# --- LW-DURATION ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "months", "fires"),
    [
        ("2026-03-02", 12, False),
        ("2026-03-02", 13, True),
        ("2024-09-26", 13, True),
        ("2024-09-25", 13, False),
        ("2024-09-25", 24, False),
        ("2024-09-25", 25, True),
    ],
)
def test_low_wage_duration_limit(submitted, months, fires):
    case = at(position(low_wage_case(), duration_months=months), day(submitted))

    assert (("LW-DURATION", "position") in found(case)) is fires


def test_duration_limit_is_for_low_wage_only():
    assert "LW-DURATION" not in rule_ids(position(high_wage_case(), duration_months=36))
    assert "LW-DURATION" not in rule_ids(position(agricultural_case(), duration_months=36))


# --- LW-OBLIGATIONS ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid", "lacking"),
    [
        (("health_insurance", "housing", "workplace_safety_insurance"), "round-trip travel"),
        (("round_trip_travel", "workplace_safety_insurance"), "health insurance"),
        (("round_trip_travel", "health_insurance"), "workplace safety insurance"),
        (
            None,
            "round-trip travel, health insurance and workplace safety insurance",
        ),
    ],
)
def test_the_offer_must_show_what_the_employer_pays(paid, lacking):
    case = change_offer(low_wage_case(), employer_paid=paid)

    finding = one(case, "LW-OBLIGATIONS")

    assert (finding.severity, finding.subject) == ("warning", "offer")
    assert f"it does not say the employer pays {lacking}" in finding.message


@pytest.mark.parametrize(
    ("rent", "fires"), [("1014", False), ("1014.00", False), ("1014.01", True)]
)
def test_rent_at_most_30_percent_of_monthly_gross(rent, fires):
    # 19.50 × 40 × 52 ÷ 12 = 3380.00 a month; 30% = 1014.00
    case = change_offer(low_wage_case(), housing_rent_monthly=Decimal(rent))

    assert ("LW-OBLIGATIONS" in rule_ids(case)) is fires
    if fires:
        assert (
            "rent of $1,014.01 a month is more than 30% of the monthly gross pay of $3,380.00"
            in (one(case, "LW-OBLIGATIONS").message)
        )


@pytest.mark.parametrize(("rent", "fires"), [("900", False), ("900.01", True)])
def test_monthly_wages_give_an_exact_monthly_gross(rent, fires):
    case = change_offer(
        low_wage_case(),
        wage=Wage(amount=Decimal("3000"), per="month"),
        housing_rent_monthly=Decimal(rent),
    )

    assert ("LW-OBLIGATIONS" in rule_ids(case)) is fires


def test_without_an_offer_wage_the_position_pay_is_used():
    case = change_offer(low_wage_case(), wage=None, housing_rent_monthly=Decimal("1014.01"))

    assert "LW-OBLIGATIONS" in rule_ids(case)


def test_obligations_apply_to_low_wage_agriculture_and_caregivers_with_an_offer():
    assert "LW-OBLIGATIONS" in rule_ids(change_offer(agricultural_case(), employer_paid=()))
    hw = change_offer(high_wage_case(), employer_paid=())
    assert "LW-OBLIGATIONS" not in rule_ids(hw)
    assert "LW-OBLIGATIONS" in rule_ids(position(hw, caregiver=True))
    assert "LW-OBLIGATIONS" not in rule_ids(replace(low_wage_case(), offer=None))


# --- QC-MTL-FREEZE -------------------------------------------------------------------------------


def in_region(case, region, province="QC"):
    return location(case, province=province, admin_region=region, cma=None)


@pytest.mark.parametrize(
    ("region", "submitted", "fires"),
    [
        ("Montréal", "2024-09-02", False),
        ("Montréal", "2024-09-03", True),
        ("Montréal", "2026-12-31", True),
        ("Montréal", "2027-01-01", False),
        ("Laval", "2025-03-02", False),
        ("Laval", "2025-03-03", True),
        ("Laval", "2026-12-31", True),
        ("Laval", "2027-01-01", False),
        ("Capitale-Nationale", "2025-06-01", False),
    ],
)
def test_freeze_periods_by_region(region, submitted, fires):
    case = at(in_region(low_wage_case(), region), day(submitted))

    assert (("QC-MTL-FREEZE", "position") in found(case)) is fires


@pytest.mark.parametrize("region", ["Montreal", " MONTRÉAL ", "montréal."])
def test_region_names_compare_loosely(region):
    assert "QC-MTL-FREEZE" in rule_ids(in_region(low_wage_case(), region))


@pytest.mark.parametrize(
    ("naics", "fires"),
    [
        ("111219", False),
        ("236110", False),
        ("311811", False),
        ("611110", False),
        ("621111", False),
        ("312120", True),
        ("722511", True),
        (None, True),
    ],
)
def test_freeze_exempt_sectors(naics, fires):
    case = employer(in_region(low_wage_case(), "Montréal"), naics=naics)

    assert ("QC-MTL-FREEZE" in rule_ids(case)) is fires


def test_freeze_only_for_low_wage_in_quebec():
    assert "QC-MTL-FREEZE" not in rule_ids(in_region(low_wage_case(), "Montréal", province="ON"))
    assert "QC-MTL-FREEZE" not in rule_ids(in_region(high_wage_case(), "Montréal"))
