"""Helpers shared by the account, employer, invitation, mail and audit tests."""

import html
import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import OutboxMessage
from tests.helpers import form_token, kept_mail_link, post_form, sign_up, text_of

NEW_PASSWORD = "a brand new passphrase for spring"
SIGNUP_PASSWORD = "a long enough passphrase"

_FIELD_ERROR = re.compile(r'<p class="error" id="([^"]+)-error">(.*?)</p>', re.S)
_LINK = re.compile(r"https?://[^\s]+")


def field_errors(response) -> dict[str, str]:
    """Return {field id: error text} for every field error rendered on the page."""
    return {
        name: html.unescape(re.sub(r"\s+", " ", message)).strip()
        for name, message in _FIELD_ERROR.findall(text_of(response))
    }


def field_error(response, field: str) -> str:
    """Return the error rendered under ``field`` ("Label: message"), failing if there is none."""
    errors = field_errors(response)
    assert field in errors, f"no error on field {field!r}; errors shown: {errors}"
    return errors[field]


def page_text(response) -> str:
    """The response body with tags stripped and entities decoded, for message checks."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text_of(response))))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def rows(app, model, *where, order_by=None) -> list:
    """Return matching rows, detached but fully loaded."""
    with app.app_context():
        query = select(model).where(*where).order_by(order_by if order_by is not None else model.id)
        found = list(db.session.scalars(query))
        for row in found:
            db.session.refresh(row)
        db.session.expunge_all()
        return found


def outbox(app, recipient: str | None = None) -> list[OutboxMessage]:
    where = [OutboxMessage.recipient == recipient] if recipient else []
    return rows(app, OutboxMessage, *where)


def link_path(body: str, prefix: str) -> str:
    """Return the path of the only link in ``body`` that starts with ``prefix``."""
    paths = [urlsplit(url).path for url in _LINK.findall(body)]
    matching = [path for path in paths if path.startswith(prefix)]
    assert len(matching) == 1, f"expected one {prefix} link in:\n{body}"
    return matching[0]


def last_link(app, recipient: str, prefix: str) -> str:
    messages = outbox(app, recipient)
    assert messages, f"no mail for {recipient}"
    return link_path(messages[-1].body, prefix)


def login(client, email: str, password: str, **kwargs):
    return post_form(client, "/account/login", {"email": email, "password": password}, **kwargs)


def signup(client, email: str, password: str = SIGNUP_PASSWORD, **overrides):
    """Post the sign-up form. ``buffered``: the response is closed as a server closes it, which
    runs the work done after answering (the account, the mail)."""
    data = {"full_name": "Ana Lima", "email": email, "password": password, "confirm": password}
    data.update(overrides)
    return post_form(client, "/account/signup", data, buffered=True)


def confirm_signup(app, client, email: str, password: str = SIGNUP_PASSWORD):
    """Open the confirmation link mailed to ``email`` and enter the password."""
    path = kept_mail_link(app, email, "/account/confirm/")
    return post_form(client, path, {"password": password})


def request_reset(client, email: str):
    return post_form(client, "/account/reset", {"email": email}, buffered=True)


def employer_form(**overrides) -> dict:
    data = {
        "legal_name": "Lima Foods Inc.",
        "operating_name": "",
        "business_number": "123 456 789",
        "street_address": "1 Bay St",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "m5v3l9",
        "phone": "416 555 0199",
        "naics_code": "",
        "employees_at_address": "4",
    }
    data.update(overrides)
    return data


def invite(client, employer_id: int, email: str, role: str):
    return post_form(
        client,
        f"/employers/{employer_id}/members/invite",
        {"email": email, "role": role},
        token_from=f"/employers/{employer_id}/members",
    )


def post_with_token(client, url: str, data: dict, token: str, **kwargs):
    """POST with an already fetched CSRF token (saves a GET per attempt in throttling tests)."""
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


__all__ = [
    "NEW_PASSWORD",
    "SIGNUP_PASSWORD",
    "confirm_signup",
    "kept_mail_link",
    "request_reset",
    "sign_up",
    "count",
    "employer_form",
    "field_error",
    "field_errors",
    "form_token",
    "invite",
    "last_link",
    "link_path",
    "login",
    "outbox",
    "page_text",
    "post_form",
    "post_with_token",
    "rows",
    "signup",
    "text_of",
]
