"""What a crash can leave behind, swept; and a check that what is stored is whole.

Plain Python (SQLAlchemy Core and the storage interface, no Flask): the commands
(``flask sweep``, ``flask check-integrity``, and ``send-reminders``, which sweeps too, so the
one scheduled command does both) and the tests call it.

A process killed at any moment (security bar 2(i)) can leave:

- temp files: a storage save's ``.tmp-*`` (``portal.storage``), and in the work folder
  (``instance/tmp``) an upload spooled before inspection (``upload-*``), an offer letter
  before it is stored (``offer-*``), a bundle's work folder;
- orphans: an object stored whose row never committed (an upload, an offer version's PDF or
  DOCX, a built bundle), or whose row was deleted just before the object was;
- a bundle job still "running" (``portal.evidence.bundles`` marks it failed; the command
  calls that).

It can never leave a row without its object: every object is stored (fsync, rename) before
the row that names it commits. :func:`check` proves it.

Only what has not changed for ``grace_seconds`` is swept, so an upload or a build that is
running right now (its temp file still growing, its object stored but its row about to
commit) is never touched. The default grace (an hour) is far above the longest operation (a
bundle build stops after ten minutes).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import column, select, table, text
from sqlalchemy.engine import Connection

from portal.storage import LocalStorage, Storage

DEFAULT_GRACE_SECONDS = 3600

# Every column that names an object in the evidence storage: (table, key column, SHA-256
# column, size column); a row whose key is empty names nothing (a bundle not built).
# tests/security/test_crash_safety.py checks that no other ``*_key`` column exists unlisted,
# so a new kind of stored object is not swept as an orphan.
STORED_OBJECTS = (
    ("evidence_files", "storage_key", "sha256", "size_bytes"),
    ("offer_versions", "pdf_key", "pdf_sha256", "pdf_size"),
    ("offer_versions", "docx_key", "docx_sha256", "docx_size"),
    ("bundle_jobs", "storage_key", "sha256", "size_bytes"),
)


@dataclass
class Swept:
    """What one sweep removed or ended."""

    temp_files: int = 0
    orphans: int = 0
    stale_jobs: int = 0
    submission_claims: int = 0  # create-form claims older than a day (portal.edits)

    def lines(self) -> list[str]:
        return [
            f"swept {self.temp_files} stale temp files, {self.orphans} orphan stored files, "
            f"{self.stale_jobs} bundle builds left running",
            f"forgot {self.submission_claims} create-form claims older than a day",
        ]


@dataclass
class Integrity:
    """What :func:`check` found; ``ok`` when nothing."""

    rows: int = 0  # rows that name a stored object
    objects: int = 0  # stored objects
    missing: list[str] = field(default_factory=list)  # "table.column #id: key"
    mismatched: list[str] = field(default_factory=list)  # SHA-256 or size differs
    orphans: list[str] = field(default_factory=list)  # keys no row names
    temp_files: list[str] = field(default_factory=list)
    running_jobs: list[int] = field(default_factory=list)
    database: str = "ok"

    @property
    def ok(self) -> bool:
        return not (
            self.missing
            or self.mismatched
            or self.orphans
            or self.temp_files
            or self.running_jobs
            or self.database != "ok"
        )

    def lines(self) -> list[str]:
        out = [
            f"{self.rows} rows name a stored file, {self.objects} files stored",
            f"rows without their file: {len(self.missing)}",
            f"files whose SHA-256 or size differs from their row: {len(self.mismatched)}",
            f"orphan files: {len(self.orphans)}",
            f"temp files: {len(self.temp_files)}",
            f"bundle builds running: {len(self.running_jobs)}",
            f"database check: {self.database}",
        ]
        for label, items in (
            ("missing", self.missing),
            ("mismatched", self.mismatched),
            ("orphan", self.orphans),
            ("temp", self.temp_files),
        ):
            out += [f"  {label}: {item}" for item in items[:20]]
        return out


# --- what the rows name ------------------------------------------------------------------------


def named_objects(connection: Connection) -> list[tuple[str, int, str, str | None, int | None]]:
    """(where, row id, key, SHA-256, size) for every row that names a stored object."""
    named = []
    for table_name, key, sha, size in STORED_OBJECTS:
        names = table(table_name, column("id"), column(key), column(sha), column(size))
        query = select(names.c.id, names.c[key], names.c[sha], names.c[size]).where(
            names.c[key].is_not(None)
        )
        for row_id, stored_key, digest, length in connection.execute(query):
            named.append((f"{table_name}.{key}", row_id, stored_key, digest, length))
    return named


def referenced_keys(connection: Connection) -> set[str]:
    return {key for _where, _id, key, _sha, _size in named_objects(connection)}


# --- temp files --------------------------------------------------------------------------------


def _newest_change(path: Path) -> float:
    """The latest modification time in ``path`` (a folder: of anything inside it), so a bundle
    still writing deep in its work folder counts as young."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                try:
                    newest = max(newest, (Path(root) / name).lstat().st_mtime)
                except FileNotFoundError:
                    continue
    return newest


