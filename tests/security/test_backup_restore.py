"""Backup and restore round trip (issue 11): ``flask --app portal backup --out DIR`` on a migrated,
seeded installation, ``flask --app portal restore DIR`` into a fresh empty one (new database, new
evidence directory), both typed as a person types them; then every table's rows (all columns)
and every stored file's bytes are compared, and the app boots on the restored data.

SQLite always; PostgreSQL when PORTAL_TEST_DATABASE_URL is set (two databases of their own,
created and dropped here on the same cluster). Encrypted columns travel as ciphertext, so both
installations share PORTAL_FIELD_KEYS, as the README tells an operator to do.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal.storage import LocalStorage
from tests.cli.support import new_shell, ok
from tests.conftest import POSTGRES_URL, build_app
from tests.helpers import form_token
from tests.two_factor_steps import second_step

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES_URL, reason="PORTAL_TEST_DATABASE_URL is not set"))]  # fmt: skip
DEMO_OWNER = "owner@prairie-greens.example"
DEMO_PASSWORD = "maple-syrup-harvest-2026"  # noqa: S105 - the demo data's published password


class Databases:
    """New, empty databases of one kind; PostgreSQL ones are dropped at the end."""

    def __init__(self, kind: str, root: Path) -> None:
        self.kind, self.root, self.made = kind, root, []

    def new(self, name: str) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.root / f'{name}.sqlite3'}"
        database = f"portal_backup_{name}_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{database}"')
        self.made.append(database)
        return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        engine = create_engine(
            make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        try:
            with engine.connect() as connection:
                connection.execute(text(sql))
        finally:
            engine.dispose()

    def drop_all(self) -> None:
        for database in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(params=KINDS)
def databases(request, tmp_path):
    made = Databases(request.param, tmp_path)
    yield made
    made.drop_all()


def installation(home: Path, database_url: str):
    """A user's shell on its own database, evidence directory and instance folder."""
    shell = new_shell(home)
    shell.env.update(
        PORTAL_DATABASE_URL=database_url,
        PORTAL_FIELD_KEYS=os.environ["PORTAL_FIELD_KEYS"],  # the same keys on both sides
    )
    return shell


def store_of(shell) -> LocalStorage:
    return LocalStorage(shell.env["PORTAL_STORAGE_DIR"])


def table_rows(database_url: str) -> dict[str, list[tuple]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            preparer = connection.dialect.identifier_preparer
            tables = sorted(inspect(connection).get_table_names())
            return {
                table: sorted(
                    (
                        tuple(row)
                        for row in connection.execute(
                            text(f"SELECT * FROM {preparer.quote(table)}")  # noqa: S608
                        )
                    ),
                    key=repr,
                )  # fmt: skip
                for table in tables
            }
    finally:
        engine.dispose()


def stored_files(storage: LocalStorage) -> dict[str, bytes]:
    return {key: storage.path(key).read_bytes() for key in storage.keys()}  # noqa: SIM118


def test_backup_restore_round_trip_has_zero_differences(databases, tmp_path, figure):
    source = installation(tmp_path / "source", databases.new("source"))
    ok(source.flask("db", "upgrade"))
    ok(source.flask("seed-demo"))
    backup_dir = tmp_path / "backups" / "nightly"
    made = ok(source.flask("backup", "--out", backup_dir))
    assert "PORTAL_FIELD_KEYS" in made.stdout
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["database_kind"] == databases.kind
    assert manifest["alembic_revision"]
    assert not list(backup_dir.parent.glob(".nightly.partial-*")), "a temp dir was left"

    target = installation(tmp_path / "target", databases.new("target"))
    restored = ok(target.flask("restore", backup_dir))
    assert "counts match" in restored.stdout

    before = table_rows(source.env["PORTAL_DATABASE_URL"])
    after = table_rows(target.env["PORTAL_DATABASE_URL"])
    differences = sorted(set(before) ^ set(after))
    differences += [t for t in sorted(set(before) & set(after)) if before[t] != after[t]]
    files_before, files_after = stored_files(store_of(source)), stored_files(store_of(target))
    differences += sorted(set(files_before) ^ set(files_after))
    differences += [
        k for k in files_before if k in files_after and files_before[k] != files_after[k]
    ]  # noqa: E501
    tables, rows = len(before), sum(len(r) for r in before.values())
    figure(
        "backup and restore",
        f"{tables} tables, {rows} rows, {len(files_before)} files compared: "
        f"{len(differences)} differences ({databases.kind})",
    )
    assert differences == []
    assert tables >= 30 and rows >= 80 and len(files_before) >= 2  # what seed-demo makes
    assert manifest["tables"] == {t: len(r) for t, r in before.items()}

    # The app runs on the restored data: sign in and open the dashboard.
    app = build_app(target.env["PORTAL_DATABASE_URL"], STORAGE_DIR=target.env["PORTAL_STORAGE_DIR"])
    client = app.test_client()
    signed_in = client.post(
        "/account/login",
        data={"email": DEMO_OWNER, "password": DEMO_PASSWORD, "csrf_token": form_token(client)},
    )
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:500]
    second_step(client, app, DEMO_OWNER)  # the owner's employer has a representative
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200
    assert "Hank Dueck" in page.get_data(as_text=True)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()


