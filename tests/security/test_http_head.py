"""Issue 7 item 2: every GET page answers HEAD with the GET status and headers and no body.

Uptime monitors and link checkers send HEAD (``curl -I``). Views that branch on
``request.method == "GET"`` treated HEAD as a submitted form and answered 422; the fix is
``portal.web.HeadAsGet``, which runs GET and drops the body. The walk is generated from
``app.url_map`` (never a hand list), with URL arguments resolved to the seeded world of the
isolation matrix (``support.seed_world``, variant "own": tenant A's real objects and tokens), as
an anonymous visitor and as A's owner (every permission of the employer).
"""

import pytest

from tests.security.support import (
    build_url,
    resolve_args,
    rules_of,
    seed_world,
    snapshot,
    snapshot_diff,
)

# Headers that must be the same on HEAD as on GET. Everything else is compared too, except
# Set-Cookie, whose value is signed afresh per response (its cookie names are compared).
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Cache-Control",
)


def _headers(response) -> dict:
    headers = {key: value for key, value in response.headers.items() if key != "Set-Cookie"}
    cookies = sorted(value.split("=", 1)[0] for value in response.headers.getlist("Set-Cookie"))
    return {**headers, "Set-Cookie (names)": cookies}


def _get_rules(app):
    return [rule for rule in rules_of(app) if "GET" in rule.methods]


@pytest.mark.parametrize("actor", ["anonymous", "a_owner"])
def test_every_get_page_answers_head_with_the_get_status_and_headers(app, actor):
    world = seed_world(app)
    user = None if actor == "anonymous" else world.users[actor]
    problems, checked = [], 0
    statuses = set()
    for rule in _get_rules(app):
        url = build_url(rule, resolve_args(world, rule, "own"))
        got = world.pool.client(user).get(url)
        head = world.pool.client(user).head(url)
        checked += 1
        statuses.add(got.status_code)
        if head.status_code != got.status_code:
            problems.append(f"{url}: HEAD {head.status_code}, GET {got.status_code}")
            continue
        if head.data:
            problems.append(f"{url}: HEAD sent a body of {len(head.data)} bytes")
        expected, actual = _headers(got), _headers(head)
        if actual != expected:
            differing = sorted(
                key
                for key in expected.keys() | actual.keys()
                if expected.get(key) != actual.get(key)
            )
            problems.append(f"{url}: headers differ: {differing}")
        missing = [name for name in SECURITY_HEADERS if name not in head.headers]
        if missing and rule.endpoint != "static":
            problems.append(f"{url}: HEAD lacks {missing}")
        if "Content-Type" not in head.headers:
            problems.append(f"{url}: HEAD has no Content-Type")

    assert not problems, "\n".join(problems)
    assert checked >= 20
    # The walk reached real pages, not only sign-in redirects.
    assert 200 in statuses


def test_head_on_the_pages_the_probe_named(app):
    """``curl -I`` on the sign-in and sign-up pages answered 422; GET answers 200."""
    client = app.test_client()
    for path in ("/account/login", "/account/signup", "/account/reset"):
        got, head = client.get(path), client.head(path)
        assert (head.status_code, got.status_code) == (200, 200), path
        assert head.data == b""
        assert head.headers["Content-Length"] == got.headers["Content-Length"] != "0"
        assert head.headers["Content-Type"] == "text/html; charset=utf-8"


def test_head_changes_nothing_and_answers_like_get_on_post_urls(app):
    """HEAD runs the GET branch, never a form's submission: HEAD on the URL of every rule (a
    POST-only URL answers 405, as GET does) leaves the database and the files as they were."""
    world = seed_world(app)
    owner = world.users["a_owner"]
    post_only = [rule for rule in rules_of(app) if "GET" not in rule.methods]
    assert post_only
    # Resolved first: some resolvers make what their URL needs (a pending account to confirm).
    urls = [(rule, build_url(rule, resolve_args(world, rule, "own"))) for rule in rules_of(app)]
    before = snapshot(app)
    for rule, url in urls:
        head = world.pool.client(owner).head(url)
        assert head.data == b"", url
        if rule in post_only:
            got = world.pool.client(owner).get(url)
            assert head.status_code == got.status_code, url
            assert head.status_code in (200, 302, 405), url
    assert snapshot_diff(before, snapshot(app)) == []
