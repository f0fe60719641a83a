"""``flask lmia check`` and ``flask lmia rules`` through click's runner on a test app."""

import json
from datetime import date
from pathlib import Path

import pytest

from portal.cases import case_to_json, parse_case
from portal.commands.lmia import lmia
from portal.reference.labour_market import LabourMarketData
from tests.conftest import build_app
from tests.rules.builders import BASES, EXAMPLES

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
AS_OF = "2026-03-02"


@pytest.fixture
def cli_app(database_url, tmp_path):
    app = build_app(database_url)
    app.cli.add_command(lmia)
    # An empty instance folder: the checker uses the packaged reference data unless a test
    # loads files into <instance>/reference/.
    app.instance_path = str(tmp_path / "instance")
    return app


def run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=["lmia", *args], **kwargs)


def check_json(app, name, *more):
    result = run(app, "check", str(CASES / name), "--as-of", AS_OF, "--format", "json", *more)
    return result, json.loads(result.stdout) if result.stdout else None


def test_low_wage_cook_in_toronto_is_refused_in_the_winter_2026_quarter(cli_app):
    result, answer = check_json(cli_app, "compliant_low_wage.json")

    assert result.exit_code == 1, result.output
    assert answer["format"] == "lmia-findings/1"
    assert answer["as_of"] == AS_OF
    assert answer["submission_date"] == AS_OF
    assert answer["stream"] == "low_wage"
    assert answer["ruleset"] == f"2+{LabourMarketData.packaged().version}"
    # The packaged CMA list (five quarters since ruleset 2) has Toronto for 2026-01-09 to
    # 2026-04-09: the file is otherwise compliant, and gets a verdict instead of "cannot verify".
    assert [(f["rule"], f["severity"], f["subject"]) for f in answer["findings"]] == [
        ("LW-CMA", "error", "position")
    ]
    assert answer["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert set(answer["findings"][0]) == {
        "rule",
        "severity",
        "subject",
        "message",
        "fix",
        "citation",
    }


def test_compliant_high_wage_engineer_has_no_findings(cli_app):
    result, answer = check_json(cli_app, "compliant_high_wage.json")

    assert result.exit_code == 0, result.output
    assert answer["stream"] == "high_wage"
    assert answer["findings"] == []
    assert answer["counts"] == {"error": 0, "warning": 0, "info": 0}


def test_a_case_with_several_findings_exits_1_in_stable_order(cli_app):
    result, answer = check_json(cli_app, "several_findings.json")

    assert result.exit_code == 1, result.output
    assert [(f["rule"], f["subject"], f["severity"]) for f in answer["findings"]] == [
        ("AD-CONSISTENT", "recruitment[2]", "error"),
        ("FEE-NO-RECOVERY", "payments[0]", "error"),
        ("FEE-RECRUITER-LICENSED", "third_parties[1]", "error"),
        ("FRAUD-DOCUMENT-CUSTODY", "document_custody[0]", "error"),
        ("LW-CMA", "position", "error"),
        ("OFFER-NO-FEES", "offer", "warning"),
        ("REC-DURATION-4W", "recruitment[0]", "error"),
        ("REC-RESULTS", "applicants[3]", "error"),
        ("REC-URG-2", "recruitment", "error"),
        ("WAGE-AD-OFFER", "offer", "error"),
    ]
    assert answer["counts"] == {"error": 9, "warning": 1, "info": 0}
    messages = {f["rule"]: f["message"] for f in answer["findings"]}
    assert messages["REC-DURATION-4W"] == (
        "The Job Bank ad ran 21 days before 2026-03-02; at least 28 are needed."
    )
    assert messages["REC-URG-2"].startswith(
        "Only one under-represented group was targeted (newcomers)"
    )
    assert all(f["citation"].startswith("https://") for f in answer["findings"])
    assert all(f["fix"] for f in answer["findings"])


def test_text_format_prints_one_line_per_finding_then_the_counts(cli_app):
    result = run(cli_app, "check", str(CASES / "several_findings.json"), "--as-of", AS_OF)

    lines = result.stdout.strip().splitlines()

    assert result.exit_code == 1
    assert len(lines) == 11
    assert lines[0].split()[:3] == ["error", "AD-CONSISTENT", "recruitment[2]:"]
    assert lines[6] == (
        "error   REC-DURATION-4W recruitment[0]: The Job Bank ad ran 21 days before 2026-03-02; "
        "at least 28 are needed."
    )
    assert lines[-1].startswith("9 errors, 1 warning, 0 info (as of 2026-03-02")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("invalid_unknown_key.json", "position.wage.currency: unknown key"),
        ("invalid_bad_date.json", 'recruitment[2].start: not a date ("2026-02-30")'),
        (
            "invalid_duplicate_id.json",
            'recruitment[2].id: duplicate id ("jb", also recruitment[0])',
        ),
        (
            "invalid_unknown_source.json",
            'applicants[1].source: names no recruitment activity ("newspaper")',
        ),
        ("invalid_not_json.json", "not JSON (Expecting property name enclosed in double quotes"),
    ],
)
@pytest.mark.parametrize("output", ["json", "text"])
def test_invalid_files_exit_2_naming_the_bad_value(cli_app, name, message, output):
    result = run(cli_app, "check", str(CASES / name), "--as-of", AS_OF, "--format", output)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith(str(CASES / name))


