"""Who may reach which page, and the one path for loading employer-owned rows.

Every view declares an access policy with ``@policy(...)``; one ``before_request`` hook reads it
for every request of every blueprint and refuses anything undeclared (deny by default).

Policies:
- ``PUBLIC``: anyone (sign-in, sign-up, reset, invitation links).
- ``SIGNED_IN``: any signed-in user, no employer involved (account, employer list).
- ``SIGNED_IN_FIRST_STEP``: signed in with the password, second step not necessarily done: the
  two-factor code page, the enrolment page and sign-out. Every other signed-in page first sends
  a user who has two-factor (or needs it) and has not passed it on this browser to one of those.
- a permission name from ``PERMISSIONS``: the URL carries ``employer_id``; the signed-in user needs
  a live membership of that employer (else 404, so ids of other employers reveal nothing) whose
  role grants the permission (else 403).

Employer-owned rows are then read only through ``scoped_select`` / ``get_scoped_or_404``, which
filter on the employer resolved here.
"""

import logging
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from flask import abort, current_app, g, has_app_context, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, bindparam, event, exists, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from portal.extensions import db, login_manager
from portal.models import Attestation, Employer, EmployerScoped, Invitation, Membership, Role

log = logging.getLogger("portal.security")

Owned = TypeVar("Owned", bound=EmployerScoped)

PUBLIC = "public"
SIGNED_IN = "signed_in"
SIGNED_IN_FIRST_STEP = "signed_in_first_step"

PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(Role.ALL),
    "edit": frozenset({Role.OWNER, Role.STAFF}),
    "comment": frozenset({Role.OWNER, Role.STAFF, Role.REPRESENTATIVE}),
    "review": frozenset({Role.REPRESENTATIVE}),
    "delete_evidence": frozenset({Role.OWNER, Role.STAFF}),
    # Building the filing bundle is a change (a job, stored files): those who change the
    # position or review it, not a viewer (issue 7, S1).
    "build_bundle": frozenset({Role.OWNER, Role.STAFF, Role.REPRESENTATIVE}),
    "manage_employer": frozenset({Role.OWNER}),
    "manage_members": frozenset({Role.OWNER}),
    "read_audit": frozenset({Role.OWNER, Role.REPRESENTATIVE}),
    # Identity numbers (LMIA, permit, IRCC reference, Employer Portal offer) whole on the
    # road and offer pages: those who fill them in and file them. A viewer sees •••391.
    "see_identity_numbers": frozenset({Role.OWNER, Role.STAFF, Role.REPRESENTATIVE}),
}

# Flask's own static file view cannot carry a decorator.
_BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})


def policy(name: str) -> Callable:
    """Declare who may reach a view; the guard refuses views without a declaration."""
    if name not in PERMISSIONS and name not in (PUBLIC, SIGNED_IN, SIGNED_IN_FIRST_STEP):
        raise ValueError(f"unknown access policy {name!r}")

    def decorate(view: Callable) -> Callable:
        view.access_policy = name
        return view

    return decorate


def access_policy_of(endpoint: str, view: Callable) -> str | None:
    if endpoint in _BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    return getattr(view, "access_policy", None)


def can(permission: str, role: str | None = None) -> bool:
    """Return whether the current membership's role (or ``role``) grants ``permission``."""
    if role is None:
        membership = g.get("membership")
        role = membership.role if membership else None
    return role in PERMISSIONS[permission]


def identity_number(value: str | None) -> str | None:
    """An identity number as this page's reader may see it: whole to those who fill and file
    them, masked (``•••391``) to everyone else. Lists, deadlines, mails and feeds always mask
    (``portal.crypto.mask``)."""
    from portal.crypto import mask

    return value if can("see_identity_numbers") else mask(value)


def guard_request():
    """Apply the endpoint's declared policy. Registered as the app's first before_request."""
    if request.endpoint is None:  # no route matched: Flask answers 404 itself
        return None
    view = current_app.view_functions[request.endpoint]
    declared = access_policy_of(request.endpoint, view)
    if declared is None:
        log.error("endpoint %s has no access policy; refusing", request.endpoint)
        abort(403)
    if declared == PUBLIC:
        # Public pages too: a browser half signed in (password only) acts as nobody until it
        # passes the second step (an invitation link would otherwise accept with its account).
        if request.endpoint in _BUILTIN_PUBLIC_ENDPOINTS or not current_user.is_authenticated:
            return None
    elif not current_user.is_authenticated:
        return login_manager.unauthorized()
    if declared == SIGNED_IN_FIRST_STEP:
        return None
    # The two-factor gate: the one place it is enforced, before any other page.
    step = pending_second_step()
    if step is not None:
        return _to_second_step(step)
    if declared in (PUBLIC, SIGNED_IN):
        return None

    employer_id = (request.view_args or {}).get("employer_id")
    if not isinstance(employer_id, int):
        log.error("endpoint %s needs employer_id for %s", request.endpoint, declared)
        abort(404)
    # From the user's memberships, which the page's navigation lists anyway: one statement.
    membership = next((m for m in my_memberships() if m.employer_id == employer_id), None)
    if membership is None:
        _log_denied("not_a_member", employer_id)
        abort(404)
    if membership.role not in PERMISSIONS[declared]:
        _log_denied(f"role {membership.role} lacks {declared}", employer_id)
        abort(403)
    g.membership = membership
    g.employer = membership.employer
    return None


