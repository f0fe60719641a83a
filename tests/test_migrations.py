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


def _insert(connection, table: str, **values) -> int:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    # Table and column names are this test's own literals.
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    connection.execute(text(insert), values)
    return connection.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()  # noqa: S608


def test_a_positions_single_offer_becomes_its_first_workers_and_back(empty_app):
    """Issue 8: positions.offer moves to a Worker; findings stored about it are renamed."""
    import json

    with empty_app.app_context():
        upgrade(revision="5e1f0a7c2b11")
        now = "2026-12-04 09:00:00"
        offer = {"worker_name": "Amadou Diallo", "language": "fr", "start_date": "2027-03-01"}
        with db.engine.begin() as connection:
            user = _insert(
                connection,
                "users",
                email="o@example.com",
                full_name="O",
                password_hash="x",
                locale="en",
                is_active=True,
                password_changed_at=now,
                created_at=now,
            )
            employer = _insert(
                connection,
                "employers",
                legal_name="E Inc.",
                business_number="123456789",
                street_address="1 Main",
                city="Toronto",
                province="ON",
                postal_code="M5V 2A9",
                phone="416-555-0100",
                created_at=now,
                version=1,
            )
            common = {
                "employer_id": employer,
                "noc_code": "63200",
                "stream": "low_wage",
                "is_caregiver": False,
                "is_seasonal": False,
                "quebec_facilitated": False,
                "street_address": "1 Main",
                "city": "Toronto",
                "province": "ON",
                "postal_code": "M5V 2A9",
                "wage_amount": 17.5,
                "wage_per": "hour",
                "hours_per_week": 40,
                "positions": 1,
                "duration_months": 12,
                "duties": "Cook",
                "legal_hold": False,
                "version": 1,
                "created_at": now,
            }
            with_offer = _insert(
                connection, "positions", title="Line cook", offer=json.dumps(offer), **common
            )
            without = _insert(connection, "positions", title="Chef", **common)
            for position, subject in (
                (with_offer, "offer"),
                (with_offer, "offer.deductions[0]"),
                (with_offer, "recruitment[0]"),
                (without, "offer"),  # no offer to move: left as it was
            ):
                _insert(
                    connection,
                    "waivers",
                    employer_id=employer,
                    position_id=position,
                    rule_id="OFFER-CORE",
                    subject=subject,
                    reason="r",
                    waived_by_id=user,
                    created_at=now,
                )

        upgrade()
        with db.engine.connect() as connection:
            workers = connection.execute(
                text("SELECT position_id, name, language, planned_start_date, offer FROM workers")
            ).all()
            subjects = connection.execute(
                text("SELECT position_id, subject FROM waivers ORDER BY id")
            ).all()
        assert [(w[0], w[1], w[2], str(w[3])) for w in workers] == [
            (with_offer, "Amadou Diallo", "fr", "2027-03-01")
        ]
        stored = workers[0][4]
        assert (json.loads(stored) if isinstance(stored, str) else stored) == offer
        assert subjects == [
            (with_offer, "workers[0].offer"),
            (with_offer, "workers[0].offer.deductions[0]"),
            (with_offer, "recruitment[0]"),
            (without, "offer"),
        ]

        downgrade(revision="5e1f0a7c2b11")
        with db.engine.connect() as connection:
            back = connection.execute(
                text("SELECT offer FROM positions WHERE id = :id"), {"id": with_offer}
            ).scalar_one()
        assert (json.loads(back) if isinstance(back, str) else back) == offer
