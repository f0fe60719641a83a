"""Two-factor sign-in (issue 11; security bar §1.1 ASVS 6.3.3, 6.5.1/6.5.3/6.5.5, 6.4.x; §2(e)).

Who needs it, enrolment, the code page (right, wrong, replayed, a step either side), recovery
codes (once, audited, mailed), throttling per IP and per account (a spoofed X-Forwarded-For does
not help), sessions made before enrolment end, the gate on every signed-in route of
``app.url_map``, a password reset that does not skip the code, and the operator's
``two-factor-reset`` as a subprocess. The last test reports the figure: the number of cases,
each of which must have passed.
"""

import re

import pyotp
import pytest
from sqlalchemy import select, text

from portal.auth import two_factor
from portal.auth.services import reset_link_token
from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, RecoveryCode, Role, User, UserSession
from portal.tenancy import (
    PERMISSIONS,
    PUBLIC,
    SIGNED_IN,
    SIGNED_IN_FIRST_STEP,
    access_policy_of,
)
from tests.accounts._support import count, outbox, page_text, post_with_token, rows
from tests.factories import PASSWORD
from tests.helpers import form_token
from tests.security.support import (
    build_url,
    dispose,
    methods_of,
    new_app,
    resolve_args,
    rules_of,
    seed_world,
)
from tests.two_factor_steps import code_for, enrol, enter_code, next_code, shown_secret

