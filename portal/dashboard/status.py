"""The status of every position a user can see, for the home page, most urgent first.

For each position: the open errors and warnings (the compliance service, waivers counted), the
files awaiting review, the open requests, the sign-off state and the days to the planned
filing date. The statements run do not depend on how many applicants, files or requests a
position has: evidence, requests and sign-offs are read once for all positions; the rules run
once per position (their own statements are fixed, see tests/positions/test_query_count.py).
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import g
from sqlalchemy import func, select

from portal.evidence import services as evidence_services
from portal.extensions import db
from portal.models import EvidenceFile, Membership, Position, SignOff
from portal.open_items import OpenItems
from portal.positions import compliance
from portal.reviews import open_requests_across
from portal.risk import standing
from portal.riskview.services import items_of_report
from portal.tenancy import across_my_employers

NOT_SIGNED, SIGNED_CURRENT, SIGNED_OUTDATED = "none", "current", "outdated"


@dataclass(frozen=True)
class PositionStatus:
    position: Position
    employer_name: str
    is_client: bool  # the user represents this employer
    open: OpenItems
    sign_off: str  # NOT_SIGNED, SIGNED_CURRENT or SIGNED_OUTDATED
    filing_date: date | None
    days_left: int | None  # to the planned filing date; negative: overdue
    about: object = None  # the report's labeller: a finding subject as the user knows it
    # Fee and fraud findings not waived (portal.risk), from the same run of the rules: the
    # dashboard's per-client count costs no query and no second run.
    risk: int = 0

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def urgency(status: PositionStatus) -> tuple:
    """The order of the list: overdue filings first (the longest overdue on top), then the
    positions with the most open errors, then the fewest days left (no date last), then the
    most open requests and files awaiting review, then by title."""
    counts = status.open.counts()
    return (
        not status.overdue,
        status.days_left if status.overdue else 0,
        -counts["errors"],
        status.days_left is None,
        status.days_left if status.days_left is not None else 0,
        -(counts["requests"] + counts["files_awaiting_review"]),
        status.position.title.lower(),
        status.position.id,
    )


@contextmanager
def _acting_for(employer):
    """Run the compliance service for one of the user's employers (it reads the request's
    employer); the previous one is put back."""
    saved = g.get("employer")
    g.employer = employer
    try:
        yield
    finally:
        g.employer = saved


def _latest_sign_offs(user_id: int) -> dict[int, SignOff]:
    latest = (
        select(func.max(SignOff.id))
        .where(SignOff.employer_id.in_(_my_employer_ids(user_id)))
        .group_by(SignOff.position_id)
    )
    rows = db.session.scalars(across_my_employers(SignOff, user_id).where(SignOff.id.in_(latest)))
    return {row.position_id: row for row in rows}


def _my_employer_ids(user_id: int):
    return select(Membership.employer_id).where(
        Membership.user_id == user_id, Membership.revoked_at.is_(None)
    )


def position_statuses(
    user_id: int, memberships: list[Membership], today: date, open_requests=None
) -> list:
    """Every live position of the user's employers, with its status, most urgent first.

    ``open_requests``: the open requests across those employers, if the caller has them."""
    by_employer = {m.employer_id: m for m in memberships}
    positions = list(
        db.session.scalars(
            across_my_employers(Position, user_id)
            .where(Position.archived_at.is_(None))
            .order_by(Position.id)
        )
    )
    if not positions:
        return []
    files: dict[tuple[int, int | None], list[EvidenceFile]] = defaultdict(list)
    for item in db.session.scalars(
        across_my_employers(EvidenceFile, user_id)
        .where(EvidenceFile.archived_at.is_(None))
        .order_by(EvidenceFile.id)
    ):
        files[(item.employer_id, item.position_id)].append(item)
    requests = defaultdict(list)
    if open_requests is None:
        open_requests = open_requests_across(user_id)
    for request in open_requests:
        requests[request.position_id].append(request)
    sign_offs = _latest_sign_offs(user_id)

    statuses = []
    for position in positions:
        membership = by_employer.get(position.employer_id)
        if membership is None:  # revoked between the two reads
            continue
        evidence = files[(position.employer_id, position.id)] + files[(position.employer_id, None)]
        with _acting_for(membership.employer):
            report = compliance.check(position, today)
            items = evidence_services.open_items_of(
                position, report, evidence, requests[position.id]
            )
            sign_off = sign_offs.get(position.id)
            state = NOT_SIGNED
            if sign_off is not None:
                current = evidence_services.content_hash(compliance.case_json(position), evidence)
                state = SIGNED_CURRENT if sign_off.content_hash == current else SIGNED_OUTDATED
        filing = position.planned_submission_date
        statuses.append(
            PositionStatus(
                position=position,
                employer_name=membership.employer.display_name,
                is_client=membership.role == "representative",
                open=items,
                sign_off=state,
                filing_date=filing,
                days_left=(filing - today).days if filing else None,
                about=report.about,
                risk=standing(items_of_report(report)),
            )
        )
    statuses.sort(key=urgency)
    return statuses
