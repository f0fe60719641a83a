"""Backup and restore of one installation: the database and the evidence files it references.

Plain Python (SQLAlchemy and the storage interface; no Flask). A backup directory holds::

    database.sqlite3 | database.dump   the database (SQLite copy, or pg_dump custom format)
    files/<key>                         every evidence object the database references
    manifest.json                       SHA-256 of each file above, Alembic revision, portal
                                        version, rows per table, time, database kind

Consistency: the database is copied first, as one snapshot (SQLite's online backup API;
PostgreSQL: ``pg_dump --snapshot`` of a snapshot exported by a REPEATABLE READ transaction,
which also reads the row counts and the referenced keys, so all three describe the same
instant). The files come after: stored objects are content-addressed and never overwritten, so a
file newer than the snapshot is only not referenced. The backup is written into a hidden temp
directory next to DIR, the manifest last, and renamed to DIR at the end: a directory named DIR
with a manifest is a complete backup, anything else is not.

Encrypted columns are copied as ciphertext: the restored installation needs the same
``PORTAL_FIELD_KEYS``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection, make_url

from portal.storage import CHUNK, Storage, check_key

FORMAT = "lmia-portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# Columns that hold a storage key (evidence, issued offer letters, built bundles).
KEY_COLUMNS = {"storage_key", "pdf_key", "docx_key"}
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)
FIELD_KEYS_NOTE = (
    "Encrypted columns are copied as ciphertext: restoring needs the same PORTAL_FIELD_KEYS."
)


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why (and names the file)."""


@dataclass
class Result:
    directory: pathlib.Path
    manifest: dict
    missing_keys: list[str] = field(default_factory=list)


def database_kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"unsupported database {name!r} (SQLite or PostgreSQL)")
    return name


def portal_version() -> str:
    try:
        return importlib_metadata.version("lmia-portal")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


def sha256_file(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def find_pg_tool(name: str) -> str:
    """pg_dump/pg_restore next to the server binaries, else on PATH; refused when missing."""
    for directory in PG_BIN_DIRS:
        candidate = pathlib.Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"{name} not found (looked in {', '.join(PG_BIN_DIRS)} and on PATH): install the "
        "PostgreSQL client tools of the server's major version"
    )


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and an environment carrying it."""
    url = make_url(engine.url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(  # noqa: S603
        argv, env=env, capture_output=True, text=True, check=False
    )  # nosec B603 # a fixed pg_dump/pg_restore path and an argument list, no shell
    if completed.returncode != 0:
        raise BackupError(f"{pathlib.Path(argv[0]).name} failed: {completed.stderr.strip()}")


def _tables(connection: Connection) -> list[str]:
    return sorted(inspect(connection).get_table_names())


def _counts(connection: Connection, tables: Iterable[str]) -> dict[str, int]:
    preparer = connection.dialect.identifier_preparer
    counts = {}
    for table in tables:  # names from the schema itself, quoted
        sql = f"SELECT count(*) FROM {preparer.quote(table)}"  # noqa: S608  # nosec B608 # table names come from the schema, quoted
        counts[table] = int(connection.execute(text(sql)).scalar_one())
    return counts


def _revision(connection: Connection, tables: list[str]) -> str | None:
    if "alembic_version" not in tables:
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _referenced_keys(connection: Connection, tables: list[str]) -> list[str]:
    inspector = inspect(connection)
    preparer = connection.dialect.identifier_preparer
    keys: set[str] = set()
    for table in tables:
        for column in inspector.get_columns(table):
            if column["name"] not in KEY_COLUMNS:
                continue
            name = preparer.quote(column["name"])  # names from the schema itself, quoted
            table_name = preparer.quote(table)
            sql = f"SELECT {name} FROM {table_name} WHERE {name} IS NOT NULL"  # noqa: S608  # nosec B608 # schema names, quoted
            keys.update(str(value) for value in connection.execute(text(sql)).scalars())
    return sorted(keys)


def _describe(connection: Connection) -> tuple[str | None, dict[str, int], list[str]]:
    tables = _tables(connection)
    return (
        _revision(connection, tables),
        _counts(connection, tables),
        _referenced_keys(connection, tables),
    )


def _sqlite_path(engine: Engine) -> pathlib.Path:
    database = make_url(engine.url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return pathlib.Path(database)


def _copy_sqlite(source: pathlib.Path, target: pathlib.Path) -> None:
    """SQLite's online backup API: a consistent copy even while the portal writes."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _dump_database(engine: Engine, kind: str, target: pathlib.Path):
    """Copy the database into ``target``; returns (revision, counts, referenced keys) of the
    same snapshot."""
    if kind == "sqlite":
        _copy_sqlite(_sqlite_path(engine), target)
        from sqlalchemy import create_engine

        copy = create_engine(f"sqlite:///{target}")
        try:
            with copy.connect() as connection:
                return _describe(connection)
        finally:
            copy.dispose()
    pg_dump = find_pg_tool("pg_dump")
    dsn, env = _libpq(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            described = _describe(connection)
            # The exported snapshot lives as long as this transaction: dump while it is open.
            _run([pg_dump, "-Fc", f"--snapshot={snapshot}", f"--file={target}", dsn], env)
    return described


def _write_json(path: pathlib.Path, data: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())


def backup(
    engine: Engine,
    storage: Storage,
    out: str | os.PathLike[str],
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Result:
    """Write a complete backup into the new (or empty) directory ``out``."""
    out = pathlib.Path(out).absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} exists and is not an empty directory: choose a new one")
    kind = database_kind(engine)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        database_file = DATABASE_FILES[kind]
        revision, counts, keys = _dump_database(engine, kind, work / database_file)
        hashes = {database_file: sha256_file(work / database_file)}
        (work / FILES_DIR).mkdir()
        missing = []
        for key in keys:
            check_key(key)
            target = work / FILES_DIR / key
            try:
                source = storage.open(key)
            except KeyError:
                missing.append(key)
                continue
            digest = hashlib.sha256()
            with source, open(target, "wb") as handle:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            hashes[f"{FILES_DIR}/{key}"] = digest.hexdigest()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now().isoformat(timespec="seconds"),
            "portal_version": portal_version(),
            "database_kind": kind,
            "database_file": database_file,
            "alembic_revision": revision,
            "tables": counts,
            "files": hashes,
            "missing_keys": missing,
            "note": FIELD_KEYS_NOTE,
        }
        _write_json(work / MANIFEST, manifest)  # last: its presence marks a complete backup
        if out.exists():
            out.rmdir()  # empty, checked above
        os.rename(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Result(out, manifest, missing)


def read_manifest(directory: str | os.PathLike[str]) -> dict:
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a directory")
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"no {MANIFEST} in {directory}: not a backup, or an unfinished one")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{MANIFEST} in {directory} is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} in {directory} is not a portal backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"unsupported backup format version {manifest.get('format_version')!r}")
    return manifest