def test_a_missing_file_exits_2(cli_app, tmp_path):
    result = run(cli_app, "check", str(tmp_path / "nowhere.json"))

    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


def test_a_bad_as_of_date_is_a_usage_error(cli_app):
    result = run(cli_app, "check", str(CASES / "compliant_low_wage.json"), "--as-of", "2026-02-30")

    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_as_of_defaults_to_today(cli_app):
    result, answer = check_json(cli_app, "compliant_high_wage.json")
    assert answer["as_of"] == AS_OF

    result = run(cli_app, "check", str(CASES / "compliant_high_wage.json"), "--format", "json")

    assert json.loads(result.stdout)["as_of"] == date.today().isoformat()


def test_reads_standard_input(cli_app):
    text = (CASES / "compliant_high_wage.json").read_text(encoding="utf-8")

    result = run(cli_app, "check", "-", "--as-of", AS_OF, "--format", "json", input=text)

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


def test_uses_the_reference_files_loaded_into_the_instance(cli_app):
    folder = Path(cli_app.instance_path) / "reference"
    folder.mkdir(parents=True)
    (folder / "cma_refusal_list.csv").write_text(
        "period_from,period_to,cma,province,unemployment_rate,source\n"
        "2026-01-09,2026-04-09,Hamilton,ON,8.1,test list\n",
        encoding="utf-8",
    )

    result, answer = check_json(cli_app, "compliant_low_wage.json")

    # The packaged list has Toronto for that quarter; the loaded one replaces it.
    assert result.exit_code == 0, result.output
    assert answer["findings"] == []


def test_falls_back_to_the_packaged_data_without_current(cli_app, monkeypatch):
    monkeypatch.delattr(LabourMarketData, "current")

    result, answer = check_json(cli_app, "compliant_high_wage.json")

    assert result.exit_code == 0, result.output
    assert answer["ruleset"] == f"2+{LabourMarketData.packaged().version}"


def test_rules_lists_every_rule_with_severity_title_and_source(cli_app):
    result = run(cli_app, "rules")

    lines = result.stdout.strip().splitlines()

    assert result.exit_code == 0
    assert len(lines) == 46
    jobbank = next(line for line in lines if line.startswith("REC-JOBBANK "))
    assert jobbank.split()[1] == "error"
    assert "Job Bank posting or written rationale" in jobbank
    assert jobbank.endswith(
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "work-canada/hire-foreign-worker/permanent/skilled/make-job-offer.html"
    )


def test_rules_as_json(cli_app):
    result = run(cli_app, "rules", "--format", "json")

    rules = json.loads(result.stdout)

    assert len(rules) == 46
    direct_apply = next(r for r in rules if r["rule"] == "REC-DIRECTAPPLY")
    assert direct_apply["effective_from"] == "2025-09-01"
    assert direct_apply["source"].startswith("https://")
    assert direct_apply["evidence"]


@pytest.mark.parametrize(
    ("name", "make"),
    [("compliant_low_wage.json", "low_wage"), ("compliant_high_wage.json", "high_wage")],
)
def test_the_example_files_are_the_builder_base_cases(name, make):
    text = (CASES / name).read_text(encoding="utf-8")

    assert parse_case(text) == BASES[make]()
    assert text == case_to_json(BASES[make]())


def test_an_lmia_case_2_file_with_two_workers(cli_app):
    result, answer = check_json(cli_app, "two_workers.json")

    assert result.exit_code == 1, result.output
    # The cook of compliant_low_wage.json (LW-CMA, as above); Ana Cruz's offer is below the wage.
    assert [(f["rule"], f["subject"]) for f in answer["findings"]] == [
        ("LW-CMA", "position"),
        ("WAGE-AD-OFFER", "workers[1].offer"),
    ]
    assert answer["findings"][1]["message"] == (
        "Worker Ana Cruz's offer pays $19.00 an hour, less than the position's $19.50 and the "
        "$19.50 advertised in the Job Bank ad."
    )

    text = run(cli_app, "check", str(CASES / "two_workers.json"), "--as-of", AS_OF)
    lines = text.stdout.strip().splitlines()
    assert text.exit_code == 1
    assert lines[1].startswith("error   WAGE-AD-OFFER workers[1].offer: Worker Ana Cruz's offer")
    assert lines[-1].startswith("2 errors, 0 warnings, 0 info (as of 2026-03-02")


@pytest.mark.parametrize(("name", "make"), sorted(EXAMPLES.items()))
def test_the_v2_example_files_are_their_builders(name, make):
    text = (CASES / name).read_text(encoding="utf-8")

    assert text.startswith('{\n  "format": "lmia-case/2",')
    assert parse_case(text) == make()
    assert text == case_to_json(make())
