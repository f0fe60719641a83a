"""Pages of a position run a fixed number of SQL statements, however many applicants it has
(counted with a ``before_cursor_execute`` listener; no timings)."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event

from portal.extensions import db
from tests.positions.support import add_applicants, applicant_row, first_activity_id


@contextmanager
def counted(app):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # The sign-in session's once-a-minute "last seen" write is not the page's work.
        if not statement.lstrip().upper().startswith("UPDATE USER_SESSIONS"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _rows(app, position_id, start: int, stop: int) -> list[dict]:
    activity_id = first_activity_id(app, position_id)
    rows = []
    for n in range(start, stop):
        extra = {"source_activity_id": activity_id, "channel": "direct_apply"} if n % 3 else {}
        if n % 5 == 0:
            extra |= {"interviewed_on": date(2026, 3, 20), "reason_code": "lacks_experience"}
        if n % 7 == 0:
            extra |= {"resume_downloaded_on": date(2026, 3, 6)}
        rows.append(applicant_row(n, **extra))
    return rows


@pytest.mark.parametrize("page", ["compliance", "applicants", "risk", "case.json", ""])
def test_statements_do_not_grow_with_applicants(shop, app, page):
    position_id, url = shop.create_position()
    shop.add_activity(url)
    shop.add_activity(url, method="job_board", platform="Indeed", start_date="2026-03-03")
    owner_id = shop.users["owner"].id
    client = shop.client()
    add_applicants(app, position_id, _rows(app, position_id, 0, 10), owner_id)
    assert client.get(url + page).status_code == 200  # warm: caches, reference data

    # The first view after a change runs the engine (compliance.engine_run's entry for the new
    # input revision is made then); the same view again reuses it. Both are counted.
    with counted(app) as few:
        assert client.get(url + page).status_code == 200
    add_applicants(app, position_id, _rows(app, position_id, 10, 300), owner_id)
    with counted(app) as many:
        response = client.get(url + page)
        assert response.status_code == 200
    with counted(app) as many_again:
        assert client.get(url + page).status_code == 200
    add_applicants(app, position_id, _rows(app, position_id, 300, 301), owner_id)
    with counted(app) as few_after_change:
        assert client.get(url + page).status_code == 200
    assert len(many_again) == len(few), "the same view again: as few statements as before"
    few = few_after_change  # the first view after a change, as ``many`` is
    if page == "applicants":
        # One page of the paged log, each row with its anchor (a finding's link opens it).
        assert response.get_data(as_text=True).count('<tr id="applicant-') == 50
    assert few, "the listener counted nothing"
    assert len(many) == len(few), (
        f"{len(few)} statements with 10 applicants, {len(many)} with 300 on {page or 'show'}"
    )