PASSED: list[str] = []
ENROL = "/account/two-factor/enrol"
CODE = "/account/two-factor/code"
_CODES = re.compile(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>")


def passed(name: str) -> None:
    PASSED.append(name)


def password_sign_in(app, email, password=PASSWORD, **kwargs):
    """The first step only: a client whose session has the password, not the code."""
    client = app.test_client()
    token = form_token(client, "/account/login")
    response = post_with_token(
        client, "/account/login", {"email": email, "password": password}, token, **kwargs
    )
    assert response.status_code == 302, page_text(response)
    return client


def representative(make):
    owner = make.user()
    employer = make.employer(owner)
    lawyer = make.user()
    make.member(employer, lawyer, Role.REPRESENTATIVE)
    return owner, employer, lawyer


def enrolled(app, client, email) -> list[str]:
    """Enrol through the pages; return the recovery codes shown."""
    response = enrol(client, app, email)
    codes = _CODES.findall(response.get_data(as_text=True))
    assert len(codes) == 10, response.get_data(as_text=True)
    return codes


def user_row(app, email) -> User:
    return rows(app, User, User.email == email)[0]


def events(app, action) -> list[AuditEvent]:
    return rows(app, AuditEvent, AuditEvent.action == action)


# --- who needs it ---------------------------------------------------------------------------


def test_required_for_representatives_and_represented_owners_only(app, make):
    owner, employer, lawyer = representative(make)
    staff = make.user()
    make.member(employer, staff, Role.STAFF)
    lone_owner = make.user()
    lone_employer = make.employer(lone_owner)
    revoked_lawyer = make.user()
    other = make.employer(make.user())
    grant = make.member(other, revoked_lawyer, Role.REPRESENTATIVE)
    with app.app_context():
        db.session.execute(
            text("UPDATE memberships SET revoked_at = CURRENT_TIMESTAMP WHERE id = :id"),
            {"id": grant.id},
        )
        db.session.commit()

    def landing(user):
        response = password_sign_in(app, user.email).get("/account/")
        return response.status_code, response.headers.get("Location", "")

    assert landing(lawyer) == (303, f"{ENROL}?next=/account/")
    assert landing(owner) == (303, f"{ENROL}?next=/account/")
    for optional in (staff, lone_owner, revoked_lawyer):
        assert landing(optional) == (200, "")
    # Becoming required later: the owner of a bistro that gets a representative.
    client = password_sign_in(app, lone_owner.email)
    assert client.get("/account/").status_code == 200
    make.member(lone_employer, make.user(), Role.REPRESENTATIVE)
    assert client.get("/account/").status_code == 303
    passed("required")


def test_optional_user_enrols_and_turns_it_off_with_password_and_code(app, make):
    user = make.user()
    client = password_sign_in(app, user.email)
    assert "Set up two-factor sign-in" in page_text(client.get("/account/"))
    enrolled(app, client, user.email)
    assert "Recovery codes and settings" in page_text(client.get("/account/"))
    token = form_token(client, "/account/two-factor/")
    wrong = post_with_token(
        client, "/account/two-factor/off", {"password": "wrong", "code": "000000"}, token
    )
    assert wrong.status_code == 401
    off = post_with_token(
        client,
        "/account/two-factor/off",
        {"password": PASSWORD, "code": next_code(app, user.email)},
        token,
    )
    assert off.status_code == 303
    assert user_row(app, user.email).totp_secret is None
    assert count(app, RecoveryCode, RecoveryCode.user_id == user.id) == 0
    assert events(app, "user.two_factor_disabled")
    # Signing in again asks only the password.
    assert password_sign_in(app, user.email).get("/account/").status_code == 200
    passed("optional")


def test_a_required_user_cannot_turn_it_off(app, make):
    _, _, lawyer = representative(make)
    client = password_sign_in(app, lawyer.email)
    enrolled(app, client, lawyer.email)
    token = form_token(client, "/account/two-factor/")
    response = post_with_token(
        client,
        "/account/two-factor/off",
        {"password": PASSWORD, "code": next_code(app, lawyer.email)},
        token,
    )
    assert response.status_code == 403
    assert user_row(app, lawyer.email).totp_enabled_at is not None
    passed("required stays on")


# --- enrolment ------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_key_and_stores_only_hashes_and_ciphertext(app, make):
    _, _, lawyer = representative(make)
    client = password_sign_in(app, lawyer.email)
    token = form_token(client, ENROL)
    assert "Show my key" in page_text(client.get(ENROL))
    assert user_row(app, lawyer.email).totp_secret is None  # a GET changes nothing
    client.post(f"{ENROL}/start", data={"csrf_token": token})
    page = client.get(ENROL).get_data(as_text=True)
    secret = shown_secret(page)
    assert len(secret) == 32 and pyotp.TOTP(secret).now()
    assert 'src="data:image/svg+xml' in page and 'class="qr-code"' in page
    assert user_row(app, lawyer.email).totp_secret == secret  # stored at once...
    with app.app_context():
        raw = db.session.execute(
            text("SELECT totp_secret FROM users WHERE id = :id"), {"id": lawyer.id}
        ).scalar()
    assert raw and secret not in raw  # ...encrypted
    # Another browser with the password does not see this key.
    other = password_sign_in(app, lawyer.email)
    assert "Show my key" in page_text(other.get(ENROL))
    token = form_token(client, ENROL)
    response = post_with_token(client, ENROL, {"code": code_for(secret, None)}, token)
    assert response.status_code == 200
    codes = _CODES.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10
    stored = {row.code_hash for row in rows(app, RecoveryCode, RecoveryCode.user_id == lawyer.id)}
    assert stored == {two_factor.recovery_code_hash(code) for code in codes}
    assert not any(code in str(stored) for code in codes)
    assert user_row(app, lawyer.email).totp_enabled_at is not None
    assert client.get("/").status_code == 200
    assert events(app, "user.two_factor_enabled")
    passed("enrolment")


def test_sessions_made_before_enrolment_end_when_it_completes(app, make):
    _, _, lawyer = representative(make)
    before = password_sign_in(app, lawyer.email)
    client = password_sign_in(app, lawyer.email)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    enrolled(app, client, lawyer.email)
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert thief.get("/account/").status_code == 302  # to sign in: the copied session ended
    assert before.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 200  # this browser: a new session
    live = rows(app, UserSession, UserSession.user_id == lawyer.id, UserSession.ended_at.is_(None))
    assert len(live) == 1 and live[0].second_factor_at is not None
    passed("sessions end at enrolment")


# --- the code page --------------------------------------------------------------------------


@pytest.fixture
def lawyer_enrolled(app, make):
    _, _, lawyer = representative(make)
    codes = enrolled(app, password_sign_in(app, lawyer.email), lawyer.email)
    return lawyer, codes


def _secret(app, email):
    return user_row(app, email).totp_secret


def test_right_code_passes_wrong_code_does_not(app, lawyer_enrolled):
    lawyer, _ = lawyer_enrolled
    client = password_sign_in(app, lawyer.email)
    assert client.get("/").headers["Location"] == f"{CODE}?next=/"
    wrong = enter_code(client, app, lawyer.email, "123456")
    assert wrong.status_code == 401
    assert "This code is not right" in page_text(wrong)
    assert client.get("/").status_code == 303
    assert events(app, "user.two_factor_failed")
    right = enter_code(client, app, lawyer.email)
    assert right.status_code == 303
    assert client.get("/").status_code == 200
    passed("wrong code")


def test_a_code_works_once(app, lawyer_enrolled):
    lawyer, _ = lawyer_enrolled
    code = next_code(app, lawyer.email)
    first = password_sign_in(app, lawyer.email)
    assert enter_code(first, app, lawyer.email, code).status_code == 303
    second = password_sign_in(app, lawyer.email)
    assert enter_code(second, app, lawyer.email, code).status_code == 401
    assert second.get("/").status_code == 303
    passed("replayed code")


def test_codes_of_the_step_before_and_after_are_accepted_two_steps_away_not(app, make):
    user = make.user()
    secret = pyotp.random_base32()
    now = 1_800_000_000.0
    step = two_factor.current_step(now)
    totp = pyotp.TOTP(secret)
    with app.app_context():
        row = db.session.get(User, user.id)
        row.totp_secret = secret
        db.session.commit()
        assert not two_factor.accept_code(row, totp.generate_otp(step - 2), now=now)
        assert not two_factor.accept_code(row, totp.generate_otp(step + 2), now=now)
        assert two_factor.accept_code(row, totp.generate_otp(step - 1), now=now)
        assert two_factor.accept_code(row, totp.generate_otp(step), now=now)
        assert two_factor.accept_code(row, totp.generate_otp(step + 1), now=now)
        # Every step of the window is now used: none works again, nor an earlier one.
        for offset in (-1, 0, 1):
            assert not two_factor.accept_code(row, totp.generate_otp(step + offset), now=now)
        db.session.commit()
    passed("step before and after")


# --- throttling -----------------------------------------------------------------------------


def _ip(address, **headers):
    return {"environ_base": {"REMOTE_ADDR": address}, "headers": headers}


def test_the_code_page_is_throttled_per_account_and_per_ip(app, make):
    app.config["ARGON2_MEMORY_COST_KIB"] = 8
    per_account = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])  # 5 per 15 minutes
    per_ip = int(app.config["LOGIN_LIMIT_PER_IP"].split()[0])  # 20 per 15 minutes
    _, _, lawyer = representative(make)
    enrolled(app, password_sign_in(app, lawyer.email), lawyer.email)

    # Per account: each wrong code from another IP, with a spoofed X-Forwarded-For.
    client = password_sign_in(app, lawyer.email)
    token = form_token(client, CODE)
    for n in range(per_account):
        wrong = post_with_token(
            client,
            CODE,
            {"code": "000000"},
            token,
            **_ip(f"198.51.100.{n}", **{"X-Forwarded-For": f"203.0.113.{n}"}),
        )
        assert wrong.status_code == 401
    throttled = post_with_token(
        client, CODE, {"code": next_code(app, lawyer.email)}, token, **_ip("198.51.100.99")
    )
    assert throttled.status_code == 429
    assert "Try again in" in page_text(throttled)
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60 + 1
    assert client.get("/").status_code == 303  # still not through
    assert events(app, "user.two_factor_throttled")

    # Per IP: many accounts from one address; X-Forwarded-For is not trusted.
    failures = 0
    lawyers = []
    while failures < per_ip:
        _, _, other = representative(make)
        other_client = password_sign_in(app, other.email, **_ip("192.0.2.7"))
        enrolled(app, other_client, other.email)
        lawyers.append(other)
        other_client = password_sign_in(app, other.email, **_ip("192.0.2.7"))
        token = form_token(other_client, CODE)
        for _ in range(min(per_account - 1, per_ip - failures)):
            response = post_with_token(
                other_client, CODE, {"code": "000000"}, token, **_ip("192.0.2.7")
            )
            assert response.status_code == 401
            failures += 1
    fresh = lawyers[-1]
    spoofed = password_sign_in(app, fresh.email, **_ip("192.0.2.7"))
    token = form_token(spoofed, CODE)
    response = post_with_token(
        spoofed,
        CODE,
        {"code": next_code(app, fresh.email)},
        token,
        **_ip("192.0.2.7", **{"X-Forwarded-For": "203.0.113.200"}),
    )
    assert response.status_code == 429
    elsewhere = post_with_token(
        spoofed, CODE, {"code": next_code(app, fresh.email)}, token, **_ip("192.0.2.8")
    )
    assert elsewhere.status_code == 303
    passed("throttle")


