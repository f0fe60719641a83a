"""Small helpers for driving forms in tests."""

import re

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def form_token(client, url: str = "/account/login") -> str:
    """GET ``url`` and return the CSRF token its form carries."""
    response = client.get(url)
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, token_from: str | None = None, **kwargs):
    """POST ``data`` to ``url`` with a valid CSRF token taken from ``token_from`` (or ``url``)."""
    token = form_token(client, token_from or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def text_of(response) -> str:
    return response.get_data(as_text=True)


# Sign-up is confirmed by a link mailed to the address (issue 7, S4). Without a mail server the
# mail is kept in the outbox table; these read the link from there.
_MAIL_LINK = re.compile(r"https?://[^\s]+")


def kept_mail_link(app, recipient: str, prefix: str, wait_seconds: float = 0) -> str:
    """Return the path of the newest link starting with ``prefix`` in mail kept for
    ``recipient``. ``wait_seconds``: for a live server, which sends mail just after responding."""
    import time
    from urllib.parse import urlsplit

    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import OutboxMessage

    deadline = time.monotonic() + wait_seconds
    while True:
        with app.app_context():
            bodies = db.session.scalars(
                select(OutboxMessage.body)
                .where(OutboxMessage.recipient == recipient.lower())
                .order_by(OutboxMessage.id.desc())
            ).all()
        for body in bodies:
            paths = [urlsplit(url).path for url in _MAIL_LINK.findall(body)]
            found = [path for path in paths if path.startswith(prefix)]
            if found:
                return found[0]
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"no {prefix} link in the mail kept for {recipient}" + _sessions_of(app)
            )
        time.sleep(0.05)


def sign_up(client, app, email: str, password: str, full_name: str = "Ana Lima"):
    """Sign up through the form and confirm through the mailed link, as a person does; the
    client ends signed in. Returns the confirmation's response (a redirect home)."""
    data = {"full_name": full_name, "email": email, "password": password, "confirm": password}
    # buffered: the response is read and closed as a server does, which runs the work the app
    # does after answering (creating the account and mailing its link).
    response = post_form(client, "/account/signup", data, buffered=True)
    assert response.status_code == 302, response.status_code
    path = kept_mail_link(app, email, "/account/confirm/")
    response = post_form(client, path, {"password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _sessions_of(app) -> str:
    """On PostgreSQL, what the database's sessions are doing (to tell a lock wait from lost
    mail when a live server's after-response work has not written the mail in time)."""
    from sqlalchemy import text

    from portal.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return ""
        rows = db.session.execute(
            text(
                "SELECT pid, state, wait_event_type, wait_event, left(query, 100) "
                "FROM pg_stat_activity WHERE datname = current_database()"
            )
        ).all()
    return "\nsessions: " + "\n".join(repr(tuple(row)) for row in rows)
