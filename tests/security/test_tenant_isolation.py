"""Security bar 2(a): tenant isolation, generated from ``app.url_map`` (never a hand list).

Every rule x method x actor is sent at tenant B's objects (and at ids that exist nowhere, and at
A's employer with B's child ids). Nobody in the actor list belongs to B, so every case must be a
404 (or a sign-in redirect, or a 4xx for endpoints that take no tenant), must not show B's canary,
and must change nothing. CSRF and throttling are off here so they cannot hide an access bug.
"""

import json

import pytest
from flask import g

from portal.extensions import db
from portal.invitations.services import issue_invitation
from portal.models import Employer, Membership, Role, User, WorkLocation
from portal.tenancy import PERMISSIONS, PUBLIC, SIGNED_IN, access_policy_of
from tests.factories import Factories
from tests.security.support import (
    CHILD_ARGS,
    HTTPS,
    MISSING_ID,
    OBJECT_ARGS,
    RESOLVERS,
    STATE_CHANGING,
    TENANT_ARGS,
    Unresolvable,
    account_body,
    build_url,
    contains,
    dispose,
    fresh_children,
    fresh_membership,
    is_login_redirect,
    mass_assignment_fields,
    methods_of,
    new_app,
    production_app,
    resolve_args,
    rules_of,
    seed_world,
    snapshot,
    snapshot_diff,
    tenant_body,
    tenant_snapshot,
)

# (actor name, key in world.users or None for anonymous, role in tenant A or None)
ACTORS = [
    ("anonymous", None, None),
    ("a_owner", "a_owner", Role.OWNER),
    ("a_staff", "a_staff", Role.STAFF),
    ("a_viewer", "a_viewer", Role.VIEWER),
    ("a_representative", "a_rep", Role.REPRESENTATIVE),
    ("lawyer_without_grants", "lawyer_none", None),
    ("lawyer_revoked_from_b", "lawyer_revoked", None),
    ("user_without_memberships", "loner", None),
]

# The agreed role table (security bar 2(a); portal.models.Role). PERMISSIONS must match it.
SPEC_PERMISSIONS = {
    "view": set(Role.ALL),
    "edit": {Role.OWNER, Role.STAFF},
    "comment": {Role.OWNER, Role.STAFF, Role.REPRESENTATIVE},
    "review": {Role.REPRESENTATIVE},
    "delete_evidence": {Role.OWNER, Role.STAFF},
    "manage_employer": {Role.OWNER},
    "manage_members": {Role.OWNER},
    "read_audit": {Role.OWNER, Role.REPRESENTATIVE},
}


