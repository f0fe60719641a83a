"""The Alembic migrations: a full round trip on an empty database, and agreement with the models.

SQLite always; PostgreSQL too when PORTAL_TEST_DATABASE_URL is set, in a throw-away schema so the
shared test database is left alone.
"""

import secrets
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from tests.conftest import POSTGRES_URL, build_app


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not set")
    schema = f"migration_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(POSTGRES_URL, schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_app(empty_database_url):
    app = build_app(empty_database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


def _tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def _leftovers(app) -> list:
    """Triggers, indexes, functions and sequences not owned by alembic_version."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return connection.execute(
                text(
                    "SELECT type, name FROM sqlite_master "
                    "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != 'alembic_version' "
                    "AND type != 'table'"
                )
            ).all()
        return connection.execute(
            text(
                "SELECT 'function', p.proname FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
                "UNION ALL SELECT 'type', t.typname FROM pg_type t "
                "JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') "
                "UNION ALL SELECT 'sequence', c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'S'"
            )
        ).all()


def _model_tables() -> set[str]:
    return set(db.metadata.tables)


def _differences(app) -> list:
    """What ``flask db migrate`` would put in a new revision (same options as migrations/env.py)."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _kind(difference) -> str:
    # Column changes come as a list of ("modify_...", ...) tuples, the rest as one tuple.
    return difference[0][0] if isinstance(difference, list) else difference[0]


def test_upgrade_downgrade_upgrade_round_trip(empty_app):
    assert _tables(empty_app) == set()

    with empty_app.app_context():
        upgrade()
    assert _tables(empty_app) == _model_tables() | {"alembic_version"}

    with empty_app.app_context():
        downgrade(revision="base")
    assert _tables(empty_app) == {"alembic_version"}
    assert _leftovers(empty_app) == []

    with empty_app.app_context():
        upgrade()
    assert _tables(empty_app) == _model_tables() | {"alembic_version"}
    assert _differences(empty_app) == []


def test_models_and_migrations_agree(empty_app):
    with empty_app.app_context():
        upgrade()

    differences = _differences(empty_app)

    assert differences == [], "the models differ from the migrated schema:\n" + "\n".join(
        map(repr, differences)
    )


def test_audit_log_is_append_only_after_a_fresh_migration(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, action, entry_hash) "
                    "VALUES (CURRENT_TIMESTAMP, 'test', 'x')"
                )
            )
        for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
            with (
                pytest.raises(DBAPIError, match="append-only"),
                db.engine.begin() as connection,
            ):
                connection.execute(text(statement))


def test_the_model_check_does_notice_a_difference(empty_app):
    """Guard for the check above: a schema that drifted from the models is reported."""
    with empty_app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))
            connection.execute(text("DROP INDEX ix_outbox_messages_recipient"))

    kinds = {_kind(difference) for difference in _differences(empty_app)}

    assert {"remove_table", "add_index"} <= kinds
