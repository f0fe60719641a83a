"""OFFER rules: core terms, match with the position, signatures, no-fee clause."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Address
from tests.rules.builders import (
    at,
    found,
    location,
    low_wage_case,
    one,
    replace,
    rule_ids,
)
from tests.rules.builders import offer as change_offer

# --- OFFER-CORE ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("worker_name", "worker's name"),
        ("employer_legal_name", "employer's legal name"),
        ("employer_address", "employer's address"),
        ("title", "job title"),
        ("noc", "NOC"),
        ("duties", "duties"),
        ("work_location", "work location"),
        ("wage", "wage"),
        ("hours_per_week", "hours per week"),
        ("overtime", "overtime"),
        ("vacation", "vacation"),
        ("start_date", "start date"),
        ("duration_months", "duration"),
    ],
)
def test_each_core_term(field, words):
    case = change_offer(low_wage_case(), **{field: None})

    assert one(case, "OFFER-CORE").message == f"The offer is missing: {words}."
    assert "OFFER-CORE" not in rule_ids(low_wage_case())


def test_blank_terms_are_missing_and_all_are_listed():
    case = change_offer(low_wage_case(), worker_name=" ", overtime="", vacation=None)

    assert one(case, "OFFER-CORE").message == (
        "The offer is missing: worker's name, overtime and vacation."
    )


def test_no_offer_no_offer_findings():
    case = replace(low_wage_case(), offer=None)

    assert not {r for r in rule_ids(case) if r.startswith("OFFER-")}


# --- OFFER-MATCH ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fires"),
    [
        ({"noc": "63201"}, True),
        ({"noc": "63200"}, False),
        ({"title": "Line cook"}, True),
        ({"title": " COOK. "}, False),
        ({"hours_per_week": Decimal("39.5")}, True),
        ({"hours_per_week": Decimal("40")}, False),
        ({"hours_per_week": Decimal("44")}, False),
    ],
)
def test_offer_must_be_for_the_same_job(changes, fires):
    case = change_offer(low_wage_case(), **changes)

    assert (("OFFER-MATCH", "offer") in found(case)) is fires


@pytest.mark.parametrize(
    ("city", "fires"), [("Ottawa", True), ("TORONTO", False), ("Toronto ", False)]
)
def test_offer_work_city(city, fires):
    where = Address(street="1 Main St", city=city, province="ON", postal_code="K1A 0A1")
    case = change_offer(low_wage_case(), work_location=where)

    assert ("OFFER-MATCH" in rule_ids(case)) is fires


def test_offer_match_lists_every_difference():
    case = change_offer(low_wage_case(), noc="63201", hours_per_week=Decimal("35"))

    assert one(case, "OFFER-MATCH").message == (
        "The offer does not match the LMIA position: its NOC 63201 is not the position's 63200; "
        "it offers 35 hours a week, fewer than the position's 40."
    )


def test_missing_offer_terms_are_not_mismatches():
    case = change_offer(low_wage_case(), noc=None, title=None, hours_per_week=None)

    assert "OFFER-MATCH" not in rule_ids(case)


def test_accented_city_matches():
    case = location(low_wage_case(), city="Montréal")
    where = Address(street="1 rue X", city="Montreal", province="QC", postal_code="H2X 1Y4")

    assert "OFFER-MATCH" not in rule_ids(change_offer(case, work_location=where))


# --- OFFER-SIGNED (start 2026-07-01; D = 2026-03-02; T varies) -----------------------------------


@pytest.mark.parametrize(
    ("as_of", "fires"),
    [(date(2026, 6, 30), False), (date(2026, 7, 1), True), (date(2026, 7, 2), True)],
)
def test_once_work_starts_both_must_have_signed(as_of, fires):
    case = change_offer(low_wage_case(), signed_by_worker_on=None)

    assert (("OFFER-SIGNED", "offer") in found(case, as_of=as_of)) is fires
    if fires:
        assert "work started on 2026-07-01 but the worker has not signed" in (
            one(case, "OFFER-SIGNED", as_of=as_of).message
        )


def test_both_signatures_missing():
    case = change_offer(low_wage_case(), signed_by_worker_on=None, signed_by_employer_on=None)

    assert "the employer and the worker have not signed" in (
        one(case, "OFFER-SIGNED", as_of=date(2026, 7, 1)).message
    )


@pytest.mark.parametrize(
    ("who", "signed", "fires"),
    [
        ("signed_by_worker_on", "2026-07-01", False),
        ("signed_by_worker_on", "2026-07-02", True),
        ("signed_by_employer_on", "2026-07-02", True),
    ],
)
def test_no_signature_after_the_start_date(who, signed, fires):
    case = change_offer(low_wage_case(), **{who: date.fromisoformat(signed)})

    assert ("OFFER-SIGNED" in rule_ids(case)) is fires


def test_the_language_must_be_recorded():
    case = change_offer(low_wage_case(), language=None)

    assert "the language of the agreement (English or French) is not recorded" in (
        one(case, "OFFER-SIGNED").message
    )


@pytest.mark.parametrize(("submitted", "fires"), [("2022-09-25", False), ("2022-09-26", True)])
def test_agreement_rules_start_2022_09_26(submitted, fires):
    case = at(
        change_offer(low_wage_case(), language=None, states_no_fees=None),
        date.fromisoformat(submitted),
    )

    assert ("OFFER-SIGNED" in rule_ids(case)) is fires
    assert ("OFFER-NO-FEES" in rule_ids(case)) is fires


# --- OFFER-NO-FEES -------------------------------------------------------------------------------


@pytest.mark.parametrize(("states", "fires"), [(True, False), (False, True), (None, True)])
def test_the_offer_states_no_fees(states, fires):
    case = change_offer(low_wage_case(), states_no_fees=states)

    assert (("OFFER-NO-FEES", "offer") in found(case)) is fires
