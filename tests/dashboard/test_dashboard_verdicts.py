"""Stored verdicts (issue 12): a change to any kind of input makes the position's verdict stale
and it is refreshed; the next day it is stale; a refresh that raced a change stores nothing; the
dashboard shows the stored counts, marks stale ones "refreshing…" and enqueues their refresh;
its statements do not grow with the number of positions, applicants or files."""

from datetime import date, timedelta

import pytest
from flask import g
from sqlalchemy import insert, select, update

from portal import verdicts
from portal.dashboard import status
from portal.extensions import db
from portal.models import (
    Applicant,
    Employer,
    Invitation,
    Position,
    PositionVerdict,
    Role,
    Waiver,
    utcnow,
)
from tests.evidence_views.support import add_position, png
from tests.helpers import text_of
from tests.positions.support import applicant_row
from tests.positions.test_query_count import counted
from tests.signoff.test_dashboard import open_errors, rows

REP = Role.REPRESENTATIVE


def stored(app, position_id: int) -> PositionVerdict:
    with app.app_context():
        row = db.session.scalar(
            select(PositionVerdict).where(PositionVerdict.position_id == position_id)
        )
        db.session.expunge(row)
        return row


def current(app, position_id: int, today: date | None = None) -> bool:
    with app.app_context():
        ruleset = verdicts.current_ruleset()
    return verdicts.is_current(stored(app, position_id), today or date.today(), ruleset)


def refresh(app, position_id: int, today: date | None = None) -> bool:
    with app.test_request_context():
        return verdicts.refresh(position_id, today)


def _in_request(app, owner_id, change):
    with app.test_request_context():
        g.audit_actor_id = owner_id
        change()
        db.session.commit()


def change_position(locker):
    db.session.get(Position, locker.position_id).duties = "Cook and clean."


def add_applicant(locker):
    row = applicant_row(1)
    db.session.add(Applicant(employer_id=locker.employer_id, position_id=locker.position_id, **row))


def bulk_insert_applicants(locker):
    db.session.execute(
        insert(Applicant),
        [
            {"employer_id": locker.employer_id, "position_id": locker.position_id}
            | applicant_row(n)
            for n in range(3)
        ],
    )


def bulk_update_applicants(locker):
    db.session.execute(
        update(Applicant)
        .where(Applicant.position_id == locker.position_id)
        .values(reason_code="lacks_experience")
    )


def waive(locker):
    db.session.add(
        Waiver(
            employer_id=locker.employer_id,
            position_id=locker.position_id,
            rule_id="ADV-001",
            subject="position",
            reason="Accepted by counsel for the test.",
            waived_by_id=locker.user(REP).id,
        )
    )


def change_employer_profile(locker):
    db.session.get(Employer, locker.employer_id).city = "Mississauga"


@pytest.mark.parametrize(
    "change",
    [
        change_position,
        add_applicant,
        bulk_insert_applicants,
        bulk_update_applicants,
        waive,
        change_employer_profile,
    ],
)
def test_a_change_to_any_input_makes_the_verdict_stale_until_refreshed(locker, change):
    app = locker.app
    locker.user(REP)  # the waiver's author
    # Something for the bulk update to match.
    _in_request(app, locker.users[Role.OWNER].id, lambda: add_applicant(locker))
    assert refresh(app, locker.position_id)
    assert current(app, locker.position_id)
    other = add_position(app, locker.employer_id, "Baker")
    assert refresh(app, other)

    _in_request(app, locker.users[Role.OWNER].id, lambda: change(locker))

    assert not current(app, locker.position_id)
    # A change to one position's own rows leaves the other position's verdict current; an
    # employer-wide row (the profile) is an input of every position.
    assert current(app, other) is (change is not change_employer_profile)
    assert refresh(app, locker.position_id)
    assert current(app, locker.position_id)


