"""Stored verdicts: each position's error and warning counts without running the engine per view.

**Why a stored verdict cannot be stale.** A verdict is a function of (a) the position and every
row that belongs to it or to its employer (activities, applicants, Job Match, evidence, requests,
waivers, workers and offers, third parties, payments, custody, attestations, roads, payroll,
memberships, the employer's profile…), (b) the reference data and ruleset, (c) the as-of date.

(a) Every such row carries ``position_id`` or ``employer_id`` (``EmployerScoped``; the
    employer is ``Employer.id``). One SQLAlchemy hook on *every* session's flush looks at each
    inserted, updated or deleted object and bumps ``position_verdicts.revision`` — of that
    position, or of every position of that employer when the row has no position — with an
    ``UPDATE … SET revision = revision + 1`` in the same transaction. A second hook does the same
    for ORM bulk statements (``session.execute(insert/update/delete(...))``), with the rows'
    ids taken from the statement's own WHERE clause or parameters. The rule is by column, not by
    a list of models, so a table added later is an input automatically; only the tables in
    ``NOT_INPUTS`` (which the engine does not read) are left out. A position's row is made in the
    flush that makes the position, so there is always a row to bump.
(b) The stored ``ruleset`` (``ruleset_version``: ruleset + reference data) must equal today's.
(c) The stored ``as_of`` must be today: a verdict computed yesterday is stale today.

A refresh reads ``revision`` first, computes, and stores only ``WHERE revision = <that value>``:
a change committed meanwhile has bumped the revision, the write matches no row and the verdict
stays stale (the next view enqueues it again). Bumps are atomic increments under the row lock,
so no two writers lose one.

Writes outside a SQLAlchemy session (raw SQL on a connection) are not seen; the code base makes
none to input tables (bundle progress, key rotation and the audit log are not inputs).
"""

from __future__ import annotations

from datetime import date
from itertools import chain

from flask import g, has_request_context
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session

from portal.models import Employer, Position, PositionVerdict, utcnow
from portal.queue import job

# Tables whose rows the engine does not read: changing them never changes a verdict.
NOT_INPUTS = frozenset(
    {
        "position_verdicts",
        "audit_events",
        "bundle_jobs",
        "reminders_sent",
        "calendar_feeds",
        "outbox_messages",
        "user_sessions",
        # Who works on the employer's files is not a fact of any position: a member invited
        # or added left every position's dashboard counts "being refreshed" (and, without a
        # queue, ran the engine for each of them after the response).
        "invitations",
        "memberships",
    }
)
_CHANGED = "verdict_inputs_changed"  # session.info key: (position ids, employer ids) to refresh


# --- staleness -------------------------------------------------------------------------------


def current_ruleset() -> str:
    from portal.positions.reference import labour_market
    from portal.rules.engine import ruleset_version

    return ruleset_version(labour_market())


# Built once: every position page asks (see portal.tenancy._MEMBERSHIPS_OF).
_REVISION_OF = select(PositionVerdict.revision).where(
    PositionVerdict.position_id == bindparam("position_id")
)


def input_revision(position: Position) -> int | None:
    """The position's input revision now (None: no verdict row yet)."""
    from portal.extensions import db

    return db.session.scalar(_REVISION_OF, {"position_id": position.id})


def is_current(verdict: PositionVerdict | None, today: date, ruleset: str) -> bool:
    """Whether the stored counts are those the engine would give now."""
    return (
        verdict is not None
        and verdict.computed_revision is not None
        and verdict.computed_revision == verdict.revision
        and verdict.as_of == today
        and verdict.ruleset == ruleset
    )


# --- invalidation ----------------------------------------------------------------------------


