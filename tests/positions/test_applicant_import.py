"""The applicant CSV: the template, and an import that is all or nothing and names every problem
by its spreadsheet row (header = row 1) and column."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Applicant
from tests.helpers import text_of
from tests.positions.support import count, first_activity_id, upload

HEADER = (
    "name,status,source,channel,applied_on,resume_downloaded_on,interviewed_on,"
    "offered,hired,reason_code,reason_detail"
)
_PROBLEM = re.compile(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>")


@pytest.fixture
def position(shop):
    """A position with one Job Bank posting (case key A1)."""
    position_id, url = shop.create_position()
    shop.add_activity(url)
    return position_id, url


def _import(shop, url, content: bytes, name="applicants.csv"):
    return shop.post(url + "applicants/import", upload(content, name))


def _problems(response) -> list[tuple[int, str, str]]:
    return [
        (int(row), column, message) for row, column, message in _PROBLEM.findall(text_of(response))
    ]


def _applicants(app, position_id):
    with app.app_context():
        query = select(Applicant).filter_by(position_id=position_id).order_by(Applicant.id)
        rows = db.session.scalars(query).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_template_is_the_header_row_and_an_example(shop, position):
    _, url = position
    response = shop.client().get(url + "applicants/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response))))
    assert rows[0] == HEADER.split(",")
    assert len(rows) == 2  # issue 7 U7: an example row follows the header


def test_a_valid_file_imports_every_row(shop, app, position):
    position_id, url = position
    content = (
        HEADER + "\n"
        "Ana Roy,citizen,A1,direct_apply,2026-03-05,2026-03-06,2026-03-10,yes,yes,,\n"
        "Bo Chen,permanent_resident,,email,2026-03-07,,2026-03-12,no,no,lacks_experience,"
        '"Two years, not five"\n'
        "Cy Diaz,foreign,A1,,2026-03-08,,,,,,\n"
    ).encode()
    response = _import(shop, url, content)
    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"].endswith("/applicants")
    rows = _applicants(app, position_id)
    assert [row.name for row in rows] == ["Ana Roy", "Bo Chen", "Cy Diaz"]
    ana, bo, cy = rows
    activity_id = first_activity_id(app, position_id)
    assert (ana.status, ana.source_activity_id, ana.channel) == (
        "citizen",
        activity_id,
        "direct_apply",
    )
    assert (ana.applied_on, ana.resume_downloaded_on) == (date(2026, 3, 5), date(2026, 3, 6))
    assert (ana.interviewed_on, ana.offered, ana.hired) == (date(2026, 3, 10), True, True)
    assert (bo.source_activity_id, bo.offered, bo.hired) == (None, False, False)
    assert (bo.reason_code, bo.reason_detail) == ("lacks_experience", "Two years, not five")
    assert (cy.status, cy.source_activity_id, cy.interviewed_on) == ("foreign", activity_id, None)
    page = shop.client().get(response.headers["Location"])
    assert "3 applicants imported." in text_of(page)


def test_a_file_with_errors_imports_nothing_and_lists_every_problem(shop, app, position):
    position_id, url = position
    content = (
        HEADER + "\n"
        "Good Person,citizen,A1,email,2026-03-05,,,no,no,no_response,\n"
        "Bad Status,martian,A1,email,2026-03-05,,,no,no,,\n"
        ",citizen,,fax,05/03/2026,,,maybe,no,,\n"
        "Other Reason,citizen,,,2026-03-05,,2026-13-01,,,other,\n"
        "Another Good,foreign,,,2026-03-06,,,,,,\n"
    ).encode()
    response = _import(shop, url, content)
    assert response.status_code == 422
    found = {(row, column) for row, column, _ in _problems(response)}
    assert found == {
        (3, "status"),
        (4, "name"),
        (4, "channel"),
        (4, "applied_on"),
        (4, "offered"),
        (5, "interviewed_on"),
        (5, "reason_detail"),
    }
    messages = {(row, column): message for row, column, message in _problems(response)}
    assert "martian" in messages[3, "status"]
    assert "YYYY-MM-DD" in messages[4, "applied_on"]
    assert "maybe" in messages[4, "offered"]
    assert "7 problems found" in text_of(response)
    assert "Nothing was imported" in text_of(response)
    assert count(app, Applicant, position_id=position_id) == 0


def test_an_unknown_source_activity_is_named(shop, app, position):
    position_id, url = position
    content = (HEADER + "\nAna Roy,citizen,JB9,email,2026-03-05,,,,,,\n").encode()
    response = _import(shop, url, content)
    assert response.status_code == 422
    [(row, column, message)] = _problems(response)
    assert (row, column) == (2, "source")
    assert "JB9" in message and "A1" in message  # what was given, and what exists
    assert count(app, Applicant, position_id=position_id) == 0


def test_a_file_that_is_not_utf8_is_refused(shop, app, position):
    position_id, url = position
    content = (HEADER + "\nAndré Lévesque,citizen,,,2026-03-05,,,,,,\n").encode("cp1252")
    response = _import(shop, url, content)
    assert response.status_code == 422
    [(row, column, message)] = _problems(response)
    assert (row, column) == (1, "file")
    assert "UTF-8" in message
    assert count(app, Applicant, position_id=position_id) == 0


def test_a_file_with_a_byte_order_mark_imports(shop, app, position):
    """Excel's "CSV UTF-8" starts with a BOM; the first column must still be ``name``."""
    position_id, url = position
    content = (HEADER + "\nAndré Lévesque,citizen,A1,,2026-03-05,,,,,,\n").encode("utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbf")
    response = _import(shop, url, content)
    assert response.status_code == 302, _problems(response)
    [applicant] = _applicants(app, position_id)
    assert applicant.name == "André Lévesque"


def test_an_unknown_column_is_refused(shop, app, position):
    position_id, url = position
    content = (HEADER + ",colour\nAna Roy,citizen,,,2026-03-05,,,,,,,blue\n").encode()
    response = _import(shop, url, content)
    assert response.status_code == 422
    assert [(row, column) for row, column, _ in _problems(response)] == [(1, "colour")]
    assert count(app, Applicant, position_id=position_id) == 0


def test_a_viewer_cannot_import(shop, app, position):
    position_id, url = position
    content = (HEADER + "\nAna Roy,citizen,,,2026-03-05,,,,,,\n").encode()
    response = shop.post(url + "applicants/import", upload(content), who="viewer")
    assert response.status_code == 403
    assert count(app, Applicant, position_id=position_id) == 0
