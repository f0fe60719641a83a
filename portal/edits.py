"""What changed under an editor's feet: the plain-Python half of refusing a stale save.

Every edited record carries a ``version`` (SQLAlchemy's ``version_id_col``): 1 when inserted, one
more on each UPDATE. The audit log writes exactly one event per insert or update that changes a
column, so the events a stale editor missed are the last ``current - seen`` insert/update events
of that row. From them we tell who changed it, when, and which fields now differ from what the
editor started from (a field changed and changed back is not listed). Redacted fields (names,
permit numbers...) are only known as "changed"; their values are never read from the log.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portal import audit
from portal.models import AuditEvent, SubmissionClaim, User

# Bound the look-back when the editor's version is unknown or absurd.
_MOST_EVENTS = 50


@dataclass(frozen=True)
class ChangedField:
    name: str  # the column (or, inside a JSON column, the key) that changed
    redacted: bool = False


@dataclass
class EditConflict:
    """Who saved over the editor's copy, when, and which fields now differ from it."""

    who: list[str] = field(default_factory=list)  # names, latest first
    when: datetime | None = None  # the latest change
    fields: list[ChangedField] = field(default_factory=list)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def seen_version(text) -> int | None:
    """The version the form was loaded at, or None when the hidden field is missing or junk
    (a form bound to the record falls back to the record's own version, an int)."""
    try:
        number = int(str(text if text is not None else "").strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def is_stale(record, seen: str | None) -> bool:
    """True when ``record`` changed since the form carrying ``seen`` was loaded."""
    return seen_version(seen) != (record.version if record is not None else 0)


def _missed_events(session: Session, record, seen: int | None) -> list[AuditEvent]:
    current = record.version or 0
    if seen == current:
        return []
    missed = current - seen if seen is not None and current - seen > 0 else _MOST_EVENTS
    return audit.row_changes(session, record, min(missed, _MOST_EVENTS))


def _differences(prefix: str, before, after, flat: dict) -> None:
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        for key in dict.fromkeys([*before, *after]):
            _differences(
                f"{prefix}.{key}" if prefix else key, before.get(key), after.get(key), flat
            )
    elif before != after:
        flat[prefix] = {"before": before, "after": after}


def _flatten(changes: dict) -> dict[str, dict]:
    """Column changes, with a JSON column's changed keys as their own fields: an offer's terms
    are ``title``, ``wage.amount``... rather than one ``offer`` field."""
    flat: dict[str, dict] = {}
    for name, change in (changes or {}).items():
        before, after = change.get("before"), change.get("after")
        if "changed" in change:
            flat[name] = change
        elif isinstance(before, dict) or isinstance(after, dict):
            _differences("", before, after, flat)
        else:
            flat[name] = change
    return flat


def conflict_of(session: Session, record, seen: str | None) -> EditConflict:
    """What the editor who loaded ``record`` at version ``seen`` missed (``record`` is the
    current row, read after the refused save was rolled back)."""
    events = _missed_events(session, record, seen_version(seen))  # latest first
    conflict = EditConflict()
    if not events:
        return conflict
    conflict.when = events[0].at
    actors = list(dict.fromkeys(e.actor_id for e in events if e.actor_id))
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(actors))).all())
    conflict.who = [names[a] for a in actors if a in names]
    # Oldest "before" against newest "after", field by field.
    first_before: dict[str, object] = {}
    last_after: dict[str, object] = {}
    redacted: set[str] = set()
    for event in reversed(events):
        for name, change in _flatten(event.changes).items():
            if "changed" in change:
                redacted.add(name)
                continue
            first_before.setdefault(name, change.get("before"))
            last_after[name] = change.get("after")
    changed = [n for n in last_after if first_before.get(n) != last_after[n]]
    changed += [n for n in redacted if n not in last_after]
    conflict.fields = [ChangedField(n, n in redacted) for n in dict.fromkeys(changed)]
    return conflict


# --- Double-submitted creates ----------------------------------------------------------------

_SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# A claimed key is remembered this long: far beyond any double-click or browser retry.
SUBMISSION_MEMORY = timedelta(days=1)


def new_submission_key() -> str:
    """A fresh key for one showing of a create form (its hidden ``submission`` field)."""
    return secrets.token_urlsafe(24)


def _claim_digest(owner: str, key: str) -> str:
    return hashlib.sha256(f"{owner}:{key}".encode()).hexdigest()


def claim_submission(
    session: Session | Connection, owner: str, key: str | None, now: datetime | None = None
) -> bool:
    """Claim one showing of a create form (a double-click, a browser retry post it twice):
    True for the first post (or one without a well-formed key), False for a repeat.

    The claim is a row with a unique key, inserted in the caller's transaction: it commits with
    the record the form creates, and a failed create rolls it back, so the same form can be sent
    again. ``INSERT … ON CONFLICT DO NOTHING`` makes a second post wait for the first one's
    transaction and then find the key taken, on SQLite and PostgreSQL alike, whichever process
    or machine answers each post (it was a file in the instance folder: one machine only).
    """
    if not key or not _SUBMISSION_KEY.match(key):
        return True
    # A Session (or Flask-SQLAlchemy's scoped one) names its engine; a Connection is its own.
    bind = session if isinstance(session, Connection) else session.get_bind()
    insert = postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
    claims = SubmissionClaim.__table__
    statement = (
        insert(claims)
        .values(digest=_claim_digest(owner, key), claimed_at=now or datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["digest"])
        # A row back when inserted, none when the key was taken (an INSERT's rowcount is not
        # reliable across drivers: psycopg's reads -1 here).
        .returning(claims.c.digest)
    )
    return session.execute(statement).first() is not None


def prune_submission_claims(connection: Session | Connection, now: datetime | None = None) -> int:
    """Forget claims older than SUBMISSION_MEMORY; the number forgotten (``flask sweep``)."""
    cutoff = (now or datetime.now(UTC)) - SUBMISSION_MEMORY
    claims = SubmissionClaim.__table__
    return connection.execute(delete(claims).where(claims.c.claimed_at < cutoff)).rowcount
