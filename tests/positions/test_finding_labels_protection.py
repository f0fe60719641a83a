"""Labels and record references for payments, third parties, custody and attestation answers
(contract 3)."""

from datetime import date
from decimal import Decimal

from portal import finding_labels as fl
from portal.cases import Attestation, DocumentCustody, Payment, ReportedPayment, ThirdParty
from portal.finding_labels import CaseRecords, RecordRef, SubjectLabeller
from tests.rules.builders import replace, two_workers, worker

RECORDS = CaseRecords(
    workers=(7, 8),
    third_parties=(31, 32),
    payments=(41, 42),
    custody=(51,),
    attestations=(None, 61),
)


def _case():
    case = replace(
        two_workers(),
        third_parties=(
            ThirdParty(name="Harbourfront Law", role="representative", paid=True),
            ThirdParty(name="Global Kitchen Staffing", role="recruiter", employer_wide=True),
        ),
        payments=(
            Payment(payer="employer", payee="representative", amount=Decimal(900), purpose="other"),
            Payment(
                date=date(2026, 1, 10),
                payer="worker",
                payee="recruiter",
                amount=Decimal(3000),
                purpose="processing_fee",
                worker=1,
                third_party=1,
            ),
        ),
        document_custody=(DocumentCustody(document="passport", held_by="recruiter", worker=1),),
    )
    attestation = Attestation(
        answered_on=date(2026, 2, 28),
        language="fr",
        paid=True,
        payments=(ReportedPayment(payee="Global Kitchen Staffing", amount=Decimal(3000)),),
        holds_passport=False,
    )
    return worker(case, 1, attestation=attestation)


def label(subject):
    return SubjectLabeller(_case(), RECORDS)(subject)


def test_a_payment_reads_who_paid_whom_how_much_and_why():
    assert (
        label("payments[0]").text == "Payment 1: employer → representative, $900.00, other purpose"
    )
    assert label("payments[0]").ref == RecordRef(fl.PAYMENT, 41)
    # Linked to a worker and a recruiter: their names.
    assert label("payments[1]").text == (
        "Payment 2: Ana Cruz → Global Kitchen Staffing, $3,000.00, processing fee, 2026-01-10"
    )
    assert label("payments[1]").ref == RecordRef(fl.PAYMENT, 42)


def test_third_parties_and_custody_point_at_their_rows():
    assert label("third_parties[1]").text == "Recruiter: Global Kitchen Staffing"
    assert label("third_parties[1]").ref == RecordRef(fl.THIRD_PARTY, 32)
    assert label("document_custody[0]").text == "Ana Cruz's passport, held by a recruiter"
    assert label("document_custody[0]").ref == RecordRef(fl.CUSTODY, 51)


def test_attestation_answers_name_the_worker_and_the_reported_payment():
    answers = label("workers[1].attestation")
    assert answers.text == "Worker: Ana Cruz · attestation of 2026-02-28"
    assert answers.ref == RecordRef(fl.ATTESTATION, 61, parent_id=8)  # worker 8's page holds it
    reported = label("workers[1].attestation.payments[0]")
    assert reported.text == (
        "Worker: Ana Cruz · attestation of 2026-02-28 · reported payment 1 ($3,000.00 to "
        "Global Kitchen Staffing)"
    )
    assert label("workers[1].attestation.holds_passport").field == "Holds their own passport"


def test_without_database_rows_the_references_have_no_id():
    labeller = SubjectLabeller(_case())
    assert labeller("payments[1]").ref == RecordRef(fl.PAYMENT, None)
    assert labeller("workers[0].attestation").ref == RecordRef(fl.ATTESTATION, None)
    assert fl.PAYMENT in fl.PAGES and fl.ATTESTATION in fl.PAGES
