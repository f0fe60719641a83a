"""Work after the response runs once the answer has gone, on a real WSGI server too.

Werkzeug's development server (``make run``, the browser tests) drains the socket with a blocking
read before it closes the response body, so work hung on ``call_on_close`` waited until the
browser dropped the connection: a new account's confirmation mail did not come while the browser
kept its socket open. This test keeps the socket open, with a byte pending, and waits for the
mail.
"""

import socket
import threading
import time
from urllib.parse import urlencode

from sqlalchemy import select
from werkzeug.serving import make_server

from portal.extensions import db
from portal.models import OutboxMessage
from tests.conftest import build_app


def _kept_for(app, email):
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.recipient == email)
        ).all()


def test_the_confirmation_mail_is_kept_while_the_browser_holds_the_connection(database_url):
    app = build_app(database_url, WTF_CSRF_ENABLED=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    email = "held.open@example.com"
    body = urlencode(
        {
            "full_name": "Held Open",
            "email": email,
            "password": "a long enough passphrase 42",
            "password_again": "a long enough passphrase 42",
            "confirm": "a long enough passphrase 42",
        }
    ).encode()
    connection = socket.create_connection(("127.0.0.1", server.port))
    try:
        connection.sendall(
            b"POST /account/signup HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        answer = connection.recv(65536)
        assert answer.startswith(b"HTTP/1.1 302"), answer[:300]
        assert b"/account/check-email" in answer
        connection.sendall(b"\r\n")  # a browser's stray bytes: the server's drain now blocks
        deadline = time.monotonic() + 10
        while not _kept_for(app, email) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _kept_for(app, email), "no mail while the connection stayed open"
    finally:
        connection.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
