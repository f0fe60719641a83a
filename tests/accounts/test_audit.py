"""The audit log: what is recorded, the hash chain, append-only storage, who may read it."""

import json
import logging

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from portal.audit import verify_chain
from portal.extensions import db
from portal.models import AuditEvent, Employer, Invitation, Membership, Role, WorkLocation
from tests.accounts._support import (
    confirm_signup,
    employer_form,
    invite,
    last_link,
    login,
    page_text,
    post_form,
    rows,
    signup,
)
from tests.factories import PASSWORD


def _events(app, *where):
    return rows(app, AuditEvent, *where)


def _chain_ok(app):
    with app.app_context():
        return verify_chain(db.session)


def _create_employer(client, app, **overrides):
    response = post_form(client, "/employers/new", employer_form(**overrides))
    assert response.status_code == 302
    return rows(app, Employer)[-1]


def test_creating_an_employer_records_insert_events_with_actor(app, make):
    owner = make.user()
    client = make.signed_in_client(owner)

    employer = _create_employer(client, app, legal_name="Audited Foods Inc.")

    events = _events(app, AuditEvent.employer_id == employer.id)
    assert [e.action for e in events] == [
        "employers.insert",
        "memberships.insert",
        "work_locations.insert",
    ]
    assert {e.actor_id for e in events} == {owner.id}
    assert all(e.ip_address == "127.0.0.1" for e in events)
    created = events[0]
    assert (created.entity_type, created.entity_id) == ("Employer", employer.id)
    assert created.changes["legal_name"] == {"before": None, "after": "Audited Foods Inc."}
    assert created.changes["business_number"] == {"before": None, "after": "123456789"}
    assert "version" not in created.changes
    assert events[1].changes["role"] == {"before": None, "after": Role.OWNER}
    assert events[1].changes["user_id"] == {"before": None, "after": owner.id}
    assert _chain_ok(app) is None


def test_profile_edit_records_before_and_after(app, make):
    owner = make.user()
    employer = make.employer(owner, legal_name="Old Name Ltd.")
    client = make.signed_in_client(owner)
    data = {
        field: getattr(employer, field) or ""
        for field in (
            "legal_name",
            "operating_name",
            "business_number",
            "street_address",
            "city",
            "province",
            "postal_code",
            "phone",
            "naics_code",
        )
    }

    response = post_form(
        client,
        f"/employers/{employer.id}/profile",
        {**data, "legal_name": "New Name Ltd.", "version": str(employer.version)},
    )

    assert response.status_code == 302
    (event,) = _events(app, AuditEvent.action == "employers.update")
    assert event.employer_id == employer.id
    assert event.actor_id == owner.id
    assert event.changes == {"legal_name": {"before": "Old Name Ltd.", "after": "New Name Ltd."}}
    assert _chain_ok(app) is None


def test_invitation_is_audited_with_the_nonce_hash_redacted(app, make):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)

    assert invite(client, employer.id, "hire@example.com", Role.STAFF).status_code == 302

    (invitation,) = rows(app, Invitation)
    (event,) = _events(app, AuditEvent.action == "invitations.insert")
    assert (event.employer_id, event.actor_id, event.entity_id) == (
        employer.id,
        owner.id,
        invitation.id,
    )
    assert event.changes["nonce_hash"] == {"changed": True}
    assert event.changes["email"] == {"before": None, "after": "hire@example.com"}
    assert event.changes["role"] == {"before": None, "after": Role.STAFF}
    assert invitation.nonce_hash not in json.dumps(event.changes)
    assert _chain_ok(app) is None


def _accept_invitation_events(app, make, *, new_account: bool):
    owner = make.user()
    employer = make.employer(owner)
    invite(make.signed_in_client(owner), employer.id, "hire@example.com", Role.STAFF)
    path = last_link(app, "hire@example.com", "/invitations/")
    if new_account:
        client = app.test_client()
        data = {"full_name": "Hire", "password": PASSWORD, "confirm": PASSWORD}
    else:
        client = make.signed_in_client(make.user(email="hire@example.com"))
        data = {}
    first_new_event = max(e.id for e in _events(app))

    assert post_form(client, path, data).status_code == 302

    (membership,) = rows(app, Membership, Membership.role == Role.STAFF)
    events = _events(app, AuditEvent.id > first_new_event, AuditEvent.employer_id == employer.id)
    return membership, {e.action: e for e in events}