# --- recovery codes -------------------------------------------------------------------------


def test_a_recovery_code_works_once_is_audited_and_mailed(app, lawyer_enrolled):
    lawyer, codes = lawyer_enrolled
    client = password_sign_in(app, lawyer.email)
    response = enter_code(client, app, lawyer.email, codes[3].upper().replace("-", " "))
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    used = events(app, "user.recovery_code_used")
    assert len(used) == 1 and used[0].changes == {"recovery_codes_left": 9}
    mail = [m for m in outbox(app, lawyer.email) if "recovery code was used" in m.subject]
    assert len(mail) == 1 and "You have 9 left" in mail[0].body
    again = password_sign_in(app, lawyer.email)
    assert enter_code(again, app, lawyer.email, codes[3]).status_code == 401
    assert count(app, OutboxMessage, OutboxMessage.recipient == lawyer.email) == len(
        outbox(app, lawyer.email)
    )
    assert "9 recovery codes left" in page_text(client.get("/account/two-factor/"))
    passed("recovery code once")


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(app, lawyer_enrolled):
    lawyer, codes = lawyer_enrolled
    client = password_sign_in(app, lawyer.email)
    assert enter_code(client, app, lawyer.email).status_code == 303
    token = form_token(client, "/account/two-factor/")
    refused = post_with_token(client, "/account/two-factor/recovery-codes", {"code": "1"}, token)
    assert refused.status_code == 401
    response = post_with_token(
        client,
        "/account/two-factor/recovery-codes",
        {"code": next_code(app, lawyer.email)},
        token,
    )
    assert response.status_code == 200
    new = _CODES.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(codes)
    old = password_sign_in(app, lawyer.email)
    assert enter_code(old, app, lawyer.email, codes[0]).status_code == 401
    passed("new recovery codes")


