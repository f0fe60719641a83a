"""The status of every position a user can see, for the home page, most urgent first, a page at
a time.

For each position: the open errors and warnings and the fee and fraud count, read from its
stored verdict (``portal.verdicts``: never the engine per position per view), the files
awaiting review, the open requests, the sign-off state and the days to the planned filing date.
A verdict that is not current shows its last known counts marked as being refreshed, and its
refresh is enqueued; without a queue (no Redis: jobs run inline) it is refreshed before the
page is drawn, as an inline job is. The statements run do not depend on how many positions,
applicants, files or requests there are (tests/dashboard/test_dashboard_verdicts.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Date, bindparam, case, func, literal, select
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.models import EvidenceFile, Membership, Position, PositionVerdict, SignOff
from portal.queue import enqueue
from portal.tenancy import across_my_employers
from portal.verdicts import current_ruleset, is_current, refresh

NOT_SIGNED, SIGNED_CURRENT, SIGNED_OUTDATED = "none", "current", "outdated"
PAGE_SIZE = 50


@dataclass(frozen=True)
class PositionStatus:
    position: Position
    employer_name: str
    is_client: bool  # the user represents this employer
    errors: int
    warnings: int
    files_awaiting_review: int
    files_changes_requested: int
    requests: list  # the open requests (ReviewComment rows) still about something open
    sign_off: str  # NOT_SIGNED, SIGNED_CURRENT or SIGNED_OUTDATED
    filing_date: date | None
    days_left: int | None  # to the planned filing date; negative: overdue
    refreshing: bool  # the counts are the last known ones; a refresh is on its way
    labels: dict = field(default_factory=dict)  # request subject → as the screens name it
    risk: int = 0  # fee and fraud findings not waived

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    def counts(self) -> dict[str, int]:
        return {
            "errors": self.errors,
            "warnings": self.warnings,
            "files_awaiting_review": self.files_awaiting_review,
            "files_changes_requested": self.files_changes_requested,
            "requests": len(self.requests),
        }


@dataclass(frozen=True)
class StatusPage:
    statuses: list[PositionStatus]
    page: int
    pages: int
    total: int


# The statements below are built once, with the user, the day and the ids as bound parameters:
# SQLAlchemy then reuses each one's cache key and compiled form (portal.tenancy._MEMBERSHIPS_OF),
# about half of what building them per view cost.
_USER = bindparam("user_id")
_TODAY = bindparam("today", type_=Date)


def _urgency():
    """The list's order, in SQL so that a page of it is one query: overdue filings first (the
    longest overdue on top), then the most open errors (last known), then the fewest days left
    (no date last), then by title."""
    filing = Position.planned_submission_date
    overdue = case((filing < _TODAY, 0), else_=1)
    return (
        overdue,
        case((filing < _TODAY, filing), else_=literal(None)),
        func.coalesce(PositionVerdict.errors, 0).desc(),
        case((filing.is_(None), 1), else_=0),
        filing,
        func.lower(Position.title),
        Position.id,
    )


_LIVE_POSITIONS = across_my_employers(Position, _USER).where(Position.archived_at.is_(None))
_STATUS_PAGE = (
    _LIVE_POSITIONS.add_columns(PositionVerdict)
    .outerjoin(PositionVerdict, PositionVerdict.position_id == Position.id)
    .order_by(*_urgency())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_LIVE_COUNT = select(func.count()).select_from(_LIVE_POSITIONS.subquery())
_FILES_TO_REVIEW = (
    across_my_employers(EvidenceFile, _USER)
    .with_only_columns(
        EvidenceFile.employer_id,
        EvidenceFile.position_id,
        EvidenceFile.review_status,
        func.count(),
    )
    .where(
        EvidenceFile.archived_at.is_(None),
        EvidenceFile.employer_id.in_(bindparam("employer_ids", expanding=True)),
        EvidenceFile.review_status.in_(("pending", "changes_requested")),
        EvidenceFile.position_id.in_(bindparam("position_ids", expanding=True))
        | EvidenceFile.position_id.is_(None),
    )
    .group_by(EvidenceFile.employer_id, EvidenceFile.position_id, EvidenceFile.review_status)
)
_LATEST_SIGN_OFFS = (
    across_my_employers(SignOff, _USER)
    .with_only_columns(SignOff.position_id, SignOff.content_hash)
    .where(
        SignOff.id.in_(
            select(func.max(SignOff.id))
            .where(SignOff.position_id.in_(bindparam("position_ids", expanding=True)))
            .group_by(SignOff.position_id)
        )
    )
)


def _refresh_inline() -> bool:
    """Whether jobs run in this process (no Redis): a stale count is then refreshed now."""
    return not current_app.config.get("REDIS_URL")


def _verdicts_of_page(rows, today: date) -> dict[int, tuple[PositionVerdict | None, bool]]:
    ruleset = current_ruleset()
    stale = [p.id for p, v in rows if not is_current(v, today, ruleset)]
    if stale and _refresh_inline():
        for position_id in stale:
            refresh(position_id, today)
        return None  # read again
    for position_id in stale:
        enqueue("verdict.refresh", position_id=position_id)
    return {p.id: (v, p.id in stale) for p, v in rows}


def position_statuses(
    user_id: int, memberships: list[Membership], today: date, open_requests=(), page: int = 1
) -> StatusPage:
    """A page of the live positions of the user's employers, with their status, most urgent
    first. ``open_requests``: the open requests across those employers."""
    by_employer = {m.employer_id: m for m in memberships}
    page = max(page, 1)

    def read_page(number: int):
        parameters = {
            "user_id": user_id,
            "today": today,
            "limit": PAGE_SIZE,
            "offset": (number - 1) * PAGE_SIZE,
        }
        return db.session.execute(_STATUS_PAGE, parameters).all()

    rows = read_page(page)
    if page == 1 and len(rows) < PAGE_SIZE:
        total = len(rows)  # all of them on the first page: no count needed
    else:
        total = db.session.scalar(_LIVE_COUNT, {"user_id": user_id}) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:  # past the end (positions archived meanwhile): the last page
        page = pages
        rows = read_page(page)
    verdicts = _verdicts_of_page(rows, today)
    if verdicts is None:  # refreshed inline: the order may have changed too
        db.session.expire_all()
        rows = read_page(page)
        verdicts = {p.id: (v, False) for p, v in rows}
    if not rows:
        return StatusPage([], page, pages, total)
    ids = [p.id for p, _v in rows]
    employers = {p.employer_id for p, _v in rows}

    # Files awaiting review, per position: its own and its employer's shared ones.
    files: dict[tuple[int, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counted = db.session.execute(
        _FILES_TO_REVIEW,
        {"user_id": user_id, "employer_ids": sorted(employers), "position_ids": ids},
    )
    for employer_id, position_id, status, count in counted:
        files[(employer_id, position_id)][status] += count

    signed = _latest_sign_off_hashes(user_id, ids)
    requests = defaultdict(list)
    for request in open_requests:
        requests[request.position_id].append(request)

    statuses = []
    for position, _stored in rows:
        membership = by_employer.get(position.employer_id)
        if membership is None:  # revoked between the two reads
            continue
        verdict, refreshing = verdicts[position.id]
        still_open = {tuple(key) for key in (verdict.open_findings if verdict else [])}
        kept = [
            r
            for r in requests[position.id]
            if r.evidence_id is not None
            or not r.rule_id
            or (r.rule_id, r.subject) in still_open
            or verdict is None
        ]
        own = files[(position.employer_id, position.id)]
        shared = files[(position.employer_id, None)]
        state = NOT_SIGNED
        if position.id in signed:
            current = verdict.content_hash if verdict else None
            state = SIGNED_CURRENT if signed[position.id] == current else SIGNED_OUTDATED
        filing = position.planned_submission_date
        statuses.append(
            PositionStatus(
                position=position,
                employer_name=membership.employer.display_name,
                is_client=membership.role == "representative",
                errors=verdict.errors if verdict else 0,
                warnings=verdict.warnings if verdict else 0,
                files_awaiting_review=own["pending"] + shared["pending"],
                files_changes_requested=own["changes_requested"] + shared["changes_requested"],
                requests=kept,
                sign_off=state,
                filing_date=filing,
                days_left=(filing - today).days if filing else None,
                refreshing=refreshing,
                labels=(verdict.labels or {}) if verdict else {},
                risk=verdict.risk if verdict else 0,
            )
        )
    return StatusPage(statuses, page, pages, total)


def _latest_sign_off_hashes(user_id: int, position_ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(_LATEST_SIGN_OFFS, {"user_id": user_id, "position_ids": position_ids})
    return {position_id: content_hash for position_id, content_hash in rows}  # noqa: C416


def risk_per_client(user_id: int, employer_ids: set[int]) -> dict[int, int]:
    """Fee and fraud signs not waived per employer, over all its live positions (last known)."""
    if not employer_ids:
        return {}
    rows = db.session.execute(
        across_my_employers(PositionVerdict, user_id)
        .with_only_columns(PositionVerdict.employer_id, func.sum(PositionVerdict.risk))
        .join(Position, Position.id == PositionVerdict.position_id)
        .where(Position.archived_at.is_(None), PositionVerdict.employer_id.in_(employer_ids))
        .group_by(PositionVerdict.employer_id)
    )
    return {employer_id: int(total or 0) for employer_id, total in rows}


# The clients table: a page of clients, each with its first few positions by name (the rest
# are a link away). A firm with 200 clients and 2,000 positions drew every one of them on
# every view: most of the page's time at scale.
CLIENTS_PAGE_SIZE = 50
POSITIONS_SHOWN = 3


@dataclass
class ClientsPage:
    clients: list[Membership]
    page: int
    pages: int
    total: int


def clients_page(clients: list[Membership], page: int) -> ClientsPage:
    """One page of the representative's clients, by name."""
    ordered = sorted(clients, key=lambda m: (m.employer.display_name.lower(), m.employer_id))
    pages = max(1, -(-len(ordered) // CLIENTS_PAGE_SIZE))
    page = min(page, pages)  # past the end (a client left meanwhile): the last page
    start = (page - 1) * CLIENTS_PAGE_SIZE
    return ClientsPage(ordered[start : start + CLIENTS_PAGE_SIZE], page, pages, len(ordered))


_COUNTS_OF = (
    _LIVE_POSITIONS.where(Position.employer_id.in_(bindparam("employer_ids", expanding=True)))
    .with_only_columns(Position.employer_id, func.count())
    .group_by(Position.employer_id)
)
_RANKED = (
    _LIVE_POSITIONS.where(Position.employer_id.in_(bindparam("listed", expanding=True)))
    .add_columns(
        func.row_number()
        .over(partition_by=Position.employer_id, order_by=Position.id)
        .label("rank")
    )
    .subquery()
)
_FIRST = aliased(Position, _RANKED)
_FIRST_LISTED = select(_FIRST).where(_RANKED.c.rank <= POSITIONS_SHOWN).order_by(_RANKED.c.id)


def positions_by_employer(
    user_id: int, employer_ids: set[int], listed: set[int]
) -> tuple[dict[int, list[Position]], dict[int, int]]:
    """The first live positions of the user's employers in ``listed``, by employer, and how
    many each of the user's employers in ``employer_ids`` has: two queries, whatever the number
    of positions; one when nothing is to be listed."""
    counts = {
        row[0]: row[1]
        for row in db.session.execute(
            _COUNTS_OF, {"user_id": user_id, "employer_ids": sorted(employer_ids)}
        )
    }
    if not listed:
        return {}, counts
    found: dict[int, list[Position]] = {}
    for position in db.session.scalars(
        _FIRST_LISTED, {"user_id": user_id, "listed": sorted(listed)}
    ):
        found.setdefault(position.employer_id, []).append(position)
    return found, counts
