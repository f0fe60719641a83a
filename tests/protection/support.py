"""A shop with a position (Ontario) and a named worker, and helpers for the ledger pages."""

from dataclasses import dataclass

from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.models import Employer, EvidenceFile, Position, Worker
from portal.models.protection import ThirdParty
from tests.positions.support import Shop, make_shop

WORKER_NAME = "Aminata Koné"


@dataclass
class LedgerShop:
    shop: Shop
    position_id: int
    worker_id: int

    @property
    def money(self) -> str:
        return f"{self.shop.base}/{self.position_id}/money"

    @property
    def employer_url(self) -> str:
        return f"/employers/{self.shop.employer_id}"

    def post(self, url, data, who="owner"):
        return self.shop.post(url, data, who=who)

    def client(self, who="owner"):
        return self.shop.client(who)


def add_worker(app, position_id: int, actor_id: int, name: str) -> int:
    from portal.offers import services as offer_services

    with app.test_request_context():
        g.audit_actor_id = actor_id
        position = db.session.get(Position, position_id)
        g.employer = db.session.get(Employer, position.employer_id)
        worker = offer_services.save_worker(position, Worker(), {"name": name, "language": "en"})
        db.session.commit()
        return worker.id


def make_ledger_shop(app, make) -> LedgerShop:
    shop = make_shop(app, make)
    position_id, _url = shop.create_position()
    worker_id = add_worker(app, position_id, shop.users["owner"].id, WORKER_NAME)
    return LedgerShop(shop, position_id, worker_id)


def add_third_party(app, employer_id: int, actor_id: int, position_id=None, **fields) -> int:
    with app.test_request_context():
        g.audit_actor_id = actor_id
        party = ThirdParty(
            employer_id=employer_id,
            position_id=position_id,
            **({"name": "Global Kitchen Staffing", "role": "recruiter"} | fields),
        )
        db.session.add(party)
        db.session.commit()
        return party.id


def add_evidence_row(app, employer_id: int, actor_id: int, name: str) -> int:
    """An evidence row (no stored bytes needed: the form only lists it)."""
    import hashlib
    import uuid

    with app.test_request_context():
        g.audit_actor_id = actor_id
        row = EvidenceFile(
            employer_id=employer_id,
            category="business_document",
            original_filename=name,
            content_type="application/pdf",
            extension="pdf",
            size_bytes=10,
            sha256=hashlib.sha256(name.encode()).hexdigest(),
            storage_key=f"test/{uuid.uuid4().hex}",
            uploaded_by_id=actor_id,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def rows_of(app, model, **filters) -> list:
    with app.app_context():
        rows = list(db.session.scalars(select(model).filter_by(**filters).order_by(model.id)))
        for row in rows:
            db.session.expunge(row)
        return rows
