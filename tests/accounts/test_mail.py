"""Mail: the outbox when no SMTP server is set, a real SMTP conversation when one is."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from portal.extensions import db
from portal.models import OutboxMessage, Role
from tests.accounts._support import (
    count,
    invite,
    link_path,
    outbox,
    page_text,
    post_form,
    text_of,
)
from tests.conftest import build_app
from tests.factories import Factories


def test_invitations_and_resets_land_in_the_outbox(app, make, client):
    owner = make.user()
    employer = make.employer(owner)
    owner_client = make.signed_in_client(owner)

    assert invite(owner_client, employer.id, "new.hire@example.com", Role.STAFF).status_code == 302
    reset = post_form(client, "/account/reset", {"email": owner.email}, buffered=True)
    assert reset.status_code == 302

    invitation, reset = outbox(app)
    assert invitation.recipient == "new.hire@example.com"
    assert link_path(invitation.body, "/invitations/")
    assert reset.recipient == owner.email
    assert link_path(reset.body, "/account/reset/")


def test_outbox_page_shows_only_the_signed_in_users_mail(app, make):
    ana, ben = make.user(full_name="Ana"), make.user(full_name="Ben")
    for user in (ana, ben):
        response = post_form(
            app.test_client(), "/account/reset", {"email": user.email}, buffered=True
        )
        assert response.status_code == 302
    ana_link = link_path(outbox(app, ana.email)[0].body, "/account/reset/")
    ben_link = link_path(outbox(app, ben.email)[0].body, "/account/reset/")

    page = make.signed_in_client(ana).get("/outbox/")

    assert page.status_code == 200
    body = text_of(page)
    assert "Hello Ana," in body
    assert ana_link in body
    assert "Hello Ben," not in body
    assert ben_link not in body


def test_outbox_page_needs_sign_in(client, make, app):
    user = make.user()
    post_form(client, "/account/reset", {"email": user.email}, buffered=True)

    response = client.get("/outbox/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


def test_outbox_page_with_no_mail(make):
    client = make.signed_in_client(make.user())

    assert "No messages for you." in page_text(client.get("/outbox/"))


# Real SMTP ----------------------------------------------------------------------------------


class _Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _parsed(envelope):
    """The received message, MIME-decoded (long lines arrive quoted-printable)."""
    return message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, collector
    finally:
        controller.stop()


@pytest.fixture
def smtp_app(database_url, smtp_server):
    controller, _ = smtp_server
    app = build_app(
        database_url, SMTP_HOST=controller.hostname, SMTP_PORT=controller.port, SMTP_STARTTLS=False
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_reset_mail_goes_through_smtp_and_not_the_outbox(smtp_app, smtp_server):
    _, collector = smtp_server
    user = Factories(smtp_app).user(email="ana@example.com")
    client = smtp_app.test_client()

    response = post_form(client, "/account/reset", {"email": user.email}, buffered=True)

    assert response.status_code == 302
    assert len(collector.envelopes) == 1
    (envelope,) = collector.envelopes
    assert envelope.rcpt_tos == ["ana@example.com"]
    message = _parsed(envelope)
    assert message["Subject"] == "Reset your LMIA Portal password"
    assert message["To"] == "ana@example.com"
    assert message["From"] == smtp_app.config["MAIL_FROM"]
    path = link_path(message.get_content(), "/account/reset/")
    assert count(smtp_app, OutboxMessage) == 0
    assert client.get(path).status_code == 200
    # No outbox page when a real mail server is configured.
    assert Factories(smtp_app).signed_in_client(user).get("/outbox/").status_code == 404


def test_unknown_email_sends_nothing_over_smtp(smtp_app, smtp_server):
    _, collector = smtp_server

    response = post_form(
        smtp_app.test_client(), "/account/reset", {"email": "nobody@example.com"}, buffered=True
    )

    assert response.status_code == 302
    assert collector.envelopes == []
    assert count(smtp_app, OutboxMessage) == 0


def test_invitation_goes_through_smtp(smtp_app, smtp_server):
    _, collector = smtp_server
    make = Factories(smtp_app)
    owner = make.user()
    employer = make.employer(owner)

    response = invite(make.signed_in_client(owner), employer.id, "hire@example.com", Role.STAFF)

    assert response.status_code == 302
    (envelope,) = collector.envelopes
    assert envelope.rcpt_tos == ["hire@example.com"]
    assert link_path(_parsed(envelope).get_content(), "/invitations/")
    assert count(smtp_app, OutboxMessage) == 0


def test_work_after_the_response_runs_on_close_and_a_failure_is_only_logged(app, caplog):
    """portal.mail.deferred: nothing runs until the last byte of the answer is written (here:
    read) or the server closes the response; a job that fails is logged and rolled back, and
    the next job still runs."""
    from portal.mail.deferred import after_response

    ran = []

    def failing():
        db.session.add(OutboxMessage(recipient="x@example.com", subject="half", body="done"))
        raise RuntimeError("mail server down")

    def working():
        ran.append("working")

    @app.get("/_probe_after_response")
    def _probe():  # a throwaway route on this test's app
        after_response(failing)
        after_response(working)
        return "answered"

    _probe.access_policy = "public"
    response = app.test_client().get("/_probe_after_response")
    assert ran == []  # the answer is made, not yet written

    assert response.get_data(as_text=True) == "answered"
    assert ran == ["working"]  # once, after its last byte
    response.close()
    assert ran == ["working"]

    unread = app.test_client().get("/_probe_after_response")
    assert ran == ["working"]
    unread.close()  # a server closes an answer the browser stopped reading
    assert ran == ["working", "working"]
    assert count(app, OutboxMessage) == 0
    assert "work after the response failed: failing" in caplog.text
