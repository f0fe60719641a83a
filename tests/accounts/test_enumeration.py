"""Issue 7, S4: sign-up and password reset answer the same way for a taken and a free address.

Same status, body and headers, and the same work inside the request: the SQL it runs and the
mail it sends. The look-up and the mail happen after the response (a server closes the response,
which runs them; these tests close it themselves, after measuring the request).
"""

import base64
import json
import zlib
from contextlib import contextmanager

import pytest
from sqlalchemy import event

import portal.mail.services
from portal.extensions import db
from portal.models import User
from tests.accounts._support import SIGNUP_PASSWORD, count, form_token, outbox

TAKEN = "ana@example.com"
FREE = "nobody-yet@example.com"


@contextmanager
def _work_inside(app, monkeypatch):
    """Count the SQL statements run and the mails sent while the block runs."""
    seen = {"sql": [], "mail": 0}
    real_send = portal.mail.services.send_mail

    def counting_send(*args, **kwargs):
        seen["mail"] += 1
        return real_send(*args, **kwargs)

    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        seen["sql"].append(statement.split()[0])

    monkeypatch.setattr(portal.mail.services, "send_mail", counting_send)
    for module in ("portal.auth.services", "portal.auth.views"):
        if hasattr(__import__(module, fromlist=["x"]), "send_mail"):
            monkeypatch.setattr(f"{module}.send_mail", counting_send)
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _answer(app, monkeypatch, url, data):
    """POST from a new browser; return (response, body, work done inside the request). The
    response is closed afterwards, as a server does, so the work after it runs."""
    client = app.test_client()
    token = form_token(client, url)
    with _work_inside(app, monkeypatch) as seen:
        response = client.post(url, data={**data, "csrf_token": token})
        # The answer is made; the work after it runs once its last byte is read (written).
        inside = {"sql": list(seen["sql"]), "mail": seen["mail"]}
    body = response.get_data()
    response.close()
    return response, body, inside


def _comparable(headers) -> list[tuple[str, str]]:
    """Headers, with the session cookie reduced to its name, attributes and content minus the
    browser's own CSRF token: its signature carries the second it was signed at, and the token
    is random per browser; neither is about the address."""
    out = []
    for name, value in headers.items():
        if name == "Set-Cookie":
            cookie, _, attributes = value.partition(";")
            cookie_name, _, signed = cookie.partition("=")
            compressed = signed.startswith(".")  # itsdangerous zlib-compresses long sessions
            payload = signed.lstrip(".").split(".")[0]
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            content = json.loads(zlib.decompress(raw) if compressed else raw)
            content["csrf_token"] = "(this browser's)"
            value = f"{cookie_name}={json.dumps(content, sort_keys=True)};{attributes}"
        out.append((name, value))
    return sorted(out)


def _same_answer(first, second):
    (one, one_body, _), (two, two_body, _) = first, second
    assert one.status_code == two.status_code
    assert one_body == two_body
    assert _comparable(one.headers) == _comparable(two.headers)


def _signup_data(email):
    return {
        "full_name": "Ana Lima",
        "email": email,
        "password": SIGNUP_PASSWORD,
        "confirm": SIGNUP_PASSWORD,
    }


def test_signup_answers_a_taken_and_a_free_address_alike(app, make, monkeypatch):
    make.user(email=TAKEN, name="Ana Owner")

    taken = _answer(app, monkeypatch, "/account/signup", _signup_data(TAKEN))
    free = _answer(app, monkeypatch, "/account/signup", _signup_data(FREE))

    _same_answer(taken, free)
    assert taken[0].status_code == 302
    assert taken[0].headers["Location"] == "/account/check-email?about=signup"


def test_signup_does_the_same_work_inside_the_request_for_both(app, make, monkeypatch):
    make.user(email=TAKEN, name="Ana Owner")

    *_, taken_work = _answer(app, monkeypatch, "/account/signup", _signup_data(TAKEN))
    *_, free_work = _answer(app, monkeypatch, "/account/signup", _signup_data(FREE))

    assert taken_work["sql"] == free_work["sql"]
    assert taken_work["mail"] == free_work["mail"] == 0


def test_signup_mail_goes_out_after_the_response_for_both(app, make, monkeypatch):
    make.user(email=TAKEN, name="Ana Owner")

    _answer(app, monkeypatch, "/account/signup", _signup_data(TAKEN))
    _answer(app, monkeypatch, "/account/signup", _signup_data(FREE))

    (notice,) = outbox(app, TAKEN)
    assert notice.subject == "Someone tried to create an LMIA Portal account with your email"
    assert "Hello Ana Owner," in notice.body
    assert "/account/reset" in notice.body and "/account/login" in notice.body
    (confirmation,) = outbox(app, FREE)
    assert confirmation.subject == "Confirm your LMIA Portal account"
    assert "/account/confirm/" in confirmation.body
    # The taken address keeps its one account; the free one has a pending account.
    assert count(app, User, User.email == TAKEN) == 1
    assert count(app, User, User.email == FREE, User.email_confirmed_at.is_(None)) == 1


def test_reset_answers_a_known_and_an_unknown_address_alike(app, make, monkeypatch):
    make.user(email=TAKEN)

    known = _answer(app, monkeypatch, "/account/reset", {"email": TAKEN})
    unknown = _answer(app, monkeypatch, "/account/reset", {"email": FREE})

    _same_answer(known, unknown)
    assert known[0].status_code == 302
    assert known[0].headers["Location"] == "/account/check-email?about=reset"


def test_reset_does_the_same_work_inside_the_request_for_both(app, make, monkeypatch):
    make.user(email=TAKEN)

    *_, known_work = _answer(app, monkeypatch, "/account/reset", {"email": TAKEN})
    *_, unknown_work = _answer(app, monkeypatch, "/account/reset", {"email": FREE})

    assert known_work["sql"] == unknown_work["sql"]
    assert known_work["mail"] == unknown_work["mail"] == 0
    # ... and after the response, only the real account gets its link.
    (message,) = outbox(app)
    assert message.recipient == TAKEN


@pytest.mark.parametrize("about", ["signup", "reset", "unlock", "anything-else", ""])
def test_the_check_your_email_page_names_no_address(client, about):
    response = client.get("/account/check-email", query_string={"about": about})

    assert response.status_code == 200
    assert b"@" not in response.get_data().split(b"<main", 1)[1].split(b"</main>", 1)[0]


def test_signup_throttle_answers_alike_too(app, make, monkeypatch):
    """The per-IP sign-up throttle counts every attempt, taken address or not."""
    make.user(email=TAKEN)
    client = app.test_client()
    token = form_token(client, "/account/signup")
    statuses = []
    for n in range(21):
        email = TAKEN if n % 2 else f"new{n}@example.com"
        data = {**_signup_data(email), "csrf_token": token}
        statuses.append(client.post("/account/signup", data=data, buffered=True).status_code)

    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429


def test_work_after_the_response_is_audited_with_the_requesters_address(app, make):
    from portal.models import AuditEvent
    from tests.accounts._support import post_form, rows

    user = make.user(email=TAKEN)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.5"

    post_form(client, "/account/reset", {"email": TAKEN}, buffered=True)

    (event,) = rows(app, AuditEvent, AuditEvent.action == "user.reset_requested")
    assert (event.entity_id, event.ip_address) == (user.id, "203.0.113.5")