def test_members_and_invitations_are_not_inputs_of_any_position(locker):
    app = locker.app
    assert refresh(app, locker.position_id)
    owner_id = locker.users[Role.OWNER].id
    locker.user(REP)  # a new membership
    _in_request(
        app,
        owner_id,
        lambda: db.session.add(
            Invitation(
                employer_id=locker.employer_id,
                email="new-staff@example.com",
                role=Role.STAFF,
                nonce_hash="0" * 64,
                invited_by_id=owner_id,
                expires_at=utcnow() + timedelta(days=7),
            )
        ),
    )
    assert current(app, locker.position_id)
    _in_request(app, owner_id, lambda: change_employer_profile(locker))
    assert not current(app, locker.position_id)  # while the profile still is one


def test_evidence_through_the_page_makes_the_verdict_stale_and_the_request_refreshes_it(locker):
    app = locker.app
    assert refresh(app, locker.position_id)
    revision = stored(app, locker.position_id).revision
    response = locker.upload(png(1), "ad-1.png")
    assert response.status_code == 302
    response.close()  # as a server does after the last byte: runs the work after the answer
    verdict = stored(app, locker.position_id)
    assert verdict.revision > revision  # the upload's flush bumped it
    # ...and the upload's request enqueued the refresh (inline here, after the response).
    assert current(app, locker.position_id)


def test_a_verdict_computed_yesterday_is_stale_today(locker):
    app = locker.app
    yesterday = date.today() - timedelta(days=1)
    assert refresh(app, locker.position_id, yesterday)
    assert current(app, locker.position_id, yesterday)
    assert not current(app, locker.position_id)


def test_a_refresh_that_raced_a_change_stores_nothing(locker, monkeypatch):
    app = locker.app
    computed = verdicts.compute

    def compute_then_someone_edits(position, today):
        values = computed(position, today)
        # Another request commits a change while the engine runs.
        with app.app_context():
            db.session.execute(
                update(PositionVerdict.__table__)
                .where(PositionVerdict.position_id == position.id)
                .values(revision=PositionVerdict.revision + 1)
            )
            db.session.commit()
        return values

    monkeypatch.setattr(verdicts, "compute", compute_then_someone_edits)
    assert refresh(app, locker.position_id) is False
    assert not current(app, locker.position_id)


def test_the_dashboard_shows_stored_counts_and_refreshing_while_stale(locker, monkeypatch):
    app = locker.app
    client = locker.client(REP)
    table = rows(text_of(client.get("/")))  # inline: refreshed before the page is drawn
    errors = open_errors(app, locker.position_id)
    assert table[0]["Errors"] == str(errors) and "refreshing" not in table[0]["Errors"]
    assert current(app, locker.position_id)

    enqueued = []
    monkeypatch.setattr(status, "_refresh_inline", lambda: False)
    monkeypatch.setattr(status, "enqueue", lambda name, **kw: enqueued.append((name, kw)))
    with app.app_context():  # a change made outside a request: nothing enqueued it
        db.session.get(Position, locker.position_id).duties = "Cook."
        db.session.commit()
    table = rows(text_of(client.get("/")))
    assert table[0]["Errors"] == f"{errors} refreshing…"
    assert enqueued == [("verdict.refresh", {"position_id": locker.position_id})]

    refresh(app, locker.position_id)  # what the worker does
    table = rows(text_of(client.get("/")))
    assert "refreshing" not in table[0]["Errors"] + table[0]["Warnings"]
    assert table[0]["Errors"] == str(open_errors(app, locker.position_id))


def test_the_dashboard_pages_positions_with_the_same_statements_for_6_or_60(locker, monkeypatch):
    app = locker.app
    monkeypatch.setattr(status, "PAGE_SIZE", 5)
    client = locker.client(REP)
    for n in range(5):  # two pages (a first page with fewer than 5 needs no count)
        add_position(app, locker.employer_id, f"Baker {n}")
    locker.upload(png(1), "ad-1.png")
    assert client.get("/").status_code == 200  # refreshes the new verdicts inline
    with counted(app) as few:
        assert client.get("/").status_code == 200
    for n in range(54):
        add_position(app, locker.employer_id, f"Server {n:02}")
    locker.upload(png(2), "ad-2.png")
    for page in range(1, 14):  # every page once: all verdicts refreshed
        assert client.get(f"/?page={page}").status_code == 200
    with counted(app) as many:
        html = text_of(client.get("/?page=2"))
    assert "Page 2 of 12 (60 positions)" in html
    assert len(rows(html)) == 5
    assert few, "the listener counted nothing"
    assert len(many) == len(few), f"{len(few)} statements with 6 positions, {len(many)} with 60"