def work_temp_files(work_dir: Path | None) -> list[Path]:
    """Everything in the work folder: only operations in progress put anything there."""
    if work_dir is None or not Path(work_dir).is_dir():
        return []
    return sorted(Path(work_dir).iterdir())


def temp_files(storage: Storage, work_dir: Path | None) -> list[Path]:
    found = list(storage.temp_files()) if isinstance(storage, LocalStorage) else []
    return found + work_temp_files(work_dir)


def sweep_temp_files(
    storage: Storage, work_dir: Path | None, grace_seconds: float, now: float | None = None
) -> int:
    """Remove temp files (and bundle work folders) unchanged for ``grace_seconds``."""
    cutoff = (time.time() if now is None else now) - grace_seconds
    removed = 0
    for path in temp_files(storage, work_dir):
        try:
            if _newest_change(path) > cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
        except FileNotFoundError:  # its operation finished meanwhile, or another sweep
            continue
    return removed


# --- orphans -----------------------------------------------------------------------------------


def stored_ages(storage: Storage, now: float) -> Iterable[tuple[str, float]]:
    """(key, seconds since it was stored) for every stored object."""
    for key, modified in storage.listing():
        yield key, now - modified


def orphans(
    connection: Connection, storage: Storage, grace_seconds: float, now: float | None = None
) -> list[str]:
    """Stored objects that no row names, stored more than ``grace_seconds`` ago.

    The rows are read before the listing: an object stored and committed after the rows were
    read is younger than the grace period, so it is not taken for an orphan."""
    now = time.time() if now is None else now
    named = referenced_keys(connection)
    return [
        key for key, age in stored_ages(storage, now) if key not in named and age >= grace_seconds
    ]


def sweep_orphans(
    connection: Connection, storage: Storage, grace_seconds: float, now: float | None = None
) -> int:
    found = orphans(connection, storage, grace_seconds, now)
    for key in found:
        storage.delete(key)
    return len(found)


def sweep(
    connection: Connection,
    storage: Storage,
    work_dir: Path | None,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
    now: float | None = None,
) -> Swept:
    """Remove stale temp files and orphans (idempotent: a second run removes nothing)."""
    return Swept(
        temp_files=sweep_temp_files(storage, work_dir, grace_seconds, now),
        orphans=sweep_orphans(connection, storage, grace_seconds, now),
    )


# --- the integrity check -----------------------------------------------------------------------


def _digest(storage: Storage, key: str) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with storage.open(key) as stream:
        while chunk := stream.read(1024 * 1024):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def database_check(connection: Connection) -> str:
    """SQLite's ``PRAGMA integrity_check``; on PostgreSQL amcheck's ``bt_index_check`` on
    every B-tree index when the extension is installed (it needs a superuser to install)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        results = [row[0] for row in connection.execute(text("PRAGMA integrity_check"))]
        return "ok" if results == ["ok"] else "; ".join(results)[:500]
    if dialect == "postgresql":
        installed = connection.execute(
            text("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")
        ).first()
        if not installed:
            return "ok"  # nothing more to ask of the server without amcheck
        indexes = connection.execute(
            text(
                "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
            )
        ).all()
        for oid, name in indexes:
            try:
                connection.execute(text("SELECT bt_index_check(:oid)"), {"oid": oid})
            except Exception as error:  # noqa: BLE001 - reported, not raised
                return f"index {name}: {error}"[:500]
        return "ok"
    return "ok"


def check(connection: Connection, storage: Storage, work_dir: Path | None) -> Integrity:
    """Every row's object is there with its SHA-256 and size; no orphan, no temp file, no
    bundle build running; the database's own check passes. Run it on a quiet installation
    (after a restart, in the tests): an upload in progress shows as a temp file."""
    result = Integrity()
    result.database = database_check(connection)
    named = named_objects(connection)
    result.rows = len(named)
    stored = {key for key, _modified in storage.listing()}
    result.objects = len(stored)
    for where, row_id, key, digest, length in named:
        if key not in stored:
            result.missing.append(f"{where} #{row_id}: {key}")
            continue
        actual, size = _digest(storage, key)
        if actual != digest or (length is not None and size != length):
            result.mismatched.append(f"{where} #{row_id}: {key}")
    result.orphans = sorted(stored - {key for _w, _i, key, _s, _l in named})
    result.temp_files = [str(path) for path in temp_files(storage, work_dir)]
    result.running_jobs = [
        row[0]
        for row in connection.execute(text("SELECT id FROM bundle_jobs WHERE status = 'running'"))
    ]
    return result