def two_factor_required(user_id: int) -> bool:
    """Whether the user must use two-factor sign-in: a live representative membership, or a live
    owner membership of an employer that has a live representative (their files are a lawyer's
    too, and one stolen password must not open them)."""
    mine = aliased(Membership)
    representative = aliased(Membership)
    represents = exists().where(
        mine.user_id == user_id,
        mine.revoked_at.is_(None),
        mine.role == Role.REPRESENTATIVE,
    )
    owns_represented = exists().where(
        mine.user_id == user_id,
        mine.revoked_at.is_(None),
        mine.role == Role.OWNER,
        exists().where(
            representative.employer_id == mine.employer_id,
            representative.role == Role.REPRESENTATIVE,
            representative.revoked_at.is_(None),
        ),
    )
    return bool(db.session.scalar(select(represents | owns_represented)))


# What ``pending_second_step`` answers: the page the browser must pass before any other.
SECOND_STEP_CODE = "code"
SECOND_STEP_ENROL = "enrol"
_SECOND_STEP_ENDPOINTS = {
    SECOND_STEP_CODE: "auth.two_factor_code",
    SECOND_STEP_ENROL: "auth.two_factor_enrol",
}


def pending_second_step() -> str | None:
    """For the signed-in user on this browser: ``SECOND_STEP_CODE`` when two-factor is on and
    this session has not passed it, ``SECOND_STEP_ENROL`` when the user needs two-factor and has
    not set it up, else None. Decided once per request."""
    if "second_step" in g:
        return g.second_step
    step = None
    if current_user.is_authenticated:
        user_session = g.get("user_session")
        # No session row (never for a signed-in request): fail closed, as if not passed.
        passed = user_session is not None and user_session.second_factor_at is not None
        if not passed:
            if current_user.totp_enabled_at is not None:
                step = SECOND_STEP_CODE
            elif two_factor_required(current_user.id):
                step = SECOND_STEP_ENROL
    g.second_step = step
    return step


def _to_second_step(step: str):
    """303 to the code or enrolment page; a page asked for with GET is where it continues."""
    target = None
    if request.method in ("GET", "HEAD"):
        target = request.full_path.rstrip("?")
    return redirect(url_for(_SECOND_STEP_ENDPOINTS[step], next=target), 303)


def _log_denied(reason: str, employer_id: int) -> None:
    log.warning(
        "access denied user=%s employer=%s endpoint=%s method=%s reason=%s",
        current_user.id,
        employer_id,
        request.endpoint,
        request.method,
        reason,
    )


def active_membership(user_id: int, employer_id: int) -> Membership | None:
    # The employer comes in the same statement: every employer page reads it (g.employer).
    return db.session.scalar(
        select(Membership)
        .options(joinedload(Membership.employer))
        .where(
            Membership.user_id == user_id,
            Membership.employer_id == employer_id,
            Membership.revoked_at.is_(None),
        )
    )


# Statements every request runs are built once: SQLAlchemy then reuses the statement's cache
# key and compiled form, which is about half of a small statement's cost (README, Performance).
_MEMBERSHIPS_OF = (
    select(Membership)
    .join(Membership.employer)
    .options(contains_eager(Membership.employer))
    .where(Membership.user_id == bindparam("user_id"), Membership.revoked_at.is_(None))
    .order_by(Employer.legal_name)
)


def memberships_of(user_id: int) -> list[Membership]:
    """Return the user's live memberships with their employers, ordered by employer name."""
    return list(db.session.scalars(_MEMBERSHIPS_OF, {"user_id": user_id}))


def my_memberships() -> list[Membership]:
    """The signed-in user's live memberships with their employers, read once per request: the
    guard, the navigation and the start page all need them. Forgotten when the session
    commits or rolls back (a membership accepted or revoked in this request)."""
    if not current_user.is_authenticated:
        return []
    found = g.get("_my_memberships")
    if found is None or found[0] != current_user.id:
        found = g._my_memberships = (current_user.id, memberships_of(current_user.id))
    return found[1]


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_my_memberships(session: Session) -> None:
    if has_app_context():
        g.pop("_my_memberships", None)