def _owner_of(obj) -> tuple[set[int], set[int]]:
    """(positions, employers) whose verdicts ``obj`` is an input of."""
    if isinstance(obj, Position):
        return {obj.id}, set()
    if isinstance(obj, Employer):
        return set(), {obj.id}
    positions: set[int] = set()
    state = obj.__dict__
    if "position_id" in state or hasattr(type(obj), "position_id"):
        # Old and new values: a row moved from one position to another changes both.
        history = _history(obj, "position_id")
        positions.update(p for p in history if p is not None)
        if positions:
            return positions, set()
    employer_id = getattr(obj, "employer_id", None)
    return set(), ({employer_id} if employer_id is not None else set())


def _history(obj, key: str) -> list:
    from sqlalchemy import inspect

    attribute = inspect(obj).attrs.get(key)
    if attribute is None:
        return []
    history = attribute.history
    return [*history.added, *history.unchanged, *history.deleted] or [attribute.value]


def _bump(connection, positions: set[int], employers: set[int]) -> None:
    table = PositionVerdict.__table__
    bumped = table.c.revision + 1
    if positions:
        connection.execute(
            update(table).where(table.c.position_id.in_(sorted(positions))).values(revision=bumped)
        )
    if employers:
        connection.execute(
            update(table).where(table.c.employer_id.in_(sorted(employers))).values(revision=bumped)
        )


def _note_changed(session: Session, positions: set[int], employers: set[int]) -> None:
    noted = session.info.setdefault(_CHANGED, (set(), set()))
    noted[0].update(positions)
    noted[1].update(employers)


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, flush_context) -> None:
    positions: set[int] = set()
    employers: set[int] = set()
    created = []
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table is None or table in NOT_INPUTS:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Position) and obj in session.new:
            created.append(obj)
            continue
        mine, theirs = _owner_of(obj)
        positions |= mine
        employers |= theirs
    if not (positions or employers or created):
        return
    connection = session.connection()
    _bump(connection, positions, employers)
    if created:
        connection.execute(
            insert(PositionVerdict.__table__),
            [
                {
                    "employer_id": p.employer_id,
                    "position_id": p.id,
                    "revision": 1,
                    "errors": 0,
                    "warnings": 0,
                    "risk": 0,
                    "open_findings": [],
                    "labels": {},
                }
                for p in created
            ],
        )
        positions |= {p.id for p in created}
    _note_changed(session, positions, employers)


