"""Extension instances, created unbound and attached in ``create_app``."""

import sqlite3

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# The remote address is the socket peer unless ProxyFix is configured to trust a proxy, so a
# client-supplied X-Forwarded-For header cannot move a caller into a fresh rate-limit bucket.
limiter = Limiter(key_func=get_remote_address)
RATE_LIMITS = "portal.rate_limits"


def rate_limits():
    """This app's rate-limit strategy, over the storage its RATELIMIT_STORAGE_URI names (Redis
    shared by every process, or this process's memory). Flask-Limiter keeps one storage per
    Limiter object, replaced by each ``init_app``; ``create_app`` keeps each app's own here, so
    two apps in one process (the tests) never count in each other's storage."""
    return current_app.extensions[RATE_LIMITS]


@event.listens_for(Engine, "connect")
def _sqlite_writers_wait(dbapi_connection, _record) -> None:
    """SQLite: a writer waits up to 30 s for another instead of failing with "database is
    locked", and readers never block the writer (WAL), so a bundle build's progress updates and
    the pages served meanwhile do not trip over each other. Other databases are left alone."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 30000")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode not in ("wal", "memory"):  # persistent in the file: set once per database
            cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()
