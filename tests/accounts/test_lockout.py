"""Issue 7, S6: five failed sign-ins from anywhere must not lock the real owner out.

The per-account limit stays, but a browser that signed in to the account before (a signed,
HttpOnly, long-lived cookie bound to the account) or that opened an e-mailed unlock link gets
through; the per-IP limit still applies to it.
"""

import pytest

from portal.models import OutboxMessage, UserSession
from tests.accounts._support import (
    NEW_PASSWORD,
    count,
    form_token,
    last_link,
    page_text,
    post_form,
    post_with_token,
)
from tests.factories import PASSWORD

WRONG = "definitely not the password"
OWNER_IP, ATTACKER_IP = "198.51.100.7", "203.0.113.66"


@pytest.fixture(autouse=True)
def cheap_hashing(app):
    app.config["ARGON2_MEMORY_COST_KIB"] = 8


def _browser(app, ip):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _login(client, email, password):
    return post_form(client, "/account/login", {"email": email, "password": password})


def _lock(app, email):
    """Someone elsewhere tries five wrong passwords on the account."""
    attacker = _browser(app, ATTACKER_IP)
    token = form_token(attacker)
    for _ in range(5):
        data = {"email": email, "password": WRONG}
        assert post_with_token(attacker, "/account/login", data, token).status_code == 401
    assert post_with_token(attacker, "/account/login", data, token).status_code == 429


def _sign_out(client):
    return post_form(client, "/account/logout", {}, token_from="/account/")


def test_a_browser_that_signed_in_before_gets_through_a_locked_account(app, make):
    user = make.user()
    owner = _browser(app, OWNER_IP)
    assert _login(owner, user.email, PASSWORD).status_code == 302
    assert _sign_out(owner).status_code == 302

    _lock(app, user.email)

    response = _login(owner, user.email, PASSWORD)
    assert response.status_code == 302
    assert owner.get("/account/").status_code == 200


def test_a_new_browser_is_still_held_by_the_per_account_limit(app, make):
    user = make.user()
    _lock(app, user.email)

    response = _login(_browser(app, OWNER_IP), user.email, PASSWORD)

    assert response.status_code == 429
    assert count(app, UserSession) == 0
    # ... and the page offers the owner an unlock link.
    assert "Email me an unlock link" in page_text(response)


def test_the_device_cookie_is_signed_httponly_long_lived_and_bound_to_the_account(app, make):
    user, other = make.user(), make.user()
    owner = _browser(app, OWNER_IP)

    response = _login(owner, user.email, PASSWORD)

    cookies = response.headers.getlist("Set-Cookie")
    (cookie,) = [c for c in cookies if c.startswith("portal_device=")]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    max_age = next(int(a.split("=")[1]) for a in attributes if a.startswith("max-age="))
    assert max_age >= 180 * 24 * 3600
    # Bound to the account: it does not open another account that strangers locked.
    _sign_out(owner)
    _lock(app, other.email)
    assert _login(owner, other.email, PASSWORD).status_code == 429


def test_a_forged_or_tampered_device_cookie_is_ignored(app, make):
    user = make.user()
    owner = _browser(app, OWNER_IP)
    assert _login(owner, user.email, PASSWORD).status_code == 302
    value = owner.get_cookie("portal_device").value
    _sign_out(owner)
    _lock(app, user.email)

    forger = _browser(app, OWNER_IP)
    forger.set_cookie("portal_device", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))

    assert _login(forger, user.email, PASSWORD).status_code == 429


def test_a_known_browser_is_still_held_by_the_per_ip_limit(app, make):
    user = make.user()
    owner = _browser(app, OWNER_IP)
    assert _login(owner, user.email, PASSWORD).status_code == 302
    _sign_out(owner)
    token = form_token(owner)
    for n in range(20):
        data = {"email": f"probe{n}@example.com", "password": WRONG}
        assert post_with_token(owner, "/account/login", data, token).status_code == 401

    assert _login(owner, user.email, PASSWORD).status_code == 429


def test_changing_the_password_forgets_the_other_devices(app, make):
    user = make.user()
    laptop, phone = _browser(app, OWNER_IP), _browser(app, "192.0.2.10")
    assert _login(phone, user.email, PASSWORD).status_code == 302
    assert _login(laptop, user.email, PASSWORD).status_code == 302
    copied_from_phone = phone.get_cookie("portal_device").value
    response = post_form(
        laptop,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        token_from="/account/",
    )
    assert response.status_code == 302
    _sign_out(laptop)
    _lock(app, user.email)

    # The phone's cookie (or a thief's copy of it) names the old password: it waits.
    thief = _browser(app, "192.0.2.11")
    thief.set_cookie("portal_device", copied_from_phone)
    assert _login(thief, user.email, NEW_PASSWORD).status_code == 429
    assert _login(phone, user.email, NEW_PASSWORD).status_code == 429
    # The laptop proved the new password when it changed it: it gets through.
    assert _login(laptop, user.email, NEW_PASSWORD).status_code == 302


def test_an_emailed_unlock_link_lets_a_new_browser_through(app, make):
    user = make.user()
    _lock(app, user.email)
    phone = _browser(app, OWNER_IP)

    asked = post_form(phone, "/account/unlock", {"email": user.email}, buffered=True)
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/account/check-email?about=unlock"
    path = last_link(app, user.email, "/account/unlock/")
    assert phone.get(path).status_code == 200
    opened = post_form(phone, path, {})
    assert opened.status_code == 302

    assert _login(phone, user.email, PASSWORD).status_code == 302
    # It unlocked that browser only.
    assert _login(_browser(app, "192.0.2.99"), user.email, PASSWORD).status_code == 429


def test_unlock_requests_answer_alike_and_mail_only_real_accounts(app, make):
    user = make.user()

    known = post_form(app.test_client(), "/account/unlock", {"email": user.email}, buffered=True)
    unknown = post_form(
        app.test_client(), "/account/unlock", {"email": "nobody@example.com"}, buffered=True
    )

    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    assert count(app, OutboxMessage) == 1
    assert count(app, OutboxMessage, OutboxMessage.recipient == user.email) == 1


def test_a_forged_unlock_link_is_400_and_unlocks_nothing(app, make):
    user = make.user()
    _lock(app, user.email)
    browser = _browser(app, OWNER_IP)

    forged = "/account/unlock/not-a-real-link"
    response = post_form(browser, forged, {}, token_from="/account/login")

    assert response.status_code == 400
    assert _login(browser, user.email, PASSWORD).status_code == 429