# --- the gate -------------------------------------------------------------------------------


@pytest.fixture
def gate_app(database_url):
    app = new_app(database_url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    yield app
    dispose(app)


def test_a_half_signed_in_session_reaches_no_signed_in_route(gate_app):
    """Walk ``app.url_map``: every route but the first-step ones (and static), with every
    method, answers a half-signed-in representative with 303 to the code page, for their own
    tenant's objects, and changes nothing."""
    app = gate_app
    world = seed_world(app, with_b=False)
    lawyer = world.users["a_rep"]
    with app.app_context():
        row = db.session.get(User, lawyer.id)
        row.totp_secret = pyotp.random_base32()
        row.totp_enabled_at = row.created_at
        db.session.commit()
    checked, problems, first_step = 0, [], []
    for rule in rules_of(app):
        declared = access_policy_of(rule.endpoint, app.view_functions[rule.endpoint])
        if rule.endpoint == "static":
            continue
        if declared == SIGNED_IN_FIRST_STEP:
            first_step.append(rule.endpoint)
            continue
        assert declared in (PUBLIC, SIGNED_IN) or declared in PERMISSIONS
        url = build_url(rule, resolve_args(world, rule, "own"))
        for method in methods_of(rule):
            client = world.make.signed_in_client(lawyer, second_factor=False)
            response = client.open(url, method=method, data={}, buffered=True)
            checked += 1
            location = response.headers.get("Location", "")
            if response.status_code != 303 or not location.startswith(CODE):
                problems.append(f"{method} {url}: {response.status_code} {location}")
    assert not problems, "\n".join(problems)
    assert sorted(first_step) == [
        "auth.logout",
        "auth.two_factor_code",
        "auth.two_factor_enrol",
        "auth.two_factor_start",
    ]
    assert checked > 150, checked
    passed("gate on every route")


def test_password_reset_does_not_skip_the_code(app, lawyer_enrolled):
    lawyer, _ = lawyer_enrolled
    with app.app_context():
        token_link = reset_link_token(db.session.get(User, lawyer.id))
    client = app.test_client()
    path = f"/account/reset/{token_link}"
    new_password = "a brand new passphrase for winter"
    token = form_token(client, path)
    response = post_with_token(
        client, path, {"password": new_password, "confirm": new_password}, token
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/login")
    assert client.get("/account/").status_code == 302  # a reset never signs in
    signed = password_sign_in(app, lawyer.email, new_password)
    assert signed.get("/").headers["Location"].startswith(CODE)
    assert user_row(app, lawyer.email).totp_enabled_at is not None
    passed("reset does not bypass")


def test_operator_resets_two_factor_from_the_command_line(tmp_path, monkeypatch):
    """``flask --app portal two-factor-reset EMAIL`` on a migrated, seeded database."""
    from tests.cli.support import demo_shell, ok
    from tests.conftest import build_app

    shell, seeded = demo_shell(tmp_path / "shell")
    ok(seeded)
    url = shell.env["PORTAL_DATABASE_URL"]
    email = "lawyer@harbourfront-law.example"
    keys = (shell.home / "instance" / "field_keys").read_text().strip()
    app = build_app(url, FIELD_KEYS=keys)
    with app.app_context():
        row = db.session.scalar(select(User).where(User.email == email))
        two_factor.start_enrolment(row)
        row.totp_enabled_at = row.created_at
        two_factor.new_recovery_codes(row)
        db.session.commit()
        db.engine.dispose()
    result = ok(shell.flask("two-factor-reset", email))
    assert f"Two-factor sign-in for {email} was on; it is reset" in result.stdout
    unknown = shell.flask("two-factor-reset", "nobody@example.com")
    assert unknown.returncode == 1 and "No account has the address" in unknown.stderr
    with app.app_context():
        row = db.session.scalar(select(User).where(User.email == email))
        assert row.totp_secret is None and row.totp_enabled_at is None
        assert not db.session.scalars(select(RecoveryCode)).all()
        assert db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset")
        ).all()
        db.engine.dispose()
    passed("operator reset")


def test_zz_figure(figure, request):
    # The cases collected in this run: CI's PostgreSQL run leaves the command-line one to the
    # SQLite run (tests/conftest.py, ci_run_of).
    here = request.node.path
    cases = [
        item.name
        for item in request.session.items
        if item.path == here and item.name != "test_zz_figure"
    ]
    figure("two-factor", f"{len(PASSED)} cases, {len(cases) - len(PASSED)} failed")
    assert len(PASSED) == len(cases), f"passed {PASSED}; cases {cases}"
