"""Lost updates (security bar §2(h)): two people edit the same record; the second save is refused.

For every record that carries a version (position, its LMIA decision, applicant, offer, worker
road, employer profile, third party): the owner and a staff member open the form; the owner
saves; the staff member's save answers 409 naming who changed it and listing each changed field
(in the form's words) with its saved value; the page keeps what the staff member typed, the
database holds the owner's save; saving the refilled form again wins. A threaded PostgreSQL case
makes both writers run at once (the ORM's version check catches the race between read and write).
Double-submitted creates (the same add-applicant form posted twice) make one record.
"""

import html
import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.edits import claim_submission, conflict_of, is_stale, prune_submission_claims
from portal.extensions import db
from portal.models import (
    Applicant,
    Employer,
    Payment,
    Position,
    RecruitmentActivity,
    ThirdParty,
    Worker,
    WorkerRoad,
)
from tests.conftest import POSTGRES_URL
from tests.helpers import text_of
from tests.offers.support import WORKER_FORM, form_values, make_hiring, offers_app
from tests.positions.support import ACTIVITY_FORM
from tests.protection.support import add_third_party

OUTCOMES = Counter()


@pytest.fixture
def app(database_url, tmp_path):
    app = offers_app(database_url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def hiring(app):
    return make_hiring(app)


def _read(app, model, row_id, attribute):
    with app.app_context():
        value = getattr(db.session.get(model, row_id), attribute)
        return value


def race(hiring, url, field, first, second, label, saved, shown=None):
    """The owner and the staff member both open ``url``; the owner saves ``field=first``, the
    staff member ``field=second``. ``saved()`` reads the stored value back."""
    owner_body = form_values(text_of(hiring.get(url, who="owner")))
    staff_body = form_values(text_of(hiring.get(url, who="staff")))
    assert "version" in staff_body, f"{url}: the form carries no version"
    done = hiring.post(url, owner_body | {field: first}, who="owner", form_page=url)
    assert done.status_code == 302, text_of(done)
    refused = hiring.post(url, staff_body | {field: second}, who="staff", form_page=url)
    assert refused.status_code == 409, f"{url}: {refused.status_code}"
    page = text_of(refused)
    conflict = page.split('id="edit-conflict"', 1)[1].split("</section>", 1)[0]
    assert "Someone else changed" in conflict and "Olive Owner" in conflict
    assert f"<strong>{html.escape(label)}</strong>: {html.escape(shown or first)}" in conflict
    refilled = form_values(page)
    assert refilled[field] == second, "the staff member's typing is lost"
    assert saved() == first, "the owner's save is lost"
    OUTCOMES["refused"] += 1
    again = hiring.post(url, refilled, who="staff", form_page=url)
    assert again.status_code == 302, text_of(again)
    assert saved() == second
    OUTCOMES["scenarios"] += 1


def test_position(hiring):
    race(
        hiring,
        f"{hiring.position_url}edit",
        "title",
        "Sous-chef",
        "Line cook (nights)",
        "Job title",
        lambda: _read(hiring.app, Position, hiring.position_id, "title"),
    )


def test_lmia_decision(hiring):
    hiring.add_worker()
    url = f"{hiring.position_url}road/decision"
    body = form_values(text_of(hiring.get(url))) | {
        "lmia_decision": "approved",
        "lmia_number": "9876543",
        "lmia_decided_on": "2026-01-10",
        "lmia_positions_approved": "2",
    }
    assert hiring.post(url, body, form_page=url).status_code == 302
    race(
        hiring,
        url,
        "lmia_number",
        "1111111",
        "2222222",
        "LMIA number",
        lambda: _read(hiring.app, Position, hiring.position_id, "lmia_number"),
        # An identity number: encrypted, so the audit log (and this message) only says so.
        shown="changed",
    )


def test_applicant(hiring):
    url = f"{hiring.position_url}applicants/"
    body = {"name": "Ivan", "status": "citizen", "applied_on": "2026-03-05", "channel": ""}
    assert hiring.post(f"{url}new", body | {"reason_code": ""}).status_code == 302
    with hiring.app.app_context():
        applicant_id = db.session.scalar(select(Applicant.id))
    race(
        hiring,
        f"{url}{applicant_id}",
        "interviewed_on",
        "2026-03-12",
        "2026-03-20",
        "Interviewed on",
        lambda: str(_read(hiring.app, Applicant, applicant_id, "interviewed_on")),
        shown="Mar 12, 2026",
    )


def test_applicant_choice_is_shown_by_its_label(hiring):
    url = f"{hiring.position_url}applicants/"
    body = {"name": "Ivan", "status": "citizen", "applied_on": "2026-03-05", "channel": ""}
    assert hiring.post(f"{url}new", body | {"reason_code": ""}).status_code == 302
    with hiring.app.app_context():
        applicant_id = db.session.scalar(select(Applicant.id))
    race(
        hiring,
        f"{url}{applicant_id}",
        "status",
        "permanent_resident",
        "foreign",
        "Status in Canada",
        lambda: _read(hiring.app, Applicant, applicant_id, "status"),
        shown="Permanent resident",
    )


def test_applicant_redacted_field_says_only_changed(hiring):
    url = f"{hiring.position_url}applicants/"
    body = {"name": "Ivan", "status": "citizen", "applied_on": "2026-03-05", "channel": ""}
    assert hiring.post(f"{url}new", body | {"reason_code": ""}).status_code == 302
    with hiring.app.app_context():
        applicant_id = db.session.scalar(select(Applicant.id))
    race(
        hiring,
        f"{url}{applicant_id}",
        "name",
        "Ivan Secret-Surname",
        "Ivan P.",
        "Name",
        lambda: _read(hiring.app, Applicant, applicant_id, "name"),
        shown="changed",
    )


def test_offer(hiring):
    worker_id, worker_url = hiring.add_worker()
    race(
        hiring,
        f"{worker_url}offer",
        "schedule",
        "Tuesday to Saturday",
        "Monday to Friday",
        "Schedule",
        lambda: _read(hiring.app, Worker, worker_id, "offer")["schedule"],
    )


def test_offer_wage_nested_term(hiring):
    worker_id, worker_url = hiring.add_worker()
    race(
        hiring,
        f"{worker_url}offer",
        "wage_amount",
        "19.25",
        "20.00",
        "Wage",
        lambda: f"{_read(hiring.app, Worker, worker_id, 'offer')['wage']['amount']:.2f}",
        shown="19.25",
    )


def test_worker_road(hiring):
    worker_id, _ = hiring.add_worker()
    url = f"{hiring.position_url}road/workers/{worker_id}/edit"

    def saved():
        with hiring.app.app_context():
            road = db.session.scalar(select(WorkerRoad).filter_by(worker_id=worker_id))
            return str(road.permit_applied_on) if road else None

    # The first save creates the road row: the staff member's form said "no row yet".
    race(
        hiring,
        url,
        "permit_applied_on",
        "2026-04-01",
        "2026-04-02",
        "Work-permit application filed on",
        saved,
        shown="Apr 1, 2026",
    )


def test_employer_profile(hiring):
    employer_id = hiring.shop.employer_id
    url = f"/employers/{employer_id}/profile"
    owner = hiring.shop.client("owner")
    first_tab = form_values(text_of(owner.get(url)))
    second_tab = form_values(text_of(owner.get(url)))
    assert "version" in second_tab
    assert hiring.post(url, first_tab | {"city": "Ottawa"}, form_page=url).status_code == 302
    refused = hiring.post(url, second_tab | {"city": "Kingston"}, form_page=url)
    assert refused.status_code == 409
    conflict = text_of(refused).split('id="edit-conflict"', 1)[1].split("</section>", 1)[0]
    assert "Olive Owner" in conflict and "Ottawa" in conflict
    refilled = form_values(text_of(refused))
    assert refilled["city"] == "Kingston"
    assert _read(hiring.app, Employer, employer_id, "city") == "Ottawa"
    OUTCOMES["refused"] += 1
    assert hiring.post(url, refilled, form_page=url).status_code == 302
    assert _read(hiring.app, Employer, employer_id, "city") == "Kingston"
    OUTCOMES["scenarios"] += 1


def test_third_party(hiring):
    shop = hiring.shop
    party_id = add_third_party(hiring.app, shop.employer_id, shop.users["owner"].id)
    race(
        hiring,
        f"/employers/{shop.employer_id}/third-parties/{party_id}/edit",
        "licence_number",
        "RL-1111",
        "RL-2222",
        "Provincial recruiter licence number",
        lambda: _read(hiring.app, ThirdParty, party_id, "licence_number"),
    )


def test_what_changed_nets_out_a_change_undone_and_names_redacted_fields_only(hiring):
    url = f"{hiring.position_url}edit"
    with hiring.app.app_context():
        seen = str(db.session.get(Position, hiring.position_id).version)
    body = form_values(text_of(hiring.get(url)))
    original = body["title"]
    for title in ("Changed", original):  # changed and changed back: not listed
        body = form_values(text_of(hiring.get(url)))
        assert hiring.post(url, body | {"title": title}, form_page=url).status_code == 302
    body = form_values(text_of(hiring.get(url)))
    assert hiring.post(url, body | {"duties": "New duties."}, form_page=url).status_code == 302
    with hiring.app.app_context():
        position = db.session.get(Position, hiring.position_id)
        assert is_stale(position, seen) and not is_stale(position, str(position.version))
        conflict = conflict_of(db.session, position, seen)
        assert conflict.field_names == ["duties"] and conflict.who == ["Olive Owner"]
        assert conflict_of(db.session, position, str(position.version)).fields == []


def _save_at_once(clients, url, bodies, tokens, value_of) -> dict:
    """Both people press Save at the same instant; their answers (status, value) by person."""
    barrier = threading.Barrier(len(clients))
    answers = {}

    def save(who):
        data = bodies[who] | {"schedule": value_of(who), "csrf_token": tokens[who]}
        barrier.wait()
        answers[who] = (clients[who].post(url, data=data).status_code, value_of(who))

    threads = [threading.Thread(target=save, args=(who,)) for who in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite serialises writers: no true race")
def test_two_writers_at_once_on_postgresql(hiring):
    worker_id, worker_url = hiring.add_worker()
    url = f"{worker_url}offer"
    clients = {who: hiring.shop.client(who) for who in ("owner", "staff")}
    for round_number in range(5):
        bodies = {who: form_values(text_of(hiring.get(url, who=who))) for who in clients}
        tokens = {who: _token(hiring, who, url) for who in clients}
        answers = _save_at_once(
            clients, url, bodies, tokens, lambda who, n=round_number: f"{who} round {n}"
        )
        codes = sorted(code for code, _ in answers.values())
        assert codes == [302, 409], answers
        (winner,) = [value for code, value in answers.values() if code == 302]
        assert _read(hiring.app, Worker, worker_id, "offer")["schedule"] == winner
        OUTCOMES["refused"] += 1
        OUTCOMES["scenarios"] += 1


def _token(hiring, who, url):
    page = text_of(hiring.get(url, who=who))
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


APPLICANT = {"name": "Dana Double", "status": "citizen", "applied_on": "2026-03-05"}
PAYMENT = {
    "paid_on": "2026-10-01",
    "payer": "employer",
    "payee": "recruiter",
    "amount": "300.00",
    "purpose": "recruitment_fee",
    "via": "transfer",
}
# The main create forms: (name, URL under the position or the employer, body, model).
CREATE_FORMS = [
    ("applicant", "{position}applicants/new", APPLICANT, Applicant),
    ("recruitment activity", "{position}activities/new", ACTIVITY_FORM, RecruitmentActivity),
    ("worker", "{position}workers/new", WORKER_FORM, Worker),
    (
        "third party",
        "{employer}/third-parties/new",
        {"name": "Twice Ltd", "role": "recruiter"},
        ThirdParty,
    ),
    ("payment", "{position}money/payments/new", PAYMENT, Payment),
]


@pytest.mark.parametrize("name,url,fields,model", CREATE_FORMS, ids=[f[0] for f in CREATE_FORMS])
def test_a_double_submitted_create_form_makes_one_record(hiring, name, url, fields, model):
    url = url.format(position=hiring.position_url, employer=f"/employers/{hiring.shop.employer_id}")
    before = _count(hiring.app, model)
    body = form_values(text_of(hiring.get(url))) | fields
    assert body.get("submission"), f"the {name} form carries no submission key"
    first = hiring.post(url, body, form_page=url)
    second = hiring.post(url, body, form_page=url)
    assert (first.status_code, second.status_code) == (302, 302), text_of(first)
    assert _count(hiring.app, model) == before + 1, f"{name}: the double submit made two"
    # A fresh showing of the form is a new key: the next record is saved.
    body = form_values(text_of(hiring.get(url))) | fields
    assert hiring.post(url, body, form_page=url).status_code == 302
    assert _count(hiring.app, model) == before + 2
    OUTCOMES["double submits"] += 1


def test_a_refused_create_does_not_use_up_its_key(hiring):
    url = f"{hiring.position_url}applicants/new"
    body = form_values(text_of(hiring.get(url))) | APPLICANT
    assert hiring.post(url, body | {"name": ""}, form_page=url).status_code == 422
    assert hiring.post(url, body, form_page=url).status_code == 302
    assert _count(hiring.app, Applicant) == 1


def test_claims_are_atomic_and_forgotten_after_a_day(app):
    """Eight posts of one form at the same moment, each in its own transaction on its own
    connection (as processes behind a load balancer): one claims it."""
    with app.app_context():
        engine = db.engine
    key = "k" * 32
    results = []
    barrier = threading.Barrier(8)

    def claim(owner="7", key=key, now=None):
        with engine.begin() as connection:
            return claim_submission(connection, owner, key, now)

    def post():
        barrier.wait()
        results.append(claim())

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert claim(owner="8"), "another person's key is their own"
    assert claim(key=None) and claim(key="../../etc/passwd")
    with engine.begin() as connection:
        assert prune_submission_claims(connection, datetime.now(UTC) + timedelta(hours=23)) == 0
        assert prune_submission_claims(connection, datetime.now(UTC) + timedelta(days=2)) == 2
    assert claim()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_figure(figure):
    """Last in the module: the figure of the scenarios above, with its floor."""
    backend = "PostgreSQL" if POSTGRES_URL else "SQLite"
    assert OUTCOMES["scenarios"] >= 10 + (5 if POSTGRES_URL else 0), OUTCOMES
    assert OUTCOMES["refused"] == OUTCOMES["scenarios"]
    assert OUTCOMES["double submits"] >= len(CREATE_FORMS)
    figure(
        "lost updates",
        f"{OUTCOMES['scenarios']} scenarios ({backend}), 0 lost updates, 0 duplicate creates",
    )
