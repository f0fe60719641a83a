"""Invitations: signed, expiring, single-use links that grant a membership."""

import re
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import update

from portal.extensions import db
from portal.models import Invitation, Membership, Role, User, utcnow
from tests.accounts._support import (
    count,
    field_error,
    form_token,
    invite,
    last_link,
    login,
    page_text,
    post_form,
    post_with_token,
    rows,
)
from tests.factories import PASSWORD

INVITEE = "invitee@example.com"
NEW_ACCOUNT = {
    "full_name": "Priya Raman",
    "password": "a long enough passphrase",
    "confirm": "a long enough passphrase",
}


@pytest.fixture
def owner(make):
    return make.user(full_name="Sofia Marchetti")


@pytest.fixture
def employer(make, owner):
    return make.employer(owner, operating_name="Maple Leaf Bistro")


@pytest.fixture
def owner_client(make, owner):
    return make.signed_in_client(owner)


def _invite(app, owner_client, employer, role, email=INVITEE) -> str:
    response = invite(owner_client, employer.id, email, role)
    assert response.status_code == 302, page_text(response)
    return last_link(app, email, "/invitations/")


def _memberships_of(app, email):
    return rows(app, Membership, Membership.user.has(User.email == email))


def test_staff_invitation_creates_account_and_membership(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    client = app.test_client()

    page = client.get(path)
    assert page.status_code == 200
    assert "Sofia Marchetti invites invitee@example.com to Maple Leaf Bistro" in page_text(page)
    response = post_form(client, path, NEW_ACCOUNT)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/employers/{employer.id}/"
    (membership,) = _memberships_of(app, INVITEE)
    assert (membership.employer_id, membership.role) == (employer.id, Role.STAFF)
    (invitation,) = rows(app, Invitation)
    assert invitation.accepted_at is not None
    assert invitation.accepted_by_id == membership.user_id
    assert client.get(f"/employers/{employer.id}/").status_code == 200
    assert login(app.test_client(), INVITEE, NEW_ACCOUNT["password"]).status_code == 302


def test_existing_user_signs_in_first_then_accepts(app, make, owner_client, employer):
    make.user(email=INVITEE)
    path = _invite(app, owner_client, employer, Role.VIEWER)
    client = app.test_client()

    page = client.get(path)
    assert page.status_code == 200
    assert "Sign in to accept" in page_text(page)
    assert count(app, Membership, Membership.role == Role.VIEWER) == 0

    response = login(client, INVITEE, PASSWORD, query_string={"next": path})
    assert response.status_code == 302
    assert response.headers["Location"] == path
    assert client.get(path).status_code == 200
    response = post_form(client, path, {})

    assert response.status_code == 302
    (membership,) = _memberships_of(app, INVITEE)
    assert membership.role == Role.VIEWER
    assert count(app, User, User.email == INVITEE) == 1


def test_representative_with_cicc_number_is_accepted(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.REPRESENTATIVE)
    client = app.test_client()

    response = post_form(client, path, {**NEW_ACCOUNT, "cicc_number": "r712345"})

    assert response.status_code == 302
    (membership,) = _memberships_of(app, INVITEE)
    assert (membership.role, membership.cicc_number) == (Role.REPRESENTATIVE, "R712345")


def test_representative_with_law_society_is_accepted(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.REPRESENTATIVE)
    client = app.test_client()

    response = post_form(
        client,
        path,
        {
            **NEW_ACCOUNT,
            "law_society": "Law Society of Ontario",
            "law_society_number": " LSO-81234 ",
        },
    )

    assert response.status_code == 302
    (membership,) = _memberships_of(app, INVITEE)
    assert (membership.law_society, membership.law_society_number) == (
        "Law Society of Ontario",
        "LSO-81234",
    )
    assert membership.cicc_number is None


def test_representative_without_licence_is_422_on_the_cicc_field(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.REPRESENTATIVE)
    client = app.test_client()

    response = post_form(client, path, NEW_ACCOUNT)

    assert response.status_code == 422
    error = field_error(response, "cicc_number")
    assert error.startswith("CICC licence number:")
    assert "Enter your CICC licence number, or choose your law society" in error
    assert count(app, User, User.email == INVITEE) == 0
    assert _memberships_of(app, INVITEE) == []
    assert rows(app, Invitation)[0].accepted_at is None


@pytest.mark.parametrize("cicc", ["712345", "R71234", "X712345", "R7123456"])
def test_representative_with_invalid_cicc_number_is_422(app, owner_client, employer, cicc):
    path = _invite(app, owner_client, employer, Role.REPRESENTATIVE)
    client = app.test_client()

    response = post_form(client, path, {**NEW_ACCOUNT, "cicc_number": cicc})

    assert response.status_code == 422
    assert field_error(response, "cicc_number").startswith("CICC licence number:")
    assert count(app, User, User.email == INVITEE) == 0
    assert _memberships_of(app, INVITEE) == []


def test_representative_with_law_society_but_no_number_is_422(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.REPRESENTATIVE)
    client = app.test_client()

    response = post_form(client, path, {**NEW_ACCOUNT, "law_society": "Barreau du Québec"})

    assert response.status_code == 422
    assert field_error(response, "law_society_number").startswith("Law society member number:")
    assert _memberships_of(app, INVITEE) == []


def test_signed_in_representative_still_needs_a_licence(app, make, owner_client, employer):
    lawyer = make.user(email=INVITEE)
    path = _invite(app, owner_client, employer, Role.REPRESENTATIVE)
    client = make.signed_in_client(lawyer)

    response = post_form(client, path, {"cicc_number": "712345"})

    assert response.status_code == 422
    assert field_error(response, "cicc_number").startswith("CICC licence number:")
    assert _memberships_of(app, INVITEE) == []


def test_new_account_fields_are_validated(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    client = app.test_client()

    response = post_form(client, path, {**NEW_ACCOUNT, "password": "too short", "confirm": "x"})

    assert response.status_code == 422
    assert field_error(response, "password") == "Password: Use at least 12 characters."
    assert count(app, User, User.email == INVITEE) == 0


def test_signed_in_user_with_another_email_gets_403(app, make, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    someone_else = make.user(email="someone.else@example.com")
    client = make.signed_in_client(someone_else)

    page = client.get(path)
    response = post_form(client, path, {}, token_from="/account/")

    assert page.status_code == 403
    assert "This invitation is for someone else" in page_text(page)
    assert response.status_code == 403
    assert count(app, Membership, Membership.user_id == someone_else.id) == 0
    assert rows(app, Invitation)[0].accepted_at is None


def test_expired_invitation_is_400_and_says_expired(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    with app.app_context():
        db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    client = app.test_client()

    page = client.get(path)
    response = post_form(client, path, NEW_ACCOUNT, token_from="/account/signup")

    assert page.status_code == 400
    assert "This invitation has expired." in page_text(page)
    assert response.status_code == 400
    assert count(app, User, User.email == INVITEE) == 0


def test_invitation_link_older_than_seven_days_is_expired(app, owner_client, employer, monkeypatch):
    path = _invite(app, owner_client, employer, Role.STAFF)
    issued = TimestampSigner.get_timestamp
    week = int(timedelta(days=7).total_seconds())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + week + 5)

    response = app.test_client().get(path)

    assert response.status_code == 400
    assert "expired" in page_text(response)


def test_invitation_link_works_only_once(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    first = app.test_client()
    assert post_form(first, path, NEW_ACCOUNT).status_code == 302

    reopened = first.get(path)
    second = app.test_client()
    replay = post_form(
        second,
        path,
        {**NEW_ACCOUNT, "full_name": "Replayer"},
        token_from="/account/signup",
    )

    assert reopened.status_code == 400
    assert "not valid, was cancelled, or was already used" in page_text(reopened)
    assert replay.status_code == 400
    assert count(app, User, User.email == INVITEE) == 1
    assert count(app, Membership, Membership.role == Role.STAFF) == 1


@pytest.mark.parametrize("tamper", ["payload", "signature", "garbage"])
def test_tampered_invitation_link_is_400(app, owner_client, employer, tamper):
    path = _invite(app, owner_client, employer, Role.OWNER)
    token = path.rsplit("/", 1)[1]
    payload, timestamp, signature = token.split(".")
    bad = {
        "payload": payload[:-1] + ("A" if payload[-1] != "A" else "B"),
        "signature": signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB"),
        "garbage": "nothing-here",
    }[tamper]
    if tamper != "garbage":
        bad = ".".join(
            [bad, timestamp, signature] if tamper == "payload" else [payload, timestamp, bad]
        )
    client = app.test_client()

    response = client.get(f"/invitations/{bad}")

    assert response.status_code == 400
    assert "not valid" in page_text(response)
    assert client.get(path).status_code == 200  # the real link still works


def test_cancelled_invitation_is_400(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    (invitation,) = rows(app, Invitation)
    members = f"/employers/{employer.id}/members"
    response = post_form(
        owner_client,
        f"/employers/{employer.id}/invitations/{invitation.id}/cancel",
        {},
        token_from=members,
    )
    assert response.status_code == 302

    assert app.test_client().get(path).status_code == 400


def test_reinviting_replaces_the_earlier_link(app, owner_client, employer):
    first = _invite(app, owner_client, employer, Role.STAFF)
    second = _invite(app, owner_client, employer, Role.VIEWER)

    assert app.test_client().get(first).status_code == 400
    assert app.test_client().get(second).status_code == 200


def test_inviting_a_current_member_is_409_on_the_email_field(app, make, owner_client, employer):
    staff = make.user()
    make.member(employer, staff, role=Role.STAFF)

    response = invite(owner_client, employer.id, staff.email.upper(), Role.VIEWER)

    assert response.status_code == 409
    assert "already has access" in field_error(response, "email")
    assert count(app, Invitation) == 0


def test_invitation_with_invalid_email_is_422(app, owner_client, employer):
    response = invite(owner_client, employer.id, "not an email", Role.STAFF)

    assert response.status_code == 422
    assert field_error(response, "email") == "Their email: Enter a valid email address."
    assert count(app, Invitation) == 0


def test_invitation_with_unknown_role_is_422(app, owner_client, employer):
    response = invite(owner_client, employer.id, INVITEE, "admin")

    assert response.status_code == 422
    assert field_error(response, "role").startswith("Role:")
    assert count(app, Invitation) == 0


@pytest.mark.parametrize("role", [Role.STAFF, Role.VIEWER, Role.REPRESENTATIVE])
def test_only_owners_invite(app, make, employer, role):
    member = make.user()
    make.member(employer, member, role=role)
    client = make.signed_in_client(member)
    token = form_token(client, "/account/")

    response = post_with_token(
        client,
        f"/employers/{employer.id}/members/invite",
        {"email": INVITEE, "role": Role.OWNER},
        token,
    )

    assert response.status_code == 403
    assert count(app, Invitation) == 0


def test_anonymous_post_cannot_take_over_an_existing_account(app, make, owner_client, employer):
    make.user(email=INVITEE)
    path = _invite(app, owner_client, employer, Role.OWNER)
    client = app.test_client()

    response = post_form(client, path, NEW_ACCOUNT, token_from="/account/signup")

    assert response.status_code == 200
    assert "Sign in to accept" in page_text(response)
    assert _memberships_of(app, INVITEE) == []
    assert login(app.test_client(), INVITEE, NEW_ACCOUNT["password"]).status_code == 401
    assert login(app.test_client(), INVITEE, PASSWORD).status_code == 302
    assert rows(app, Invitation)[0].accepted_at is None


def test_bad_invitation_posts_are_throttled_per_ip(app, owner_client, employer):
    path = _invite(app, owner_client, employer, Role.STAFF)
    client = app.test_client()
    token = form_token(client, "/account/signup")
    for n in range(20):
        response = post_with_token(client, f"/invitations/forged-{n}", NEW_ACCOUNT, token)
        assert response.status_code == 400, n

    throttled = client.get(path)
    elsewhere = client.get(path, environ_base={"REMOTE_ADDR": "192.0.2.44"})

    assert throttled.status_code == 429
    assert re.search(r"Try again in \d+ minutes", page_text(throttled))
    assert elsewhere.status_code == 200


def test_throttled_invitation_answer_says_when_to_retry(app, owner_client, employer):
    """Like the sign-in and reset pages, the 429 carries a Retry-After header."""
    client = app.test_client()
    token = form_token(client, "/account/signup")
    for n in range(20):
        post_with_token(client, f"/invitations/forged-{n}", NEW_ACCOUNT, token)

    throttled = client.get("/invitations/forged-again")

    assert throttled.status_code == 429
    assert 0 < int(throttled.headers.get("Retry-After", "0")) <= 15 * 60 + 1
