"""Issue 12, measured at scale: the indexes of migration x12a1b2c3d4e5 exist, and
`make bench-scale`'s builder (bench/scale.py) fills a database the way a person runs it, at a
tiny size (0.04×), as a subprocess: on PostgreSQL (a database of its own beside the test one)
when PORTAL_TEST_DATABASE_URL is set, else on an SQLite file."""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, event, inspect, make_url, text

from portal.extensions import db

ROOT = Path(__file__).resolve().parents[1]
MIGRATION = ROOT / "migrations/versions/20261204_x12a1b2c3d4e5_index_what_pages_filter_and_sort.py"
POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")


def _indexes_of_the_migration():
    spec = importlib.util.spec_from_file_location("x12_indexes", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.INDEXES


def test_the_migrations_indexes_exist(app):
    expected = _indexes_of_the_migration()
    assert len(expected) == 10
    with app.app_context():
        inspector = inspect(db.engine)
        for name, table, columns in expected:
            found = {index["name"]: index["column_names"] for index in inspector.get_indexes(table)}
            assert found.get(name) == columns, f"{name} on {table}: {found}"


@pytest.fixture
def bench_database(tmp_path):
    """A database the builder may wipe: never the test run's own."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'bench.sqlite3'}"
        return
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_scale"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def test_the_builder_fills_a_database_at_a_tiny_scale(bench_database):
    key = Fernet.generate_key().decode()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_BENCH_DATABASE_URL": bench_database,
        "PORTAL_FIELD_KEYS": key,
    }
    completed = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--scales", "0.04", "--build-only"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    counts = json.loads(re.search(r"built in [\d.]+ s: (\{.*\})", completed.stdout).group(1))
    # 0.04× of 5,000 positions is 2, plus the measured position (2,000 applicants); 40
    # applicants and 4 evidence records each; 2 employers, each with an owner and a staff
    # member, and the measured representative with both as clients.
    assert counts == {
        "employers": 2,
        "positions": 3,
        "applicants": 2080,
        "evidence_files": 8,
        "recruitment_activities": 28,
        "users": 5,
        "memberships": 6,
        "representative_clients": 2,
    }
    engine = create_engine(bench_database)
    with engine.connect() as connection:
        numbers = connection.scalars(
            text("SELECT lmia_number FROM positions WHERE lmia_number IS NOT NULL")
        ).all()
        secret = connection.scalar(
            text("SELECT totp_secret FROM users WHERE email = 'representative0@scale.example'")
        )
        # Explicit ids: the sequences were moved past them, so the app can add rows.
        if connection.dialect.name == "postgresql":
            assert connection.scalar(text("SELECT nextval('positions_id_seq')")) == 4
    engine.dispose()
    # Real Fernet tokens under the configured key, as the portal stores them.
    fernet = Fernet(key.encode())
    assert [fernet.decrypt(number.encode()).decode() for number in numbers] == ["8000000"]
    assert fernet.decrypt(secret.encode()).decode() == "JBSWY3DPEHPK3PXP"


def test_queries_are_counted_in_a_header_only_when_the_bench_asks(database_url):
    from tests.conftest import build_app

    plain = build_app(database_url)
    assert "X-Query-Count" not in plain.test_client().get("/account/login").headers
    counted = build_app(database_url, COUNT_QUERIES=True)
    seen = []
    with counted.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    response = counted.test_client().get("/account/login")
    assert response.status_code == 200
    assert seen, "the page read nothing: nothing to count"
    assert response.headers["X-Query-Count"] == str(len(seen))
    for app in (plain, counted):
        with app.app_context():
            db.engine.dispose()
