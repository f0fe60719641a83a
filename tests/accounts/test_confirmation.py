"""Issue 7, S4 and S6: a sign-up is confirmed by a link mailed to its address before it can
sign in; an unconfirmed account never reads the mail kept for the address (an invitation)."""

from datetime import timedelta

from portal.auth import services
from portal.models import Membership, OutboxMessage, Role, User, UserSession
from tests.accounts._support import (
    SIGNUP_PASSWORD,
    confirm_signup,
    count,
    field_error,
    invite,
    kept_mail_link,
    last_link,
    login,
    outbox,
    page_text,
    post_form,
    rows,
    signup,
)
from tests.factories import PASSWORD

ANA = "ana@example.com"
INVITEE = "new-lawyer@firm.example"


def test_the_confirmation_link_with_the_password_confirms_and_signs_in(app, client):
    signup(client, ANA)
    assert login(app.test_client(), ANA, SIGNUP_PASSWORD).status_code == 403
    path = kept_mail_link(app, ANA, "/account/confirm/")

    page = client.get(path)
    response = confirm_signup(app, client, ANA)

    assert page.status_code == 200
    assert ANA in page_text(page)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Ana Lima" in page_text(client.get("/"))
    (user,) = rows(app, User)
    assert user.email_confirmed_at is not None
    assert login(app.test_client(), ANA, SIGNUP_PASSWORD).status_code == 302
    # Used: the link does not work twice.
    assert app.test_client().get(path).status_code == 400


def test_the_link_with_a_wrong_password_confirms_nothing(app, client):
    signup(client, ANA)
    path = kept_mail_link(app, ANA, "/account/confirm/")

    response = post_form(client, path, {"password": "not what was chosen"})

    assert response.status_code == 401
    assert "not the password you chose" in field_error(response, "password")
    assert rows(app, User)[0].email_confirmed_at is None
    assert count(app, UserSession) == 0


def test_an_unconfirmed_account_cannot_sign_in_and_gets_a_new_link(app, client):
    signup(client, ANA)

    response = post_form(
        client, "/account/login", {"email": ANA, "password": SIGNUP_PASSWORD}, buffered=True
    )

    assert response.status_code == 403
    assert "Confirm your email address first" in page_text(response)
    assert count(app, UserSession) == 0
    assert count(app, OutboxMessage, OutboxMessage.recipient == ANA) == 2
    # A wrong password gets the ordinary answer: nothing says the account is unconfirmed.
    wrong = login(app.test_client(), ANA, "not the password at all")
    assert wrong.status_code == 401
    assert "Confirm" not in page_text(wrong)


def test_an_expired_confirmation_link_says_so(app, client, monkeypatch):
    signup(client, ANA)
    path = kept_mail_link(app, ANA, "/account/confirm/")
    monkeypatch.setattr(services, "CONFIRMATION_MAX_AGE", timedelta(seconds=-1))

    response = client.get(path)

    assert response.status_code == 400
    assert "expired" in page_text(response)


def test_a_reset_link_also_confirms_the_address(app, client):
    signup(client, ANA)
    post_form(client, "/account/reset", {"email": ANA}, buffered=True)
    path = last_link(app, ANA, "/account/reset/")
    new_password = "a different long passphrase"

    response = post_form(client, path, {"password": new_password, "confirm": new_password})

    assert response.status_code == 302
    assert login(app.test_client(), ANA, new_password).status_code == 302


def test_a_second_signup_for_a_pending_account_mails_the_owner_its_links(app, client):
    signup(client, ANA)
    signup(app.test_client(), ANA, password="someone else's passphrase")

    first, second = outbox(app, ANA)
    assert first.subject == "Confirm your LMIA Portal account"
    assert second.subject.startswith("Someone tried to create")
    assert "/account/confirm/" in second.body and "/account/reset" in second.body
    # The second sign-up changed nothing: the first password still confirms.
    assert confirm_signup(app, client, ANA).status_code == 302


def _invitation_for(app, make, email=INVITEE, role=Role.REPRESENTATIVE):
    owner = make.user(full_name="Sofia Marchetti")
    employer = make.employer(owner, operating_name="Maple Leaf Bistro")
    assert invite(make.signed_in_client(owner), employer.id, email, role).status_code == 302
    return employer


def test_signing_up_with_an_invitees_address_does_not_reveal_the_invitation(app, make, client):
    """Before issue 7, this sign-up signed in at once and the outbox showed the invitation."""
    _invitation_for(app, make)

    response = signup(client, INVITEE, password="the squatter's passphrase")
    outbox_page = client.get("/outbox/")

    assert response.status_code == 302
    assert "/invitations/" not in page_text(client.get(response.headers["Location"]))
    assert outbox_page.status_code == 302  # not signed in: to the sign-in page
    assert login(app.test_client(), INVITEE, "the squatter's passphrase").status_code == 403


def test_the_outbox_shows_nothing_to_an_unconfirmed_account(app, make):
    _invitation_for(app, make)
    signup(app.test_client(), INVITEE, password="the squatter's passphrase")
    (squatter,) = rows(app, User, User.email == INVITEE)
    # Even with a session (however obtained), an unconfirmed address reads no kept mail.
    page = make.signed_in_client(squatter).get("/outbox/")

    assert page.status_code == 200
    assert "/invitations/" not in page.get_data(as_text=True)
    assert "not confirmed" in page_text(page)
    # ... nor sees the invitation on the home page.
    home = make.signed_in_client(squatter).get("/")
    assert "Maple Leaf Bistro" not in page_text(home)


def test_the_invitee_takes_back_an_address_someone_signed_up_with(app, make):
    _invitation_for(app, make, role=Role.STAFF)
    invitation_path = last_link(app, INVITEE, "/invitations/")
    signup(app.test_client(), INVITEE, password="the squatter's passphrase")
    invitee = app.test_client()

    page = invitee.get(invitation_path)
    response = post_form(
        invitee,
        invitation_path,
        {"full_name": "Priya Raman", "password": PASSWORD, "confirm": PASSWORD},
    )

    assert "Create your account" in page_text(page)
    assert response.status_code == 302
    assert login(app.test_client(), INVITEE, "the squatter's passphrase").status_code == 401
    assert login(app.test_client(), INVITEE, PASSWORD).status_code == 302
    (user,) = rows(app, User, User.email == INVITEE)
    assert user.full_name == "Priya Raman"
    assert user.email_confirmed_at is not None
    assert count(app, Membership, Membership.user_id == user.id) == 1


def test_development_mode_says_on_every_page_that_mail_is_not_private(app, client, make):
    for page in (client.get("/account/login"), make.signed_in_client(make.user()).get("/")):
        assert "Development mode: mail is not private here." in page_text(page)
