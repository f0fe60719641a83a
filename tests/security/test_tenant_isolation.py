"""Security bar 2(a): tenant isolation, generated from ``app.url_map`` (never a hand list).

Every rule x method x actor is sent at tenant B's objects (and at ids that exist nowhere, at A's
employer with B's objects below it, and at A's employer and position with B's child; see
``support.VARIANTS``). Nobody in the actor list belongs to B, so every case must be a 404 (or a
sign-in redirect, or a 4xx for endpoints that take no tenant, or a 403 when A's role is refused
before anything of B's is looked up), must not show B's canary, and must change nothing. CSRF and
throttling are off here so they cannot hide an access bug.

Positive controls: B's members who hold the permission (the owner; the representative for
``review``) get every tenant GET page of B, showing B's objects, and every state-changing request
with the same kind of body succeeds and changes B: the bodies are valid, the children exist.

Downloads (evidence files, filing bundles) are checked on their bytes: the canary is searched
inside ZIP members too, and no response may hash to one of B's stored objects (B's owner gets
exactly those bytes, so the check is not blind). "Changes nothing" includes the files kept in the
evidence store and instance/tmp.
"""

import hashlib
import json
from collections import Counter

import pytest
from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.invitations.services import issue_invitation
from portal.models import (
    Applicant,
    Employer,
    Membership,
    Position,
    RecruitmentActivity,
    Role,
    User,
    Waiver,
    WorkLocation,
)
from portal.tenancy import PERMISSIONS, PUBLIC, SIGNED_IN, SIGNED_IN_FIRST_STEP, access_policy_of
from tests.factories import Factories
from tests.security.support import (
    ARG_LEVELS,
    ATTESTATIONS_ROUTE_POLICIES,
    DEADLINES_ROUTE_POLICIES,
    HTTPS,
    MISSING_ID,
    OBJECT_ARGS,
    OFFERS_ROUTE_POLICIES,
    OFFERS_STORED_DOWNLOADS,
    ORACLE_PAIRS,
    OWN_TWO_FACTOR_COLUMNS,
    PAYROLL_PAGES_WITHOUT_B_TEXT,
    PAYROLL_ROUTE_POLICIES,
    PROTECTION_PAGES_WITHOUT_B_TEXT,
    PROTECTION_ROUTE_POLICIES,
    RESOLVERS,
    RISK_ROUTE_POLICIES,
    ROAD_ROUTE_POLICIES,
    SIGNOFF_ROUTE_POLICIES,
    SIGNOFF_STORED_DOWNLOADS,
    STATE_CHANGING,
    TENANT_ARGS,
    TWO_FACTOR_ROUTE_POLICIES,
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
    names_own_employer,
    new_app,
    production_app,
    resolve_args,
    rules_of,
    seed_world,
    signup_changes_besides_the_notice,
    snapshot,
    snapshot_diff,
    stored_digests,
    tenant_body,
    tenant_snapshot,
    variants_for,
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
    # Issue 7, S1: building the filing bundle is a change; a viewer only reads.
    "build_bundle": {Role.OWNER, Role.STAFF, Role.REPRESENTATIVE},
    "manage_employer": {Role.OWNER},
    "manage_members": {Role.OWNER},
    "read_audit": {Role.OWNER, Role.REPRESENTATIVE},
    # Issue 11: identity numbers whole on the road and offer pages (viewers see •••391).
    "see_identity_numbers": {Role.OWNER, Role.STAFF, Role.REPRESENTATIVE},
}


