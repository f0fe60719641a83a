"""Test fixtures: a fresh database built by the Alembic migrations for every test.

SQLite (default): the migrations run once into a template file, copied for each test.
PostgreSQL: set PORTAL_TEST_DATABASE_URL; the migrations run once, and tables are truncated
between tests. CSRF stays ON: tests send real tokens (see tests.helpers.form_token).
"""

import os
import shutil

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


# CI runs the suite on SQLite and, beside it, on PostgreSQL (.ci/run). A test that cannot reach
# the test database gives the same answer in both runs: the PostgreSQL run leaves it to the one
# this names (.ci/run sets it for that run only). Such a test uses none of the database
# fixtures below and its module never names the PostgreSQL URL (the command-line tests, for
# one, run `flask` on SQLite files of their own; the rules, reference data, the catalogue).
DATABASE_INDEPENDENT_DONE_IN = os.environ.get("PORTAL_DATABASE_INDEPENDENT_DONE_IN", "").strip()
# ``figure``: a test that reports a figure runs in both, each run's summary has every item.
DATABASE_FIXTURES = frozenset({"template_database", "database_url", "figure"})
_NAMES_POSTGRES = ("POSTGRES_URL", "PORTAL_TEST_DATABASE_URL")
LEFT_TO_OTHER_RUN = pytest.StashKey[int]()


def reaches_database(item) -> bool:
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    source = item.path.read_text(encoding="utf-8")
    return any(name in source for name in _NAMES_POSTGRES)


def pytest_collection_modifyitems(config, items):
    if not DATABASE_INDEPENDENT_DONE_IN:
        return
    kept = [item for item in items if reaches_database(item)]
    left = [item for item in items if not reaches_database(item)]
    config.stash[LEFT_TO_OTHER_RUN] = len(left)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def pytest_report_header(config):
    if DATABASE_INDEPENDENT_DONE_IN:
        return f"tests that never reach the test database: left to {DATABASE_INDEPENDENT_DONE_IN}"
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
