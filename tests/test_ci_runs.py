"""CI's two runs share the tests that never reach the test database (tests/conftest.py): each
such test runs in exactly one of them, every other test in both."""

from pathlib import Path
from types import SimpleNamespace

from tests.conftest import CI_RUNS, ci_run_of, reaches_database

TESTS = Path(__file__).resolve().parent


def _item(relative: str, *fixtures: str):
    return SimpleNamespace(path=TESTS / relative, fixturenames=list(fixtures))


def test_a_test_with_a_database_fixture_runs_in_both():
    for fixture in ("database_url", "template_database", "figure"):
        item = _item("rules/test_wage.py", "request", fixture)
        assert reaches_database(item) and ci_run_of(item) is None


def test_a_module_naming_the_postgresql_url_runs_in_both():
    item = _item("cli/test_deadline_commands.py", "shell")  # it opens PostgreSQL itself
    assert ci_run_of(item) is None


def test_database_independent_tests_run_once():
    assert ci_run_of(_item("cli/test_demo_commands.py", "shell")) == "postgresql"
    assert ci_run_of(_item("rules/test_wage.py")) == "sqlite"
    assert ci_run_of(_item("test_architecture.py")) == "sqlite"
    assert set(CI_RUNS) == {"sqlite", "postgresql"}
