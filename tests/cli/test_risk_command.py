"""``flask --app portal risk`` as a user runs it on the migrated, seeded demo database: the line
cook's fee and fraud findings (the worker's payment to the unlicensed recruiter Global Kitchen
Staffing), none for the chef, exit 1 while an error stands."""

import json

from tests.cli.support import new_shell, ok

LINE_COOK = 2
KEYS = {"position", "rule", "severity", "subject", "message", "waived"}


def test_risk_on_the_demo_prints_the_line_cooks_findings_and_exits_1(shell):
    result = shell.flask("risk")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines, "the line cook has fee and fraud findings"
    assert all(
        line.startswith(f"position {LINE_COOK} (Maple Leaf Bistro: Line cook)") for line in lines
    )
    text = result.stdout
    assert "FEE-NO-RECOVERY" in text
    assert "FEE-RECRUITER-LICENSED" in text
    assert "Global Kitchen Staffing" in text
    assert "$3,000.00" in text


def test_risk_json_lists_position_rule_severity_subject_message(shell):
    result = shell.flask("risk", "--format", "json")

    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document and all(set(row) == KEYS for row in document)
    assert {row["position"] for row in document} == {LINE_COOK}
    assert all(row["rule"].startswith(("FEE-", "FRAUD-")) for row in document)
    assert any(
        row["rule"] == "FEE-RECRUITER-LICENSED"
        and row["severity"] == "error"
        and row["subject"].startswith("third_parties[")
        and "Global Kitchen Staffing" in row["message"]
        for row in document
    )


def test_the_text_and_json_lists_hold_the_same_findings_in_the_same_order(shell):
    text = shell.flask("risk").stdout.splitlines()
    document = json.loads(shell.flask("risk", "--format", "json").stdout)

    assert len(text) == len(document)
    for line, row in zip(text, document, strict=True):
        assert f"  {row['rule']}" in line
        assert line.endswith(f"{row['subject']}  {row['message']}")


def test_risk_for_an_employer_without_findings_is_empty_and_exits_0(shell):
    # Employer 2 (Prairie Greens) is the lawyer's other client and has no position yet.
    json_result = ok(shell.flask("risk", "--employer", "2", "--format", "json"))
    text_result = ok(shell.flask("risk", "--employer", "2"))

    assert json.loads(json_result.stdout) == []
    assert text_result.stdout == "No fee or fraud finding.\n"


def test_risk_for_the_bistro_only_is_the_whole_list(shell):
    everyone = shell.flask("risk", "--format", "json")
    bistro = shell.flask("risk", "--employer", "1", "--format", "json")

    assert bistro.returncode == 1
    assert json.loads(bistro.stdout) == json.loads(everyone.stdout)


def test_an_unknown_employer_is_a_usage_error(shell):
    result = shell.flask("risk", "--employer", "999")

    assert result.returncode == 2
    assert "no employer 999" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_as_of_outside_the_rules_dates_is_a_usage_error(shell):
    result = shell.flask("risk", "--as-of", "1999-12-31")

    assert result.returncode == 2
    assert "outside the dates the rules cover" in result.stderr


def test_risk_on_an_empty_database_exits_0(tmp_path):
    shell = new_shell(tmp_path)
    ok(shell.flask("db", "upgrade"))

    result = ok(shell.flask("risk"))

    assert result.stdout == "No fee or fraud finding.\n"
