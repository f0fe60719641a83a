"""The second sign-in step as a person does it through the test client: after the password,
set up two-factor (reading the key the page shows) or type the code, computed with pyotp.

A code works once per 30-second step (``User.totp_last_step``). Two sign-ins of one account
within one step therefore use the code of the *next* step, which the server accepts (one step
either side, for clock drift); a third waits for the step to turn. ``next_code`` does that."""

import html
import re
import time

import pyotp
from sqlalchemy import select

from portal.auth import two_factor
from portal.extensions import db
from portal.models import User
from tests.helpers import form_token

_SECRET = re.compile(r'id="two-factor-secret"[^>]*>([^<]+)<')


def code_for(secret: str, last_step: int | None) -> str:
    """A code the server will accept now: its step is later than ``last_step`` and within one
    step of now (waiting for the clock if needed)."""
    now_step = two_factor.current_step()
    step = now_step if last_step is None else max(now_step, last_step + 1)
    while step > two_factor.current_step() + two_factor.VALID_WINDOW:
        time.sleep(0.2)
    return pyotp.TOTP(secret).generate_otp(step)


def next_code(app, email: str) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email.lower()))
        return code_for(user.totp_secret, user.totp_last_step)


def shown_secret(page_html: str) -> str:
    match = _SECRET.search(page_html)
    assert match, "no two-factor key shown on the page"
    return "".join(html.unescape(match.group(1)).split())


def enrol(client, app, email: str):
    """On the enrolment page: show the key, type the code from it. Returns the response (the
    recovery codes page)."""
    token = form_token(client, "/account/two-factor/enrol")
    response = client.post("/account/two-factor/enrol/start", data={"csrf_token": token})
    assert response.status_code == 303, response.status_code
    page = client.get("/account/two-factor/enrol").get_data(as_text=True)
    secret = shown_secret(page)
    token = form_token(client, "/account/two-factor/enrol")
    response = client.post(
        "/account/two-factor/enrol",
        data={"code": code_for(secret, None), "csrf_token": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def enter_code(client, app, email: str, code: str | None = None):
    token = form_token(client, "/account/two-factor/code")
    return client.post(
        "/account/two-factor/code",
        data={"code": code or next_code(app, email), "csrf_token": token},
        buffered=True,  # closed as a server closes it: the mail sent after answering goes
    )


def second_step(client, app, email: str) -> None:
    """Whatever the account needs after the password: enrolment, a code, or nothing."""
    response = client.get("/account/")
    if response.status_code != 303:
        return
    location = response.headers["Location"]
    if "/account/two-factor/enrol" in location:
        enrol(client, app, email)
    elif "/account/two-factor/code" in location:
        assert enter_code(client, app, email).status_code == 303
    else:
        raise AssertionError(f"unexpected redirect to {location}")
    assert client.get("/account/").status_code == 200
