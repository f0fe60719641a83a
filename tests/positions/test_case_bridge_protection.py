"""Contract 3: worker protection through the case bridge. Third parties (the employer's own
first, then the position's), payments and custody linked by index, each worker's latest answered
attestation; export -> import -> export is byte-identical with every new key."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Attestation,
    DocumentCustody,
    Payment,
    Position,
    ThirdParty,
    Worker,
)
from tests.helpers import text_of
from tests.positions.support import count, make_shop, upload

CASES = Path(__file__).resolve().parent.parent / "data" / "cases"
SAMPLE_EMPLOYER = {
    "legal_name": "Marchetti Hospitality Inc.",
    "operating_name": "Maple Leaf Bistro",
    "business_number": "871234563",
    "street_address": "412 Queen Street West",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5V 2A9",
    "naics_code": "722511",
}
ANSWERS = {
    "language": "fr",
    "paid": True,
    "payments": [
        {
            "payee": "Global Kitchen Staffing",
            "amount": 3000,
            "paid_on": "2026-01-10",
            "what_for": "processing fee",
        }
    ],
    "holds_passport": False,
    "holds_permit": True,
    "contract_before_start_in_language": None,
    "knows_help": True,
}


@pytest.fixture
def bistro(app, make):
    return make_shop(app, make, **SAMPLE_EMPLOYER)


def _import(shop, raw: bytes) -> int:
    response = shop.post(f"{shop.base}/import", upload(raw, "case.json"))
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].rsplit("/", 2)[1])


def _export(shop, position_id) -> bytes:
    response = shop.client().get(f"{shop.base}/{position_id}/case.json")
    assert response.status_code == 200
    return response.data


def _add_protection(app, shop, position_id: int) -> dict:
    """Rows as the ledger and attestation pages would make them; returns their ids."""
    two_workers = json.loads((CASES / "two_workers.json").read_text(encoding="utf-8"))
    assert len(two_workers["workers"]) >= 2
    with app.test_request_context():
        g.audit_actor_id = shop.users["owner"].id
        position = db.session.get(Position, position_id)
        employer_id = position.employer_id
        workers = list(position.workers)
        position.program = "agricultural_stream"
        shared = ThirdParty(
            employer_id=employer_id,
            name="Global Kitchen Staffing",
            role="recruiter",
            province="ON",
            paid=True,
            contract_forbids_worker_fees=False,
        )
        own = ThirdParty(
            employer_id=employer_id,
            position_id=position_id,
            name="Rita Counsel",
            role="representative",
            paid=True,
            law_society="Law Society of Ontario",
            contract_forbids_worker_fees=True,
        )
        db.session.add_all([own, shared])  # the position's row gets the lower id
        db.session.flush()
        payment = Payment(
            employer_id=employer_id,
            position_id=position_id,
            paid_on=date(2026, 1, 10),
            payer="worker",
            payee="recruiter",
            amount=Decimal("3000.00"),
            purpose="processing_fee",
            via="transfer",
            worker_id=workers[1].id,
            third_party_id=shared.id,
            note="e-transfer, receipt kept",
        )
        meals = Payment(
            employer_id=employer_id,
            position_id=position_id,
            payer="worker",
            payee="employer",
            amount=Decimal("45.50"),
            purpose="meals",
            via="deduction",
        )
        custody = DocumentCustody(
            employer_id=employer_id,
            position_id=position_id,
            document="passport",
            held_by="recruiter",
            since=date(2026, 2, 1),
            worker_id=workers[0].id,
        )
        db.session.add_all([payment, meals, custody])
        answered = datetime(2026, 2, 20, 15, 30, tzinfo=UTC)

        def attestation(worker, answers, answered_at, token):
            return Attestation(
                employer_id=employer_id,
                position_id=position_id,
                worker_id=worker.id,
                token_hash=token * 64,
                language="fr",
                created_by_id=shop.users["owner"].id,
                expires_at=answered + timedelta(days=14),
                answered_at=answered_at,
                answers=answers,
            )

        db.session.add_all(
            [
                attestation(workers[0], {**ANSWERS, "paid": False, "payments": []}, answered, "a"),
                # The later answer is the one in the case; an unanswered link is not.
                attestation(workers[1], ANSWERS, answered - timedelta(days=3), "b"),
                attestation(workers[1], {**ANSWERS, "knows_help": False}, answered, "c"),
                attestation(workers[1], None, None, "d"),
            ]
        )
        db.session.commit()
        return {"shared": shared.id, "own": own.id, "workers": [w.id for w in workers]}


def test_export_writes_every_new_key_in_contract_order(app, bistro):
    position_id = _import(bistro, (CASES / "two_workers.json").read_bytes())
    _add_protection(app, bistro, position_id)

    case = json.loads(_export(bistro, position_id))

    assert case["position"]["program"] == "agricultural_stream"
    # The employer's own first, whatever the ids; then the position's, in id order.
    assert [party["name"] for party in case["third_parties"]] == [
        "Global Kitchen Staffing",
        "Harbourfront Law",
        "Rita Counsel",
    ]
    assert case["third_parties"][0]["employer_wide"] is True
    assert "employer_wide" not in case["third_parties"][2]
    assert case["third_parties"][2]["contract_forbids_worker_fees"] is True
    assert case["payments"][0] == {
        "date": "2026-01-10",
        "payer": "worker",
        "payee": "recruiter",
        "amount": 3000.00,
        "purpose": "processing_fee",
        "via": "transfer",
        "worker": 1,
        "third_party": 0,
        "note": "e-transfer, receipt kept",
    }
    assert "worker" not in case["payments"][1]
    assert case["payments"][1]["purpose"] == "meals"
    assert case["document_custody"] == [
        {"document": "passport", "held_by": "recruiter", "since": "2026-02-01", "worker": 0}
    ]
    first, second = case["workers"][:2]
    assert first["attestation"]["paid"] is False
    assert second["attestation"]["answered_on"] == "2026-02-20"
    assert second["attestation"]["knows_help"] is False  # the latest answered one
    assert second["attestation"]["payments"][0]["payee"] == "Global Kitchen Staffing"
    assert "contract_before_start_in_language" not in second["attestation"]  # null: left out


def test_export_import_export_is_byte_identical_and_reuses_the_employer_row(app, bistro):
    position_id = _import(bistro, (CASES / "two_workers.json").read_bytes())
    ids = _add_protection(app, bistro, position_id)
    exported = _export(bistro, position_id)
    assert b'"employer_wide": true' in exported and b'"attestation"' in exported

    copy_id = _import(bistro, exported)

    assert _export(bistro, copy_id) == exported
    # The employer's own recruiter is the same row, not a copy; the position's is new.
    assert count(app, ThirdParty, position_id=None) == 1
    assert count(app, ThirdParty, position_id=copy_id) == 2
    with app.app_context():
        payment = db.session.scalars(
            select(Payment).filter_by(position_id=copy_id).order_by(Payment.id)
        ).first()
        assert payment.third_party_id == ids["shared"]
        copied = list(
            db.session.scalars(select(Worker).filter_by(position_id=copy_id).order_by(Worker.id))
        )
        assert payment.worker_id == copied[1].id
        imported = list(db.session.scalars(select(Attestation).filter_by(position_id=copy_id)))
        assert len(imported) == 2
        for attestation in imported:
            assert attestation.created_by_id == bistro.users["owner"].id
            assert attestation.answered_at is not None
            assert attestation.token_hash.startswith("imported-")  # never a SHA-256 digest
            assert "answered_on" not in attestation.answers


def test_a_changed_employer_wide_party_is_a_new_employer_row(app, bistro):
    position_id = _import(bistro, (CASES / "two_workers.json").read_bytes())
    _add_protection(app, bistro, position_id)
    case = json.loads(_export(bistro, position_id))
    case["third_parties"][0]["licence_number"] = "ON-RL-0001"

    copy_id = _import(bistro, json.dumps(case).encode())

    assert count(app, ThirdParty, position_id=None) == 2
    # Both positions now list both of the employer's own recruiters, the old one first.
    names = [p.get("licence_number") for p in json.loads(_export(bistro, copy_id))["third_parties"]]
    assert names[:2] == [None, "ON-RL-0001"]
