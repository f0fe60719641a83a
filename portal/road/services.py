"""The road's rows: the facts a road is computed from, saving the decision and a worker's road,
and the position's retention, which the latest first day of its workers governs."""

from __future__ import annotations

from datetime import date

from portal.evidence.services import set_retention
from portal.extensions import db
from portal.models import Employer, Position, Worker
from portal.models.road import WorkerRoad
from portal.offers import services as offer_services
from portal.road import checks, steps
from portal.road.deadline import Deadline
from portal.tenancy import of_position

DECISION_FIELDS = (
    "lmia_number",
    "lmia_decision",
    "lmia_decided_on",
    "lmia_positions_approved",
    "lmia_valid_until",
)
ROAD_FIELDS = (
    "offer_of_employment_number",
    "offer_of_employment_submitted_on",
    "compliance_fee_paid_on",
    "permit_applied_on",
    "ircc_reference",
    "visa_required",
    "visa_issued_on",
    "caq_required",
    "caq_issued_on",
    "permit_number",
    "permit_issued_on",
    "permit_expires_on",
    "permit_employer",
    "permit_occupation",
    "permit_location",
    "arrived_on",
    "first_day_on",
    "renewal_started_on",
    "records_deletion_requested_on",
)


EXEMPT_FIELDS = ROAD_FIELDS[:3]


class StaleEdit(Exception):
    """The row changed since the form was shown."""


def roads_of(position: Position) -> dict[int, WorkerRoad]:
    """The position's road rows by worker id."""
    rows = db.session.scalars(of_position(WorkerRoad, position)).all()
    return {row.worker_id: row for row in rows}


def road_of_worker(position: Position, worker: Worker) -> WorkerRoad | None:
    return roads_of(position).get(worker.id)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def facts_of(position: Position, worker: Worker, road: WorkerRoad | None = None) -> steps.RoadFacts:
    """The plain facts of one worker's road (pass ``road`` when already loaded)."""
    if road is None:
        road = road_of_worker(position, worker)
    employer = db.session.get(Employer, position.employer_id)
    issued = offer_services.issued_version(worker)
    offer = worker.offer or {}
    values = {name: getattr(road, name) for name in ROAD_FIELDS} if road is not None else {}
    return steps.RoadFacts(
        employer_id=position.employer_id,
        position_id=position.id,
        worker_id=worker.id,
        worker_name=worker.name,
        employer_legal_name=employer.legal_name,
        employer_operating_name=employer.operating_name,
        position_title=position.title,
        noc_code=position.noc_code,
        city=position.city,
        province=position.province,
        lmia_exemption_code=position.lmia_exemption_code,
        lmia_number=position.lmia_number,
        lmia_decision=position.lmia_decision,
        lmia_decided_on=position.lmia_decided_on,
        lmia_positions_approved=position.lmia_positions_approved,
        lmia_valid_until=position.lmia_valid_until,
        offer_issued_on=issued.issued_at.date() if issued and issued.issued_at else None,
        offer_signed_by_employer_on=_day(offer.get("signed_by_employer_on")) if issued else None,
        offer_signed_by_worker_on=_day(offer.get("signed_by_worker_on")) if issued else None,
        **values,
    )


def position_roads(position: Position, today: date) -> list[tuple]:
    """Each worker of the position with its index, facts, road and findings."""
    rows = roads_of(position)
    out = []
    for index, worker in enumerate(position.workers):
        facts = facts_of(position, worker, rows.get(worker.id))
        out.append(
            (
                index,
                worker,
                facts,
                steps.road_of(facts, today),
                checks.road_findings(facts, today, index),
            )
        )
    return out


def deadlines_of(position: Position, today: date) -> list[Deadline]:
    """Every worker's road deadlines on this position (for the deadline list and reminders)."""
    rows = roads_of(position)
    out: list[Deadline] = []
    for worker in position.workers:
        out.extend(checks.road_deadlines(facts_of(position, worker, rows.get(worker.id)), today))
    return out


def _clean(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def save_decision(position: Position, fields: dict, seen_version: str | None) -> None:
    if str(position.version) != (seen_version or ""):
        raise StaleEdit()
    for name in DECISION_FIELDS:
        setattr(position, name, _clean(fields.get(name)))
    if position.lmia_decision is None:
        position.lmia_decided_on = None
        position.lmia_valid_until = None
    if position.lmia_decision != "approved":
        position.lmia_positions_approved = None
        position.lmia_valid_until = None
    db.session.flush()


def save_road(position: Position, worker: Worker, fields: dict, seen_version: str | None) -> None:
    """Write the road form onto the worker's road (created on first save) and update the
    position's retention from its workers' first days."""
    road = road_of_worker(position, worker)
    if road is None:
        if seen_version not in (None, "", "0"):
            raise StaleEdit()
        road = WorkerRoad(
            employer_id=position.employer_id, position_id=position.id, worker_id=worker.id
        )
        db.session.add(road)
    elif str(road.version) != (seen_version or ""):
        raise StaleEdit()
    # The Employer Portal fields are on the form only for an exempt position: keep them.
    skipped = set() if position.lmia_exemption_code else set(EXEMPT_FIELDS)
    for name in ROAD_FIELDS:
        if name in fields and name not in skipped:
            setattr(road, name, _clean(fields[name]))
    if position.province != "QC":
        road.caq_required = None
        road.caq_issued_on = None
    db.session.flush()
    update_retention(position)


def update_retention(position: Position) -> None:
    """The latest first day of work among the position's workers sets its retention; a
    position without any keeps what was set by hand (the evidence page's retention form)."""
    days = [r.first_day_on for r in roads_of(position).values() if r.first_day_on]
    if days:
        latest = max(days)
        if position.first_work_day != latest:
            set_retention(position, latest, position.legal_hold)