def test_accepting_an_invitation_when_signed_in_is_audited_with_the_accepting_user(app, make):
    membership, events = _accept_invitation_events(app, make, new_account=False)

    assert set(events) == {"memberships.insert", "invitations.update"}
    assert events["memberships.insert"].entity_id == membership.id
    assert events["memberships.insert"].actor_id == membership.user_id
    assert set(events["invitations.update"].changes) == {"accepted_at", "accepted_by_id"}
    assert events["invitations.update"].actor_id == membership.user_id
    assert _chain_ok(app) is None


def test_accepting_an_invitation_with_a_new_account_is_audited_with_the_new_user(app, make):
    membership, events = _accept_invitation_events(app, make, new_account=True)

    assert set(events) == {"memberships.insert", "invitations.update"}
    assert events["memberships.insert"].entity_id == membership.id
    # Who was granted access is recorded, and so must be who accepted (not "system").
    assert events["memberships.insert"].actor_id == membership.user_id
    assert events["invitations.update"].actor_id == membership.user_id
    assert _chain_ok(app) is None


def test_revoking_a_member_is_audited(app, make):
    owner = make.user()
    employer = make.employer(owner)
    membership = make.member(employer, make.user(), role=Role.STAFF)
    client = make.signed_in_client(owner)

    response = post_form(
        client,
        f"/employers/{employer.id}/members/{membership.id}/revoke",
        {},
        token_from=f"/employers/{employer.id}/members",
    )

    assert response.status_code == 302
    (event,) = _events(app, AuditEvent.action == "memberships.update")
    assert (event.employer_id, event.actor_id, event.entity_id) == (
        employer.id,
        owner.id,
        membership.id,
    )
    assert event.changes["revoked_by_id"] == {"before": None, "after": owner.id}
    assert event.changes["revoked_at"]["before"] is None
    assert event.changes["revoked_at"]["after"]
    assert _chain_ok(app) is None


def test_removing_a_work_location_is_audited(app, make):
    owner = make.user()
    employer = make.employer(owner)
    client = make.signed_in_client(owner)
    base = f"/employers/{employer.id}/locations"
    post_form(
        client,
        f"{base}/new",
        {
            "street_address": "2 Side St",
            "city": "Toronto",
            "province": "ON",
            "postal_code": "M5H 1J9",
            "employee_count": "2",
        },
    )
    added = rows(app, WorkLocation)[-1]
    (insert_event,) = _events(
        app, AuditEvent.action == "work_locations.insert", AuditEvent.entity_id == added.id
    )
    assert insert_event.actor_id == owner.id

    post_form(client, f"{base}/{added.id}/remove", {}, token_from=f"{base}/new")

    (removed,) = _events(app, AuditEvent.action == "work_locations.delete")
    assert removed.entity_id == added.id
    assert removed.changes["street_address"] == {"before": "2 Side St", "after": None}
    assert removed.actor_id == owner.id


def test_chain_verifies_and_detects_an_edited_row(app, make):
    owner = make.user()
    make.employer(owner)
    login(app.test_client(), owner.email, PASSWORD)
    assert _chain_ok(app) is None

    with app.app_context():
        target = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[2]
        db.session.close()
        # Bypass the append-only trigger inside a transaction that is rolled back afterwards.
        with db.engine.connect() as connection:
            transaction = connection.begin()
            if connection.dialect.name == "sqlite":
                # pysqlite runs DDL outside a transaction unless one is open explicitly.
                connection.exec_driver_sql("BEGIN")
            try:
                _drop_append_only_triggers(connection)
                connection.execute(
                    text("UPDATE audit_events SET action = 'forged' WHERE id = :id"),
                    {"id": target.id},
                )
                with Session(bind=connection) as session:
                    assert verify_chain(session) == target.id
            finally:
                transaction.rollback()
        assert verify_chain(db.session) is None
        # The triggers are back: the bypass was rolled back with the forgery.
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET action = 'forged'"))


