"""Security bar 2(b): CSRF on every state-changing route, no state change on GET, no exemptions.

Routes come from ``app.url_map``. Each state-changing request carries a *valid* body aimed at the
caller's own tenant, sent by a member whose role may use the route (the owner, or the
representative for ``review`` routes), so the CSRF check is the only thing that can stop it; then
the same request with a valid token is the positive control (and must change the tenant's data).
"""

import json
import re
from collections import Counter
from pathlib import Path

from portal.app import ROOT
from portal.extensions import csrf
from portal.models import Role
from portal.tenancy import PERMISSIONS, PUBLIC, access_policy_of
from tests.helpers import form_token
from tests.security.support import (
    STATE_CHANGING,
    account_body,
    add_invitation,
    build_url,
    fresh_children,
    fresh_membership,
    is_login_redirect,
    methods_of,
    resolve_args,
    rules_of,
    seed_world,
    serial,
    snapshot,
    snapshot_diff,
    tenant_body,
)

# Session bookkeeping is not state a request "changes"; whether a session *ended* still counts.
_BOOKKEEPING = {"user_sessions.last_seen_at"}


def _state(app) -> dict:
    # Stored verdicts are derived from the rows; the home page refreshes stale ones on GET.
    return snapshot(app, exclude=("audit_events", "position_verdicts"), drop_columns=_BOOKKEEPING)


def _args_for(world, rule, actor: str, c_employer_id: int) -> dict:
    """Fresh objects for one request that may succeed (the positive control consumes them)."""
    a = world.a
    owner = world.users["a_owner"]
    extra = fresh_children(world, a.employer_id, owner.id, rule.arguments)
    if "membership_id" in rule.arguments:
        extra["membership_id"] = fresh_membership(world, a.employer_id)
    if rule.endpoint == "invitations.accept":
        if actor == "owner":  # an invitation from another employer, to the owner's address
            _, token = add_invitation(world.app, c_employer_id, owner.id, owner.email, Role.VIEWER)
        else:
            email = f"csrf-invitee{serial()}@example.com"
            _, token = add_invitation(world.app, a.employer_id, owner.id, email)
        extra["invitation_token"] = token
    return resolve_args(world, rule, "own", extra)


def _member_for(declared) -> str:
    """A's member who may use a route: the owner, or the representative for ``review``."""
    if declared in PERMISSIONS and Role.OWNER not in PERMISSIONS[declared]:
        return "representative"
    return "owner"


