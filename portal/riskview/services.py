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
from portal.models import Employer, Membership, Position, PositionVerdict, Role, Waiver
from portal.positions import compliance, services
from portal.positions.reference import labour_market
from portal.risk import RiskItem, risk_items, standing
from portal.rules.context import Reference
from portal.tenancy import across_my_employers, scoped_select
from portal.verdicts import current_ruleset, is_current


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
    clients = list(clients)
    reference = labour_market()
    positions_of: dict[int, list[Position]] = {}
    for position in db.session.scalars(
        across_my_employers(Position, user_id)
        .where(
            Position.employer_id.in_([employer.id for employer in clients]),
            Position.archived_at.is_(None),
        )
        .order_by(Position.id)
    ):
        positions_of.setdefault(position.employer_id, []).append(position)
    nothing_to_list = _known_without_risk(user_id, as_of)
    result = []
    for employer in clients:
        with acting_for(employer):
            positions = [
                PositionRisk(
                    position,
                    []
                    if position.id in nothing_to_list
                    else position_risk(position, as_of, reference),
                )
                for position in positions_of.get(employer.id, [])
            ]
        result.append(ClientRisk(employer, positions))
    return result


def _known_without_risk(user_id: int, as_of: date) -> set[int]:
    """Positions whose stored verdict, current for ``as_of``, counts no fee or fraud item and
    that have no waiver (a waived item is listed too, marked waived): nothing to list, so the
    engine need not run for them. A firm's hundreds of clients made this page run it for every
    position on every view (28 s at 100× data)."""
    ruleset = current_ruleset()
    waived = select(Waiver.position_id).where(Waiver.withdrawn_at.is_(None))
    verdicts = db.session.scalars(
        across_my_employers(PositionVerdict, user_id).where(
            PositionVerdict.risk == 0,
            PositionVerdict.as_of == as_of,
            PositionVerdict.position_id.not_in(waived),
        )
    )
    return {verdict.position_id for verdict in verdicts if is_current(verdict, as_of, ruleset)}


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