# Who may use each position route (the agreed spec; a view's @policy must grant the same roles).
# Pages are ``view``; changes are ``edit`` (owner, staff); waivers are a representative's call.
SPEC_POLICIES = {
    **dict.fromkeys(
        (
            "positions.index",
            "positions.show",
            "positions.applicants",
            "positions.applicant_row",
            "positions.applicants_template",
            "positions.job_match",
            "positions.compliance_page",
            "positions.export_case",
            # Issue 13: the applicant log and the findings as XLSX.
            "positions.applicants_xlsx",
            "positions.findings_xlsx",
        ),
        "view",
    ),
    **dict.fromkeys(
        (
            "positions.create",
            "positions.edit",
            "positions.add_activity",
            "positions.edit_activity",
            "positions.delete_activity",
            "positions.add_applicant",
            "positions.edit_applicant",
            "positions.delete_applicant",
            "positions.import_applicants",
            "positions.add_job_match",
            "positions.set_job_match_mode",
            "positions.edit_job_match",
            "positions.delete_job_match",
            "positions.import_case",
        ),
        "edit",
    ),
    "positions.waive_finding": "review",
    # Issue 13: an online ad's captures; every member sees them, editors capture.
    "capture.activity_page": "view",
    "capture.capture": "edit",
    "positions.withdraw_waiver": "review",
    # Issue 7 U7 (positions): why ad captures are missing; every member sees, editors record.
    "positions.captures": "view",
    "positions.record_missed_capture": "edit",
    # The evidence locker. Reading and downloading: every member.
    **dict.fromkeys(
        (
            "evidence.locker",
            "evidence.signing",
            "evidence.item",
            "evidence.download",
            "evidence.bundle_status",
            "evidence.bundle_download",
        ),
        "view",
    ),
    "evidence.upload": "edit",
    "evidence.new_file": "edit",  # the "Add a file" page
    # Issue 7, S1: starting a bundle build is a change (owner, staff, representative).
    "evidence.start_bundle": "build_bundle",
    # Archiving and the retention period (legal hold) are the owner's; deleting (only once the
    # retention period is over) is owner and staff.
    "evidence.archive": "manage_employer",
    "evidence.retention": "manage_employer",
    "evidence.delete": "delete_evidence",
    # The representative decides; owner, staff and representative talk.
    "evidence.review": "review",
    "evidence.review_finding": "review",
    "evidence.sign_off": "review",
    "evidence.comment": "comment",
    "evidence.comment_finding": "comment",
    **SIGNOFF_ROUTE_POLICIES,  # issue 7, U6: the preview (tests/security/support.py)
    # Issue 8: workers and offers. Every member reads and downloads; owner and staff change;
    # the representative waives (tests/security/support.py).
    **OFFERS_ROUTE_POLICIES,
    # Issue 9: Money & recruiters. Every member reads; owner and staff change
    # (tests/security/support.py).
    **PROTECTION_ROUTE_POLICIES,
    # Issue 9: sending a worker's attestation link is owner, staff or representative; every
    # member reads the answers (tests/security/support.py). The link itself is public.
    **ATTESTATIONS_ROUTE_POLICIES,
}
SPEC_BLUEPRINTS = (
    "positions.",
    "evidence.",
    "offers.",
    "protection.",
    "attestations.",
    "capture.",
)
# Issue 9, risk: the risk view (tests/security/support.py).
SPEC_POLICIES.update(RISK_ROUTE_POLICIES)
SPEC_BLUEPRINTS += ("risk.position",)
# Issue 10: a worker's payroll. Every member reads; owner and staff change
# (tests/security/support.py).
SPEC_POLICIES.update(PAYROLL_ROUTE_POLICIES)
SPEC_BLUEPRINTS += ("payroll.",)
# Issue 10, road: After the LMIA; every member reads, owner and staff change
# (tests/security/support.py).
SPEC_POLICIES.update(ROAD_ROUTE_POLICIES)
SPEC_BLUEPRINTS += ("road.",)
# Issue 11: two-factor sign-in; the second-step pages and sign-out are reachable before the
# second step (tests/security/support.py).
SPEC_POLICIES.update(TWO_FACTOR_ROUTE_POLICIES)
SPEC_BLUEPRINTS += ("auth.two_factor", "auth.logout")


