"""``lmia check|rules`` (the console script) and ``flask --app portal lmia check|rules``, as a
user runs them: the same bytes on standard output, the same exit codes, and the console script
starts without the web application (issue 7, items 1 and 3)."""

import json
import subprocess
import sys
from datetime import date

import pytest

from tests.cli.support import FLASK, LMIA, ROOT, Shell, ok

CASE_FILES = sorted((ROOT / "portal" / "demo").glob("*.json")) + sorted(
    path for path in (ROOT / "tests" / "data" / "cases").iterdir() if path.suffix == ".json"
)
AS_OF = "2026-03-02"
DEMO_CASES = ("chef_compliant", "line_cook_findings")
# What the checker must never load: the web framework, the database, PDF and S3 libraries.
WEB_ONLY = {"flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "flask_babel", "werkzeug"}
WEB_ONLY |= {"sqlalchemy", "alembic", "weasyprint", "boto3", "botocore", "PIL", "pypdf", "docx"}
WEB_ONLY_PORTAL = {"portal.app", "portal.models", "portal.extensions", "portal.web"}


def both(shell: Shell, *args: str, stdin: str | None = None):
    return shell.lmia(*args, stdin=stdin), shell.flask("lmia", *args, stdin=stdin)


def assert_same(by_lmia, by_flask) -> None:
    assert by_lmia.returncode == by_flask.returncode, by_lmia.stderr + by_flask.stderr
    assert by_lmia.stdout.encode() == by_flask.stdout.encode()
    assert by_lmia.stderr == by_flask.stderr
    assert "Traceback" not in by_lmia.stderr + by_flask.stderr


def test_the_example_files_are_there():
    names = {path.name for path in CASE_FILES}
    assert {"chef_compliant.json", "line_cook_findings.json", "several_findings.json"} <= names
    assert len(CASE_FILES) >= 10


@pytest.mark.parametrize("output", ["json", "text"])
@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda path: path.name)
def test_check_prints_the_same_bytes_and_exits_the_same(shell, case_file, output):
    by_lmia, by_flask = both(shell, "check", str(case_file), "--as-of", AS_OF, "--format", output)

    assert_same(by_lmia, by_flask)
    if case_file.name.startswith("invalid_"):
        assert by_lmia.returncode == 2
        assert by_lmia.stdout == ""
        assert by_lmia.stderr.startswith(f"{case_file}: not a valid lmia-case file: ")
        return
    assert by_lmia.returncode in (0, 1)
    if output == "json":
        answer = json.loads(by_lmia.stdout)
        assert answer["format"] == "lmia-findings/1" and answer["as_of"] == AS_OF
        assert by_lmia.returncode == int(answer["counts"]["error"] > 0)
    else:
        assert f"(as of {AS_OF}, submission " in by_lmia.stdout.splitlines()[-1]


def test_exit_codes_of_the_demo_cases(shell):
    chef, cooks = (ROOT / "portal" / "demo" / f"{name}.json" for name in DEMO_CASES)

    assert shell.lmia("check", str(chef), "--as-of", AS_OF).returncode == 0
    assert shell.lmia("check", str(cooks), "--as-of", AS_OF).returncode == 1


@pytest.mark.parametrize("output", ["json", "text"])
def test_rules_prints_the_same_bytes(shell, output):
    by_lmia, by_flask = both(shell, "rules", "--format", output)

    assert_same(by_lmia, by_flask)
    assert by_lmia.returncode == 0
    rules = json.loads(by_lmia.stdout) if output == "json" else by_lmia.stdout.splitlines()
    assert len(rules) >= 46


def test_check_reads_standard_input_and_defaults_to_today(shell):
    text = CASE_FILES[1].read_text(encoding="utf-8")
    before = date.today().isoformat()

    by_lmia, by_flask = both(shell, "check", "-", "--format", "json", stdin=text)

    assert_same(by_lmia, by_flask)
    assert by_lmia.returncode == 1
    assert json.loads(by_lmia.stdout)["as_of"] in {before, date.today().isoformat()}


def test_a_missing_file_exits_2_on_both(shell):
    by_lmia, by_flask = both(shell, "check", "nowhere.json")

    assert_same(by_lmia, by_flask)
    assert by_lmia.returncode == 2
    assert by_lmia.stderr.startswith("nowhere.json: cannot read the file")


