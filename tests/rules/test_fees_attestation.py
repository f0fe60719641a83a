"""Issue 9 in the FEE/FRAUD rules: payments and custody that name a worker and a third party,
the workers' attestation answers, and the housing limit of the paying worker's own offer."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Attestation, DocumentCustody, Payment, ReportedPayment, ThirdParty
from tests.rules.builders import (
    at,
    day,
    findings_of,
    found,
    hourly,
    one,
    replace,
    subjects,
    two_workers,
    worker,
    worker_offer,
)

GKS = ThirdParty(name="Global Kitchen Staffing", role="recruiter", province="ON", paid=True)


def answered(paid=True, payments=(), **answers) -> Attestation:
    return Attestation(
        answered_on=date(2026, 2, 28),
        language="fr",
        paid=paid,
        payments=tuple(payments),
        **answers,
    )


def reported(
    amount="3000", payee="Global Kitchen Staffing", on="2025-10-01", what="processing fee"
):
    return ReportedPayment(
        payee=payee,
        amount=Decimal(amount),
        paid_on=day(on) if on else None,
        what_for=what,
    )


def attesting(case, index, attestation):
    return worker(case, index, attestation=attestation)


# --- FEE-NO-RECOVERY from the attestation ------------------------------------------------------


def test_a_reported_payment_is_a_finding_naming_the_worker_and_the_payee():
    case = attesting(two_workers(), 1, answered(payments=[reported()]))

    finding = one(case, "FEE-NO-RECOVERY")
    assert finding.subject == "workers[1].attestation.payments[0]"
    assert finding.severity == "error"
    assert finding.message == (
        "Ana Cruz reports paying $3,000.00 to Global Kitchen Staffing (processing fee) on "
        "2025-10-01."
    )
    # Worded as something to check, never as an accusation.
    assert finding.fix.startswith("Check with Ana Cruz and with Global Kitchen Staffing")


def test_one_finding_per_reported_payment_and_optional_parts_left_out():
    payments = [reported(), reported("250.5", "Mr. K", on=None, what=" ")]
    case = attesting(two_workers(), 0, answered(payments=payments))

    assert subjects(case, "FEE-NO-RECOVERY") == [
        "workers[0].attestation.payments[0]",
        "workers[0].attestation.payments[1]",
    ]
    assert findings_of(case, "FEE-NO-RECOVERY")[1].message == (
        "Amadou Diallo reports paying $250.50 to Mr. K."
    )


def test_a_worker_without_a_name_is_counted_from_one():
    case = attesting(worker(two_workers(), 1, name=" "), 1, answered(payments=[reported()]))

    assert one(case, "FEE-NO-RECOVERY").message.startswith("Worker 2 reports paying $3,000.00")


@pytest.mark.parametrize(
    ("submitted", "fires"), [(date(2022, 9, 25), False), (date(2022, 9, 26), True)]
)
def test_reported_payments_count_from_the_fee_ban(submitted, fires):
    case = at(attesting(two_workers(), 1, answered(payments=[reported()])), submitted)

    assert (("FEE-NO-RECOVERY", "workers[1].attestation.payments[0]") in found(case)) is fires


@pytest.mark.parametrize(("paid", "fires"), [(True, True), (False, False)])
def test_paid_without_saying_whom_is_a_finding_on_the_attestation(paid, fires):
    case = attesting(two_workers(), 0, answered(paid=paid))

    assert (("FEE-NO-RECOVERY", "workers[0].attestation") in found(case)) is fires
    if fires:
        assert one(case, "FEE-NO-RECOVERY").message == (
            "Amadou Diallo answered on 2026-02-28 that they or their family paid someone for "
            "the job, the offer or the LMIA, without saying whom or how much."
        )


def test_an_attestation_saying_nobody_was_paid_and_documents_held_is_clean():
    clean = answered(
        paid=False,
        holds_passport=True,
        holds_permit=True,
        contract_before_start_in_language=True,
        knows_help=True,
    )
    assert found(attesting(two_workers(), 0, clean)) == set()


def test_a_linked_payment_names_the_worker_and_the_recruiter():
    case = replace(
        two_workers(),
        third_parties=(GKS,),
        payments=(
            Payment(
                date=day("2026-01-15"),
                payer="worker",
                payee="recruiter",
                amount=Decimal("3000"),
                purpose="processing_fee",
                worker=1,
                third_party=0,
            ),
            Payment(
                payer="employer",
                payee="recruiter",
                amount=Decimal("80"),
                purpose="placement_fee",
                via="deduction",
                worker=0,
            ),
        ),
    )

    first, second = findings_of(case, "FEE-NO-RECOVERY")
    assert first.message == (
        "$3,000.00 for a processing fee was paid by Ana Cruz on 2026-01-15 to Global Kitchen "
        "Staffing (recruiter); this cost may not be charged to the worker."
    )
    assert second.message == (
        "$80.00 for a placement fee was deducted from Amadou Diallo's pay to a recruiter; this "
        "cost may not be charged to the worker."
    )


# --- FRAUD-DOCUMENT-CUSTODY from the attestation -----------------------------------------------


@pytest.mark.parametrize(
    ("passport", "permit", "missing"),
    [
        (False, True, "passport"),
        (True, False, "work permit"),
        (False, False, "passport or work permit"),
        (None, None, None),  # not answered: nothing to report
        (True, True, None),
    ],
)
def test_a_worker_not_holding_their_documents(passport, permit, missing):
    attestation = answered(paid=False, holds_passport=passport, holds_permit=permit)
    case = attesting(two_workers(), 1, attestation)

    if missing is None:
        assert "FRAUD-DOCUMENT-CUSTODY" not in {rule for rule, _ in found(case)}
        return
    finding = one(case, "FRAUD-DOCUMENT-CUSTODY")
    assert finding.subject == "workers[1].attestation"
    assert finding.message == (
        f"Ana Cruz answered on 2026-02-28 that they do not hold their own {missing}."
    )
    assert finding.fix.startswith("Ask Ana Cruz, in confidence, who holds the")


def test_a_custody_row_names_its_worker():
    custody = DocumentCustody(
        document="work_permit", held_by="owner", since=day("2026-03-01"), worker=0
    )
    case = replace(two_workers(), document_custody=(custody,))

    assert one(case, "FRAUD-DOCUMENT-CUSTODY").message == (
        "Amadou Diallo's work permit has been held by an owner since 2026-03-01."
    )


# --- FRAUD-WORKER-PAYS: the housing limit of the paying worker's own offer ---------------------

# 40 hours a week: $19.50 an hour is $3,380.00 a month (limit $1,014.00); $19.00 is $3,293.33
# (limit $988.00).


def housing(amount, worker_index=None):
    return Payment(
        date=day("2026-04-01"),
        payer="worker",
        payee="employer",
        amount=Decimal(amount),
        purpose="housing",
        worker=worker_index,
    )


def cheaper_second_worker():
    return worker_offer(two_workers(), 1, wage=hourly("19.00"))


@pytest.mark.parametrize(
    ("amount", "worker_index", "fires"),
    [
        ("988.00", 1, False),  # at Ana Cruz's own limit
        ("988.01", 1, True),  # above hers...
        ("988.01", None, False),  # ...but within the first offer's, which stands for no one
        ("1014.00", None, False),
        ("1014.01", None, True),
        ("1014.00", 0, False),
    ],
)
def test_housing_is_measured_against_the_paying_workers_offer(amount, worker_index, fires):
    case = replace(cheaper_second_worker(), payments=(housing(amount, worker_index),))

    assert (("FRAUD-WORKER-PAYS", "payments[0]") in found(case)) is fires


def test_the_housing_message_names_the_worker_and_their_limit():
    case = replace(cheaper_second_worker(), payments=(housing("1000", 1),))

    assert one(case, "FRAUD-WORKER-PAYS").message == (
        "Ana Cruz paid $1,000.00 to the employer on 2026-04-01 for housing, more than 30% of "
        "the monthly gross pay ($988.00)."
    )


def test_a_worker_without_a_wage_in_the_offer_falls_back_to_the_first_offer():
    case = worker_offer(cheaper_second_worker(), 1, wage=None)
    case = replace(case, payments=(housing("1014.00", 1),))

    assert ("FRAUD-WORKER-PAYS", "payments[0]") not in found(case)