@pytest.mark.parametrize("page", ["evidence", "risk"])
def test_evidence_and_risk_pages_run_the_same_statements_for_1_or_6_files(locker, page):
    app = locker.app
    url = f"{locker.base}/{page}"
    client = locker.client(Role.OWNER)
    assert client.get(url).status_code == 200  # warm: reference data, templates

    def first_view_and_again() -> tuple[int, int]:
        """Statements of the first view after a change (the engine runs) and of the same view
        again (its run for this input revision is reused)."""
        with counted(app) as first:
            assert client.get(url).status_code == 200
        with counted(app) as again:
            assert client.get(url).status_code == 200
        return len(first), len(again)

    locker.upload(png(1), "ad-1.png")
    few = first_view_and_again()
    for n in range(2, 7):
        locker.upload(png(n), f"ad-{n}.png")
    many = first_view_and_again()
    assert few[1] < few[0], "the same view again reads less"
    assert many == few, f"{few} statements with 1 file, {many} with 6"


def test_with_redis_a_change_queues_the_refresh_and_a_worker_runs_it(locker, redis_url):
    from rq.serializers import JSONSerializer

    from portal import queue
    from portal.queue.worker import AppWorker

    app = locker.app
    client = locker.client(REP)
    errors = rows(text_of(client.get("/")))[0]["Errors"]  # inline, before Redis is configured
    app.config["REDIS_URL"] = redis_url
    response = locker.upload(png(1), "ad-1.png")  # an input changes through a page
    response.close()  # the work after the response: the refresh is queued, not run
    assert not current(app, locker.position_id)
    with app.app_context():
        waiting = queue.queue_of(app)
        queued = [waiting.fetch_job(i).description for i in waiting.job_ids]
    assert queued == ["verdict.refresh"]
    table = rows(text_of(client.get("/")))
    assert table[0]["Errors"] == f"{errors} refreshing…"
    with app.app_context():
        worker = AppWorker(
            [waiting], connection=queue.redis_of(app), serializer=JSONSerializer, app=app
        )
        assert worker.work(burst=True)
    assert current(app, locker.position_id)
    table = rows(text_of(client.get("/")))
    assert "refreshing" not in table[0]["Errors"]


def test_the_clients_table_pages_clients_and_names_three_positions_each(locker, monkeypatch):
    """A firm's clients a page at a time, each with its first three positions by name and a link
    to the rest (every position of 200 clients on every view was most of the page's time)."""
    from tests.factories import Factories

    app = locker.app
    monkeypatch.setattr(status, "CLIENTS_PAGE_SIZE", 2)
    make = Factories(app)
    representative = locker.user(REP)
    for n in range(4):  # sorted after the locker's own employer
        employer = make.employer(operating_name=f"Zed Client {n}")
        make.member(employer, user=representative, role=REP)
        for k in range(5):
            add_position(app, employer.id, f"Line cook {n}-{k}")
    client = locker.client(REP)
    assert client.get("/").status_code == 200  # refreshes the new verdicts inline
    with counted(app) as first_page:
        first = text_of(client.get("/"))
    with counted(app) as second_page:
        second = text_of(client.get("/?clients_page=2"))
    assert "Page 2 of 3 (5 clients)" in second

    def clients_table(html: str) -> str:
        return html.split('<table class="responsive clients">', 1)[1].split("</table>", 1)[0]

    table = clients_table(second)
    assert "Zed Client 1" in table and "Zed Client 2" in table
    assert "Zed Client 3" not in table and "Zed Client 0" in clients_table(first)
    assert table.count("and 2 more") == 2
    assert "Line cook 1-2" in table and "Line cook 1-3" not in table
    assert len(second_page) == len(first_page)
    assert client.get("/?clients_page=0").status_code == 400
