"""Test fixtures: a fresh database built by the Alembic migrations for every test.

SQLite (default): the migrations run once into a template file, copied for each test.
PostgreSQL: set PORTAL_TEST_DATABASE_URL; the migrations run once, and tables are truncated
between tests. CSRF stays ON: tests send real tokens (see tests.helpers.form_token).
"""

import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.auth.passwords import PasswordHashing
from portal.auth.services import HASHING_EXTENSION
from portal.extensions import db
from tests import factories

pytest_plugins = ["tests.figures"]

POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
# A real Redis for the queue and the shared rate limits (issue 12): .ci/run starts one and sets
# PORTAL_REQUIRE_REDIS, so there its tests fail instead of skipping.
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL")

# One field-encryption key for the whole run, inherited by the commands tests start as
# subprocesses, so they read what the in-process app wrote (and the other way round).
TEST_FIELD_KEYS = "dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZy0wMDE="
os.environ.setdefault("PORTAL_FIELD_KEYS", TEST_FIELD_KEYS)

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "FIELD_KEYS": os.environ["PORTAL_FIELD_KEYS"],
    # The ASVS 5.0 floor for argon2id (t=1, m=46 MiB, p=1): real cost, bearable in tests.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST_KIB": 47104,
    "ARGON2_PARALLELISM": 1,
    "SMTP_HOST": None,
    "RATELIMIT_STORAGE_URI": "memory://",
    # An ad capture that cannot connect gives up soon (a fuzzed URL may name a public address).
    "CAPTURE_TIMEOUT_SECONDS": 5,
}


class HashOncePerPassword(PasswordHashing):
    """Real argon2id hashes, each password hashed once per app: the factories make hundreds of
    users with the same test password, and hashing each anew was a quarter of the suite's time.
    Checking a password (sign-in) still runs argon2 in full."""

    def __init__(self, *parameters):
        super().__init__(*parameters)
        self._hashes: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = super().hash(password)
        return self._hashes[password]


# CI runs the suite on SQLite and, beside it, on PostgreSQL (.ci/run), one core each. A test
# that cannot reach the test database gives the same answer in both runs, so it runs in one of
# them: .ci/run names the run (PORTAL_CI_RUN=sqlite or postgresql). Such a test uses none of the
# fixtures below and its module never names the PostgreSQL URL: the rules, the reference data,
# the catalogue, and the command-line tests, which start `flask` on SQLite files of their own.
# Those run beside PostgreSQL's run, the others beside SQLite's, so both end about together.
CI_RUN = os.environ.get("PORTAL_CI_RUN", "").strip()
CI_RUNS = ("sqlite", "postgresql")
# ``figure``: a test that reports a figure runs in both, each run's summary has every item.
DATABASE_FIXTURES = frozenset({"template_database", "database_url", "figure"})
_NAMES_POSTGRES = ("POSTGRES_URL", "PORTAL_TEST_DATABASE_URL")
_COMMAND_LINE_TESTS = Path(__file__).resolve().parent / "cli"


def reaches_database(item) -> bool:
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    source = item.path.read_text(encoding="utf-8")
    return any(name in source for name in _NAMES_POSTGRES)


def ci_run_of(item) -> str | None:
    """The CI run a test belongs to: None (both) when it reaches the database."""
    if reaches_database(item):
        return None
    return "postgresql" if _COMMAND_LINE_TESTS in item.path.parents else "sqlite"


def pytest_collection_modifyitems(config, items):
    if not CI_RUN:
        return
    if CI_RUN not in CI_RUNS:
        raise pytest.UsageError(f"PORTAL_CI_RUN: one of {', '.join(CI_RUNS)}, not {CI_RUN!r}")
    kept = [item for item in items if ci_run_of(item) in (None, CI_RUN)]
    left = [item for item in items if ci_run_of(item) not in (None, CI_RUN)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_report_header(config):
    if CI_RUN:
        return (
            f"CI run: {CI_RUN}; the tests that never reach the test database are shared "
            "between the two runs (tests/conftest.py)"
        )
    return None


def build_app(database_url: str, **overrides):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.extensions[HASHING_EXTENSION] = HashOncePerPassword(
        app.config["ARGON2_TIME_COST"],
        app.config["ARGON2_MEMORY_COST_KIB"],
        app.config["ARGON2_PARALLELISM"],
    )
    return app


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Run every migration once, from an empty database to head."""
    if POSTGRES_URL:
        app = build_app(POSTGRES_URL)
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            db.engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = build_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


def _truncate_all(app) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(template_database, tmp_path):
    if POSTGRES_URL:
        return POSTGRES_URL
    path = tmp_path / "portal.sqlite3"
    shutil.copyfile(template_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url):
    """The app, with no context pushed: each request gets its own, as in production."""
    app = build_app(database_url)
    if POSTGRES_URL:
        _truncate_all(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories bound to the test's app: make.user(), make.employer(owner), make.member(...)."""
    return factories.Factories(app)


@pytest.fixture
def redis_url():
    """The test Redis, emptied: skipped without PORTAL_TEST_REDIS_URL (failed in CI)."""
    if not REDIS_URL:
        message = "PORTAL_TEST_REDIS_URL is not set: the Redis-backed tests need a Redis server"
        if os.environ.get("PORTAL_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()
    connection.close()
