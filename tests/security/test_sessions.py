"""Security bar 2(f): session invalidation (WSTG-SESS-06, ASVS 7.2.4, 7.3.x, 7.4.x) and cookies.

A browser signs in through the real form; its cookie is copied into a second client (the thief).
After each event the copy must stop working on the server side.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Role, User, UserSession, utcnow
from tests.factories import PASSWORD, Factories
from tests.helpers import form_token
from tests.security.support import HTTPS, NEW_PASSWORD, dispose, is_login_redirect, production_app
from tests.two_factor_steps import second_step


def _cookie_name(app) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def _cookie(client, app):
    cookie = client.get_cookie(_cookie_name(app))
    return cookie.value if cookie else None


def sign_in_with_form(app, user, password=PASSWORD):
    client = app.test_client()
    token = form_token(client, "/account/login")
    response = client.post(
        "/account/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.status_code
    assert not is_login_redirect(response)
    second_step(client, app, user.email)  # two-factor, when the account has or needs it
    return client


def copy_of(app, client):
    thief = app.test_client()
    thief.set_cookie(_cookie_name(app), _cookie(client, app))
    return thief


def works(client, path="/account/") -> bool:
    response = client.get(path)
    if response.status_code == 200:
        return True
    assert is_login_redirect(response), (path, response.status_code)
    return False


def _live_session(app, user_id) -> int:
    with app.app_context():
        return db.session.scalars(
            select(UserSession.id).where(
                UserSession.user_id == user_id, UserSession.ended_at.is_(None)
            )
        ).one()


def _set_session(app, session_id, **fields):
    with app.app_context():
        row = db.session.get(UserSession, session_id)
        for key, value in fields.items():
            setattr(row, key, value)
        db.session.commit()


def _ended_reason(app, session_id):
    with app.app_context():
        return db.session.get(UserSession, session_id).ended_reason


def _set_active(app, user_id, active: bool):
    with app.app_context():
        db.session.get(User, user_id).is_active = active
        db.session.commit()


def test_copied_cookie_works_until_logout(app, make):
    user = make.user()
    browser = sign_in_with_form(app, user)
    thief = copy_of(app, browser)
    assert works(thief), "the copy should work while the session lives (else the test is void)"

    response = browser.post("/account/logout", data={"csrf_token": form_token(browser, "/")})
    assert is_login_redirect(response)
    assert not works(browser)
    assert not works(thief), "a copied cookie still works after logout"


def test_password_change_ends_other_sessions_but_keeps_this_browser(app, make):
    user = make.user()
    browser = sign_in_with_form(app, user)
    thief = copy_of(app, browser)
    other_device = make.signed_in_client(user)
    assert works(thief) and works(other_device)

    response = browser.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": form_token(browser, "/account/"),
        },
    )
    assert response.status_code == 302, response.status_code
    assert works(browser), "the browser that changed the password was signed out"
    assert not works(thief), "a copied cookie still works after a password change"
    assert not works(other_device), "another device stays signed in after a password change"


def test_revoking_a_lawyer_ends_the_lawyers_copied_session(app, make):
    owner = make.user()
    employer = make.employer(owner)
    lawyer = make.user()
    grant = make.member(employer, lawyer, Role.REPRESENTATIVE)
    browser = sign_in_with_form(app, lawyer)
    thief = copy_of(app, browser)
    tenant_page = f"/employers/{employer.id}/"
    assert thief.get(tenant_page).status_code == 200

    owner_client = make.signed_in_client(owner)
    members_page = f"/employers/{employer.id}/members"
    response = owner_client.post(
        f"/employers/{employer.id}/members/{grant.id}/revoke",
        data={"csrf_token": form_token(owner_client, members_page)},
    )
    assert response.status_code == 302, response.status_code

    response = thief.get(tenant_page)
    assert response.status_code == 404 or is_login_redirect(response), response.status_code
    assert not works(thief), "the revoked lawyer's copied cookie still works"
    assert not works(browser)


def test_disabling_the_account_stops_the_copied_cookie(app, make):
    user = make.user()
    browser = sign_in_with_form(app, user)
    thief = copy_of(app, browser)
    assert works(thief)

    _set_active(app, user.id, False)
    assert not works(thief), "a copied cookie still works after the account was disabled"
    assert not works(browser)


def test_disabling_the_account_ends_its_sessions_for_good(app, make):
    """ASVS 7.4.2: disabling an account *terminates* its sessions. Re-enabling it later (say,
    after an investigation) must not bring a stolen cookie back to life."""
    user = make.user()
    browser = sign_in_with_form(app, user)
    thief = copy_of(app, browser)
    session_id = _live_session(app, user.id)

    _set_active(app, user.id, False)
    assert not works(thief)
    _set_active(app, user.id, True)
    assert not works(thief), "a cookie copied before the account was disabled works again"
    assert _ended_reason(app, session_id) is not None, "the disabled account's session never ended"


def test_idle_timeout(app, make):
    user = make.user()
    browser = sign_in_with_form(app, user)
    thief = copy_of(app, browser)
    session_id = _live_session(app, user.id)

    _set_session(app, session_id, last_seen_at=utcnow() - timedelta(minutes=29))
    assert works(thief), "29 idle minutes are within the 30-minute limit"
    _set_session(app, session_id, last_seen_at=utcnow() - timedelta(minutes=31))
    assert not works(thief), "the session survived 31 idle minutes"
    assert not works(browser)
    assert _ended_reason(app, session_id) == "idle"


def test_absolute_lifetime(app, make):
    user = make.user()
    browser = sign_in_with_form(app, user)
    session_id = _live_session(app, user.id)

    _set_session(app, session_id, created_at=utcnow() - timedelta(hours=11))
    assert works(browser)
    _set_session(app, session_id, created_at=utcnow() - timedelta(hours=13), last_seen_at=utcnow())
    assert not works(browser), "the session outlived the 12-hour absolute limit"
    assert _ended_reason(app, session_id) == "expired"


def test_session_cookie_changes_at_login(app, make):
    user = make.user()
    browser = app.test_client()
    token = form_token(browser, "/account/login")
    before = _cookie(browser, app)
    assert before, "the sign-in page set no session cookie (it carries the CSRF secret)"
    planted = copy_of(app, browser)  # a pre-login cookie an attacker could have planted

    response = browser.post(
        "/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    after = _cookie(browser, app)
    assert after and after != before, "the session cookie did not change at login"
    assert works(browser)
    assert not works(planted), "the pre-login cookie became a signed-in session (fixation)"


# --------------------------------------------------------------------------------------------
# Production cookie attributes and host checking


@pytest.fixture
def production(monkeypatch, database_url):
    app = production_app(monkeypatch, database_url)
    yield app
    dispose(app)


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _attributes(set_cookie: str) -> tuple[str, dict]:
    first, *rest = [part.strip() for part in set_cookie.split(";")]
    name = first.split("=", 1)[0]
    attributes = {}
    for part in rest:
        key, _, value = part.partition("=")
        attributes[key.lower()] = value
    return name, attributes


def test_production_session_cookie_attributes(production):
    assert production.debug is False
    user = Factories(production).user()
    client = production.test_client()
    page = client.get("/account/login", base_url=HTTPS)
    token = _CSRF.search(page.get_data(as_text=True))[1]
    response = client.post(
        "/account/login",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/account/login"},
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.status_code
    set_cookies = page.headers.getlist("Set-Cookie") + response.headers.getlist("Set-Cookie")
    assert response.headers.getlist("Set-Cookie"), "login set no cookie"
    for header in set_cookies:
        name, attributes = _attributes(header)
        assert name.startswith("__Host-"), header
        assert "secure" in attributes, header
        assert "httponly" in attributes, header
        assert attributes.get("samesite", "").lower() == "lax", header
        assert attributes.get("path") == "/", header
        assert "domain" not in attributes, header
    assert client.get("/account/", base_url=HTTPS).status_code == 200


def _get_root(app, **kwargs):
    try:
        return app.test_client().get("/", **kwargs)
    except Exception as error:  # a WSGI server answers this with a bare 500, no headers
        pytest.fail(f"the app crashed instead of answering 400: {error!r}")


def test_production_refuses_unknown_hosts(production):
    assert _get_root(production, base_url=HTTPS).status_code == 200
    assert _get_root(production, base_url="https://evil.example").status_code == 400
    response = _get_root(production, base_url=HTTPS, headers={"Host": "evil.example"})
    assert response.status_code == 400
