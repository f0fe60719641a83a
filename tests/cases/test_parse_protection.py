"""lmia-case/2 worker-protection keys (issue 9): the program, third parties' new flags, payments
and custody linked to a worker and a third party, and each worker's attestation. lmia-case/1
keeps rejecting every one of them."""

import copy
from datetime import date
from decimal import Decimal

import pytest

from portal.cases import (
    FORMAT,
    Attestation,
    CaseError,
    ReportedPayment,
    case_to_dict,
    case_to_json,
    parse_case,
)
from tests.rules.builders import low_wage_case

ATTESTATION = {
    "answered_on": "2026-02-28",
    "language": "fr",
    "paid": True,
    "payments": [
        {
            "payee": "Global Kitchen Staffing",
            "amount": 3000,
            "paid_on": "2025-10-01",
            "what_for": "processing fee",
        }
    ],
    "holds_passport": True,
    "holds_permit": None,
    "contract_before_start_in_language": False,
    "knows_help": True,
}


@pytest.fixture
def v1():
    return copy.deepcopy(case_to_dict(low_wage_case()))


@pytest.fixture
def v2(v1):
    doc = copy.deepcopy({key: value for key, value in v1.items() if key != "offer"})
    doc["format"] = FORMAT
    doc["position"]["program"] = "sawp"
    doc["workers"] = [{"name": "Aminata Koné", "attestation": copy.deepcopy(ATTESTATION)}]
    doc["third_parties"] = [
        {
            "name": "Global Kitchen Staffing",
            "role": "recruiter",
            "province": "ON",
            "paid": True,
            "employer_wide": True,
            "contract_on_file": False,
            "contract_forbids_worker_fees": False,
        }
    ]
    doc["payments"] = [
        {
            "date": "2025-10-01",
            "payer": "worker",
            "payee": "recruiter",
            "amount": 3000,
            "purpose": "utilities",
            "worker": 0,
            "third_party": 0,
            "note": "e-transfer",
        }
    ]
    doc["document_custody"] = [{"document": "passport", "held_by": "employer", "worker": 0}]
    return doc


def error_of(document) -> str:
    with pytest.raises(CaseError) as caught:
        parse_case(document)
    return str(caught.value)


def test_v2_reads_every_new_key(v2):
    case = parse_case(v2)

    assert case.position.program == "sawp"
    party = case.third_parties[0]
    assert (party.employer_wide, party.contract_on_file, party.contract_forbids_worker_fees) == (
        True,
        False,
        False,
    )
    payment = case.payments[0]
    assert (payment.worker, payment.third_party, payment.note) == (0, 0, "e-transfer")
    assert payment.purpose == "utilities"
    assert case.document_custody[0].worker == 0
    assert case.workers[0].attestation == Attestation(
        answered_on=date(2026, 2, 28),
        language="fr",
        paid=True,
        payments=(
            ReportedPayment(
                payee="Global Kitchen Staffing",
                amount=Decimal("3000"),
                paid_on=date(2025, 10, 1),
                what_for="processing fee",
            ),
        ),
        holds_passport=True,
        holds_permit=None,
        contract_before_start_in_language=False,
        knows_help=True,
    )


def test_v2_writes_the_new_keys_back_in_place(v2):
    text = case_to_json(parse_case(v2))

    assert parse_case(text) == parse_case(v2)
    assert case_to_json(parse_case(text)) == text
    # program sits right after stream; a null answer is left out like every null.
    position = list(parse_case(text).position.__dataclass_fields__)
    assert position.index("program") == position.index("stream") + 1
    assert '"holds_permit"' not in text