@event.listens_for(Session, "do_orm_execute")
def _bump_for_bulk_statements(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = state.statement.table
    if table.name in NOT_INPUTS:
        return
    columns = table.c
    positions: set[int] = set()
    employers: set[int] = set()
    connection = state.session.connection()
    if state.is_insert:
        rows = state.parameters or []
        rows = rows if isinstance(rows, list) else [rows]
        for row in rows:
            if row.get("position_id") is not None:
                positions.add(row["position_id"])
            elif row.get("employer_id") is not None:
                employers.add(row["employer_id"])
            elif table.name == "employers" and row.get("id") is not None:
                employers.add(row["id"])
        if not rows and "employer_id" in columns:  # values() without rows: every position
            employers.update(connection.scalars(select(PositionVerdict.employer_id).distinct()))
    else:
        where = state.statement.whereclause
        if table.name in ("positions", "employers"):
            key = columns.id
        elif "position_id" in columns:
            key = columns.position_id
        elif "employer_id" in columns:
            key = columns.employer_id
        else:
            return
        matched = select(key).distinct()
        if where is not None:
            matched = matched.where(where)
        ids = {i for i in connection.scalars(matched) if i is not None}
        if key.name == "position_id" or table.name == "positions":
            positions |= ids
        else:
            employers |= ids
    _bump(connection, positions, employers)
    _note_changed(state.session, positions, employers)


@event.listens_for(Session, "after_commit")
def _refresh_after_commit(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if not changed or not has_request_context() or g.get("verdict_refreshing"):
        return
    from portal.mail.deferred import after_response

    positions, employers = changed
    # After the response is sent: inline (no Redis) the user does not wait for it; with the
    # queue it only pushes jobs.
    after_response(enqueue_refreshes, sorted(positions), sorted(employers))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def enqueue_refreshes(position_ids: list[int], employer_ids: list[int] = ()) -> None:
    """Enqueue ``verdict.refresh`` for the positions (and every position of the employers)."""
    from portal.extensions import db
    from portal.queue import enqueue

    ids = set(position_ids)
    if employer_ids:
        ids.update(
            db.session.scalars(
                select(PositionVerdict.position_id).where(
                    PositionVerdict.employer_id.in_(list(employer_ids))
                )
            )
        )
    for position_id in sorted(ids):
        enqueue("verdict.refresh", position_id=position_id)


# --- refreshing ------------------------------------------------------------------------------


def compute(position: Position, today: date) -> dict:
    """The values stored for ``position`` as of ``today`` (runs the engine once)."""
    from portal.evidence import services as evidence_services
    from portal.positions import compliance
    from portal.reviews import comments_of
    from portal.risk import standing
    from portal.riskview.services import items_of_report

    report = compliance.check(position, today)
    waived = {
        (shown.finding.rule, shown.finding.subject)
        for _area, items in report.groups
        for shown in items
        if shown.waiver is not None
    }
    reported = {(f.rule, f.subject) for f in report.verdict.findings}
    labels = {}
    for comment in comments_of(position):
        if comment.subject and comment.subject not in labels:
            label = report.about(comment.subject)
            labels[comment.subject] = label.text if label else comment.subject
    evidence = evidence_services.evidence_of(position)
    return {
        "errors": report.open_counts.get("error", 0),
        "warnings": report.open_counts.get("warning", 0),
        "risk": standing(items_of_report(report)),
        "open_findings": sorted([list(key) for key in reported - waived]),
        "labels": labels,
        "content_hash": evidence_services.content_hash(
            compliance.case_json(position, report), evidence
        ),
        "reference_version": report.reference_version,
    }


def refresh(position_id: int, today: date | None = None) -> bool:
    """Recompute and store the position's verdict; False when its inputs changed meanwhile (the
    verdict stays stale and is refreshed again) or the position is gone."""
    from portal.extensions import db

    today = today or date.today()
    from portal.tenancy import load_for_operator, of_position

    # A job, not a request: no user, the position's own rows only.
    position = load_for_operator(Position, position_id)
    if position is None:
        return False
    verdict = db.session.scalar(of_position(PositionVerdict, position))
    if verdict is None:  # a position made outside the ORM's unit of work
        verdict = PositionVerdict(employer_id=position.employer_id, position_id=position_id)
        db.session.add(verdict)
        db.session.commit()
    revision = verdict.revision
    ruleset = current_ruleset()
    saved = g.get("employer"), g.get("verdict_refreshing")
    g.employer, g.verdict_refreshing = db.session.get(Employer, position.employer_id), True
    try:
        values = compute(position, today)
        stored = db.session.execute(
            update(PositionVerdict)
            .where(PositionVerdict.position_id == position_id)
            .where(PositionVerdict.revision == revision)
            .values(
                **values,
                computed_revision=revision,
                as_of=today,
                ruleset=ruleset,
                computed_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    finally:
        g.employer, g.verdict_refreshing = saved
    return stored.rowcount == 1


@job("verdict.refresh")
def refresh_verdict(position_id: int) -> None:
    """The queue's job: recompute and store one position's verdict (safe to run twice; a verdict
    already current, e.g. refreshed by a copy of this job queued by another view, is kept)."""
    from portal.extensions import db

    today = date.today()
    row = db.session.execute(
        select(
            PositionVerdict.revision,
            PositionVerdict.computed_revision,
            PositionVerdict.as_of,
            PositionVerdict.ruleset,
        ).where(PositionVerdict.position_id == position_id)
    ).first()
    if row is not None and (row[0], row[2], row[3]) == (row[1], today, current_ruleset()):
        return
    refresh(position_id, today)
