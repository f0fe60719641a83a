"""One case, three ways, the same fee and fraud findings (issue 9, "Done when").

A position whose rows (an employer-wide unlicensed recruiter, a paid representative with a bad
CICC number, payments linked to a worker and a third party, custody, an answered attestation,
an offer dated before the first posting, a local applicant never interviewed, more positions
than employees, a recent revocation) fire every FEE-* and FRAUD-* rule, is judged:
1. on its compliance page over HTTP,
2. from its exported case file (GET case.json) run through the engine,
3. by ``flask --app portal lmia check FILE --format json`` in a subprocess,
all as of one fixed day, so the answer does not depend on today.
"""

import html
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import g

from portal.cases import parse_case
from portal.extensions import db
from portal.models import Employer, Position
from portal.positions.reference import labour_market
from portal.rules import evaluate
from tests.cli.support import ok
from tests.helpers import text_of
from tests.positions.support import make_shop
from tests.protection.rows import Rows

AS_OF = date(2026, 4, 20)
SUBMISSION = "2026-04-15"  # D; the revocation below is within D − 2 years
EXPECTED_RULES = {
    "FEE-NO-RECOVERY",
    "FEE-RECRUITER-LICENSED",
    "FRAUD-WORKER-PAYS",
    "FRAUD-SHAM-REVIEW",
    "FRAUD-OFFER-BEFORE-AD",
    "FRAUD-DOCUMENT-CUSTODY",
    "FRAUD-HEADCOUNT",
    "FRAUD-NONCOMPLIANT",
}
# The subjects the rows make: (rule, subject, severity) each way must give exactly these.
EXPECTED = {
    ("FEE-NO-RECOVERY", "payments[0]", "error"),
    ("FEE-NO-RECOVERY", "workers[0].attestation.payments[0]", "error"),
    ("FEE-RECRUITER-LICENSED", "third_parties[0]", "error"),
    ("FEE-RECRUITER-LICENSED", "third_parties[1]", "error"),
    ("FRAUD-WORKER-PAYS", "payments[1]", "warning"),
    ("FRAUD-WORKER-PAYS", "payments[2]", "error"),
    ("FRAUD-SHAM-REVIEW", "recruitment", "warning"),
    ("FRAUD-OFFER-BEFORE-AD", "workers[0].offer", "warning"),
    ("FRAUD-DOCUMENT-CUSTODY", "document_custody[0]", "error"),
    ("FRAUD-DOCUMENT-CUSTODY", "workers[0].attestation", "error"),
    ("FRAUD-HEADCOUNT", "position", "warning"),
    ("FRAUD-NONCOMPLIANT", "employer", "error"),
}


def fee_or_fraud(triples) -> set[tuple[str, str, str]]:
    return {t for t in triples if t[0].startswith(("FEE-", "FRAUD-"))}


def build_position(app, make) -> tuple:
    """The shop's position, through the position and activity forms, then the protection rows."""
    shop = make_shop(app, make)
    position_id, url = shop.create_position(
        positions="3", employees_at_location="2", planned_submission_date=SUBMISSION
    )
    shop.add_activity(url)  # the Job Bank posting from 2026-03-02
    with app.test_request_context():
        g.audit_actor_id = shop.users["owner"].id
        employer = g.employer = db.session.get(Employer, shop.employer_id)
        employer.lmia_revoked_on = date(2024, 5, 1)
        rows = Rows(employer, db.session.get(Position, position_id), shop.users["owner"].id)
        worker = rows.worker(offer_date=date(2026, 3, 1))
        recruiter = rows.third_party(employer_wide=True, province="ON", paid=True)
        rows.third_party(
            name="Rita Counsel", role="representative", paid=True, cicc_number="R12345"
        )
        rows.payment(worker_id=worker.id, third_party_id=recruiter.id)  # a processing fee
        rows.payment(
            worker_id=worker.id, payee="employer", purpose="loan_repayment", amount=Decimal(200)
        )
        rows.payment(worker_id=worker.id, payee="other", purpose="wages_returned")
        rows.payment(worker_id=worker.id, payee="employer", purpose="statutory", via="deduction")
        rows.custody(worker_id=worker.id, held_by="recruiter")
        rows.attestation(
            worker,
            datetime(2026, 4, 1, 10, 30, tzinfo=UTC),
            paid=True,
            payments=[
                {
                    "payee": "Global Kitchen Staffing",
                    "amount": 3000,
                    "paid_on": "2026-02-20",
                    "what_for": "processing fee",
                }
            ],
            holds_passport=False,
        )
        rows.applicant(1, status="citizen")
        db.session.commit()
    return shop, position_id


