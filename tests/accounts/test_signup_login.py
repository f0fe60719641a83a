"""Sign-up and sign-in: clear, field-level refusals that save nothing."""

from sqlalchemy import func

from portal.models import AuditEvent, User, UserSession
from tests.accounts._support import count, field_error, login, outbox, rows, signup
from tests.factories import PASSWORD


def test_signup_with_taken_email_answers_as_for_a_new_one_and_tells_the_owner(client, make, app):
    make.user(email="ana@example.com")

    response = signup(client, "ANA@Example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/check-email?about=signup"
    assert count(app, User, func.lower(User.email) == "ana@example.com") == 1
    assert count(app, UserSession) == 0
    (message,) = outbox(app, "ana@example.com")
    assert message.subject == "Someone tried to create an LMIA Portal account with your email"
    assert "/account/reset" in message.body


def test_signup_with_invalid_email_is_422_and_saves_nothing(client, app):
    response = signup(client, "not-an-email")

    assert response.status_code == 422
    assert field_error(response, "email") == "Email: Enter a valid email address."
    assert count(app, User) == 0


def test_signup_with_11_character_password_is_refused(client, app):
    response = signup(client, "ana@example.com", password="x" * 6 + "y" * 5)

    assert response.status_code == 422
    assert field_error(response, "password") == "Password: Use at least 12 characters."
    assert count(app, User) == 0


def test_signup_with_12_character_password_is_accepted(client, app):
    response = signup(client, "ana@example.com", password="kx9-vv2-pq7z")

    assert response.status_code == 302
    assert count(app, User) == 1


def test_signup_with_common_password_is_refused(client, app):
    response = signup(client, "ana@example.com", password="password1234")

    assert response.status_code == 422
    assert "too common" in field_error(response, "password")
    assert count(app, User) == 0


def test_signup_with_mismatched_confirmation_is_refused(client, app):
    response = signup(client, "ana@example.com", confirm="a long enough passphrasE")

    assert response.status_code == 422
    assert field_error(response, "confirm") == "Repeat the password: The two passwords differ."
    assert count(app, User) == 0


def test_signup_creates_one_unconfirmed_user_and_no_session(client, app):
    response = signup(client, "Ana@Example.com")

    assert response.status_code == 302
    (user,) = rows(app, User, User.email == "ana@example.com")
    assert user.email_confirmed_at is None
    assert count(app, UserSession) == 0
    assert "Hello, Ana Lima" not in client.get("/").get_data(as_text=True)
    (message,) = outbox(app, "ana@example.com")
    assert message.subject == "Confirm your LMIA Portal account"


def test_wrong_password_is_401_with_message_and_no_session(client, make, app):
    user = make.user()

    response = login(client, user.email, PASSWORD + "!")

    assert response.status_code == 401
    assert field_error(response, "password") == "Password: The email or the password is not right."
    assert count(app, UserSession) == 0
    assert count(app, AuditEvent, AuditEvent.action == "user.login_failed") == 1
    assert client.get("/account/").status_code == 302  # still signed out


def test_unknown_email_gets_the_same_401_as_a_wrong_password(client, make, app):
    make.user(email="known@example.com")

    unknown = login(client, "nobody@example.com", PASSWORD)
    wrong = login(client, "known@example.com", "not the password at all")

    assert unknown.status_code == wrong.status_code == 401
    assert field_error(unknown, "password") == field_error(wrong, "password")
    assert count(app, UserSession) == 0


def test_login_with_invalid_email_is_422(client, app):
    response = login(client, "nobody", PASSWORD)

    assert response.status_code == 422
    assert field_error(response, "email") == "Email: Enter a valid email address."
    assert count(app, UserSession) == 0


def test_right_password_signs_in_with_a_session_row(client, make, app):
    user = make.user()

    response = login(client, user.email.upper(), PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert count(app, UserSession, UserSession.user_id == user.id) == 1
    assert client.get("/account/").status_code == 200


def test_login_next_parameter_cannot_redirect_off_site(client, make):
    user = make.user()

    response = login(client, user.email, PASSWORD, query_string={"next": "//evil.example/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
