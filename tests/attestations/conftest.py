"""A position with a named worker (and a second worker), its owner signed in."""

import re
from dataclasses import dataclass

import pytest
from flask import g

from portal.extensions import db
from portal.models import Employer, Position, Role, Worker
from tests.helpers import form_token
from tests.security.support import add_position

_LINK = re.compile(r'id="attestation-link" value="([^"]+)"')


@dataclass
class Place:
    employer_id: int
    position_id: int
    worker_id: int
    other_worker_id: int
    owner: object
    client: object

    def worker_url(self, worker_id=None) -> str:
        return (
            f"/employers/{self.employer_id}/positions/{self.position_id}"
            f"/workers/{worker_id or self.worker_id}/"
        )

    def send(self, worker_id=None, client=None):
        """Send a link from the worker page as a person does; return (response, link path)."""
        client = client or self.client
        page = self.worker_url(worker_id)
        token = form_token(client, page)
        response = client.post(f"{page}attestations", data={"csrf_token": token})
        match = _LINK.search(response.get_data(as_text=True))
        path = match.group(1).split("://", 1)[1].split("/", 1)[1] if match else None
        return response, ("/" + path if path else None)


def add_worker(app, employer_id, position_id, actor_id, name, email, language="en") -> int:
    from portal.offers import services as offer_services

    with app.test_request_context():
        g.audit_actor_id = actor_id
        g.employer = db.session.get(Employer, employer_id)
        position = db.session.get(Position, position_id)
        position.positions = max(position.positions, len(position.workers) + 1)
        fields = {"name": name, "email": email, "language": language}
        worker = offer_services.save_worker(position, Worker(), fields)
        db.session.commit()
        return worker.id


@pytest.fixture
def place(app, make):
    owner = make.user(name="Olivia Owner")
    employer = make.employer(
        owner, legal_name="Maple Test Bistro Ltd.", operating_name="Maple Test Bistro"
    )
    rep = make.user(name="Rita Rep")
    make.member(employer, rep, Role.REPRESENTATIVE)
    ids = add_position(app, employer.id, owner.id, rep.id)
    worker = add_worker(
        app, employer.id, ids["position_id"], owner.id, "Aminata Koné", "aminata@example.com"
    )
    other = add_worker(
        app, employer.id, ids["position_id"], owner.id, "Marco Bellini", "marco@example.com"
    )
    return Place(
        employer.id, ids["position_id"], worker, other, owner, make.signed_in_client(owner)
    )


def good_answers(**extra) -> dict:
    return {
        "lang": "en",
        "rows": "3",
        "paid": "yes",
        "payee-0": "Global Kitchen Staffing",
        "amount-0": "$3,000",
        "paid_on-0": "2026-10-01",
        "what_for-0": "processing fee",
        "holds_passport": "yes",
        "holds_permit": "no",
        "contract_before_start_in_language": "unsure",
        "knows_help": "no",
        **extra,
    }


def submit(client, path, data):
    token = form_token(client, path)
    return client.post(path, data={**data, "csrf_token": token})
