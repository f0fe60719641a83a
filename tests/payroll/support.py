"""A shop with a position (Toronto cook, $18.50 an hour, 40 hours a week) and a named worker,
whose offer can be issued without rendering a letter (a version row with the exact inputs)."""

import hashlib
import uuid
from dataclasses import dataclass

from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.models import Employer, OfferVersion, PayrollPeriod, Position, Worker, utcnow
from tests.helpers import post_form
from tests.positions.support import Shop, make_shop

WORKER_NAME = "Marco Bellini"


@dataclass
class PayrollShop:
    shop: Shop
    position_id: int
    worker_id: int

    @property
    def app(self):
        return self.shop.app

    @property
    def url(self) -> str:
        return f"{self.shop.base}/{self.position_id}/workers/{self.worker_id}/payroll/"

    def get(self, url, who="owner"):
        return self.shop.client(who).get(url)

    def post(self, url, data, who="owner", form_page=None):
        return post_form(self.shop.client(who), url, data, token_from=form_page or self.url)

    def periods(self) -> list[PayrollPeriod]:
        with self.app.app_context():
            rows = db.session.scalars(
                select(PayrollPeriod)
                .where(PayrollPeriod.worker_id == self.worker_id)
                .order_by(PayrollPeriod.period_start)
            ).all()
            for row in rows:
                db.session.expunge(row)
            return list(rows)

    def issue_offer(self) -> None:
        issue_offer(self.app, self.worker_id, self.shop.users["owner"].id)


def add_worker(app, position_id: int, actor_id: int, name: str = WORKER_NAME) -> int:
    from portal.offers import services as offer_services

    with app.test_request_context():
        g.audit_actor_id = actor_id
        position = db.session.get(Position, position_id)
        g.employer = db.session.get(Employer, position.employer_id)
        worker = offer_services.save_worker(position, Worker(), {"name": name, "language": "en"})
        db.session.commit()
        return worker.id


def issue_offer(app, worker_id: int, actor_id: int) -> None:
    """An issued version holding the offer's current terms (the letter's bytes are not needed)."""
    from portal.offers import services as offer_services

    with app.test_request_context():
        g.audit_actor_id = actor_id
        worker = db.session.get(Worker, worker_id)
        g.employer = db.session.get(Employer, worker.employer_id)
        inputs = offer_services.current_inputs(worker.position, worker).to_json()
        digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
        key = uuid.uuid4().hex
        db.session.add(
            OfferVersion(
                employer_id=worker.employer_id,
                position_id=worker.position_id,
                worker_id=worker.id,
                number=len(worker.versions) + 1,
                language="en",
                inputs=inputs,
                inputs_sha256=digest,
                pdf_key=f"test/{key}.pdf",
                pdf_sha256=digest,
                pdf_size=1,
                docx_key=f"test/{key}.docx",
                docx_sha256=digest,
                docx_size=1,
                is_draft=False,
                created_by_id=actor_id,
                issued_at=utcnow(),
                issued_by_id=actor_id,
            )
        )
        db.session.commit()


def make_payroll_shop(app, make) -> PayrollShop:
    shop = make_shop(app, make)
    position_id, _url = shop.create_position()
    worker_id = add_worker(app, position_id, shop.users["owner"].id)
    return PayrollShop(shop, position_id, worker_id)
