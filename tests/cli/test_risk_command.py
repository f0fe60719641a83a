"""``flask --app portal risk`` as a user runs it on the migrated, seeded demo database: the line
cook's fee and fraud findings (the worker's payment to the unlicensed recruiter Global Kitchen
Staffing), none for the chef, exit 1 while an error stands."""

import json
import sqlite3
from pathlib import Path

import pytest

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


def _demo_has_attestations() -> bool:
    demo = Path(__file__).resolve().parents[2] / "portal" / "demo"
    return all(
        any(worker.get("attestation") for worker in json.loads(path.read_text())["workers"])
        for path in (demo / "line_cook_findings.json", demo / "chef_compliant.json")
    )


# The demo's attestations come from the demo case files (core9's part of issue 9); until those
# carry them, these two tests have nothing to check.
needs_demo_attestations = pytest.mark.skipif(
    not _demo_has_attestations(), reason="the demo case files carry no attestation yet"
)


def _attestations(shell) -> dict[str, tuple]:
    """The seeded attestations by worker name: (answers, answered, created by, position)."""
    with sqlite3.connect(shell.home / "demo.sqlite3") as connection:
        rows = connection.execute(
            "SELECT workers.name, attestations.answers, attestations.answered_at,"
            " users.email, attestations.position_id FROM attestations"
            " JOIN workers ON workers.id = attestations.worker_id"
            " JOIN users ON users.id = attestations.created_by_id"
        ).fetchall()
    return {
        name: (json.loads(answers), answered, by, pos) for name, answers, answered, by, pos in rows
    }


@needs_demo_attestations
def test_seed_demo_records_each_workers_answered_attestation(shell):
    found = _attestations(shell)

    assert set(found) == {"Aminata Koné", "Marco Bellini"}
    cook, chef = found["Aminata Koné"], found["Marco Bellini"]
    assert cook[3] == LINE_COOK
    assert cook[0]["paid"] is True
    (payment,) = cook[0]["payments"]
    assert payment["payee"] == "Global Kitchen Staffing"
    assert float(payment["amount"]) == 3000
    assert "processing fee" in (payment.get("what_for") or "").lower()
    assert chef[0]["paid"] is False
    assert not chef[0].get("payments")
    assert cook[1] and chef[1]  # answered
    assert {cook[2], chef[2]} == {"owner@maple-bistro.example"}  # created by the importer


@needs_demo_attestations
def test_risk_on_the_demo_prints_the_workers_report(shell):
    result = shell.flask("risk")

    assert result.returncode == 1
    assert "Aminata Koné reports paying $3,000.00 to Global Kitchen Staffing" in result.stdout
    assert "workers[0].attestation.payments[0]" in result.stdout
