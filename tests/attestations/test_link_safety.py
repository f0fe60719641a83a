"""The link's safety: only a hash at rest, 14 days to the instant, once, throttled, CSRF,
one worker's link never reaching another's, answers final at the SQL level."""

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.attestations import answers as attest
from portal.attestations import services
from portal.extensions import db
from portal.models import Attestation, AuditEvent
from tests.attestations.conftest import good_answers, submit
from tests.helpers import form_token, text_of


def _row(app, attestation_id=None) -> Attestation:
    with app.app_context():
        query = select(Attestation).order_by(Attestation.id.desc())
        if attestation_id:
            query = query.where(Attestation.id == attestation_id)
        return db.session.scalars(query).first()


def test_only_the_tokens_hash_is_at_rest_and_never_in_logs(app, place, caplog):
    caplog.set_level(logging.DEBUG)
    # No e-mail on file: the link is only shown to the sender (a mailed link must sit in the
    # outbox until delivered, the one place it may be).
    from tests.attestations.conftest import add_worker

    worker_id = add_worker(
        app, place.employer_id, place.position_id, place.owner.id, "Noemail Worker", None
    )
    sent, path = place.send(worker_id)
    assert "no e-mail address on file" in text_of(sent)
    token = path.rsplit("/", 1)[1]
    assert attest.looks_like_token(token)
    response = submit(app.test_client(), path, good_answers())
    assert response.status_code == 200
    row = _row(app)
    assert row.token_hash == attest.token_hash(token) != token
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        db.engine.dispose()
    audit_text = "\n".join(repr((e.action, e.changes, e.ip_address)) for e in events)
    assert "attestations.insert" in audit_text and "attestations.update" in audit_text
    assert token not in audit_text
    assert row.token_hash not in audit_text
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    if database.exists():
        files = [database, *database.parent.glob(database.name + "-*")]
        stored = b"".join(path.read_bytes() for path in files)
        assert row.token_hash.encode() in stored  # the grep can see what is there
        assert token.encode() not in stored
    assert token not in caplog.text


@pytest.mark.parametrize(
    ("offset", "open_"),
    [
        (-timedelta(days=1), True),
        (-timedelta(seconds=1), True),
        (timedelta(0), False),
        (timedelta(days=1), False),
    ],
)
def test_fourteen_days_at_the_boundary(app, place, monkeypatch, offset, open_):
    _response, path = place.send()
    row = _row(app)
    assert row.expires_at - row.created_at == timedelta(days=14)
    monkeypatch.setattr(services, "now", lambda: row.expires_at + offset)
    response = app.test_client().get(path)
    if open_:
        assert response.status_code == 200
        assert submit(app.test_client(), path, good_answers()).status_code == 200
    else:
        assert response.status_code == 410
        body = text_of(response)
        assert "This link expired on" in body
        assert "ask your employer or their representative for a new one" in body
        assert "<form" not in body
        post = app.test_client().post(path, data={**good_answers(), "csrf_token": "x"})
        assert post.status_code in (400, 410)
        assert _row(app).answered_at is None