def test_a_bad_date_is_a_usage_error_on_both(shell):
    by_lmia, by_flask = both(shell, "check", str(CASE_FILES[0]), "--as-of", "2026-02-30")

    assert by_lmia.returncode == by_flask.returncode == 2
    assert by_lmia.stdout == by_flask.stdout == ""
    assert "Usage: lmia check [OPTIONS] FILE" in by_lmia.stderr
    assert "Invalid value for '--as-of'" in by_lmia.stderr
    assert "Invalid value for '--as-of'" in by_flask.stderr


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_an_as_of_date_outside_the_checks_range_is_a_usage_error_on_both(shell, day):
    by_lmia, by_flask = both(shell, "check", str(CASE_FILES[0]), "--as-of", day)

    assert by_lmia.returncode == by_flask.returncode == 2
    assert by_lmia.stdout == by_flask.stdout == ""
    for result in (by_lmia, by_flask):
        assert "'--as-of': a date from 2000-01-01 to 2099-12-31" in result.stderr
        assert "Traceback" not in result.stderr


def test_the_first_and_last_as_of_dates_are_accepted(shell):
    for day in ("2000-01-01", "2099-12-31"):
        assert shell.lmia("check", str(CASE_FILES[0]), "--as-of", day).returncode in (0, 1)


# --- what the console script imports --------------------------------------------------------


def imported_modules(shell: Shell, *argv) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run a script under ``python -X importtime``: every module the process imported."""
    result = shell.run(sys.executable, "-X", "importtime", *argv)
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and not line.endswith("imported package"):
            modules.add(line.rsplit("|", 1)[1].strip())
    return result, modules


def roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "args",
    [("check", "CASE", "--format", "json"), ("check", "CASE"), ("rules",)],
    ids=["check-json", "check-text", "rules"],
)
def test_the_console_script_imports_no_web_pdf_or_s3_library(shell, args):
    args = [str(CASE_FILES[-1]) if arg == "CASE" else arg for arg in args]

    result, modules = imported_modules(shell, LMIA, *args)

    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert result.stdout == shell.lmia(*args).stdout
    assert {"portal.rules", "portal.cases", "click"} <= modules
    assert roots(modules) & WEB_ONLY == set()
    assert modules & WEB_ONLY_PORTAL == set()


# The convention of tests/rules/test_import_isolation.py: a module set to None in sys.modules
# cannot be imported, so the installed script fails if any code path it runs imports one.
BLOCKING_PROBE = """
import runpy, sys
for name in {blocked!r}:
    sys.modules[name] = None
{extra}
sys.argv[0] = {script!r}
runpy.run_path({script!r}, run_name="__main__")
"""
BLOCKED = ("flask", "weasyprint", "boto3", "sqlalchemy", "werkzeug", "portal.app", "portal.models")


def blocking_probe(extra: str = "") -> str:
    return BLOCKING_PROBE.format(blocked=BLOCKED, script=str(LMIA), extra=extra)


def test_the_console_script_runs_with_the_web_libraries_blocked(shell):
    args = ("check", str(CASE_FILES[-1]), "--as-of", AS_OF, "--format", "json")

    result = shell.run(sys.executable, "-c", blocking_probe(), *args)

    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout == shell.lmia(*args).stdout


def test_the_blocking_probe_does_detect_a_flask_import(shell):
    result = shell.run(sys.executable, "-c", blocking_probe("import portal.commands.lmia"), "rules")

    assert result.returncode != 0
    assert "ModuleNotFoundError: import of flask halted" in result.stderr


def test_the_import_probe_does_see_the_web_application(shell):
    """The same probe on ``flask --app portal lmia check`` finds what the script avoids."""
    result, modules = imported_modules(
        shell, FLASK, "--app", "portal", "lmia", "check", str(CASE_FILES[-1])
    )

    assert result.returncode in (0, 1), result.stderr[-2000:]
    # (WeasyPrint is no longer among them: it loads when a PDF is made.)
    assert {"flask", "flask_wtf", "sqlalchemy"} <= roots(modules)
    assert {"portal.app", "portal.models"} <= modules


def test_the_console_script_is_declared_in_pyproject():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    assert project["scripts"]["lmia"] == "portal.checker:main"
    # Runs with an empty environment: nothing but its own shebang line to find Python.
    assert ok(Shell(home=ROOT, env={}).run(LMIA, "--help")).stdout.startswith("Usage: lmia ")
