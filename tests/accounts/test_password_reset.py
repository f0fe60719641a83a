"""Password reset: outbox delivery, single use, expiry, no account enumeration."""

from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from portal.models import OutboxMessage, User, UserSession
from tests.accounts._support import (
    NEW_PASSWORD,
    count,
    field_error,
    last_link,
    login,
    outbox,
    page_text,
    post_form,
    rows,
)
from tests.factories import PASSWORD


def _request_reset(client, email):
    # buffered: closed as a server closes it, which runs the look-up and mail after the answer.
    return post_form(client, "/account/reset", {"email": email}, buffered=True)


def _set_password(client, path, password=NEW_PASSWORD, confirm=None, token_from=None):
    data = {"password": password, "confirm": confirm or password}
    return post_form(client, path, data, token_from=token_from)


def test_full_reset_flow_through_the_outbox(client, make, app):
    user = make.user()
    signed_in_elsewhere = make.signed_in_client(user)

    response = _request_reset(client, user.email)

    assert response.status_code == 302
    (message,) = outbox(app)
    assert message.recipient == user.email
    assert message.subject == "Reset your LMIA Portal password"
    path = last_link(app, user.email, "/account/reset/")

    assert client.get(path).status_code == 200
    response = _set_password(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"

    assert login(app.test_client(), user.email, PASSWORD).status_code == 401
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    # Every session that existed before the reset is over.
    assert signed_in_elsewhere.get("/account/").status_code == 302
    assert rows(app, User)[0].password_changed_at > user.password_changed_at


def test_reset_link_works_only_once(client, make, app):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")
    assert _set_password(client, path).status_code == 302

    reopened = client.get(path)
    reused = _set_password(
        app.test_client(), path, "yet another long passphrase", token_from="/account/reset"
    )

    assert reopened.status_code == 400
    assert "not valid or was already used" in page_text(reopened)
    assert reused.status_code == 400
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_dies_when_the_password_is_changed_on_the_account_page(client, make, app):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")
    signed_in = make.signed_in_client(user)
    response = post_form(
        signed_in,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        token_from="/account/",
    )
    assert response.status_code == 302

    assert client.get(path).status_code == 400


def test_expired_reset_link_says_expired(client, make, app):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)

    response = client.get(path)
    post = _set_password(client, path, token_from="/account/reset")

    assert response.status_code == 400
    assert "This reset link has expired." in page_text(response)
    assert post.status_code == 400
    assert "This reset link has expired." in page_text(post)
    assert login(app.test_client(), user.email, PASSWORD).status_code == 302


def test_reset_link_expires_after_one_hour(client, make, app, monkeypatch):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")
    issued = TimestampSigner.get_timestamp

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 3600 - 5)
    assert client.get(path).status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 3600 + 5)
    response = client.get(path)

    assert response.status_code == 400
    assert "expired" in page_text(response)


@pytest.mark.parametrize("tamper", ["flip", "truncate", "garbage"])
def test_tampered_reset_link_is_400(client, make, app, tamper):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")
    token = path.rsplit("/", 1)[1]
    bad = {
        "flip": token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:],
        "truncate": token[:-6],
        "garbage": "not-a-token",
    }[tamper]

    response = client.get(f"/account/reset/{bad}")

    assert response.status_code == 400
    assert "not valid or was already used" in page_text(response)


def test_reset_link_for_a_deactivated_user_is_400(client, make, app):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")
    from portal.extensions import db

    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()

    assert client.get(path).status_code == 400


def test_new_password_is_checked_by_the_policy(client, make, app):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")

    short = _set_password(client, path, password="short pass!")
    differ = _set_password(client, path, confirm=NEW_PASSWORD + "x")

    assert short.status_code == 422
    assert field_error(short, "password") == "New password: Use at least 12 characters."
    assert differ.status_code == 422
    assert field_error(differ, "confirm") == "Repeat the password: The two passwords differ."
    assert login(app.test_client(), user.email, PASSWORD).status_code == 302
    # The link still works after a refused attempt.
    assert client.get(path).status_code == 200


def test_unknown_email_gets_the_same_answer_and_no_mail(make, app):
    user = make.user()
    known_client, unknown_client = app.test_client(), app.test_client()

    known = _request_reset(known_client, user.email)
    unknown = _request_reset(unknown_client, "nobody@example.com")

    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    known_page = page_text(known_client.get(known.headers["Location"]))
    unknown_page = page_text(unknown_client.get(unknown.headers["Location"]))
    assert "If an account uses that email, we sent it a link" in unknown_page
    assert known_page == unknown_page
    assert count(app, OutboxMessage) == 1
    assert count(app, OutboxMessage, OutboxMessage.recipient == "nobody@example.com") == 0


def test_reset_request_with_invalid_email_is_422(client, app):
    response = _request_reset(client, "nobody")

    assert response.status_code == 422
    assert field_error(response, "email") == "Email: Enter a valid email address."
    assert count(app, OutboxMessage) == 0


def test_reset_does_not_start_a_session(client, make, app):
    user = make.user()
    _request_reset(client, user.email)
    path = last_link(app, user.email, "/account/reset/")

    _set_password(client, path)

    assert count(app, UserSession, UserSession.ended_at.is_(None)) == 0