def test_the_link_is_throttled_per_link_and_per_ip(app, place):
    app.config["ATTESTATION_LIMIT_PER_LINK"] = "5 per 15 minutes"
    app.config["ATTESTATION_LIMIT_PER_IP"] = "8 per 15 minutes"
    _response, path = place.send()
    for n in range(5):
        client = app.test_client()
        assert client.get(path, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code == 200
    throttled = app.test_client().get(path, environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60 + 1
    assert "Too many tries" in text_of(throttled)
    # Per IP: guessing other links from one address stops too, a forged X-Forwarded-For or not.
    guesser = app.test_client()
    statuses = [
        guesser.get(
            f"/attest/{attest.new_token()}",
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        ).status_code
        for n in range(9)
    ]
    assert statuses[:8] == [404] * 8
    assert statuses[8] == 429


def test_the_public_form_needs_a_csrf_token_but_no_account(app, place):
    _response, path = place.send()
    worker = app.test_client()
    assert worker.post(path, data=good_answers()).status_code == 400
    stranger_token = form_token(app.test_client(), "/account/login")
    assert (
        worker.post(path, data={**good_answers(), "csrf_token": stranger_token}).status_code == 400
    )
    assert _row(app).answered_at is None
    # The token comes with the page, in the anonymous visitor's own session cookie.
    assert submit(worker, path, good_answers()).status_code == 200


def test_one_workers_link_never_shows_or_changes_another(app, place):
    _response, first = place.send(place.worker_id)
    _response, second = place.send(place.other_worker_id)
    first_row, second_row = (
        _row(app, attestation_id) for attestation_id in sorted(a.id for a in _all(app))
    )
    assert first_row.worker_id == place.worker_id and second_row.worker_id == place.other_worker_id
    page = text_of(app.test_client().get(first))
    response = submit(app.test_client(), first, good_answers())
    assert response.status_code == 200
    assert _row(app, second_row.id).answered_at is None
    assert _row(app, first_row.id).answered_at is not None
    # Members' page: the other worker's URL with this worker's attestation is a 404.
    base = f"/employers/{place.employer_id}/positions/{place.position_id}/workers"
    assert (
        place.client.get(f"{base}/{place.other_worker_id}/attestations/{first_row.id}").status_code
        == 404
    )
    assert (
        place.client.get(f"{base}/{place.worker_id}/attestations/{first_row.id}").status_code == 200
    )
    assert "Marco" not in page


def _all(app):
    with app.app_context():
        return db.session.scalars(select(Attestation)).all()


def test_an_answered_attestation_cannot_be_updated_at_the_sql_level(app, place):
    _response, path = place.send()
    assert submit(app.test_client(), path, good_answers()).status_code == 200
    row = _row(app)
    with app.app_context():
        for statement in (
            "UPDATE attestations SET answers = '{}' WHERE id = :id",
            "UPDATE attestations SET answered_at = NULL WHERE id = :id",
            "UPDATE attestations SET expires_at = expires_at WHERE id = :id",
        ):
            with pytest.raises(DBAPIError, match="final"):
                db.session.execute(text(statement), {"id": row.id})
            db.session.rollback()
    assert _row(app).answers == row.answers


def test_an_open_attestation_is_still_updatable(app, place):
    """The trigger refuses only answered rows: the control for the test above."""
    place.send()
    row = _row(app)
    with app.app_context():
        db.session.execute(
            text("UPDATE attestations SET sent_to = 'x@example.com' WHERE id = :id"), {"id": row.id}
        )
        db.session.commit()
    assert _row(app).sent_to == "x@example.com"


def test_a_viewer_cannot_send(app, place, make):
    from portal.models import Role
    from tests.factories import Factories

    viewer = make.user(name="Vic Viewer")
    employer_ref = type("Ref", (), {"id": place.employer_id})()
    Factories(app).member(employer_ref, viewer, Role.VIEWER)
    client = make.signed_in_client(viewer)
    page = text_of(client.get(place.worker_url()))
    assert "Send the worker a link" not in page
    token = form_token(client, place.worker_url())
    response = client.post(f"{place.worker_url()}attestations", data={"csrf_token": token})
    assert response.status_code == 403
    assert _all(app) == []


def test_the_servers_request_log_blanks_the_token_of_every_secret_link(app, place, caplog):
    """Werkzeug's server (``make run``) logs each request line: a secret link must not land in
    the log whole, for the attestation page nor for reset, unlock, confirm and invitation links."""
    import contextlib
    import threading
    import urllib.error
    import urllib.request

    from werkzeug.serving import make_server

    _response, path = place.send()
    token = path.rsplit("/", 1)[1]
    others = ["/account/reset/", "/account/unlock/", "/account/confirm/", "/invitations/"]
    others.append("/invitations/waiting/")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for url_path in [path, *(prefix + token for prefix in others)]:
            # A refused or unknown link still gets its request line logged.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{url_path}", timeout=30)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    # Six links, and the sign-in redirect that carries one in its next= parameter.
    assert len([line for line in lines if "[redacted]" in line]) == 7, lines
    assert not [line for line in lines if token in line], lines
    assert any("GET /attest/[redacted] HTTP" in line for line in lines), lines
    assert any("/invitations/waiting/[redacted]" in line for line in lines), lines