def _drop_append_only_triggers(connection):
    if connection.dialect.name == "postgresql":
        connection.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
    else:
        connection.execute(text("DROP TRIGGER audit_events_no_update"))
        connection.execute(text("DROP TRIGGER audit_events_no_delete"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'forged'",
        "UPDATE audit_events SET changes = NULL WHERE id = (SELECT MIN(id) FROM audit_events)",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)",
    ],
)
def test_database_refuses_to_change_audit_rows(app, make, statement):
    make.employer()
    before = [(e.id, e.action, e.entry_hash) for e in _events(app)]
    assert before

    with (
        app.app_context(),
        pytest.raises(DBAPIError, match="append-only"),
        db.engine.begin() as connection,
    ):
        connection.execute(text(statement))

    assert [(e.id, e.action, e.entry_hash) for e in _events(app)] == before
    assert _chain_ok(app) is None


def test_orm_refuses_to_modify_an_audit_event(app, make):
    make.employer()
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).first()
        event.action = "forged"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()


def test_orm_refuses_to_delete_an_audit_event(app, make):
    make.employer()
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).first()
        db.session.delete(event)
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
    assert _chain_ok(app) is None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OWNER, 200),
        (Role.REPRESENTATIVE, 200),
        (Role.STAFF, 403),
        (Role.VIEWER, 403),
    ],
)
def test_who_may_read_the_audit_log(app, make, role, status):
    owner = make.user()
    employer = make.employer(owner, legal_name="Visible Audit Ltd.")
    reader = owner
    if role != Role.OWNER:
        reader = make.user()
        make.member(employer, reader, role=role)

    response = make.signed_in_client(reader).get(f"/employers/{employer.id}/audit")

    assert response.status_code == status
    if status == 200:
        text_ = page_text(response)
        assert "Visible Audit Ltd." in text_
        assert owner.full_name in text_


def test_audit_log_of_another_employer_is_404(app, make):
    owner = make.user()
    make.employer(owner)
    other = make.employer()

    response = make.signed_in_client(owner).get(f"/employers/{other.id}/audit")

    assert response.status_code == 404


def test_audit_log_page_shows_only_this_employers_events(app, make):
    owner = make.user()
    mine = make.employer(owner, legal_name="Mine Ltd.")
    make.employer(legal_name="Someone Else Ltd.")

    page = page_text(make.signed_in_client(owner).get(f"/employers/{mine.id}/audit"))

    assert "Mine Ltd." in page
    assert "Someone Else Ltd." not in page


def test_passwords_never_reach_the_audit_log_or_the_logs(app, make, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL with its parameters
    signup_password = "my secret signup passphrase"
    wrong_password = "a wrong guess at the password"
    new_password = "my secret new passphrase"
    client = app.test_client()

    assert signup(client, "ana@example.com", password=signup_password).status_code == 302
    assert confirm_signup(app, client, "ana@example.com", signup_password).status_code == 302
    assert login(app.test_client(), "ana@example.com", wrong_password).status_code == 401
    assert login(app.test_client(), "ana@example.com", signup_password).status_code == 302
    assert login(app.test_client(), "ghost@example.com", wrong_password).status_code == 401
    post_form(client, "/account/reset", {"email": "ana@example.com"}, buffered=True)
    path = last_link(app, "ana@example.com", "/account/reset/")
    response = post_form(client, path, {"password": new_password, "confirm": new_password})
    assert response.status_code == 302

    with app.app_context():
        dump = json.dumps(
            [
                [e.action, e.entity_type, e.changes, e.ip_address]
                for e in db.session.scalars(select(AuditEvent))
            ]
        )
    actions = [e.action for e in _events(app)]
    assert {"user.signup", "user.login", "user.login_failed", "user.password_changed"} <= set(
        actions
    )
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    # The capture works: the outbox log line (INFO) and the SQL statements (sqlalchemy) are in it.
    assert any(r.name == "portal.mail" and "outbox: to=" in r.getMessage() for r in caplog.records)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    for password in (signup_password, wrong_password, new_password):
        assert password not in dump
        assert password not in logged
    assert "$argon2" not in dump
