"""Throttling of sign-in and reset requests (Flask-Limiter storage), per IP and per account.

Default limits: 20 failed sign-ins per IP and 5 per account in 15 minutes.
"""

import re

import pytest

from portal.models import AuditEvent, OutboxMessage, UserSession
from tests.accounts._support import (
    count,
    form_token,
    page_text,
    post_with_token,
)
from tests.factories import PASSWORD

WRONG = "definitely not the password"
_TRY_AGAIN = re.compile(r"Try again in (\d+) minutes")


@pytest.fixture(autouse=True)
def default_limits(app):
    assert app.config["LOGIN_LIMIT_PER_IP"] == "20 per 15 minutes"
    assert app.config["LOGIN_LIMIT_PER_ACCOUNT"] == "5 per 15 minutes"
    assert app.config["RATELIMIT_ENABLED"]
    # These tests make dozens of sign-in attempts; what they check does not depend on the cost
    # of argon2, so use its minimum memory (set before the first hash, which caches the hasher).
    app.config["ARGON2_MEMORY_COST_KIB"] = 8


def _ip(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def _login(client, token, email, password, **kwargs):
    return post_with_token(
        client, "/account/login", {"email": email, "password": password}, token, **kwargs
    )


def _assert_throttled(response):
    assert response.status_code == 429
    match = _TRY_AGAIN.search(page_text(response))
    assert match, page_text(response)
    minutes = int(match.group(1))
    assert 1 <= minutes <= 15
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60 + 1
    assert minutes == -(-retry_after // 60)


def test_sixth_attempt_on_one_account_is_429_even_with_the_right_password(client, make, app):
    user = make.user()
    token = form_token(client)
    for _ in range(5):
        assert _login(client, token, user.email, WRONG).status_code == 401

    response = _login(client, token, user.email, PASSWORD)

    _assert_throttled(response)
    assert count(app, UserSession) == 0
    assert count(app, AuditEvent, AuditEvent.action == "user.login_throttled") == 1


def test_account_limit_applies_across_ips_and_email_case(client, make, app):
    user = make.user()
    token = form_token(client)
    for n in range(5):
        email = user.email.upper() if n % 2 else user.email
        assert _login(client, token, email, WRONG, **_ip(f"198.51.100.{n}")).status_code == 401

    response = _login(client, token, user.email, PASSWORD, **_ip("198.51.100.200"))

    _assert_throttled(response)


def test_account_limit_does_not_block_other_accounts(client, make, app):
    victim, other = make.user(), make.user()
    token = form_token(client)
    for _ in range(5):
        _login(client, token, victim.email, WRONG)

    assert _login(client, token, other.email, PASSWORD).status_code == 302


def test_successful_logins_do_not_count(make, app):
    user = make.user()
    client = app.test_client()
    token = form_token(client)
    for _ in range(4):
        assert _login(client, token, user.email, WRONG).status_code == 401
    for _ in range(3):
        fresh = app.test_client()
        assert _login(fresh, form_token(fresh), user.email, PASSWORD).status_code == 302

    # The fifth failure is still allowed; only then is the account throttled.
    assert _login(client, token, user.email, WRONG).status_code == 401
    _assert_throttled(_login(client, token, user.email, PASSWORD))


def test_many_successful_logins_from_one_ip_are_never_throttled(make, app):
    user = make.user()
    for _ in range(7):
        client = app.test_client()
        assert _login(client, form_token(client), user.email, PASSWORD).status_code == 302
    assert count(app, UserSession, UserSession.user_id == user.id) == 7


def test_per_ip_limit_across_many_accounts(client, make, app):
    user = make.user()
    token = form_token(client)
    for n in range(20):
        response = _login(client, token, f"guess{n}@example.com", WRONG, **_ip("203.0.113.7"))
        assert response.status_code == 401, n

    throttled = _login(client, token, user.email, PASSWORD, **_ip("203.0.113.7"))
    elsewhere = _login(client, token, user.email, PASSWORD, **_ip("203.0.113.8"))

    _assert_throttled(throttled)
    assert elsewhere.status_code == 302


def test_spoofed_forwarded_for_does_not_reset_the_ip_limit(client, make, app):
    user = make.user()
    token = form_token(client)
    for n in range(20):
        headers = {"X-Forwarded-For": f"10.0.{n}.1", "X-Real-IP": f"10.0.{n}.1"}
        response = _login(
            client, token, f"guess{n}@example.com", WRONG, headers=headers, **_ip("203.0.113.9")
        )
        assert response.status_code == 401, n

    response = _login(
        client,
        token,
        user.email,
        PASSWORD,
        headers={"X-Forwarded-For": "192.0.2.250"},
        **_ip("203.0.113.9"),
    )

    _assert_throttled(response)
    assert count(app, UserSession) == 0


def test_reset_requests_are_throttled_per_account(client, make, app):
    user = make.user()
    token = form_token(client, "/account/reset")
    for _ in range(5):
        response = post_with_token(
            client, "/account/reset", {"email": user.email}, token, buffered=True
        )
        assert response.status_code == 302

    response = post_with_token(client, "/account/reset", {"email": user.email}, token)

    _assert_throttled(response)
    assert count(app, OutboxMessage) == 5


def test_reset_requests_for_unknown_emails_are_throttled_the_same(client, app):
    token = form_token(client, "/account/reset")
    for _ in range(5):
        post_with_token(client, "/account/reset", {"email": "nobody@example.com"}, token)

    response = post_with_token(client, "/account/reset", {"email": "nobody@example.com"}, token)

    _assert_throttled(response)
    assert count(app, OutboxMessage) == 0


def test_reset_requests_are_throttled_per_ip(client, app):
    token = form_token(client, "/account/reset")
    for n in range(20):
        response = post_with_token(
            client, "/account/reset", {"email": f"probe{n}@example.com"}, token
        )
        assert response.status_code == 302, n

    response = post_with_token(client, "/account/reset", {"email": "probe99@example.com"}, token)

    _assert_throttled(response)


def test_reset_throttle_is_separate_from_login_throttle(client, make, app):
    user = make.user()
    reset_token = form_token(client, "/account/reset")
    for _ in range(6):
        post_with_token(client, "/account/reset", {"email": user.email}, reset_token)

    assert _login(client, form_token(client), user.email, PASSWORD).status_code == 302


def test_throttling_can_be_switched_off(client, make, app):
    app.config["RATELIMIT_ENABLED"] = False
    user = make.user()
    token = form_token(client)
    for _ in range(6):
        _login(client, token, user.email, WRONG)

    assert _login(client, token, user.email, PASSWORD).status_code == 302


def test_signups_are_throttled_per_ip(client, app):
    token = form_token(client, "/account/signup")
    refused = {"full_name": "", "email": "x@example.com", "password": "", "confirm": ""}
    for n in range(20):
        assert post_with_token(client, "/account/signup", refused, token).status_code == 422, n

    response = post_with_token(
        client,
        "/account/signup",
        {
            "full_name": "Real Person",
            "email": "real@example.com",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
        },
        token,
    )

    _assert_throttled(response)
    assert count(app, UserSession) == 0
