"""What is open on a position, computed alone (plain Python, no app, no database)."""

import subprocess
import sys
from types import SimpleNamespace as NS

from portal.open_items import (
    CHANGED,
    NO_REASON,
    NOT_CONFIRMED,
    OpenItems,
    open_items,
    sign_off_problems,
)


def finding(rule, severity, subject="position", message="m"):
    return NS(rule=rule, severity=severity, subject=subject, message=message)


def evidence(id, status, name="ad.png"):
    return NS(id=id, original_filename=name, review_status=status)


def request(id, evidence_id=None, rule_id=None, subject=None, body="Please fix."):
    return NS(id=id, body=body, evidence_id=evidence_id, rule_id=rule_id, subject=subject)


FINDINGS = [
    finding("WAGE-1", "error"),
    finding("REC-1", "error", "recruitment"),
    finding("REC-2", "warning"),
    finding("INFO-1", "info"),
]


def test_unwaived_errors_and_warnings_are_open_notes_are_not():
    items = open_items(FINDINGS, waived=[("REC-1", "recruitment")], files=[], requests=[])
    assert [f.rule for f in items.errors] == ["WAGE-1"]
    assert [f.rule for f in items.warnings] == ["REC-2"]
    assert items.counts()["errors"] == 1
    assert items.needs_confirmation


def test_a_waiver_for_another_subject_does_not_close_the_error():
    items = open_items(FINDINGS, waived=[("REC-1", "position")], files=[], requests=[])
    assert {f.rule for f in items.errors} == {"WAGE-1", "REC-1"}


def test_files_not_accepted_are_open_by_their_status():
    files = [evidence(1, "pending"), evidence(2, "accepted"), evidence(3, "changes_requested")]
    items = open_items([], [], files, [])
    assert [f.id for f in items.files_awaiting_review] == [1]
    assert [f.id for f in items.files_changes_requested] == [3]
    assert items.needs_confirmation


def test_a_request_about_a_finding_closes_when_the_finding_is_gone_or_waived():
    requests = [
        request(1, rule_id="WAGE-1", subject="position"),  # still reported: open
        request(2, rule_id="GONE-1", subject="position"),  # fixed: the rule no longer fires
        request(3, rule_id="REC-1", subject="recruitment"),  # waived
        request(4, evidence_id=9),  # about a file: open until closed
    ]
    items = open_items(FINDINGS, [("REC-1", "recruitment")], [], requests)
    assert [r.id for r in items.requests] == [1, 4]


def test_only_warnings_need_no_confirmation():
    items = open_items([finding("REC-2", "warning")], [], [evidence(1, "accepted")], [])
    assert not items.needs_confirmation and not items.is_empty
    assert sign_off_problems(items, confirmed=False, reason="", fingerprint=None) == set()
    assert OpenItems().is_empty


def test_open_errors_need_the_confirmation_and_a_reason():
    items = open_items(FINDINGS, [], [], [])
    shown = items.fingerprint()
    assert sign_off_problems(items, confirmed=False, reason="", fingerprint=shown) == {
        NOT_CONFIRMED,
        NO_REASON,
    }
    assert sign_off_problems(items, confirmed=True, reason="too short", fingerprint=shown) == {
        NO_REASON
    }
    reason = "The client files today; ESDC accepts the wage."
    assert sign_off_problems(items, confirmed=True, reason=reason, fingerprint=shown) == set()
    # Ten characters is the least accepted, nine is refused (spaces around do not count).
    ten = " 0123456789 "
    assert sign_off_problems(items, confirmed=True, reason=ten, fingerprint=shown) == set()
    assert sign_off_problems(items, confirmed=True, reason="012345678", fingerprint=shown) == {
        NO_REASON
    }


def test_a_confirmation_covers_only_what_the_page_showed():
    before = open_items(FINDINGS[:1], [], [], [])
    after = open_items(FINDINGS, [], [], [])  # a new error since the page was loaded
    reason = "Signing off for the client's deadline."
    shown = before.fingerprint()
    problems = sign_off_problems(after, confirmed=True, reason=reason, fingerprint=shown)
    assert problems == {CHANGED}
    assert sign_off_problems(after, confirmed=True, reason=reason, fingerprint=None) == {CHANGED}


def test_the_stored_form_lists_everything_open():
    items = open_items(
        FINDINGS, [], [evidence(5, "changes_requested", "x.pdf")], [request(7, evidence_id=5)]
    )
    stored = items.to_dict()
    assert stored["counts"] == {
        "errors": 2,
        "warnings": 1,
        "files_awaiting_review": 0,
        "files_changes_requested": 1,
        "requests": 1,
    }
    assert [e["rule"] for e in stored["errors"]] == ["WAGE-1", "REC-1"]
    assert stored["files"] == [{"id": 5, "name": "x.pdf", "review_status": "changes_requested"}]
    assert stored["requests"][0]["id"] == 7


def test_importing_it_loads_no_flask_or_database():
    code = (
        "import sys, portal.open_items; "
        "print(sorted(m for m in ('flask', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