def verify(directory: str | os.PathLike[str]) -> dict:
    """Check every hash of the manifest, and that no file is missing or extra; the manifest."""
    directory = pathlib.Path(directory)
    manifest = read_manifest(directory)
    files = manifest.get("files") or {}
    if manifest.get("database_file") not in files:
        raise BackupError(f"{MANIFEST} lists no database file")
    present = {
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    for extra in sorted(present - set(files)):
        raise BackupError(f"{extra} is in the backup but not in {MANIFEST}: refused")
    for name, expected in sorted(files.items()):
        if name != manifest["database_file"]:
            prefix, _, key = name.partition("/")
            if prefix != FILES_DIR:
                raise BackupError(f"{name} in {MANIFEST} is not a backup file name")
            check_key(key)
        path = directory / name
        if not path.is_file():
            raise BackupError(f"{name} is listed in {MANIFEST} but missing: refused")
        if sha256_file(path) != expected:
            raise BackupError(f"{name} does not match its SHA-256 in {MANIFEST}: refused")
    return manifest


def _ensure_empty(engine: Engine, storage: Storage) -> None:
    with engine.connect() as connection:
        tables = _tables(connection)
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables, e.g. {tables[0]}): restore only "
            "into a new, empty database (do not run 'flask db upgrade' first)"
        )
    for key in storage.keys():  # noqa: SIM118 - Storage is not a mapping
        raise BackupError(f"the evidence store is not empty (it holds {key}): use an empty one")


def restore(engine: Engine, storage: Storage, directory: str | os.PathLike[str]) -> Result:
    """Restore the backup in ``directory`` into an empty database and an empty store."""
    directory = pathlib.Path(directory).absolute()
    manifest = verify(directory)  # before touching anything
    kind = database_kind(engine)
    if manifest.get("database_kind") != kind:
        raise BackupError(
            f"the backup holds a {manifest.get('database_kind')} database; this installation "
            f"uses {kind}"
        )
    _ensure_empty(engine, storage)
    database_file = directory / manifest["database_file"]
    if kind == "sqlite":
        _copy_sqlite(database_file, _sqlite_path(engine))
    else:
        pg_restore = find_pg_tool("pg_restore")
        dsn, env = _libpq(engine)
        _run(
            [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", f"--dbname={dsn}", str(database_file)],
            env,
        )  # fmt: skip
    engine.dispose()  # forget connections that saw the empty schema
    for name in sorted(manifest["files"]):
        if name.startswith(f"{FILES_DIR}/"):
            storage.save(name.partition("/")[2], directory / name)
    with engine.connect() as connection:
        revision, counts, _ = _describe(connection)
    if counts != manifest["tables"]:
        differ = sorted(
            t for t in set(counts) | set(manifest["tables"])
            if counts.get(t) != manifest["tables"].get(t)
        )  # fmt: skip
        raise BackupError(f"row counts differ after restore in: {', '.join(differ)}")
    if revision != manifest.get("alembic_revision"):
        raise BackupError(f"Alembic revision {revision!r} after restore, expected "
                          f"{manifest.get('alembic_revision')!r}")  # fmt: skip
    return Result(directory, manifest, list(manifest.get("missing_keys") or []))