@pytest.fixture
def isolation_app(database_url):
    app = new_app(database_url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    yield app
    dispose(app)


def _client(world, user_key):
    return world.pool.client(None if user_key is None else world.users[user_key])


def _matrix_body(world, rule, declared, values) -> dict:
    """Valid data where a leak would change something; mass-assignment fields everywhere."""
    if declared in PERMISSIONS:
        body = tenant_body(world.app, rule.endpoint, values["employer_id"])
    elif rule.endpoint == "auth.signup":
        # Taking over B's owner by signing up with their address must fail.
        body = account_body(world, "auth.signup") | {"email": world.users["b_owner"].email}
    elif rule.endpoint == "auth.login":
        body = {"email": world.users["b_owner"].email, "password": "not the password at all"}
    elif "token" in rule.arguments:
        body = account_body(world, rule.endpoint)
    else:
        # Account pages change the caller's own data when valid; send fields that fail
        # validation so "nothing changed" stays a meaningful assertion.
        body = {}
    return mass_assignment_fields(world.b.employer_id) | body


def _expected(declared, actor_role, variant, anonymous):
    """Return a predicate on the response and a description of what it accepts."""
    if declared in PERMISSIONS:
        if anonymous:
            return is_login_redirect, "redirect to sign-in"
        status = 404
        if (
            variant == "mixed"
            and actor_role is not None
            and actor_role not in PERMISSIONS[declared]
        ):
            status = 403  # refused on A before B's child is ever looked up
        return (lambda response: response.status_code == status), str(status)
    if declared == SIGNED_IN and anonymous:
        return is_login_redirect, "redirect to sign-in"
    return (lambda response: response.status_code < 500), "not 5xx"


def test_every_route_every_actor_against_a_foreign_tenant(isolation_app):
    app = isolation_app
    world = seed_world(app)
    canary = world.canary
    failures: list[str] = []
    cases = leaks = 0
    rule_methods = 0
    controls_total = controls_passed = 0
    canary_seen_by_owner = False

    def fail(message):
        failures.append(message)

    state = snapshot(app)

    for rule in rules_of(app):
        endpoint = rule.endpoint
        declared = access_policy_of(endpoint, app.view_functions[endpoint])
        if declared is None:
            fail(f"{rule.rule} ({endpoint}) declares no access policy")
            continue
        if declared not in PERMISSIONS and declared not in (PUBLIC, SIGNED_IN):
            fail(f"{rule.rule} declares unknown policy {declared!r}")
            continue
        arguments = set(rule.arguments)
        unresolved = sorted(arguments - RESOLVERS.keys())
        if unresolved:
            fail(f"{rule.rule}: URL argument(s) {unresolved} have no resolver in RESOLVERS")
            continue
        tenant = declared in PERMISSIONS
        if tenant and "employer_id" not in arguments:
            fail(f"{rule.rule} needs {declared!r} but carries no employer_id")
        if not tenant and arguments & TENANT_ARGS:
            fail(f"{rule.rule} takes {sorted(arguments & TENANT_ARGS)} but is {declared!r}")
        variants = ["foreign"]
        if arguments - {"filename"}:
            variants.append("missing")
        if arguments & CHILD_ARGS:
            variants.append("mixed")

        for method in methods_of(rule):
            rule_methods += 1
            for actor, user_key, actor_role in ACTORS:
                statuses = {}
                for variant in variants:
                    try:
                        values = resolve_args(world, rule, variant)
                        url = build_url(rule, values)
                    except Unresolvable as problem:
                        fail(str(problem))
                        break
                    data = None
                    if method in STATE_CHANGING:
                        data = _matrix_body(world, rule, declared, values)
                    client = _client(world, user_key)
                    before = state
                    response = client.open(url, method=method, data=data)
                    after = state = snapshot(app)
                    cases += 1
                    label = f"{method} {url} as {actor} [{variant}]"
                    statuses[variant] = response.status_code
                    where = contains(response, canary)
                    if where:
                        leaks += 1
                        fail(f"LEAK {label}: B's canary in the {where} ({response.status_code})")
                    changed = snapshot_diff(before, after)
                    if changed:
                        leaks += 1
                        fail(f"CHANGE {label} ({response.status_code}): {changed}")
                    accepts, wanted = _expected(declared, actor_role, variant, user_key is None)
                    if not accepts(response):
                        fail(f"STATUS {label}: got {response.status_code}, want {wanted}")
                    if (
                        not tenant
                        and "token" in arguments
                        and not 400 <= response.status_code < 500
                        and not is_login_redirect(response)
                    ):
                        fail(f"STATUS {label}: a forged link gave {response.status_code}")
                if (
                    arguments & OBJECT_ARGS
                    and "foreign" in statuses
                    and "missing" in statuses
                    and statuses["foreign"] != statuses["missing"]
                ):
                    fail(
                        f"ORACLE {method} {rule.rule} as {actor}: B's id gives "
                        f"{statuses['foreign']}, a missing id {statuses['missing']}"
                    )

            # Positive control: B's owner reaches every tenant page of B.
            if tenant and method == "GET":
                controls_total += 1
                url = build_url(rule, resolve_args(world, rule, "foreign"))
                response = _client(world, "b_owner").get(url)
                state = snapshot(app)
                if response.status_code < 400:
                    controls_passed += 1
                    canary_seen_by_owner |= contains(response, canary) is not None
                else:
                    fail(f"CONTROL GET {url} as B's owner gave {response.status_code}")

    summary = {
        "routes": len(list(app.url_map.iter_rules())),
        "rule_methods": rule_methods,
        "actors": len(ACTORS),
        "cases": cases,
        "leaks": leaks,
        "failures": len(failures),
        "positive_controls": f"{controls_passed}/{controls_total}",
    }
    print("tenant-isolation " + json.dumps(summary))
    assert controls_total > 0, "no tenant GET route found: the positive control ran on nothing"
    assert canary_seen_by_owner, "B's owner never saw the canary: the leak detector is blind"
    assert not failures, f"{len(failures)} problems, summary {summary}:\n" + "\n".join(
        failures[:60]
    )
    assert controls_passed == controls_total


def test_permission_table_matches_the_agreed_roles():
    for name, roles in SPEC_PERMISSIONS.items():
        if name in PERMISSIONS:
            assert set(PERMISSIONS[name]) == roles, f"PERMISSIONS[{name!r}] drifted"
    # Permissions added later must be added to the agreed table (and to this test) too.
    assert set(PERMISSIONS) <= set(SPEC_PERMISSIONS), set(PERMISSIONS) - set(SPEC_PERMISSIONS)


def _allowed(declared: str, role: str) -> bool:
    return role in SPEC_PERMISSIONS.get(declared, PERMISSIONS[declared])


def test_roles_inside_tenant_a(isolation_app):
    """Viewer and representative get 403 on manage/edit routes, staff on member management;
    the owner succeeds (which also proves the request bodies used above are valid)."""
    app = isolation_app
    world = seed_world(app, with_b=False)
    a = world.a
    owner_id = world.users["a_owner"].id
    failures: list[str] = []
    denied = allowed = 0
    tenant_rules = []
    for rule in rules_of(app):
        declared = access_policy_of(rule.endpoint, app.view_functions[rule.endpoint])
        if declared in PERMISSIONS:
            tenant_rules.append((rule, declared))
    assert tenant_rules

    members = [("a_viewer", Role.VIEWER), ("a_rep", Role.REPRESENTATIVE), ("a_staff", Role.STAFF)]
    for rule, declared in tenant_rules:
        for method in methods_of(rule):
            for user_key, role in members:
                extra = {}
                if method in STATE_CHANGING and _allowed(declared, role):
                    extra = fresh_children(world, a.employer_id, owner_id)
                values = resolve_args(world, rule, "own", extra)
                url = build_url(rule, values)
                data = None
                if method in STATE_CHANGING:
                    data = tenant_body(app, rule.endpoint, a.employer_id)
                before = snapshot(app)
                response = _client(world, user_key).open(url, method=method, data=data)
                label = f"{method} {url} as A's {role} ({declared})"
                if _allowed(declared, role):
                    allowed += 1
                    if response.status_code >= 400:
                        failures.append(f"{label}: got {response.status_code}, want success")
                else:
                    denied += 1
                    if response.status_code != 403:
                        failures.append(f"{label}: got {response.status_code}, want 403")
                    changed = snapshot_diff(before, snapshot(app))
                    if changed:
                        failures.append(f"{label}: refused but changed {changed}")

    # The owner last: successful POSTs consume fresh objects made for each of them.
    for rule, _declared in tenant_rules:
        for method in methods_of(rule):
            extra = {}
            if method in STATE_CHANGING:
                extra = fresh_children(world, a.employer_id, owner_id)
                if "membership_id" in rule.arguments:
                    extra["membership_id"] = fresh_membership(world, a.employer_id)
            url = build_url(rule, resolve_args(world, rule, "own", extra))
            data = tenant_body(app, rule.endpoint, a.employer_id) if method != "GET" else None
            before = snapshot(app)
            response = _client(world, "a_owner").open(url, method=method, data=data)
            allowed += 1
            if response.status_code >= 400:
                failures.append(f"{method} {url} as A's owner: got {response.status_code}")
            elif method in STATE_CHANGING and not snapshot_diff(before, snapshot(app)):
                failures.append(f"{method} {url} as A's owner changed nothing: body invalid?")

    print("tenant-roles " + json.dumps({"denied_cases": denied, "allowed_cases": allowed}))
    assert denied > 0
    assert not failures, "\n".join(failures)


def test_mass_assignment_fields_are_ignored(isolation_app):
    app = isolation_app
    world = seed_world(app)
    a, b = world.a, world.b
    owner = world.users["a_owner"]
    client = world.make.signed_in_client(owner)
    foreign = mass_assignment_fields(b.employer_id) | {"id": str(b.employer_id)}
    b_before = tenant_snapshot(app, b.employer_id)

    location = tenant_body(app, "employers.add_location", a.employer_id)
    response = client.post(f"/employers/{a.employer_id}/locations/new", data=location | foreign)
    assert response.status_code == 302
    response = client.post(
        f"/employers/{a.employer_id}/profile",
        data=tenant_body(app, "employers.edit_profile", a.employer_id) | foreign,
    )
    assert response.status_code == 302
    response = client.post("/employers/new", data=account_body(world, "employers.create") | foreign)
    assert response.status_code == 302
    created_id = int(response.headers["Location"].split("/employers/")[1].split("/")[0])
    response = client.post(
        "/account/",
        data={"full_name": "Alice Renamed", "locale": "en_CA", "email": "b@example.com"} | foreign,
    )
    assert response.status_code == 302
    response = client.post(
        f"/employers/{a.employer_id}/members/invite",
        data={"email": "boss@example.com", "role": "superuser"} | {"employer_id": b.employer_id},
    )
    assert response.status_code == 422

    assert tenant_snapshot(app, b.employer_id) == b_before
    assert created_id not in (a.employer_id, b.employer_id, MISSING_ID)
    with app.app_context():
        added = db.session.query(WorkLocation).filter_by(street_address=location["street_address"])
        assert added.one().employer_id == a.employer_id
        membership = db.session.query(Membership).filter_by(employer_id=created_id).one()
        assert (membership.user_id, membership.role) == (owner.id, Role.OWNER)
        user = db.session.get(User, owner.id)
        assert user.email == owner.email
        assert user.full_name == "Alice Renamed"


def test_production_never_serves_invitation_links_from_the_outbox(monkeypatch, database_url):
    """Sign-up does not prove that an address is yours. If production keeps mail in the outbox
    (no SMTP host) and serves it, whoever signs up first with an invitee's address reads the
    invitation link and joins that employer. Production must refuse to run without SMTP, or
    never serve the outbox."""
    try:
        app = production_app(monkeypatch, database_url, smtp_host=None)
    except RuntimeError as refused:
        assert "SMTP" in str(refused)
        return
    try:
        make = Factories(app)
        owner = make.user()
        employer = make.employer(owner, legal_name="Bravo Builders Ltd.")
        invitee = "new-lawyer@firm.example"
        with app.test_request_context(base_url=HTTPS):
            g.employer = db.session.get(Employer, employer.id)
            issue_invitation(g.employer, db.session.get(User, owner.id), invitee, Role.STAFF)
            db.session.commit()

        squatter = make.signed_in_client(make.user(email=invitee))
        response = squatter.get("/outbox/", base_url=HTTPS)
        shows_link = "/invitations/" in response.get_data(as_text=True)
        assert response.status_code == 404, (
            f"production serves the outbox ({response.status_code}); "
            f"invitation link visible to the squatter: {shows_link}"
        )
    finally:
        dispose(app)
