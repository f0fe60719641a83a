"""``flask --app portal refdata load-wages|load-thresholds|load-cma|show`` as a user runs them.

Each test has an instance folder of its own (PORTAL_INSTANCE_PATH) on the module's seeded
database, so a loaded file never reaches another test or the checkout's instance/."""

import json
from pathlib import Path

import pytest

from portal.reference.labour_market import INSTANCE_FILES, PACKAGED_DIR, PACKAGED_FILES
from tests.cli.support import ROOT, Shell, ok

LOW_WAGE_COOK = ROOT / "tests" / "data" / "cases" / "compliant_low_wage.json"
# ESDC's list for the quarter of 2026-03-02 with Toronto on it (the low-wage cook works there).
CMA_LIST = (
    "period_from,period_to,cma,province,unemployment_rate,source\n"
    "2026-01-09,2026-04-09,Toronto,ON,8.1,test list\n"
)
COMMANDS = [
    ("load-wages", "wages", "Job Bank wages"),
    ("load-thresholds", "thresholds", "wage thresholds"),
    ("load-cma", "cma_list", "CMA list"),
]


@pytest.fixture
def own_instance(shell, tmp_path) -> Shell:
    env = {**shell.env, "PORTAL_INSTANCE_PATH": str(tmp_path / "instance")}
    return Shell(home=tmp_path, env=env)


def installed(shell: Shell) -> list[str]:
    folder = Path(shell.env["PORTAL_INSTANCE_PATH"]) / "reference"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_show_lists_the_packaged_sources(own_instance):
    result = ok(own_instance.flask("refdata", "show"))

    first, *sources = result.stdout.splitlines()
    assert first.startswith("Reference data ref-")
    described = [line for line in sources if line.startswith("- ")]
    assert len(described) == 5
    assert all(line.endswith("(packaged)") for line in described)
    assert installed(own_instance) == []


@pytest.mark.parametrize(("command", "kind", "label"), COMMANDS)
def test_load_installs_a_valid_file_and_show_names_it(own_instance, command, kind, label):
    upload = own_instance.home / f"official-{kind}.csv"
    upload.write_bytes((PACKAGED_DIR / PACKAGED_FILES[kind]).read_bytes())
    target = Path(own_instance.env["PORTAL_INSTANCE_PATH"]) / "reference" / INSTANCE_FILES[kind]

    result = ok(own_instance.flask("refdata", command, upload.name))

    lines = result.stdout.splitlines()
    assert lines[0] == f"Loaded {label} from {upload.name} into {target}"
    assert lines[-1].startswith("Reference data now ref-")
    assert installed(own_instance) == [INSTANCE_FILES[kind]]
    assert target.read_bytes() == upload.read_bytes()
    shown = ok(own_instance.flask("refdata", "show")).stdout.splitlines()
    assert sum(line.endswith(f"({target})") for line in shown) == 1
    assert sum(line.endswith("(packaged)") for line in shown) == 4


@pytest.mark.parametrize(("command", "kind", "label"), COMMANDS)
def test_load_refuses_a_file_missing_a_column_and_installs_nothing(
    own_instance, command, kind, label
):
    header, *body = (PACKAGED_DIR / PACKAGED_FILES[kind]).read_text(encoding="utf-8").splitlines()
    upload = own_instance.home / "bad.csv"
    # Drop the last column of every line (a header without its column is refused).
    upload.write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in (header, *body)) + "\n", encoding="utf-8"
    )
    missing = header.rsplit(",", 1)[1]

    result = own_instance.flask("refdata", command, upload.name)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"Error: {label} not loaded: " in result.stderr
    assert f"bad.csv, line 1, column {missing}" in result.stderr
    assert installed(own_instance) == []


def test_a_missing_file_is_a_usage_error(own_instance):
    result = own_instance.flask("refdata", "load-cma", "nowhere.csv")

    assert result.returncode == 2
    assert "'nowhere.csv' does not exist" in result.stderr
    assert installed(own_instance) == []


def test_both_checkers_use_the_loaded_cma_list(own_instance):
    (own_instance.home / "cma.csv").write_text(CMA_LIST, encoding="utf-8")
    ok(own_instance.flask("refdata", "load-cma", "cma.csv"))
    args = ("check", str(LOW_WAGE_COOK), "--as-of", "2026-03-02", "--format", "json")

    by_flask = own_instance.flask("lmia", *args)
    by_lmia = own_instance.lmia(*args)

    assert by_flask.returncode == by_lmia.returncode == 1, by_flask.stderr + by_lmia.stderr
    assert by_lmia.stdout == by_flask.stdout
    findings = json.loads(by_lmia.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("LW-CMA", "error")]
