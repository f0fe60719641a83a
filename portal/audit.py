"""The audit log: every change to employer-owned data, plus sign-in events.

Changes are captured in one place, a SQLAlchemy ``after_flush`` hook, so no view can forget to log.
Rows are appended through Core inserts on the flushing connection and chained by SHA-256
(``prev_hash`` -> ``entry_hash``) so an edited or deleted row breaks ``verify_chain``.
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from portal.crypto import EncryptedJSON, EncryptedString, masked_keys
from portal.models import AuditEvent, utcnow

# Columns that are bookkeeping, not content.
_SKIPPED_FIELDS = frozenset({"version", "created_at"})


def _current_actor_id() -> int | None:
    """The signed-in user, or whoever a view or command named in ``g.audit_actor_id``."""
    if g and g.get("audit_actor_id"):
        return g.audit_actor_id
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _entry_hash(prev_hash: str | None, fields: dict) -> str:
    canonical = json.dumps(
        {k: _plain(v) for k, v in fields.items()}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev_hash or ''}|{canonical}".encode()).hexdigest()


def append_event(connection: Connection, **fields) -> None:
    """Append one event on ``connection``, chained to the previous one."""
    if connection.dialect.name == "postgresql":
        # Serialise appenders for this transaction so two writers cannot fork the chain.
        connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    prev_hash = connection.execute(
        select(AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    fields.setdefault("at", utcnow())
    fields.setdefault("actor_id", _current_actor_id())
    fields.setdefault("ip_address", _client_ip())
    fields["prev_hash"] = prev_hash
    fields["entry_hash"] = _entry_hash(prev_hash, fields)
    connection.execute(insert(AuditEvent).values(**fields))


def record_event(
    session: Session,
    action: str,
    *,
    employer_id: int | None = None,
    entity=None,
    changes: dict | None = None,
    actor_id: int | None = None,
) -> None:
    """Record an event that is not a row change (sign-in, sign-out, access revoked...)."""
    fields = {
        "action": action,
        "employer_id": employer_id,
        "entity_type": type(entity).__name__ if entity is not None else None,
        "entity_id": getattr(entity, "id", None),
        "changes": changes,
    }
    if actor_id is not None:
        fields["actor_id"] = actor_id
    append_event(session.connection(), **fields)


def _column_changes(obj, mode: str) -> dict:
    redacted = getattr(type(obj), "__audit_redacted__", frozenset())
    changes = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        key = attr.key
        column_type = attr.columns[0].type
        # What is encrypted at rest is never written in clear here: whole encrypted columns
        # are redacted, encrypted keys of a JSON object masked (•••391).
        encrypted_keys = getattr(column_type, "encrypted_keys", ())
        if key in _SKIPPED_FIELDS or (mode != "update" and key == "id"):
            continue
        history = state.attrs[key].history
        if mode == "insert":
            after = getattr(obj, key)
            if after is None:
                continue
            entry = {"before": None, "after": _plain(after)}
        elif mode == "delete":
            entry = {"before": _plain(getattr(obj, key)), "after": None}
        else:
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            entry = {"before": _plain(before), "after": _plain(after)}
        if key in redacted or isinstance(column_type, EncryptedString):
            entry = {"changed": True}
        elif isinstance(column_type, EncryptedJSON):
            entry = {side: masked_keys(value, encrypted_keys) for side, value in entry.items()}
        changes[key] = entry
    return changes


@event.listens_for(Session, "before_flush")
def _refuse_audit_edits(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("the audit log is append-only")


@event.listens_for(Session, "after_flush")
def _log_row_changes(session: Session, flush_context) -> None:
    # after_flush still sees the pre-flush new/dirty/deleted sets and attribute history,
    # and new rows already have their ids.
    pending = [(obj, "insert") for obj in session.new]
    pending += [(obj, "update") for obj in session.dirty if session.is_modified(obj)]
    pending += [(obj, "delete") for obj in session.deleted]
    connection = None
    for obj, mode in pending:
        if not getattr(type(obj), "__audited__", False):
            continue
        changes = _column_changes(obj, mode)
        if mode == "update" and not changes:
            continue
        connection = connection or session.connection()
        append_event(
            connection,
            action=f"{type(obj).__tablename__}.{mode}",
            employer_id=obj.employer_id,
            entity_type=type(obj).__name__,
            entity_id=obj.id,
            changes=changes,
        )


def verify_chain(session: Session) -> int | None:
    """Return the id of the first event whose hash does not match, or None if all do."""
    prev_hash = None
    for row in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        fields = {
            "action": row.action,
            "employer_id": row.employer_id,
            "entity_type": row.entity_type,
            "entity_id": row.entity_id,
            "changes": row.changes,
            "at": row.at,
            "actor_id": row.actor_id,
            "ip_address": row.ip_address,
            "prev_hash": row.prev_hash,
        }
        if row.prev_hash != prev_hash or _entry_hash(prev_hash, fields) != row.entry_hash:
            return row.id
        prev_hash = row.entry_hash
    return None
