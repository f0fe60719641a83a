"""Commands run as a user runs them: ``.venv/bin/flask --app portal …`` and ``.venv/bin/lmia``
in a subprocess, from a directory of their own, with an environment that carries nothing of
the test runner (no app object, no pushed context) but a temporary database, evidence store and
instance folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
FLASK = BIN / "flask"
LMIA = BIN / "lmia"
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 300  # a generous bound for a loaded machine; nothing is asserted about time

# Settings a developer's shell or the test run may carry that must not reach the commands.
_DROPPED_PREFIXES = ("PORTAL_", "FLASK_", "PYTEST_")


def user_environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    env.update(
        PORTAL_DATABASE_URL=f"sqlite:///{home / 'demo.sqlite3'}",
        PORTAL_STORAGE_DIR=str(home / "store"),
        PORTAL_INSTANCE_PATH=str(home / "instance"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@dataclass
class Shell:
    """A user's terminal in ``home`` with the portal's environment variables exported."""

    home: Path
    env: dict[str, str]
    # The day seed-demo ran: the demo's dates count from it, and a run that passes midnight
    # must compare them with that day rather than with the clock.
    seeded_on: date | None = None

    def run(self, *argv: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(arg) for arg in argv],
            cwd=self.home,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )

    def flask(self, *args: str | Path, **kwargs) -> subprocess.CompletedProcess:
        return self.run(FLASK, "--app", "portal", *args, **kwargs)

    def lmia(self, *args: str | Path, **kwargs) -> subprocess.CompletedProcess:
        return self.run(LMIA, *args, **kwargs)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """Assert a command succeeded without a traceback; return it for more assertions."""
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def require_executables() -> None:
    for executable in (FLASK, LMIA):
        if not executable.exists():
            pytest.fail(
                f"{executable} is missing: reinstall the project (make .venv/.dev-installed, "
                "or .venv/bin/pip install -e .) after pyproject.toml changed"
            )


def new_shell(home: Path) -> Shell:
    require_executables()
    home.mkdir(parents=True, exist_ok=True)
    return Shell(home=home, env=user_environment(home))


def demo_shell(home: Path) -> tuple[Shell, subprocess.CompletedProcess]:
    """A shell on a database migrated by ``flask db upgrade`` and seeded by ``seed-demo``;
    returns the shell and seed-demo's result."""
    for attempt in range(2):
        shell = new_shell(home / f"seed-{attempt}")
        ok(shell.flask("db", "upgrade"))
        day = date.today()
        result = shell.flask("seed-demo")
        if date.today() == day:  # seed-demo reads the date once; it ran within one day
            shell.seeded_on = day
            return shell, result
    raise AssertionError("seed-demo straddled midnight twice")
