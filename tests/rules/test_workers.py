"""The per-offer rules on an lmia-case/2 case with two workers: worker 0 (Amadou Diallo) keeps a
clean offer, worker 1 (Ana Cruz) gets the fault, and only workers[1]'s subject is reported."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.cases import Address, Deduction, Payment
from portal.recruitment import filing_window as fw
from tests.rules.builders import (
    REFERENCE,
    change_ad_everywhere,
    found,
    hourly,
    low_wage_case,
    one,
    position,
    replace,
    subjects,
    two_workers,
    worker,
    worker_offer,
)

W0, W1 = "workers[0].offer", "workers[1].offer"


def test_two_clean_workers_have_no_finding():
    assert found(two_workers()) == set()


def test_a_worker_without_an_offer_is_not_checked():
    case = worker(two_workers(), 1, offer=None)

    assert found(case) == set()


# --- OFFER-CORE ----------------------------------------------------------------------------------


def test_core_terms_per_worker_and_the_message_names_the_worker():
    case = worker_offer(two_workers(), 1, overtime=" ", duration_months=None)

    finding = one(case, "OFFER-CORE")
    assert finding.subject == W1
    assert finding.message == "Worker Ana Cruz's offer is missing: overtime and duration."


@pytest.mark.parametrize(("record_name", "fires"), [("Ana Cruz", False), (None, True), (" ", True)])
def test_the_workers_name_stands_in_for_the_offers(record_name, fires):
    case = worker_offer(worker(two_workers(), 1, name=record_name), 1, worker_name=None)

    assert (("OFFER-CORE", W1) in found(case)) is fires
    if fires:
        # Without any name the worker is counted from 1, as the portal lists them.
        assert one(case, "OFFER-CORE").message == "Worker 2's offer is missing: worker's name."


@pytest.mark.parametrize(("planned", "fires"), [(date(2026, 7, 1), False), (None, True)])
def test_the_planned_start_date_stands_in_for_the_offers(planned, fires):
    case = worker_offer(worker(two_workers(), 0, planned_start_date=planned), 0, start_date=None)

    assert subjects(case, "OFFER-CORE") == ([W0] if fires else [])


# --- OFFER-MATCH ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"noc": "63201"}, "its NOC 63201 is not the position's 63200"),
        ({"title": "Line cook"}, 'its title "Line cook" is not "Cook"'),
        (
            {"hours_per_week": Decimal("39.5")},
            "it offers 39.5 hours a week, fewer than the position's 40",
        ),
        (
            {
                "work_location": Address(
                    street="1 Main St", city="Mississauga", province="ON", postal_code="L5B 1A1"
                )
            },
            "its work city Mississauga is not Toronto",
        ),
    ],
)
def test_an_offer_for_another_job(changes, words):
    case = worker_offer(two_workers(), 1, **changes)

    finding = one(case, "OFFER-MATCH")
    assert finding.subject == W1
    assert finding.message == f"Worker Ana Cruz's offer does not match the LMIA position: {words}."


@pytest.mark.parametrize(("hours", "fires"), [("39.99", True), ("40", False), ("44", False)])
def test_hours_boundary(hours, fires):
    case = worker_offer(two_workers(), 0, hours_per_week=Decimal(hours))

    assert subjects(case, "OFFER-MATCH") == ([W0] if fires else [])


# --- WAGE-AD-OFFER -------------------------------------------------------------------------------


@pytest.mark.parametrize(("wage", "fires"), [("19.49", True), ("19.50", False), ("21", False)])
def test_offer_wage_at_least_the_positions(wage, fires):
    case = worker_offer(two_workers(), 1, wage=hourly(wage))

    assert subjects(case, "WAGE-AD-OFFER") == ([W1] if fires else [])
    if fires:
        assert one(case, "WAGE-AD-OFFER").message.startswith(
            "Worker Ana Cruz's offer pays $19.49 an hour, less than the position's $19.50"
        )


@pytest.mark.parametrize(("wage", "fires"), [("19.99", True), ("20.00", False)])
def test_offer_wage_at_least_the_advertised(wage, fires):
    # Every ad says $20.00; worker 0 is offered it, worker 1 the amount tested.
    case = change_ad_everywhere(two_workers(), wage=hourly("20.00"))
    case = worker_offer(case, 0, wage=hourly("20.00"))
    case = worker_offer(case, 1, wage=hourly(wage))

    assert subjects(case, "WAGE-AD-OFFER") == ([W1] if fires else [])
    if fires:
        assert "less than the $20.00 advertised in" in one(case, "WAGE-AD-OFFER").message


def test_the_offers_own_hours_convert_its_wage():
    # $780 a week is $19.50 an hour for 40 hours, $17.73 for 44: below the position's.
    weekly = replace(hourly("780"), per="week")
    case = worker_offer(two_workers(), 1, wage=weekly, hours_per_week=Decimal("44"))

    assert subjects(case, "WAGE-AD-OFFER") == [W1]
    assert subjects(worker_offer(two_workers(), 1, wage=weekly), "WAGE-AD-OFFER") == []


# --- OFFER-SIGNED (start 2026-07-01) -------------------------------------------------------------


@pytest.mark.parametrize(("as_of", "fires"), [(date(2026, 6, 30), False), (date(2026, 7, 1), True)])
def test_unsigned_once_work_starts(as_of, fires):
    case = worker_offer(two_workers(), 1, signed_by_worker_on=None)

    assert subjects(case, "OFFER-SIGNED", as_of=as_of) == ([W1] if fires else [])
    if fires:
        assert one(case, "OFFER-SIGNED", as_of=as_of).message == (
            "Worker Ana Cruz's employment agreement is not in order: work started on 2026-07-01 "
            "but the worker has not signed."
        )


def test_the_planned_start_date_counts_for_signatures():
    case = worker_offer(
        worker(two_workers(), 1, planned_start_date=date(2026, 2, 26)),
        1,
        start_date=None,
        signed_by_worker_on=date(2026, 2, 27),
    )

    assert "the worker signed on 2026-02-27, after the start date 2026-02-26" in (
        one(case, "OFFER-SIGNED").message
    )


@pytest.mark.parametrize(
    ("offer_language", "worker_language", "fires"),
    [("fr", None, False), (None, "fr", False), (None, None, True)],
)
def test_the_workers_language_counts_as_the_agreements(offer_language, worker_language, fires):
    case = worker(two_workers(), 0, language=worker_language)
    case = worker_offer(case, 0, language=offer_language)

    assert subjects(case, "OFFER-SIGNED") == ([W0] if fires else [])


# --- OFFER-NO-FEES -------------------------------------------------------------------------------


@pytest.mark.parametrize(("states", "fires"), [(True, False), (False, True), (None, True)])
def test_no_fee_clause_per_worker(states, fires):
    case = worker_offer(two_workers(), 1, states_no_fees=states)

    assert subjects(case, "OFFER-NO-FEES") == ([W1] if fires else [])


# --- LW-OBLIGATIONS ------------------------------------------------------------------------------


def test_obligations_per_worker():
    case = worker_offer(two_workers(), 1, employer_paid=("round_trip_travel", "housing"))

    finding = one(case, "LW-OBLIGATIONS")
    assert finding.subject == W1
    assert finding.message.startswith("Worker Ana Cruz's offer falls short")


@pytest.mark.parametrize(("rent", "fires"), [("1014.00", False), ("1014.01", True)])
def test_rent_is_measured_against_that_workers_pay(rent, fires):
    # Worker 1 at $19.50 for 40 hours: $3,380.00 a month, 30% = $1,014.00. Worker 0 earns more
    # and pays the same rent: the higher pay of one worker does not excuse the other's rent.
    case = worker_offer(two_workers(), 0, wage=hourly("25"), housing_rent_monthly=Decimal(rent))
    case = worker_offer(case, 1, housing_rent_monthly=Decimal(rent))

    assert subjects(case, "LW-OBLIGATIONS") == ([W1] if fires else [])


def test_obligations_only_for_low_wage():
    case = worker_offer(two_workers(), 1, employer_paid=())

    assert subjects(case, "LW-OBLIGATIONS") == [W1]
    hw = position(case, stream="high_wage")
    assert subjects(hw, "LW-OBLIGATIONS") == []


# --- FEE-NO-RECOVERY's deductions ----------------------------------------------------------------


def test_a_deduction_names_the_worker_and_its_index():
    deductions = (
        Deduction(purpose="statutory", amount=Decimal("50"), per="week"),
        Deduction(purpose="recruitment_fee", amount=Decimal("100"), per="month"),
    )
    case = worker_offer(two_workers(), 1, deductions=deductions)

    finding = one(case, "FEE-NO-RECOVERY")
    assert finding.subject == "workers[1].offer.deductions[1]"
    assert finding.message.startswith("Worker Ana Cruz's offer deducts $100.00 a month for")


# --- FRAUD-OFFER-BEFORE-AD -----------------------------------------------------------------------


def test_offer_before_advertising_per_worker():
    first = min(a.start or a.date for a in two_workers().recruitment)
    same_day = worker_offer(two_workers(), 1, date=first)

    assert subjects(same_day, "FRAUD-OFFER-BEFORE-AD") == []
    early = worker_offer(two_workers(), 1, date=first - timedelta(days=1))
    assert subjects(early, "FRAUD-OFFER-BEFORE-AD") == [W1]
    assert one(early, "FRAUD-OFFER-BEFORE-AD").message.startswith(
        f"Worker Ana Cruz's offer is dated {first - timedelta(days=1)}, before"
    )


# --- FRAUD-WORKER-PAYS: housing limit from the first offer with a wage ---------------------------


@pytest.mark.parametrize(("amount", "fires"), [("1300.00", False), ("1300.01", True)])
def test_housing_limit_uses_the_first_offer_with_a_wage(amount, fires):
    # Worker 0's offer states no wage; worker 1's $25.00 for 40 h = $4,333.33 a month, 30% =
    # $1,300.00 (the position's $19.50 would give $1,014.00).
    case = worker_offer(two_workers(), 0, wage=None)
    case = worker_offer(case, 1, wage=hourly("25"))
    payment = Payment(
        date=date(2026, 1, 15),
        payer="worker",
        payee="employer",
        amount=Decimal(amount),
        purpose="housing",
    )
    case = replace(case, payments=(payment,))

    assert subjects(case, "FRAUD-WORKER-PAYS") == (["payments[0]"] if fires else [])


# --- the filing window does not depend on workers ------------------------------------------------


def test_workers_do_not_change_the_filing_windows_cache_key():
    fw._CACHE.clear()
    one_offer = fw.filing_window(low_wage_case(), REFERENCE)
    two = fw.filing_window(worker_offer(two_workers(), 1, wage=hourly("30")), REFERENCE)
    none = fw.filing_window(replace(low_wage_case(), offer=None), REFERENCE)

    assert one_offer == two == none
    assert len(fw._CACHE) == 1