def current_employer() -> Employer:
    """Return the employer resolved by the guard for this request."""
    return g.employer


def scoped_select(model: type[Owned]) -> Select[tuple[Owned]]:
    """Return ``select(model)`` limited to the current request's employer."""
    if not issubclass(model, EmployerScoped):
        raise TypeError(f"{model.__name__} is not read per employer")
    return select(model).where(model.employer_id == current_employer().id)


def prepared_scoped_select(model: type[Owned]) -> Select[tuple[Owned]]:
    """``scoped_select(model)`` with the employer as a bound parameter, for a statement built
    once, at import, and run with ``position_scope(position)``: SQLAlchemy then reuses its cache
    key and compiled form (see ``_MEMBERSHIPS_OF``; pages read these on every view)."""
    if not issubclass(model, EmployerScoped):
        raise TypeError(f"{model.__name__} is not read per employer")
    return select(model).where(model.employer_id == bindparam("scope_employer_id"))


def position_scoped_select(model: type[Owned]) -> Select[tuple[Owned]]:
    """``prepared_scoped_select(model)`` of one position's rows (``:scope_position_id``)."""
    return prepared_scoped_select(model).where(model.position_id == bindparam("scope_position_id"))


def position_scope(position) -> dict[str, int]:
    """The parameters of a ``position_scoped_select`` statement: the request's employer."""
    return {"scope_employer_id": current_employer().id, "scope_position_id": position.id}


def across_my_employers(model: type[Owned], user_id: int) -> Select[tuple[Owned]]:
    """Return ``select(model)`` over every employer the user is a live member of (dashboards)."""
    if not issubclass(model, EmployerScoped):
        raise TypeError(f"{model.__name__} is not read per employer")
    mine = select(Membership.employer_id).where(
        Membership.user_id == user_id, Membership.revoked_at.is_(None)
    )
    return select(model).where(model.employer_id.in_(mine))


def of_position(model: type[Owned], position) -> Select[tuple[Owned]]:
    """Return ``select(model)`` for the rows of one position already loaded through the scoping
    helpers (a view's ``get_scoped_or_404``, a deadline list's ``across_my_employers``): limited
    to that position's employer and id, so it needs no request (issue 10: the road's rows)."""
    if not issubclass(model, EmployerScoped):
        raise TypeError(f"{model.__name__} is not read per employer")
    return select(model).where(
        model.employer_id == position.employer_id, model.position_id == position.id
    )


def invitations_addressed_to(email: str) -> Select[tuple[Invitation]]:
    """Invitations sent to ``email``, across employers: shown only to that address's confirmed
    owner (portal.invitations.services.invitations_waiting_for), never to an employer."""
    return select(Invitation).where(Invitation.email == email)


def invitation_for_link(invitation_id: int) -> Invitation | None:
    """The invitation a signed link names, across employers, by its id: looked up before any
    tenant is known; the caller then checks the link's nonce or addressee, which are the
    credential (portal.invitations.services)."""
    return db.session.get(Invitation, invitation_id)


def attestation_for_link(token_hash: str) -> Attestation | None:
    """The attestation a worker's private link names, across employers, by the SHA-256 of its
    token (portal.attestations): the token is the credential, as an invitation's nonce is."""
    return db.session.scalar(select(Attestation).where(Attestation.token_hash == token_hash))


def load_for_operator(model: type[Owned], object_id: int) -> Owned | None:
    """Load a row by id outside any tenant: only for command-line tools the operator runs."""
    return db.session.scalar(select(model).where(model.id == object_id))


def across_employers_for_operator(model: type[Owned]) -> Select[tuple[Owned]]:
    """Every employer's rows of ``model``: only for the scheduled commands the operator runs
    (e.g. the ad re-captures of ``send-reminders``), never for a request."""
    return select(model)


@cache
def _scoped_by_id(model: type[Owned]) -> Select[tuple[Owned]]:
    """``scoped_select(model)`` of one id, built once per model (see ``_MEMBERSHIPS_OF``)."""
    return prepared_scoped_select(model).where(model.id == bindparam("object_id"))


def get_scoped_or_404(model: type[Owned], object_id: int) -> Owned:
    """Load one of the current employer's rows, or answer 404 (never another employer's)."""
    found = db.session.scalar(
        _scoped_by_id(model),
        {"scope_employer_id": current_employer().id, "object_id": object_id},
    )
    if found is None:
        abort(404)
    return found
