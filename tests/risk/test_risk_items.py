"""portal.risk.risk_items: which findings are fee and fraud findings, the records behind each,
and the order (newest record first, undated last, ties in catalog order)."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Attestation, DocumentCustody, Payment, ReportedPayment, ThirdParty
from portal.finding_labels import SubjectLabeller
from portal.risk import is_risk, risk_items, standing, standing_errors
from portal.rules import Finding, Verdict
from tests.rules.builders import D, replace, two_workers, verdict, worker


def finding(rule: str, subject: str, severity: str = "error") -> Finding:
    return Finding(rule, severity, subject, f"{rule} about {subject}", "fix", "cite", "fees")


def verdict_of(*findings: Finding) -> Verdict:
    return Verdict(D, D, "low_wage", "2", tuple(findings))


def protection_case(
    payment_on: date | None = date(2026, 2, 10),
    answered_on: date = date(2026, 2, 11),
    custody_since: date | None = date(2026, 2, 9),
):
    """Two workers; payment 0 from Ana Cruz (worker 1) to Global Kitchen Staffing (third party
    0); Ana Cruz answered an attestation reporting a fee to the same recruiter, spelled
    differently; an employer holds Amadou Diallo's passport."""
    case = replace(
        two_workers(),
        third_parties=(
            ThirdParty(name="Global Kitchen Staffing", role="recruiter", province="ON", paid=True),
            ThirdParty(name="Someone Else Inc.", role="recruiter", province="ON", paid=True),
        ),
        payments=(
            Payment(
                date=payment_on,
                payer="worker",
                payee="recruiter",
                amount=Decimal("3000.00"),
                purpose="processing_fee",
                worker=1,
                third_party=0,
            ),
        ),
        document_custody=(
            DocumentCustody(document="passport", held_by="employer", since=custody_since, worker=0),
        ),
    )
    return worker(
        case,
        1,
        attestation=Attestation(
            answered_on=answered_on,
            language="en",
            paid=True,
            payments=(
                ReportedPayment(
                    payee="  global kitchen   STAFFING ",
                    amount=Decimal("3000"),
                    paid_on=date(2026, 1, 5),
                    what_for="processing fee",
                ),
            ),
        ),
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FEE-NO-RECOVERY", True),
        ("FRAUD-DOCUMENT-CUSTODY", True),
        ("FEE-", True),
        ("FEE", False),  # the dash is part of the prefix
        ("FRAUD", False),
        ("REC-FEE-X", False),  # a prefix, not anywhere in the ID
        ("fee-no-recovery", False),  # rule IDs are upper case; nothing else is matched
        ("WAGE-PREVAILING", False),
    ],
)
def test_only_fee_and_fraud_rules_are_risk(rule, expected):
    assert is_risk(rule) is expected


def test_the_list_keeps_fee_and_fraud_findings_and_drops_the_others():
    case = protection_case()
    found = verdict_of(
        finding("REC-JOBBANK", "recruitment"),
        finding("FEE-NO-RECOVERY", "payments[0]"),
        finding("WAGE-PREVAILING", "position.wage"),
        finding("FRAUD-SHAM-REVIEW", "recruitment", "warning"),
    )

    items = risk_items(found, SubjectLabeller(case))

    assert [(i.finding.rule, i.finding.subject) for i in items] == [
        ("FEE-NO-RECOVERY", "payments[0]"),
        ("FRAUD-SHAM-REVIEW", "recruitment"),
    ]


def test_no_fee_or_fraud_finding_gives_an_empty_list():
    case = protection_case()

    assert (
        risk_items(verdict_of(finding("REC-JOBBANK", "recruitment")), SubjectLabeller(case)) == []
    )


def _order(case, *findings):
    return [i.finding.subject for i in risk_items(verdict_of(*findings), SubjectLabeller(case))]


ALL_KINDS = (
    finding("FEE-RECRUITER-LICENSED", "third_parties[0]"),  # undated
    finding("FEE-NO-RECOVERY", "payments[0]"),
    finding("FRAUD-DOCUMENT-CUSTODY", "document_custody[0]"),
    finding("FEE-NO-RECOVERY", "workers[1].attestation.payments[0]"),
)


def test_newest_record_first_and_undated_last():
    # answered 02-11 > paid 02-10 > passport taken 02-09 > the recruiter (no date)
    assert _order(protection_case(), *ALL_KINDS) == [
        "workers[1].attestation.payments[0]",
        "payments[0]",
        "document_custody[0]",
        "third_parties[0]",
    ]


def test_one_day_apart_is_enough_to_reorder():
    case = protection_case(payment_on=date(2026, 2, 12), answered_on=date(2026, 2, 11))

    assert _order(case, *ALL_KINDS)[:2] == ["payments[0]", "workers[1].attestation.payments[0]"]