@pytest.mark.parametrize("purpose", ["utilities", "meals", "government_agent"])
def test_the_new_purposes_are_v2_only(v1, v2, purpose):
    v2["payments"][0]["purpose"] = purpose
    assert parse_case(v2).payments[0].purpose == purpose

    v1["payments"] = [{"payer": "worker", "payee": "employer", "amount": 1, "purpose": purpose}]
    assert error_of(v1).startswith("payments[0].purpose: not one of recruitment_fee")


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ("position", "program", "sawp"),
        ("third_parties", "employer_wide", True),
        ("third_parties", "contract_on_file", True),
        ("third_parties", "contract_forbids_worker_fees", True),
        ("payments", "worker", 0),
        ("payments", "third_party", 0),
        ("payments", "note", "x"),
        ("document_custody", "worker", 0),
    ],
)
def test_v1_rejects_the_new_keys_as_unknown(v1, where, key, value):
    v1.setdefault("third_parties", [{"name": "A", "role": "recruiter"}])
    v1["third_parties"] = v1["third_parties"] or [{"name": "A", "role": "recruiter"}]
    v1["payments"] = [{"payer": "worker", "payee": "employer", "amount": 1, "purpose": "other"}]
    v1["document_custody"] = [{"document": "passport", "held_by": "employer"}]
    if where == "position":
        v1["position"][key] = value
        path = f"position.{key}"
    else:
        v1[where][0][key] = value
        path = f"{where}[0].{key}"

    assert error_of(v1) == f"{path}: unknown key"


def test_an_unknown_program_is_refused(v2):
    v2["position"]["program"] = "caregiver"

    assert error_of(v2) == ('position.program: not one of sawp, agricultural_stream ("caregiver")')


@pytest.mark.parametrize(
    ("where", "key", "value", "message"),
    [
        ("payments", "worker", 1, "names no worker (1; workers are counted from 0)"),
        (
            "payments",
            "third_party",
            1,
            "names no third party (1; third_parties are counted from 0)",
        ),
        ("document_custody", "worker", 1, "names no worker (1; workers are counted from 0)"),
        ("payments", "worker", -1, "must be at least 0 (-1)"),
        ("payments", "third_party", 0.5, "not a whole number (0.5)"),
    ],
)
def test_links_must_name_a_listed_worker_or_third_party(v2, where, key, value, message):
    v2[where][0][key] = value

    assert error_of(v2) == f"{where}[0].{key}: {message}"


def test_the_last_index_is_a_valid_link(v2):
    v2["workers"].append({"name": "Marco Bellini"})
    v2["payments"][0]["worker"] = 1
    v2["document_custody"][0]["worker"] = 1

    case = parse_case(v2)

    assert case.payments[0].worker == case.document_custody[0].worker == 1


@pytest.mark.parametrize("key", ["answered_on", "language", "paid"])
def test_an_attestation_needs_its_date_language_and_answer(v2, key):
    del v2["workers"][0]["attestation"][key]

    assert error_of(v2) == f"workers[0].attestation.{key}: required"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("language", "es", 'not one of en, fr ("es")'),
        ("paid", "yes", 'not true or false ("yes")'),
        ("holds_passport", 1, "not true or false (1)"),
        ("answered_on", "2026-02-30", 'not a date ("2026-02-30")'),
        ("surprise", 1, "unknown key"),
    ],
)
def test_bad_attestation_answers_name_their_path(v2, key, value, message):
    v2["workers"][0]["attestation"][key] = value

    assert error_of(v2) == f"workers[0].attestation.{key}: {message}"


def test_a_reported_payment_needs_a_payee_and_an_amount_of_zero_or_more(v2):
    reported = v2["workers"][0]["attestation"]["payments"]
    reported[0]["amount"] = 0
    assert parse_case(v2).workers[0].attestation.payments[0].amount == 0

    reported[0]["amount"] = -0.01
    assert error_of(v2) == "workers[0].attestation.payments[0].amount: must be 0 or more (-0.01)"

    reported[0]["amount"] = 10
    del reported[0]["payee"]
    assert error_of(v2) == "workers[0].attestation.payments[0].payee: required"


def test_v1_has_no_attestation_because_it_has_no_workers(v1):
    v1["workers"] = [{"name": "A", "attestation": ATTESTATION}]

    assert error_of(v1) == "workers: unknown key"
