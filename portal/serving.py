"""What serving needs before it starts (``gunicorn.conf.py``). Plain Python: SQLAlchemy and
Alembic, no Flask, so the gunicorn master checks without building the app."""

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE = "run `flask --app portal db upgrade` once before starting the workers"


def schema_problem(database_url: str) -> str | None:
    """Why the database cannot be served by this code (no schema, another revision, not
    reachable), or None. Serving never migrates: several workers and machines start at once, and
    each would race the others."""
    shown = make_url(database_url).render_as_string(hide_password=True)
    expected = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        return (
            f"cannot open the database {shown}: {error.__class__.__name__}: {error.orig or error}"
        )
    finally:
        engine.dispose()
    if current == expected:
        return None
    if not current:
        return f"the database {shown} has no schema: {UPGRADE} (make serve never migrates)"
    return (
        f"the database {shown} is at revision {', '.join(sorted(current))}, this code expects "
        f"{', '.join(sorted(expected))}: {UPGRADE} (or deploy the code of that revision)"
    )