def test_restore_refusals_change_nothing(databases, tmp_path):
    source = installation(tmp_path / "source", databases.new("source"))
    ok(source.flask("db", "upgrade"))
    ok(source.flask("seed-demo"))
    backup_dir = tmp_path / "good"
    ok(source.flask("backup", "--out", backup_dir))

    # A backup never goes into a non-empty directory.
    refused = source.flask("backup", "--out", backup_dir)
    assert refused.returncode != 0 and "not an empty directory" in refused.stderr
    assert "Traceback" not in refused.stderr

    # Restoring over a non-empty installation (the source itself) is refused, nothing changes.
    rows = table_rows(source.env["PORTAL_DATABASE_URL"])
    files = stored_files(store_of(source))
    refused = source.flask("restore", backup_dir)
    assert refused.returncode != 0 and "database is not empty" in refused.stderr
    assert table_rows(source.env["PORTAL_DATABASE_URL"]) == rows
    assert stored_files(store_of(source)) == files

    target = installation(tmp_path / "target", databases.new("target"))

    def refused_and_untouched(directory, expected: str) -> None:
        result = target.flask("restore", directory)
        assert result.returncode != 0, result.stdout
        assert expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert table_rows(target.env["PORTAL_DATABASE_URL"]) == {}
        assert stored_files(store_of(target)) == {}

    # A store that already holds a key is not empty either.
    key = "0123456789abcdef"
    (Path(target.env["PORTAL_STORAGE_DIR"]) / key[:2]).mkdir(parents=True)
    (Path(target.env["PORTAL_STORAGE_DIR"]) / key[:2] / key).write_bytes(b"x")
    result = target.flask("restore", backup_dir)
    assert result.returncode != 0 and "evidence store is not empty" in result.stderr
    assert table_rows(target.env["PORTAL_DATABASE_URL"]) == {}
    shutil.rmtree(Path(target.env["PORTAL_STORAGE_DIR"]) / key[:2])

    # A tampered evidence file, named; a tampered database file, named.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup_dir, tampered)
    evidence = sorted((tampered / "files").iterdir())[0]
    evidence.write_bytes(evidence.read_bytes() + b"!")
    refused_and_untouched(tampered, f"files/{evidence.name} does not match its SHA-256")
    database_file = json.loads((backup_dir / "manifest.json").read_text())["database_file"]
    tampered_db = tmp_path / "tampered-db"
    shutil.copytree(backup_dir, tampered_db)
    with open(tampered_db / database_file, "ab") as handle:
        handle.write(b"\0")
    refused_and_untouched(tampered_db, f"{database_file} does not match its SHA-256")

    # A file slipped in that the manifest does not list.
    extra = tmp_path / "extra"
    shutil.copytree(backup_dir, extra)
    (extra / "files" / "ffffffffffffffff").write_bytes(b"extra")
    refused_and_untouched(extra, "files/ffffffffffffffff is in the backup but not in")

    # No manifest (an unfinished backup, or not a backup at all); a directory that is not there.
    unfinished = tmp_path / "unfinished"
    shutil.copytree(backup_dir, unfinished)
    (unfinished / "manifest.json").unlink()
    refused_and_untouched(unfinished, "no manifest.json")
    refused_and_untouched(tmp_path / "nowhere", "is not a directory")

    # And the good backup still restores into the untouched target.
    ok(target.flask("restore", backup_dir))
    assert table_rows(target.env["PORTAL_DATABASE_URL"]) == rows
