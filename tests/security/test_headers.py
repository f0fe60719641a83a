"""Security bar 2(g): every response carries the security headers, errors included.

Every GET route (from ``app.url_map``) x (anonymous, A's owner), plus 400 (CSRF), 401, 403, 404,
405 and 500 responses. HSTS is checked on the production configuration over https.
"""

import json

import pytest

from portal.tenancy import PUBLIC, policy
from tests.factories import Factories
from tests.helpers import form_token
from tests.security.support import (
    HTTPS,
    build_url,
    dispose,
    new_app,
    production_app,
    resolve_args,
    rules_of,
    seed_world,
)

REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
ONE_YEAR = 31_536_000


def missing_headers(response, *, static=False, production=False) -> list[str]:
    headers = response.headers
    missing = []
    csp = headers.get("Content-Security-Policy", "")
    if "frame-ancestors 'none'" not in csp:
        missing.append("Content-Security-Policy frame-ancestors 'none'")
    if "default-src" not in csp or "unsafe-inline" in csp:
        missing.append("Content-Security-Policy default-src without unsafe-inline")
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        missing.append("X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy", "").lower() not in REFERRER_POLICIES:
        missing.append("Referrer-Policy")
    if not static and "no-store" not in headers.get("Cache-Control", ""):
        missing.append("Cache-Control: no-store")
    if production:
        hsts = headers.get("Strict-Transport-Security", "")
        directives = {part.strip().split("=")[0].lower(): part for part in hsts.split(";")}
        max_age = directives.get("max-age", "max-age=0").split("=")[1]
        if int(max_age) < ONE_YEAR or "includesubdomains" not in directives:
            missing.append("Strict-Transport-Security (1 year, includeSubDomains)")
    return missing


class Tally:
    def __init__(self):
        self.checked = 0
        self.problems: list[str] = []

    def check(self, label, response, **kwargs):
        self.checked += 1
        missing = missing_headers(response, **kwargs)
        if missing:
            self.problems.append(f"{label} ({response.status_code}): missing {missing}")


def test_every_get_route_and_error_page_carries_the_headers(app, make, figure):
    world = seed_world(app, with_b=False)
    clients = {
        "anonymous": app.test_client(),
        "owner": make.signed_in_client(world.users["a_owner"]),
    }
    tally = Tally()
    for rule in rules_of(app):
        if "GET" not in rule.methods:
            continue
        url = build_url(rule, resolve_args(world, rule, "own"))
        for actor, client in clients.items():
            response = client.get(url, buffered=True)
            assert response.status_code < 500, (url, actor, response.status_code)
            tally.check(f"GET {url} as {actor}", response, static=rule.endpoint == "static")
    routes_checked = tally.checked

    statuses = set()
    for actor, client in clients.items():
        for label, response in (
            ("404", client.get("/no-such-page")),
            ("405", client.get("/account/logout")),
            (
                "POST /account/login without token",
                client.post("/account/login", data={"email": "x@example.com"}),
            ),
            (
                "POST /account/ without token",
                client.post("/account/", data={"full_name": "No Token"}),
            ),
        ):
            statuses.add(response.status_code)
            tally.check(f"{label} as {actor}", response)

    viewer = make.signed_in_client(world.users["a_viewer"])
    forbidden = viewer.get(f"/employers/{world.a.employer_id}/profile")
    anonymous = app.test_client()
    failed_login = anonymous.post(
        "/account/login",
        data={
            "email": world.users["a_viewer"].email,
            "password": "wrong wrong wrong",
            "csrf_token": form_token(anonymous),
        },
    )
    for label, response in (("403", forbidden), ("401", failed_login)):
        statuses.add(response.status_code)
        tally.check(label, response)

    figure("headers", f"{tally.checked} responses checked, {len(tally.problems)} missing a header")
    print(
        "headers "
        + json.dumps(
            {
                "responses_checked": tally.checked,
                "route_responses": routes_checked,
                "error_statuses": sorted(statuses),
                "missing": len(tally.problems),
            }
        )
    )
    assert statuses >= {400, 401, 403, 404, 405}, statuses
    assert not tally.problems, "\n".join(tally.problems)


@pytest.fixture
def failing_app(database_url):
    app = new_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @policy(PUBLIC)
    def boom():
        raise RuntimeError("planted failure")

    app.add_url_rule("/__security_test_boom", "security_test_boom", boom)
    yield app
    dispose(app)


def test_the_500_page_carries_the_headers(failing_app):
    response = failing_app.test_client().get("/__security_test_boom")
    assert response.status_code == 500
    assert "planted failure" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert missing_headers(response) == []


@pytest.fixture
def production(monkeypatch, database_url):
    app = production_app(monkeypatch, database_url)
    yield app
    dispose(app)


def test_production_sends_hsts_over_https(production):
    tally = Tally()
    client = production.test_client()
    for path in ("/", "/account/login", "/no-such-page"):
        tally.check(f"GET {path}", client.get(path, base_url=HTTPS), production=True)
    signed_in = Factories(production).signed_in_client(Factories(production).user())
    response = signed_in.get("/account/", base_url=HTTPS)
    assert response.status_code == 200
    tally.check("GET /account/ signed in", response, production=True)
    response = client.get("/static/portal.css", base_url=HTTPS)
    tally.check("GET static", response, static=True, production=True)
    print("headers-production " + json.dumps({"responses_checked": tally.checked}))
    assert not tally.problems, "\n".join(tally.problems)
