"""The risk list of stored positions: the rules run once per position, on the same case as the
compliance page (waivers count as on that page)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.finding_labels import SubjectLabeller
from portal.models import Employer, Membership, Position, Role
from portal.positions import compliance, services
from portal.positions.reference import labour_market
from portal.risk import RiskItem, risk_items, standing
from portal.rules.context import Reference
from portal.tenancy import scoped_select


def items_of_report(report: compliance.ComplianceReport) -> list[RiskItem]:
    """The risk list of a compliance report already computed (the dashboard's: no second run)."""
    waived = {
        (shown.finding.rule, shown.finding.subject)
        for _area, shown_items in report.groups
        for shown in shown_items
        if shown.waiver is not None
    }
    return risk_items(report.verdict, report.labeller, waived=waived)


def position_risk(position: Position, as_of: date, reference: Reference | None = None):
    """The position's fee and fraud findings, newest record first (the request's employer, or
    the one ``acting_for`` set, must be the position's)."""
    # The same run as the compliance page's, kept per input revision (compliance.engine_run).
    case, records, verdict, _window, _timeline = compliance.engine_run(
        position, as_of, reference or labour_market()
    )
    labeller = SubjectLabeller(case, records)
    waived = {(w.rule_id, w.subject) for w in services.active_waivers(position)}
    return risk_items(verdict, labeller, waived=waived)


@contextmanager
def acting_for(employer: Employer) -> Iterator[None]:
    """Read one employer's positions as the request's employer (the case bridge reads it)."""
    saved = g.get("employer")
    g.employer = employer
    try:
        yield
    finally:
        g.employer = saved


@dataclass(frozen=True)
class PositionRisk:
    position: Position
    items: list[RiskItem]


@dataclass(frozen=True)
class ClientRisk:
    employer: Employer
    positions: list[PositionRisk]

    @property
    def count(self) -> int:
        return sum(standing(entry.items) for entry in self.positions)


def live_positions() -> list[Position]:
    """The positions of the employer ``acting_for`` set (or the request's), not archived, by
    id."""
    return list(
        db.session.scalars(
            scoped_select(Position).where(Position.archived_at.is_(None)).order_by(Position.id)
        )
    )


def clients_risk(user_id: int, as_of: date) -> list[ClientRisk]:
    """Every employer the user represents, each with its positions' risk lists (never an
    employer the user does not represent)."""
    clients = db.session.scalars(
        select(Employer)
        .join(Membership, Membership.employer_id == Employer.id)
        .where(
            Membership.user_id == user_id,
            Membership.role == Role.REPRESENTATIVE,
            Membership.revoked_at.is_(None),
        )
        .order_by(Employer.legal_name, Employer.id)
    )
    reference = labour_market()
    result = []
    for employer in clients:
        with acting_for(employer):
            positions = [
                PositionRisk(position, position_risk(position, as_of, reference))
                for position in live_positions()
            ]
        result.append(ClientRisk(employer, positions))
    return result


@dataclass(frozen=True)
class ListedItem:
    """One item of the all-clients list, with where it belongs."""

    employer: Employer
    position: Position
    item: RiskItem


def newest_first(clients: list[ClientRisk]) -> list[ListedItem]:
    """All clients' items in one list: newest record first, undated last; ties by client and
    position as listed."""
    listed = [
        ListedItem(client.employer, entry.position, item)
        for client in clients
        for entry in client.positions
        for item in entry.items
    ]
    order = {id(entry): number for number, entry in enumerate(listed)}
    listed.sort(
        key=lambda entry: (
            entry.item.dated is None,
            -entry.item.dated.toordinal() if entry.item.dated else 0,
            order[id(entry)],
        )
    )
    return listed
