"""The road's deadlines (contract 2: ``road_deadlines(facts, today)`` per worker) flow into the
list, the feed and the reminders. The road's own dates are tested in tests/road; here a stand-in
gives one permit-expiry deadline per worker, so this part does not depend on them."""

from datetime import date, timedelta

import pytest
from flask import g
from icalendar import Calendar

from portal.deadlines import services
from portal.deadlines.collect import Deadline
from portal.extensions import db
from portal.models import OutboxMessage, Position, Worker
from tests.deadlines.support import add_position
from tests.helpers import form_token, text_of


def _stand_in(position, worker, today):
    due = date.today() + timedelta(days=90)  # fixed, whatever day the list is made for
    return [
        Deadline(
            key=f"permit-expiry:worker:{worker.id}:{due.isoformat()}",
            due_on=due,
            title=f"Work permit of {worker.name} expires · {position.title}",
            kind="permit_expiry",
            employer_id=position.employer_id,
            position_id=position.id,
            worker_id=worker.id,
            url_endpoint="offers.worker",
            url_values=(
                ("employer_id", position.employer_id),
                ("position_id", position.id),
                ("worker_id", worker.id),
            ),
            citation="https://www.canada.ca/en/immigration-refugees-citizenship.html",
        )
    ]


@pytest.fixture
def road(monkeypatch):
    monkeypatch.setattr(services, "facts_of", lambda position, worker: (position, worker))
    monkeypatch.setattr(services, "road_deadlines", lambda facts, today: _stand_in(*facts, today))


@pytest.fixture
def world(app, make, road):
    owner = make.user(name="Olga Owner")
    employer = make.employer(owner)
    position_id = add_position(app, employer.id, owner.id, "Chef", date.today() - timedelta(days=5))
    with app.test_request_context():
        g.audit_actor_id = owner.id
        position = db.session.get(Position, position_id)
        worker = Worker(
            employer_id=employer.id, position_id=position_id, name="Marco Bellini", language="en"
        )
        position.workers.append(worker)
        db.session.commit()
        return owner, position_id, worker.id


def test_road_deadlines_are_listed_and_fed_without_the_workers_full_name(app, make, world):
    owner, position_id, worker_id = world
    client = make.signed_in_client(owner)
    due = date.today() + timedelta(days=90)
    key = f"permit-expiry:worker:{worker_id}:{due.isoformat()}"
    page = text_of(client.get("/deadlines?days=120"))
    assert f'data-key="{key}"' in page
    assert "Work permit of Marco Bellini expires" in page  # members see the name
    assert f"/positions/{position_id}/workers/{worker_id}/" in page
    token = form_token(client, "/deadlines")
    created = text_of(client.post("/deadlines/feed", data={"action": "new", "csrf_token": token}))
    link = created.split('id="feed-link" type="text" readonly value="', 1)[1].split('"', 1)[0]
    feed = app.test_client().get(link)
    calendar = Calendar.from_ical(feed.get_data())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    event = events[f"{key}@lmia-portal"]
    assert event.decoded("DTSTART") == due
    assert str(event["SUMMARY"]) == "Work permit of Marco B. expires · Chef"
    assert b"Bellini" not in feed.get_data()


def test_a_road_deadline_is_reminded_once(app, make, world):
    owner, _position_id, worker_id = world
    with app.test_request_context():
        user = db.session.merge(owner)
        today = date.today() + timedelta(days=85)  # the permit expires in 5 days
        due = [
            d
            for d in services.deadlines_of_user(user.id, today).deadlines
            if d.kind == "permit_expiry"
        ]
        sent = []

        def send(user, deadlines, today):
            sent.append([d.key for d in deadlines])
            db.session.add(OutboxMessage(recipient=user.email, subject="Reminder", body="x"))

        assert services.remind(user, due, today, send) == 1
        assert services.remind(user, due, today, send) == 0
        assert sent == [
            [f"permit-expiry:worker:{worker_id}:{(today + timedelta(days=5)).isoformat()}"]
        ]


def test_the_real_roads_permit_expiry_is_listed_and_fed(app, make):
    """After merging the road: its own road_deadlines, from a worker's recorded permit."""
    from portal.models import WorkerRoad

    owner = make.user(name="Rita Road")
    employer = make.employer(owner)
    position_id = add_position(
        app,
        employer.id,
        owner.id,
        "Sous-chef",
        date.today() - timedelta(days=200),
        lmia_decision="approved",
        lmia_decided_on=date.today() - timedelta(days=60),
        lmia_valid_until=date.today() + timedelta(days=120),
    )
    expires = date.today() + timedelta(days=90)
    with app.test_request_context():
        g.audit_actor_id = owner.id
        position = db.session.get(Position, position_id)
        worker = Worker(
            employer_id=employer.id, position_id=position_id, name="Ana Lima", language="en"
        )
        position.workers.append(worker)
        db.session.flush()
        db.session.add(
            WorkerRoad(
                employer_id=employer.id,
                position_id=position_id,
                worker_id=worker.id,
                permit_applied_on=date.today() - timedelta(days=40),
                permit_issued_on=date.today() - timedelta(days=20),
                permit_expires_on=expires,
            )
        )
        db.session.commit()
        worker_id = worker.id
    client = make.signed_in_client(owner)
    key = f"permit-expiry:worker:{worker_id}:{expires.isoformat()}"
    page = text_of(client.get("/deadlines?days=120"))
    assert f'data-key="{key}"' in page
    assert "job-match-day-30" not in page  # the decision is recorded: recruitment is over
    token = form_token(client, "/deadlines")
    created = text_of(client.post("/deadlines/feed", data={"action": "new", "csrf_token": token}))
    link = created.split('id="feed-link" type="text" readonly value="', 1)[1].split('"', 1)[0]
    feed = app.test_client().get(link)
    events = {str(e["UID"]): e for e in Calendar.from_ical(feed.get_data()).walk("VEVENT")}
    assert events[f"{key}@lmia-portal"].decoded("DTSTART") == expires
    assert b"Lima" not in feed.get_data()
