"""Rows of one position in the worker-protection tables (and the rows the fee and fraud rules
read beside them), built with the ORM inside an app context: fast, and the real tables."""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from portal.extensions import db
from portal.models import Applicant, Employer, Position, RecruitmentActivity, Worker
from portal.models.protection import Attestation, DocumentCustody, Payment, ThirdParty
from portal.offers import services as offer_services
from portal.positions import services as position_services


@dataclass
class Rows:
    """Builds rows of one position inside an app context (the ORM, the real tables)."""

    employer: Employer
    position: Position
    actor_id: int

    def _child(self, row):
        row.employer_id = self.employer.id
        row.position_id = self.position.id
        db.session.add(row)
        db.session.flush()
        return row

    def worker(self, name="Aminata Koné", offer_date: date | None = None) -> Worker:
        worker = offer_services.save_worker(
            self.position, Worker(), {"name": name, "language": "en"}
        )
        if offer_date is not None:
            worker.offer = {**worker.offer, "date": offer_date.isoformat()}
        db.session.flush()
        return worker

    def third_party(self, *, employer_wide=False, **fields) -> ThirdParty:
        party = ThirdParty(
            employer_id=self.employer.id,
            position_id=None if employer_wide else self.position.id,
            **({"name": "Global Kitchen Staffing", "role": "recruiter"} | fields),
        )
        db.session.add(party)
        db.session.flush()
        return party

    def payment(self, **fields) -> Payment:
        defaults = {
            "paid_on": date(2026, 3, 1),
            "payer": "worker",
            "payee": "recruiter",
            "amount": Decimal("3000.00"),
            "purpose": "processing_fee",
            "via": "transfer",
        }
        return self._child(Payment(**(defaults | fields)))

    def custody(self, **fields) -> DocumentCustody:
        defaults = {"document": "passport", "held_by": "employer", "since": date(2026, 3, 1)}
        return self._child(DocumentCustody(**(defaults | fields)))

    def attestation(self, worker: Worker, answered_at: datetime | None, **answers):
        given = {
            "paid": False,
            "payments": [],
            "holds_passport": True,
            "holds_permit": True,
            "contract_before_start_in_language": True,
            "knows_help": True,
        } | answers
        row = Attestation(
            worker_id=worker.id,
            token_hash=secrets.token_hex(32),  # the hash of a link nobody holds
            language="en",
            created_by_id=self.actor_id,
            expires_at=datetime(2026, 12, 31, tzinfo=UTC),
            answered_at=answered_at,
            answered_ip="203.0.113.9" if answered_at else None,
            answers=given if answered_at else None,
        )
        return self._child(row)

    def activity(self, **fields) -> RecruitmentActivity:
        defaults = {"method": "job_bank", "kind": "posting", "platform": "Job Bank"}
        return position_services.save_activity(
            self.position, RecruitmentActivity(), defaults | fields
        )

    def applicant(self, n: int, **fields) -> Applicant:
        defaults = {
            "name": f"Applicant {n}",
            "status": "citizen",
            "applied_on": date(2026, 3, 3),
            "reason_code": "no_response",
        }
        return self._child(Applicant(**(defaults | fields)))