def test_the_same_day_keeps_the_catalog_order():
    case = protection_case(payment_on=date(2026, 2, 11), answered_on=date(2026, 2, 11))

    assert _order(case, *ALL_KINDS)[:2] == ["payments[0]", "workers[1].attestation.payments[0]"]
    assert _order(case, *reversed(ALL_KINDS))[:2] == [
        "workers[1].attestation.payments[0]",
        "payments[0]",
    ]


def test_an_attestation_payment_is_dated_by_the_day_answered_not_the_day_paid():
    # Paid 2026-01-05 (older than everything) but answered 2026-02-11: the answer is the record.
    items = risk_items(verdict_of(*ALL_KINDS), SubjectLabeller(protection_case()))

    assert items[0].dated == date(2026, 2, 11)


def test_an_undated_payment_goes_last_with_the_other_undated_in_catalog_order():
    case = protection_case(payment_on=None, custody_since=None)

    assert _order(case, *ALL_KINDS) == [
        "workers[1].attestation.payments[0]",
        "third_parties[0]",
        "payments[0]",
        "document_custody[0]",
    ]


def test_a_subject_outside_the_case_lists_is_kept_undated():
    items = risk_items(
        verdict_of(finding("FEE-NO-RECOVERY", "payments[7]")), SubjectLabeller(protection_case())
    )

    assert [(i.finding.subject, i.dated) for i in items] == [("payments[7]", None)]
    assert [r.subject for r in items[0].records] == ["payments[7]"]


def _records(case, subject, rule="FEE-NO-RECOVERY"):
    (item,) = risk_items(verdict_of(finding(rule, subject)), SubjectLabeller(case))
    return [record.subject for record in item.records], item


def test_a_payment_brings_its_recruiter_and_worker():
    subjects, item = _records(protection_case(), "payments[0]")

    assert subjects == ["payments[0]", "third_parties[0]", "workers[1]"]
    assert item.about.subject == "payments[0]"
    assert item.records[2].text == "Worker: Ana Cruz"


def test_an_attestation_payment_brings_the_answers_the_recruiter_named_and_the_worker():
    subjects, _item = _records(protection_case(), "workers[1].attestation.payments[0]")

    assert subjects == [
        "workers[1].attestation.payments[0]",
        "workers[1].attestation",
        "third_parties[0]",  # the payee's name matches, case and spaces aside
        "workers[1]",
    ]


def test_a_payee_named_differently_names_no_recruiter():
    case = protection_case()
    answers = case.workers[1].attestation
    reported = replace(answers.payments[0], payee="Global Kitchen Staffing Ltd")
    case = worker(case, 1, attestation=replace(answers, payments=(reported,)))

    subjects, _item = _records(case, "workers[1].attestation.payments[0]")

    assert "third_parties[0]" not in subjects


def test_a_recruiter_brings_the_payments_made_to_it_and_reported_to_it():
    subjects, item = _records(protection_case(), "third_parties[0]", "FEE-RECRUITER-LICENSED")

    assert subjects == [
        "third_parties[0]",
        "payments[0]",
        "workers[1].attestation.payments[0]",
    ]
    assert item.dated is None


def test_another_recruiter_brings_nothing_of_the_first():
    subjects, _item = _records(protection_case(), "third_parties[1]", "FEE-RECRUITER-LICENSED")

    assert subjects == ["third_parties[1]"]


def test_a_document_held_brings_its_worker():
    subjects, item = _records(protection_case(), "document_custody[0]", "FRAUD-DOCUMENT-CUSTODY")

    assert subjects == ["document_custody[0]", "workers[0]"]
    assert item.dated == date(2026, 2, 9)


def test_waived_items_stay_listed_but_do_not_stand():
    found = verdict_of(
        finding("FEE-NO-RECOVERY", "payments[0]"),
        finding("FEE-RECRUITER-LICENSED", "third_parties[0]"),
        finding("FRAUD-SHAM-REVIEW", "recruitment", "warning"),
    )

    items = risk_items(
        found, SubjectLabeller(protection_case()), waived={("FEE-NO-RECOVERY", "payments[0]")}
    )

    assert [i.waived for i in items] == [True, False, False]
    assert standing(items) == 2
    assert standing_errors(items) == 1
    assert standing_errors(items[:1]) == 0  # the only error is waived
    assert standing_errors(items[2:]) == 0  # a warning is not an error


def test_the_engine_on_the_case_gives_the_payment_first_with_its_records():
    case = protection_case()

    items = risk_items(verdict(case), SubjectLabeller(case))

    assert items, "the worker's payment to a recruiter is a fee finding"
    assert all(is_risk(i.finding.rule) for i in items)
    first = items[0]
    assert first.dated == date(2026, 2, 11) or first.dated == date(2026, 2, 10)
    dated = [i.dated for i in items if i.dated]
    assert dated == sorted(dated, reverse=True)
    assert all(i.dated is None for i in items[len(dated) :])
    assert [i.to_dict()["rule"] for i in items] == [i.finding.rule for i in items]
