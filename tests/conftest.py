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