@pytest.fixture
def isolation_app(database_url):
    app = new_app(database_url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    yield app
    dispose(app)


# B's members used for the positive controls, in order of preference.
B_MEMBERS = [("b_owner", Role.OWNER), ("b_staff", Role.STAFF), ("b_rep", Role.REPRESENTATIVE)]
# Tenant GET pages that show none of B's own text besides the navigation (a file download).
# The offer letter's PDF compresses its text: its download is checked on its bytes (digest).
PAGES_WITHOUT_B_TEXT = (
    # applicant_row answers a redirect to the list's page (its 404 for others is still checked).
    {"positions.applicants_template", "positions.applicant_row"}
    | OFFERS_STORED_DOWNLOADS
    | PROTECTION_PAGES_WITHOUT_B_TEXT
    | PAYROLL_PAGES_WITHOUT_B_TEXT  # issue 10
)
# Downloads of stored objects: B's owner must get exactly the bytes of one of B's objects.
STORED_DOWNLOADS = (
    {"evidence.download", "evidence.bundle_download"}
    | SIGNOFF_STORED_DOWNLOADS
    | OFFERS_STORED_DOWNLOADS
)


def _digest(response) -> str:
    return hashlib.sha256(response.get_data()).hexdigest()


# Every request below is sent with ``buffered=True``: the body (a download streams from an open
# stored file) is read and closed at once, as a real server does, and is there for the checks.


def _client(world, user_key):
    return world.pool.client(None if user_key is None else world.users[user_key])


def _b_member_for(declared: str) -> str:
    return next(key for key, role in B_MEMBERS if role in PERMISSIONS[declared])


def _matrix_body(world, rule, declared, values) -> dict:
    """Valid data where a leak would change something; mass-assignment fields everywhere."""
    if declared in PERMISSIONS:
        body = tenant_body(world.app, rule.endpoint, values["employer_id"], values)
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
    return mass_assignment_fields(world.b.employer_id, world.b.position_id) | body


def _expected(declared, actor_role, variant, anonymous):
    """Return a predicate on the response and a description of what it accepts."""
    if declared in PERMISSIONS:
        if anonymous:
            return is_login_redirect, "redirect to sign-in"
        status = 404
        if (
            names_own_employer(variant)
            and actor_role is not None
            and actor_role not in PERMISSIONS[declared]
        ):
            status = 403  # refused on A before B's objects are ever looked up
        return (lambda response: response.status_code == status), str(status)
    if declared in (SIGNED_IN, SIGNED_IN_FIRST_STEP) and anonymous:
        return is_login_redirect, "redirect to sign-in"
    return (lambda response: response.status_code < 500), "not 5xx"


def _oracles(statuses: dict) -> list[str]:
    """Variant pairs (an object of B's, and nothing) that answered differently."""
    return [
        f"[{named}] gives {statuses[named]}, [{nothing}] {statuses[nothing]}"
        for named, nothing in ORACLE_PAIRS
        if named in statuses and nothing in statuses and statuses[named] != statuses[nothing]
    ]


def _positive_get(world, rule, declared, fail, b_objects) -> tuple[bool, bool]:
    """GET B's page as a B member holding the permission: (reached, showed B's canary)."""
    url = build_url(rule, resolve_args(world, rule, "foreign"))
    member = _b_member_for(declared)
    response = _client(world, member).get(url, buffered=True)
    if response.status_code >= 400:
        fail(f"CONTROL GET {url} as B's {member} gave {response.status_code}")
        return False, False
    seen = contains(response, world.canary) is not None
    if rule.endpoint in STORED_DOWNLOADS and _digest(response) not in b_objects:
        fail(f"CONTROL GET {url}: not the bytes of a stored object of B; digest check blind")
    if rule.endpoint not in PAGES_WITHOUT_B_TEXT:
        # The page of an object shows that object's own text, so the detector can see it.
        deepest = max(rule.arguments, key=lambda arg: ARG_LEVELS.get(arg, -1), default=None)
        marker = world.b_markers.get(deepest)
        if marker and contains(response, marker) is None:
            fail(f"CONTROL GET {url}: the text of B's {deepest} is not shown; detector blind")
    return True, seen


def _positive_change(world, rule, method, declared, fail) -> bool:
    """The same kind of request as the matrix sent, by a B member holding the permission, on
    fresh B children: it must succeed and change B (and only B)."""
    app, b = world.app, world.b
    extra = fresh_children(world, b.employer_id, world.users["b_owner"].id, rule.arguments)
    if "membership_id" in rule.arguments:
        extra["membership_id"] = fresh_membership(world, b.employer_id)
    values = resolve_args(world, rule, "foreign", extra)
    url = build_url(rule, values)
    body = tenant_body(app, rule.endpoint, b.employer_id, values)
    member = _b_member_for(declared)
    a_before, b_before = (
        tenant_snapshot(app, world.a.employer_id),
        tenant_snapshot(app, b.employer_id),
    )
    response = _client(world, member).open(url, method=method, data=body, buffered=True)
    label = f"CONTROL {method} {url} as B's {member}"
    if response.status_code >= 400:
        fail(f"{label} gave {response.status_code}: the matrix body or children are invalid")
        return False
    if tenant_snapshot(app, b.employer_id) == b_before:
        fail(f"{label} ({response.status_code}) changed nothing in B: a leak would not show")
        return False
    if tenant_snapshot(app, world.a.employer_id) != a_before:
        fail(f"{label} changed tenant A")
        return False
    return True


def test_every_route_every_actor_against_a_foreign_tenant(isolation_app, figure):
    app = isolation_app
    world = seed_world(app)
    canary = world.canary
    failures: list[str] = []
    cases = leaks = 0
    rule_methods = 0
    controls_total = controls_passed = 0
    canary_seen_by_owner = False
    state_changing_controls = []

    def fail(message):
        failures.append(message)

    # The stored bytes of B's evidence file, bundle ZIP and offer version (its PDF and DOCX,
    # issue 8): never served to anyone here.
    b_objects = stored_digests(app, world.b.employer_id)
    assert len(b_objects) == 4, b_objects
    downloads_checked = 0
    state = snapshot(app, drop_columns=OWN_TWO_FACTOR_COLUMNS)

    for rule in rules_of(app):
        endpoint = rule.endpoint
        declared = access_policy_of(endpoint, app.view_functions[endpoint])
        if declared is None:
            fail(f"{rule.rule} ({endpoint}) declares no access policy")
            continue
        if declared not in PERMISSIONS and declared not in (
            PUBLIC,
            SIGNED_IN,
            SIGNED_IN_FIRST_STEP,
        ):
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
        variants = variants_for(arguments)

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
                    response = client.open(url, method=method, data=data, buffered=True)
                    after = state = snapshot(app, drop_columns=OWN_TWO_FACTOR_COLUMNS)
                    cases += 1
                    label = f"{method} {url} as {actor} [{variant}]"
                    statuses[variant] = response.status_code
                    where = contains(response, canary)
                    if where:
                        leaks += 1
                        fail(f"LEAK {label}: B's canary in the {where} ({response.status_code})")
                    served = b_objects.get(_digest(response))
                    if served:
                        leaks += 1
                        fail(f"LEAK {label}: served the bytes of B's {served}")
                    downloads_checked += endpoint in STORED_DOWNLOADS
                    changed = snapshot_diff(before, after)
                    if endpoint == "auth.signup":
                        changed = signup_changes_besides_the_notice(before, after, world)
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
                if arguments & OBJECT_ARGS:
                    for problem in _oracles(statuses):
                        fail(f"ORACLE {method} {rule.rule} as {actor}: {problem}")

            # Positive control: B's members reach every tenant page of B.
            if tenant and method == "GET":
                controls_total += 1
                reached, seen = _positive_get(world, rule, declared, fail, b_objects)
                state = snapshot(app, drop_columns=OWN_TWO_FACTOR_COLUMNS)
                controls_passed += reached
                canary_seen_by_owner |= seen
            elif tenant and method in STATE_CHANGING:
                state_changing_controls.append((rule, method, declared))

    # Last, so that B keeps its canaries for the whole matrix: the state-changing controls.
    for rule, method, declared in state_changing_controls:
        controls_total += 1
        controls_passed += _positive_change(world, rule, method, declared, fail)

    summary = {
        "routes": len(list(app.url_map.iter_rules())),
        "rule_methods": rule_methods,
        "actors": len(ACTORS),
        "cases": cases,
        "leaks": leaks,
        "failures": len(failures),
        "positive_controls": f"{controls_passed}/{controls_total}",
        "state_changing_controls": len(state_changing_controls),
        "download_cases": downloads_checked,
    }
    print("tenant-isolation " + json.dumps(summary))
    figure(
        "tenant isolation",
        f"{summary['rule_methods']} route-methods × {summary['actors']} actors = {cases} cases, "
        f"{leaks} leaks, positive controls {controls_passed}/{controls_total}",
    )
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


ACCOUNT_POLICIES = (PUBLIC, SIGNED_IN, SIGNED_IN_FIRST_STEP)


def test_position_routes_grant_the_agreed_roles(app):
    """A view whose @policy drifted (withdraw a waiver as mere staff...) fails here by name."""
    problems = []
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for endpoint in sorted(e for e in endpoints if e.startswith(SPEC_BLUEPRINTS)):
        declared = access_policy_of(endpoint, app.view_functions[endpoint])
        agreed = SPEC_POLICIES.get(endpoint)
        if agreed is None:
            problems.append(f"{endpoint} ({declared}) is not in SPEC_POLICIES: agree its roles")
        elif agreed in ACCOUNT_POLICIES or declared in ACCOUNT_POLICIES:
            # Issue 9: a public route (the worker's attestation link) is agreed as public.
            if agreed != declared:
                problems.append(
                    f"{endpoint} declares {declared!r}; the agreed policy is {agreed!r}"
                )
        elif declared not in PERMISSIONS or set(PERMISSIONS[declared]) != SPEC_PERMISSIONS[agreed]:
            problems.append(f"{endpoint} declares {declared!r}; the agreed policy is {agreed!r}")
    assert not problems, "\n".join(problems)
    assert set(SPEC_POLICIES) <= endpoints, set(SPEC_POLICIES) - endpoints


# Refusals the role table promises and this test must have seen at least once (role, policy).
REQUIRED_REFUSALS = {
    (Role.VIEWER, "edit"),
    (Role.REPRESENTATIVE, "edit"),
    (Role.STAFF, "review"),
    (Role.OWNER, "review"),
    (Role.STAFF, "manage_members"),
    # The evidence locker: staff cannot archive or set retention, a viewer cannot comment, a
    # representative cannot delete evidence.
    (Role.STAFF, "manage_employer"),
    (Role.VIEWER, "comment"),
    (Role.VIEWER, "delete_evidence"),
    (Role.REPRESENTATIVE, "delete_evidence"),
    (Role.VIEWER, "build_bundle"),  # issue 7, S1
}
REQUIRED_GRANTS = {
    (Role.REPRESENTATIVE, "review"),
    (Role.STAFF, "edit"),
    (Role.OWNER, "edit"),
    (Role.REPRESENTATIVE, "comment"),
    (Role.STAFF, "delete_evidence"),
    (Role.OWNER, "manage_employer"),
    (Role.VIEWER, "view"),
}


def test_roles_inside_tenant_a(isolation_app):
    """Inside tenant A every role gets exactly what the role table grants: the viewer and the
    representative 403 on edit and manage routes, staff on member management, staff and the owner
    on review routes (waivers). Allowed requests succeed, and an allowed state-changing one
    changes something (which also proves the request bodies used above are valid)."""
    app = isolation_app
    world = seed_world(app, with_b=False)
    a = world.a
    owner_id = world.users["a_owner"].id
    failures: list[str] = []
    seen = Counter()
    tenant_rules = []
    for rule in rules_of(app):
        declared = access_policy_of(rule.endpoint, app.view_functions[rule.endpoint])
        if declared in PERMISSIONS:
            tenant_rules.append((rule, declared))
    assert tenant_rules

    members = [
        ("a_viewer", Role.VIEWER),
        ("a_rep", Role.REPRESENTATIVE),
        ("a_staff", Role.STAFF),
        ("a_owner", Role.OWNER),
    ]
    for rule, declared in tenant_rules:
        declared = SPEC_POLICIES.get(rule.endpoint, declared)  # the agreed roles, if listed
        for method in methods_of(rule):
            for user_key, role in members:
                allowed = _allowed(declared, role)
                extra = {}
                if method in STATE_CHANGING and allowed:
                    # Fresh objects for each request that may consume them.
                    extra = fresh_children(world, a.employer_id, owner_id, rule.arguments)
                    if "membership_id" in rule.arguments:
                        extra["membership_id"] = fresh_membership(world, a.employer_id)
                values = resolve_args(world, rule, "own", extra)
                url = build_url(rule, values)
                data = None
                if method in STATE_CHANGING:
                    data = tenant_body(app, rule.endpoint, a.employer_id, values)
                before = snapshot(app)
                response = _client(world, user_key).open(
                    url, method=method, data=data, buffered=True
                )
                changed = snapshot_diff(before, snapshot(app))
                label = f"{method} {url} as A's {role} ({declared})"
                seen[role, declared, allowed] += 1
                if allowed:
                    if response.status_code >= 400:
                        failures.append(f"{label}: got {response.status_code}, want success")
                    elif method in STATE_CHANGING and not changed:
                        failures.append(f"{label} changed nothing: body invalid?")
                else:
                    if response.status_code != 403:
                        failures.append(f"{label}: got {response.status_code}, want 403")
                    if changed:
                        failures.append(f"{label}: refused but changed {changed}")

    denied = sum(count for (_, _, allowed), count in seen.items() if not allowed)
    granted = sum(count for (_, _, allowed), count in seen.items() if allowed)
    print("tenant-roles " + json.dumps({"denied_cases": denied, "allowed_cases": granted}))
    assert not failures, "\n".join(failures)
    missing = {pair for pair in REQUIRED_REFUSALS if not seen[(*pair, False)]}
    missing |= {pair for pair in REQUIRED_GRANTS if not seen[(*pair, True)]}
    assert not missing, f"no route exercised these (role, policy) pairs: {sorted(missing)}"


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


def test_mass_assignment_on_position_forms(isolation_app):
    """Position forms ignore employer, position and author fields aimed at B, and a form field
    naming one of B's rows (an applicant's source activity) is refused, not followed."""
    app = isolation_app
    world = seed_world(app)
    a, b = world.a, world.b
    owner = world.make.signed_in_client(world.users["a_owner"])
    rep = world.make.signed_in_client(world.users["a_rep"])
    foreign = mass_assignment_fields(b.employer_id, b.position_id) | {"id": str(b.position_id)}
    b_before = tenant_snapshot(app, b.employer_id)
    base = f"/employers/{a.employer_id}/positions"
    position_url = f"{base}/{a.position_id}"

    new_position = tenant_body(app, "positions.create", a.employer_id)
    created = owner.post(f"{base}/new", data=new_position | foreign)
    assert created.status_code == 302
    created_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    values = {"position_id": a.position_id}
    edited = tenant_body(app, "positions.edit", a.employer_id, values) | foreign
    assert owner.post(f"{position_url}/edit", data=edited).status_code == 302
    applicant = tenant_body(app, "positions.add_applicant", a.employer_id) | foreign
    assert owner.post(f"{position_url}/applicants/new", data=applicant).status_code == 302
    activity = tenant_body(app, "positions.add_activity", a.employer_id) | foreign
    assert owner.post(f"{position_url}/activities/new", data=activity).status_code == 302
    waiver = tenant_body(app, "positions.waive_finding", a.employer_id) | foreign
    waiver["waived_by_id"] = str(world.users["b_rep"].id)
    assert rep.post(f"{position_url}/waivers", data=waiver).status_code == 302
    # A real form field pointing at B's activity: looked up in A's position only.
    sneaky = tenant_body(app, "positions.add_applicant", a.employer_id)
    sneaky["source_activity_id"] = str(b.activity_id)
    assert owner.post(f"{position_url}/applicants/new", data=sneaky).status_code == 404

    assert tenant_snapshot(app, b.employer_id) == b_before
    with app.app_context():
        position = db.session.get(Position, created_id)
        assert (position.employer_id, position.title) == (a.employer_id, new_position["title"])
        assert position.id not in (a.position_id, b.position_id)
        edited_row = db.session.get(Position, a.position_id)
        assert (edited_row.employer_id, edited_row.title) == (a.employer_id, edited["title"])
        added = db.session.scalars(select(Applicant).filter_by(name=applicant["name"])).one()
        assert (added.employer_id, added.position_id) == (a.employer_id, a.position_id)
        assert added.source_activity_id is None
        new_activity = db.session.scalars(
            select(RecruitmentActivity).filter_by(platform=activity["platform"])
        ).one()
        assert (new_activity.employer_id, new_activity.position_id) == (
            a.employer_id,
            a.position_id,
        )
        assert new_activity.case_key != "A1"  # the position's own next key, not the posted one
        new_waiver = db.session.scalars(select(Waiver).filter_by(reason=waiver["reason"])).one()
        assert (new_waiver.employer_id, new_waiver.position_id) == (a.employer_id, a.position_id)
        assert new_waiver.waived_by_id == world.users["a_rep"].id
        assert new_waiver.withdrawn_at is None
        assert db.session.scalars(select(Applicant).filter_by(name=sneaky["name"])).all() == []


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


# --- Issue 10: deadlines (tests/security/support.py) -------------------------------------------


def test_deadline_routes_declare_the_agreed_policies(app):
    """The list and the feed's buttons are the signed-in user's own (no employer in the URL: the
    list reads the caller's live memberships); the feed is public, its token the credential."""
    for endpoint, agreed in DEADLINES_ROUTE_POLICIES.items():
        assert access_policy_of(endpoint, app.view_functions[endpoint]) == agreed, endpoint
    declared = {e for e in app.view_functions if e.startswith("deadlines.")}
    assert declared == set(DEADLINES_ROUTE_POLICIES)


def test_b_feed_shows_b_and_a_guess_next_to_it_shows_nothing(isolation_app):
    """The detector is not blind: B's real feed carries B's canary; the matrix's near-miss of it
    (and A's own feed) never does."""
    world = seed_world(isolation_app)
    client = isolation_app.test_client()
    real = client.get(f"/calendar/{world.calendar_tokens['b']}.ics")
    assert real.status_code == 200 and contains(real, world.canary)
    own = client.get(f"/calendar/{world.calendar_tokens['a']}.ics")
    assert own.status_code == 200 and contains(own, world.canary) is None
    real = world.calendar_tokens["b"]
    guess = real[:-1] + ("A" if real[-1] != "A" else "B")
    assert client.get(f"/calendar/{guess}.ics").status_code == 404


# --- end of the deadlines block ----------------------------------------------------------------