def findings_on_the_page(page: str) -> set[tuple[str, str, str]]:
    """(rule, subject, severity) of each finding the compliance page lists; the subject is the
    one the representative's review form carries."""
    found = set()
    for item in page.split('<li class="finding finding-')[1:]:
        severity = item.split('"', 1)[0].split()[0]
        rule = re.search(r"<strong>([A-Z0-9-]+)</strong>", item).group(1)
        subject = re.search(r'name="subject" value="([^"]*)"', item).group(1)
        found.add((rule, html.unescape(subject), severity))
    return found


def test_page_export_and_command_line_give_the_same_fee_and_fraud_findings(
    app, make, shell, tmp_path
):
    shop, position_id = build_position(app, make)
    base = f"{shop.base}/{position_id}"
    # The representative: every finding carries its review form, and so its exact subject.
    client = shop.client("rep")

    response = client.get(f"{base}/compliance?as_of={AS_OF}")
    assert response.status_code == 200
    on_page = fee_or_fraud(findings_on_the_page(text_of(response)))

    exported = client.get(f"{base}/case.json")
    assert exported.status_code == 200
    raw = exported.get_data()
    with app.app_context():
        verdict = evaluate(parse_case(raw), AS_OF, labour_market())
    from_file = fee_or_fraud((f.rule, f.subject, f.severity) for f in verdict.findings)

    case_file = tmp_path / "case.json"
    case_file.write_bytes(raw)
    result = shell.flask("lmia", "check", str(case_file), "--as-of", str(AS_OF), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr  # error-level findings stand
    assert "Traceback" not in result.stderr, result.stderr
    answer = json.loads(result.stdout)
    assert answer["as_of"] == str(AS_OF) and answer["submission_date"] == SUBMISSION
    by_command = fee_or_fraud((f["rule"], f["subject"], f["severity"]) for f in answer["findings"])

    assert on_page, "the page lists no fee or fraud finding"
    assert on_page == from_file == by_command
    assert {rule for rule, _subject, _severity in on_page} == EXPECTED_RULES
    assert on_page == EXPECTED


def test_the_command_without_fee_rows_finds_none_of_them(app, make, shell, tmp_path):
    """The control: the same shop's position with none of the rows gives no fee or fraud
    finding, so the parity above is about the rows, not a constant."""
    shop = make_shop(app, make)
    position_id, url = shop.create_position(planned_submission_date=SUBMISSION)
    shop.add_activity(url)
    raw = shop.client("rep").get(f"{shop.base}/{position_id}/case.json").get_data()
    case_file = tmp_path / "clean.json"
    case_file.write_bytes(raw)
    result = ok_or_errors(
        shell.flask("lmia", "check", str(case_file), "--as-of", str(AS_OF), "--format", "json")
    )
    found = fee_or_fraud(
        (f["rule"], f["subject"], f["severity"]) for f in json.loads(result.stdout)["findings"]
    )
    assert found == set()


def ok_or_errors(result):
    """``lmia check`` exits 0 (no errors) or 1 (errors found); anything else is a failure."""
    if result.returncode == 0:
        return ok(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result
