"""The lawyer's daily view (issue 7, U6) through HTTP: each position's open errors and warnings,
files awaiting review, open requests, sign-off and days to filing, most urgent first; a bounded
number of SQL statements whatever the number of applicants."""

import re
from datetime import date, timedelta

from flask import g

from portal.extensions import db
from portal.models import Employer, Position, Role
from portal.positions import compliance
from tests.evidence_views.support import add_position, png
from tests.helpers import form_token, text_of
from tests.positions.support import add_applicants, applicant_row
from tests.positions.test_query_count import counted
from tests.signoff.support import confirmed_sign_off

REP = Role.REPRESENTATIVE


def set_filing(app, position_id: int, when: date | None) -> None:
    with app.app_context():
        db.session.get(Position, position_id).planned_submission_date = when
        db.session.commit()


def open_errors(app, position_id: int) -> int:
    with app.test_request_context():
        position = db.session.get(Position, position_id)
        g.employer = db.session.get(Employer, position.employer_id)
        return compliance.check(position, date.today()).open_counts["error"]


def rows(html: str) -> list[dict]:
    """The status table as a list of {column: text}."""
    table = html.split('class="responsive positions-status"', 1)[1].split("</table>", 1)[0]
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row, re.S)
        row_cells = {label: " ".join(re.sub(r"<[^>]+>", " ", c).split()) for label, c in cells}
        row_cells["title"] = re.search(r"<a [^>]*>([^<]*)</a>", dict(cells)["Position"]).group(1)
        found.append(row_cells)
    return found


def test_each_position_shows_its_status_most_urgent_first(locker):
    app, today = locker.app, date.today()
    set_filing(app, locker.position_id, today + timedelta(days=1))  # "Line Cook": tomorrow
    overdue = add_position(app, locker.employer_id, "Baker")
    set_filing(app, overdue, today - timedelta(days=1))  # yesterday: overdue, first
    on_the_day = add_position(app, locker.employer_id, "Server")
    set_filing(app, on_the_day, today)  # today: not overdue
    add_position(app, locker.employer_id, "Dishwasher")
    locker.upload(png(1), "ad-1.png")  # shared by no one: Line Cook's, awaiting review
    page = locker.post(
        f"/evidence/{locker.rows()[0].id}/comments",
        {"body": "Is this the whole ad?"},
        role=REP,
        page=f"{locker.url}/{locker.rows()[0].id}",
    )
    assert page.status_code == 302

    html = text_of(locker.client(REP).get("/"))
    table = rows(html)
    titles = [row["title"] for row in table]
    # Same number of errors for the three dated positions (same data), so: overdue first,
    # then by days left (today before tomorrow), and no date last.
    assert titles == ["Baker", "Server", "Line Cook", "Dishwasher"], titles
    baker, server, cook, dishwasher = table
    assert baker["Filing"].endswith("1 day overdue")
    assert server["Filing"].endswith("today")
    assert cook["Filing"].endswith("in 1 day")
    assert dishwasher["Filing"] == "no date set"
    assert cook["Errors"] == str(open_errors(app, locker.position_id))
    assert int(cook["Errors"]) > 0
    assert cook["Files awaiting review"] == "1"
    assert cook["Open requests"] == "1"
    assert baker["Files awaiting review"] == "0" and baker["Open requests"] == "0"
    assert all(row["Sign-off"] == "not signed off" for row in table)


def test_errors_come_before_days_left_and_sign_off_shows_its_state(locker):
    app, today = locker.app, date.today()
    set_filing(app, locker.position_id, today + timedelta(days=30))
    waived = add_position(app, locker.employer_id, "Baker")
    set_filing(app, waived, today + timedelta(days=2))
    # Waive every error of "Baker": it has fewer errors, so it comes after "Line Cook" although
    # its filing date is closer.
    with app.test_request_context():
        position = db.session.get(Position, waived)
        g.employer = db.session.get(Employer, locker.employer_id)
        errors = [
            f.finding
            for _a, items in compliance.check(position, today).groups
            for f in items
            if f.finding.severity == "error"
        ]
    base = f"/employers/{locker.employer_id}/positions/{waived}"
    client = locker.client(REP)
    for finding in errors:
        token = form_token(client, f"{base}/compliance")
        body = {"csrf_token": token, "rule_id": finding.rule, "subject": finding.subject}
        response = client.post(f"{base}/waivers", data=body | {"reason": "Accepted by counsel."})
        assert response.status_code == 302
    locker_page = text_of(client.get(locker.signing_url))
    assert locker.post("/sign-off", confirmed_sign_off(locker_page), role=REP).status_code == 302

    table = rows(text_of(client.get("/")))
    assert [row["title"] for row in table] == ["Line Cook", "Baker"]
    assert table[1]["Errors"] == "0"
    assert table[0]["Sign-off"] == "signed off"
    locker.upload(png(5), "ad-5.png")  # the evidence changed since the sign-off
    assert rows(text_of(client.get("/")))[0]["Sign-off"] == "outdated"


def test_the_home_page_runs_the_same_statements_for_10_or_300_applicants(locker):
    app = locker.app
    other = add_position(app, locker.employer_id, "Baker")
    owner_id = locker.users[Role.OWNER].id
    client = locker.client(REP)
    add_applicants(app, locker.position_id, [applicant_row(n) for n in range(10)], owner_id)
    add_applicants(app, other, [applicant_row(n) for n in range(10)], owner_id)
    locker.upload(png(1), "ad-1.png")
    assert client.get("/").status_code == 200  # warm: caches, reference data
    with counted(app) as few:
        assert client.get("/").status_code == 200
    add_applicants(app, locker.position_id, [applicant_row(n) for n in range(10, 300)], owner_id)
    locker.upload(png(2), "ad-2.png")
    # The changes made the stored verdicts stale: without a queue the next view refreshes them
    # inline (the engine once per changed position); the view after that is the steady state.
    assert client.get("/").status_code == 200
    with counted(app) as many:
        assert client.get("/").status_code == 200
    assert few, "the listener counted nothing"
    assert len(many) == len(few), f"{len(few)} statements with 10 applicants, {len(many)} with 300"
