"""What changed under an editor's feet: the plain-Python half of refusing a stale save.

Every edited record carries a ``version`` (SQLAlchemy's ``version_id_col``): 1 when inserted, one
more on each UPDATE. The audit log writes exactly one event per insert or update that changes a
column, so the events a stale editor missed are the last ``current - seen`` insert/update events
of that row. From them we tell who changed it, when, and which fields now differ from what the
editor started from (a field changed and changed back is not listed). Redacted fields (names,
permit numbers...) are only known as "changed"; their values are never read from the log.
"""

import hashlib
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import AuditEvent, User

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


class Submissions:
    """Create forms posted twice (a double-click, a browser retry) make one record.

    Each showing of a create form carries a random key; the first post that passes validation
    claims it by creating a file exclusively (``O_CREAT | O_EXCL``: atomic between threads and
    processes sharing the instance directory), so a second post of the same form finds it
    claimed. A missing or malformed key claims nothing (the post goes through as before).
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _path(self, owner: str, key: str) -> Path:
        digest = hashlib.sha256(f"{owner}:{key}".encode()).hexdigest()
        return self.directory / digest

    def claim(self, owner: str, key: str | None) -> bool:
        """True for the first post of this form (or one without a key), False for a repeat."""
        if not key or not _SUBMISSION_KEY.match(key):
            return True
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(self._path(owner, key), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return False
        return True

    def release(self, owner: str, key: str | None) -> None:
        """Forget a claim whose create failed, so the same form can be sent again."""
        if key and _SUBMISSION_KEY.match(key):
            self._path(owner, key).unlink(missing_ok=True)

    def prune(self, now: datetime | None = None) -> int:
        """Forget claims older than SUBMISSION_MEMORY; the number forgotten."""
        cutoff = (now or datetime.now()).timestamp() - SUBMISSION_MEMORY.total_seconds()
        forgotten = 0
        for path in self.directory.glob("*") if self.directory.is_dir() else []:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                forgotten += 1
        return forgotten