def test_every_state_changing_route_needs_a_csrf_token(app, make, figure):
    world = seed_world(app, with_b=False)
    members = {"owner": world.users["a_owner"], "representative": world.users["a_rep"]}
    c_employer = make.employer(world.users["a_staff"], legal_name="Charlie Co.")
    other_session = make.signed_in_client(world.users["a_staff"])
    stranger_token = form_token(other_session, "/account/")
    foreign_tokens = {
        "owner": stranger_token,
        "representative": stranger_token,
        "anonymous": form_token(app.test_client(), "/account/login"),
    }
    failures: list[str] = []
    pairs = refused = 0
    controls = Counter()
    blueprints_with_forms = set()

    for rule in rules_of(app):
        declared = access_policy_of(rule.endpoint, app.view_functions[rule.endpoint])
        actors = [_member_for(declared)] + (["anonymous"] if declared == PUBLIC else [])
        for method in sorted(set(methods_of(rule)) & STATE_CHANGING):
            pairs += 1
            blueprint = rule.endpoint.rpartition(".")[0] or "app"
            blueprints_with_forms.add(blueprint)
            for actor in actors:
                if actor in members:
                    client = make.signed_in_client(members[actor])
                    own_token = form_token(client, "/account/")
                else:
                    client = app.test_client()
                    own_token = form_token(client, "/account/login")
                values = _args_for(world, rule, actor, c_employer.id)
                url = build_url(rule, values)

                def body(rule=rule, values=values, declared=declared):
                    # Built per request: uploaded files are consumed by the request.
                    if declared in PERMISSIONS:
                        return tenant_body(app, rule.endpoint, values["employer_id"], values)
                    return account_body(world, rule.endpoint)

                label = f"{method} {url} as {actor}"

                for case, token in (("no token", None), ("foreign token", foreign_tokens[actor])):
                    data = body() if token is None else body() | {"csrf_token": token}
                    before = _state(app)
                    response = client.open(url, method=method, data=data)
                    changed = snapshot_diff(before, _state(app))
                    refused += 1
                    if response.status_code != 400:
                        failures.append(f"{label} with {case}: {response.status_code}, want 400")
                    if changed:
                        failures.append(f"{label} with {case} changed {changed}")

                before = _state(app)
                response = client.open(url, method=method, data=body() | {"csrf_token": own_token})
                tenant = declared in PERMISSIONS
                if response.status_code >= (400 if tenant else 500) or response.status_code == 400:
                    failures.append(f"{label} with a valid token: {response.status_code}")
                elif tenant and not snapshot_diff(before, _state(app)):
                    # Tenant bodies are built to change something; otherwise CSRF was untested.
                    failures.append(f"{label} with a valid token changed nothing: body invalid?")
                else:
                    controls[blueprint] += 1

    summary = {
        "state_changing_pairs": pairs,
        "refusals_checked": refused,
        "positive_controls": dict(controls),
        "failures": len(failures),
    }
    print("csrf " + json.dumps(summary))
    figure(
        "CSRF",
        f"{pairs} state-changing route-methods, {refused} refusals checked, "
        f"{len(failures)} failures, 0 exemptions",
    )
    assert pairs > 0
    assert not failures, "\n".join(failures)
    missing = sorted(blueprints_with_forms - set(controls))
    assert not missing, f"no positive control passed for blueprint(s) {missing}"


def test_no_get_route_changes_state(app, make):
    world = seed_world(app, with_b=False)
    clients = {
        "anonymous": app.test_client(),
        **{
            role: make.signed_in_client(world.users[key])
            for role, key in (("owner", "a_owner"), ("viewer", "a_viewer"), ("rep", "a_rep"))
        },
    }
    failures, checked = [], 0
    for rule in rules_of(app):
        if "GET" not in rule.methods:
            continue
        url = build_url(rule, resolve_args(world, rule, "own"))
        for actor, client in clients.items():
            before = _state(app)
            response = client.get(url, buffered=True)
            changed = snapshot_diff(before, _state(app))
            checked += 1
            assert response.status_code < 500, f"GET {url} as {actor}: {response.status_code}"
            if changed:
                failures.append(f"GET {url} as {actor} ({response.status_code}) changed {changed}")
    print("csrf-get " + json.dumps({"get_requests": checked, "state_changes": len(failures)}))
    assert checked > 0
    assert not failures, "\n".join(failures)


_EXEMPT = re.compile(r"csrf\s*\.\s*exempt|WTF_CSRF_ENABLED|WTF_CSRF_CHECK_DEFAULT")


def test_nothing_is_exempt_from_csrf(app):
    hits = []
    for path in sorted((ROOT / "portal").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".cfg", ".toml", ".ini"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _EXEMPT.search(line):
                    hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert hits == [], "CSRF exemptions or switches in the source:\n" + "\n".join(hits)
    assert csrf._exempt_views == set()
    assert csrf._exempt_blueprints == set()
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    assert Path(ROOT / "portal").is_dir()


def test_logout_is_post_only_and_needs_a_token(app, make):
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == "auth.logout")
    assert methods_of(rule) == ["POST"]
    user = make.user()
    client = make.signed_in_client(user)
    stranger_token = form_token(make.signed_in_client(make.user()), "/account/")

    assert client.get("/account/logout").status_code == 405
    assert client.get("/account/").status_code == 200
    assert client.post("/account/logout").status_code == 400
    assert client.post("/account/logout", data={"csrf_token": stranger_token}).status_code == 400
    assert client.get("/account/").status_code == 200, "a forged logout signed the user out"

    response = client.post("/account/logout", data={"csrf_token": form_token(client, "/account/")})
    assert is_login_redirect(response)
    assert is_login_redirect(client.get("/account/"))
