"""Shared pieces of the security suite: a two-tenant world, URL resolvers, bodies, snapshots.

Tenant A is "ours": its owner, staff, viewer and representative are the actors. Tenant B is the
foreign tenant: every text field it owns carries a canary (``CANARY-B-<uuid>``) so a leak of any
of B's data into a response is detectable by a substring search. Each tenant also has a position
(an LMIA file) with one recruitment activity, applicant, Job Match entry and waiver; B's title,
duties, activity platform, applicant name and waiver reason carry the canary.

Each position also holds an evidence locker, stored for real through the app's storage: one
evidence file (B's file name, description and stored bytes carry the canary), a review comment,
a finding review and a sign-off (B's comment and note carry it), and a finished filing bundle
built by the app (B's ZIP holds B's case file, so its bytes carry the canary once unzipped;
``contains`` looks inside ZIP downloads). The positions' retention period is over (first day of
work in 2013, no legal hold), so deleting evidence is allowed and a leaked delete would show.

Apps made here (``new_app``) keep evidence in a temp directory of their own, with their own
``instance_path`` (for upload spools), and build bundles inline (no thread racing the snapshots);
``snapshot`` includes the files in both, so a request that leaves a file behind is a change.
"""

import io
import itertools
import json
import secrets
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from flask import g
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import create_app, reviews
from portal.auth.services import reset_link_token
from portal.auth.sessions import _token_hash
from portal.evidence import bundles
from portal.evidence import services as evidence_services
from portal.extensions import db
from portal.invitations.services import issue_invitation
from portal.models import (
    Applicant,
    BundleJob,
    Employer,
    EvidenceFile,
    FindingReview,
    Invitation,
    JobMatchEntry,
    Membership,
    OfferVersion,
    Position,
    RecruitmentActivity,
    Role,
    User,
    UserSession,
    Waiver,
    WorkLocation,
    utcnow,
)
from portal.positions import compliance
from portal.positions.case_bridge import case_dict
from portal.tokens import digest, sign
from tests.conftest import POSTGRES_URL, TEST_CONFIG, _truncate_all, build_app
from tests.factories import PASSWORD, Factories

MISSING_ID = 987_654
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
LOGIN_PATH = "/account/login"

_counter = itertools.count(1)


def serial() -> int:
    """A number unique within the test run (for e-mail addresses, street names...)."""
    return next(_counter)


def mass_assignment_fields(foreign_employer_id: int, foreign_position_id: int | None = None):
    """Fields a form must never let a caller set (ASVS 15.3.3), aimed at another tenant."""
    fields = {
        "employer_id": str(foreign_employer_id),
        "tenant_id": str(foreign_employer_id),
        "role": Role.OWNER,
        "is_admin": "1",
        "waived_by_id": "1",
        "withdrawn_at": "",
        "case_key": "A1",
    }
    if foreign_position_id is not None:
        fields["position_id"] = str(foreign_position_id)
    return fields


def new_app(database_url: str, **overrides):
    """Build an app on the test database (truncating it first on PostgreSQL).

    Evidence goes to a temp directory of the app's own (``STORAGE_DIR``), upload spools and
    bundle work files to its own ``instance_path``; bundles are built inline, in the request.
    ``dispose`` removes the directory."""
    scratch = tempfile.mkdtemp(prefix="portal-security-")
    settings = {"STORAGE_DIR": f"{scratch}/store", "BUNDLE_INLINE": True, **overrides}
    app = build_app(database_url, **settings)
    app.instance_path = f"{scratch}/instance"
    app.config["SECURITY_SCRATCH_DIR"] = scratch
    if POSTGRES_URL:
        _truncate_all(app)
    return app


def dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()
    scratch = app.config.get("SECURITY_SCRATCH_DIR")
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


HTTPS = "https://localhost"


def production_app(monkeypatch, database_url, smtp_host: str | None = "smtp.invalid"):
    """The app as ``PORTAL_ENV=production`` builds it, with the test overrides except cookies.

    ``PORTAL_SMTP_HOST`` is set (production may insist on it), but the test overrides still
    keep mail in the outbox table, so nothing is sent.
    """
    if smtp_host:
        monkeypatch.setenv("PORTAL_SMTP_HOST", smtp_host)
    else:
        monkeypatch.delenv("PORTAL_SMTP_HOST", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "production-test-key-" + "x" * 40)
    monkeypatch.setenv("PORTAL_FIELD_KEYS", "Z2l2ZS1tZS1hLXRoaXJ0eS10d28tYnl0ZS1rZXktMDE=")
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", "localhost")
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    # Production insists on shared throttle storage; the test overrides keep memory:// (nothing
    # connects to this address).
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:1/0")
    overrides = {
        key: value
        for key, value in TEST_CONFIG.items()
        if not key.startswith(("SESSION_COOKIE", "REMEMBER_COOKIE", "SECRET_KEY"))
    }
    return create_app(overrides)


# --------------------------------------------------------------------------------------------
# The world


@dataclass
class Tenant:
    employer_id: int
    location_id: int
    membership_id: int  # a non-owner membership, safe to revoke
    invitation_id: int
    invitation_token: str | None = None  # valid link, when the test may know it
    # One position (an LMIA file) and one object of each kind below it.
    position_id: int | None = None
    activity_id: int | None = None
    applicant_id: int | None = None
    entry_id: int | None = None  # a Job Match entry
    waiver_id: int | None = None
    # The position's evidence locker: a file, a comment on it, a finding review, a sign-off
    # and a finished bundle.
    evidence_id: int | None = None
    comment_id: int | None = None
    finding_review_id: int | None = None
    sign_off_id: int | None = None
    bundle_id: int | None = None
    # Issue 8 (offers): a named worker with an issued offer version.
    worker_id: int | None = None
    version_id: int | None = None
    # Issue 9 (Money & recruiters): the employer's recruiter, a payment and a custody record.
    third_party_id: int | None = None
    payment_id: int | None = None
    custody_id: int | None = None
    # Issue 9 (attestations): the worker's answered attestation, and the token of an open one.
    attestation_id: int | None = None
    attestation_token: str | None = None
    # Issue 10 (payroll): a pay period of the worker.
    period_id: int | None = None


@dataclass
class World:
    app: object
    make: Factories
    canary: str
    users: dict = field(default_factory=dict)
    a: Tenant | None = None
    b: Tenant | None = None
    pool: object = None  # a SessionPool: fresh signed-in browsers
    # Text of B's objects that a page showing that object must contain (positive controls).
    b_markers: dict = field(default_factory=dict)
    # Issue 10 (deadlines): each owner's private calendar token, "a" and "b".
    calendar_tokens: dict = field(default_factory=dict)

    def tenant_of(self, employer_id: int) -> Tenant | None:
        for tenant in (self.a, self.b):
            if tenant is not None and tenant.employer_id == employer_id:
                return tenant
        return None

    def representative_of(self, tenant: Tenant):
        return self.users["b_rep" if tenant is self.b else "a_rep"]


def _add_location(app, employer_id: int, street: str) -> int:
    with app.app_context():
        location = WorkLocation(
            employer_id=employer_id,
            street_address=street,
            city="Ottawa",
            province="ON",
            postal_code="K1A 0B1",
            employee_count=3,
        )
        db.session.add(location)
        db.session.commit()
        return location.id


def add_invitation(app, employer_id: int, invited_by_id: int, email: str, role=Role.STAFF):
    """Insert a pending invitation directly; return (id, valid link token)."""
    nonce = secrets.token_urlsafe(16)
    with app.app_context():
        invitation = Invitation(
            employer_id=employer_id,
            email=email,
            role=role,
            nonce_hash=digest(nonce),
            invited_by_id=invited_by_id,
            expires_at=utcnow() + timedelta(days=7),
        )
        db.session.add(invitation)
        db.session.commit()
        return invitation.id, sign("invitation", {"i": invitation.id, "n": nonce})


# The finding the seeded waiver accepts: a low-wage position advertised on Job Bank alone
# lacks the additional recruitment methods (a real finding, so the compliance page shows the
# waiver with its reason).
WAIVED_RULE = "REC-ADDL-2"
WAIVED_SUBJECT = "recruitment"
SEED_ACTIVITY_KEY = "A1"
RETIRED_FIRST_DAY = date(2013, 1, 7)


def position_markers(text: str) -> dict:
    """The text of a seeded position's objects, per URL argument naming them."""
    prefix = f"{text} " if text else ""
    title = f"{prefix}Pastry Cook"
    return {
        "position_id": title,
        "duties": f"{prefix}duties: bake bread and pastries",
        "activity_id": f"{prefix}Jobs Board",
        "applicant_id": f"{prefix}Applicant Person",
        "waiver_id": f"{prefix}reason: accepted after review",
        # Shown by the evidence page (file name, description) and in the downloaded bytes.
        "evidence_id": f"{prefix}ad capture",
        # The bundle's page shows the position's title, and so does the ZIP's case.json.
        "bundle_id": title,
    }


def add_position(app, employer_id: int, actor_id: int, representative_id: int, text="") -> dict:
    """Seed a position with one activity, applicant, Job Match entry and waiver; return ids.

    ``text`` (B's canary) goes into every free-text field: title, duties, the activity's
    platform, the applicant's name and the waiver's reason."""
    markers = position_markers(text)
    with app.test_request_context():
        g.audit_actor_id = actor_id
        position = Position(
            employer_id=employer_id,
            title=markers["position_id"],
            noc_code="63202",
            stream="low_wage",
            street_address="5 Oven Lane",
            city="Toronto",
            province="ON",
            postal_code="M5V 2A9",
            economic_region="ER3530",
            wage_amount=Decimal("19.00"),
            wage_per="hour",
            hours_per_week=Decimal("40"),
            positions=1,
            duration_months=12,
            duties=markers["duties"],
            job_match_mode="default",
            # Retention is over (6 years after 2013-01-07) and there is no legal hold, so a
            # request that deletes evidence succeeds: a leaked delete would change something.
            first_work_day=RETIRED_FIRST_DAY,
            retain_until=evidence_services.retain_until(RETIRED_FIRST_DAY),
            legal_hold=False,
        )
        activity = RecruitmentActivity(
            employer_id=employer_id,
            case_key=SEED_ACTIVITY_KEY,
            method="job_bank",
            kind="posting",
            start_date=date(2026, 1, 5),
            platform=markers["activity_id"],
            direct_apply=True,
        )
        position.activities.append(activity)
        position.job_matches.append(
            JobMatchEntry(employer_id=employer_id, first_seen=date(2026, 1, 6), stars=3)
        )
        db.session.add(position)
        db.session.flush()
        applicant = Applicant(
            employer_id=employer_id,
            position_id=position.id,
            name=markers["applicant_id"],
            status="citizen",
            source_activity_id=activity.id,
            channel="direct_apply",
            applied_on=date(2026, 1, 9),
            reason_code="other",
            reason_detail=f"{text} detail".strip(),
        )
        waiver = Waiver(
            employer_id=employer_id,
            position_id=position.id,
            rule_id=WAIVED_RULE,
            subject=WAIVED_SUBJECT,
            reason=markers["waiver_id"],
            waived_by_id=representative_id,
        )
        db.session.add_all([applicant, waiver])
        db.session.commit()
        return {
            "position_id": position.id,
            "activity_id": activity.id,
            "applicant_id": applicant.id,
            "entry_id": position.job_matches[0].id,
            "waiver_id": waiver.id,
        }


def png_bytes(n: int | None = None) -> bytes:
    """A small valid PNG, different for every ``n`` (a fresh one per call by default), so the
    locker's duplicate check never refuses it."""
    n = serial() if n is None else n
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (n % 256, n // 256 % 256, n // 65536 % 256)).save(buffer, "PNG")
    return buffer.getvalue()


def store_evidence(
    app, employer_id: int, position_id: int, actor_id: int, content: bytes, filename: str, **fields
) -> int:
    """Keep a file in the position's locker through the app's own upload service (content check,
    storage write, row); return the evidence id."""
    with app.test_request_context():
        g.audit_actor_id = actor_id
        g.employer = db.session.get(Employer, employer_id)
        position = db.session.get(Position, position_id)
        upload = FileStorage(io.BytesIO(content), filename=filename)
        form = {
            "attach_to": "position",
            "category": "ad_proof",
            "description": None,
            "evidence_date": date(2026, 1, 6),
            "is_snapshot": False,
            **fields,
        }
        row = evidence_services.attach_evidence(position, upload, form, actor_id)
        db.session.commit()
        return row.id


def add_locker(
    app, employer_id: int, position_id: int, owner_id: int, representative_id: int, text=""
) -> dict:
    """Fill the position's evidence locker: one stored file (uploaded by the owner), the
    representative's comment asking for a change, a finding review and a sign-off, and a
    finished bundle built by the app. ``text`` (B's canary) goes into the file's name,
    description and bytes, the comment, the finding review's comment and the sign-off note."""
    prefix = f"{text} " if text else ""
    marker = position_markers(text)["evidence_id"]
    evidence_id = store_evidence(
        app,
        employer_id,
        position_id,
        owner_id,
        f"{marker}: the stored bytes of the Job Bank ad.\n".encode(),
        f"{marker}.txt",
        description=f"{marker}: Job Bank posting, first day",
    )
    with app.test_request_context():
        g.audit_actor_id = representative_id
        employer = g.employer = db.session.get(Employer, employer_id)
        position = db.session.get(Position, position_id)
        comment = reviews.add_comment(
            position.id,
            employer_id,
            representative_id,
            f"{prefix}comment: capture the job number too",
            evidence_id=evidence_id,
            asks_for_change=True,
        )
        report = compliance.check(position, date.today())
        finding = report.verdict.findings[0]
        reviews.review_finding(
            position,
            finding.rule,
            finding.subject,
            "changes_requested",
            f"{prefix}finding comment: add a second method",
            representative_id,
        )
        finding_review = db.session.scalar(
            select(FindingReview).where(FindingReview.position_id == position.id)
        )
        sign_off = evidence_services.sign_off(
            position,
            compliance.case_json(position),
            evidence_services.evidence_of(position),
            report.verdict,
            f"{prefix}sign-off note: ready to file",
            representative_id,
        )
        db.session.commit()
        ids = {
            "evidence_id": evidence_id,
            "comment_id": comment.id,
            "finding_review_id": finding_review.id,
            "sign_off_id": sign_off.id,
        }
        # The bundle, built by the app's own code (what the button does, without a thread).
        g.audit_actor_id = owner_id
        job = BundleJob(employer_id=employer_id, position_id=position.id, requested_by_id=owner_id)
        db.session.add(job)
        db.session.commit()
        bundles.build(job, position, employer, db.session.get(User, owner_id))
        assert job.status == "done", job.error
        ids["bundle_id"] = job.id
        return ids


def seed_world(app, *, with_b: bool = True) -> World:
    make = Factories(app)
    canary = f"CANARY-B-{uuid.uuid4().hex}"
    world = World(app=app, make=make, canary=canary, pool=SessionPool(app))
    u = world.users

    u["a_owner"] = make.user(name="Alice Owner")
    a = make.employer(u["a_owner"], legal_name="Alpha Foods Ltd.", operating_name="Alpha Shop")
    u["a_staff"] = make.user(name="Sam Staff")
    u["a_viewer"] = make.user(name="Vera Viewer")
    u["a_rep"] = make.user(name="Larry Lawyer")
    u["a_target"] = make.user(name="Tom Target")
    make.member(a, u["a_staff"], Role.STAFF)
    make.member(a, u["a_viewer"], Role.VIEWER)
    make.member(a, u["a_rep"], Role.REPRESENTATIVE)
    target = make.member(a, u["a_target"], Role.VIEWER)
    a_location = _add_location(app, a.id, "2 Alpha Street")
    a_invitation, a_token = add_invitation(app, a.id, u["a_owner"].id, "newcomer@example.com")
    a_position = add_position(app, a.id, u["a_owner"].id, u["a_rep"].id)
    a_position |= add_locker(app, a.id, a_position["position_id"], u["a_owner"].id, u["a_rep"].id)
    a_position |= add_offer(app, a.id, a_position["position_id"], u["a_owner"].id)
    a_position |= add_protection(
        app, a.id, a_position["position_id"], u["a_owner"].id, a_position["worker_id"]
    )
    a_position |= add_attestations(app, a.id, a_position, u["a_owner"].id)
    a_position |= add_payroll(app, a.id, a_position, u["a_owner"].id)
    world.a = Tenant(a.id, a_location, target.id, a_invitation, a_token, **a_position)

    u["lawyer_none"] = make.user(name="Nora No-Grants")
    u["loner"] = make.user(name="Lee Loner")
    world.calendar_tokens["a"] = add_calendar_feed(app, u["a_owner"].id)  # issue 10, deadlines
    if not with_b:
        return world

    u["lawyer_revoked"] = make.user(name="Rex Revoked")
    tag = canary.lower()
    # The owner's address is typed into sign-up and sign-in forms by the matrix, which echo it
    # back; it carries no canary so that echo is not mistaken for a leak.
    u["b_owner"] = make.user(
        name=f"{canary} Owner", email=f"b-owner-{uuid.uuid4().hex}@example.com"
    )
    b = make.employer(
        u["b_owner"],
        legal_name=f"{canary} Holdings Ltd.",
        operating_name=f"{canary} Shop",
        street_address=f"1 {canary} Street",
        city=f"{canary} City",
    )
    u["b_staff"] = make.user(name=f"{canary} Staff", email=f"{tag}-staff@example.com")
    b_staff = make.member(b, u["b_staff"], Role.STAFF)
    # B's representative: the positive control for B's ``review`` routes (waivers).
    u["b_rep"] = make.user(name=f"{canary} Counsel", email=f"{tag}-rep@example.com")
    make.member(b, u["b_rep"], Role.REPRESENTATIVE)
    b_location = _add_location(app, b.id, f"9 {canary} Road")
    revoked = make.member(
        b, u["lawyer_revoked"], Role.REPRESENTATIVE, law_society="LSO", law_society_number="12345"
    )
    with app.test_request_context():
        g.audit_actor_id = u["b_owner"].id
        row = db.session.get(Membership, revoked.id)
        row.revoked_at = utcnow()
        row.revoked_by_id = u["b_owner"].id
        employer = db.session.get(Employer, b.id)
        g.employer = employer  # what the tenancy guard sets for a request on B
        owner = db.session.get(User, u["b_owner"].id)
        # Through the real service, so B's outbox mail (with B's name) exists too.
        invitation = issue_invitation(employer, owner, f"{tag}@example.com", Role.REPRESENTATIVE)
        db.session.commit()
        b_invitation = invitation.id
    b_position = add_position(app, b.id, u["b_owner"].id, u["b_rep"].id, text=canary)
    b_position |= add_locker(
        app, b.id, b_position["position_id"], u["b_owner"].id, u["b_rep"].id, text=canary
    )
    b_position |= add_offer(app, b.id, b_position["position_id"], u["b_owner"].id, text=canary)
    b_position |= add_protection(
        app, b.id, b_position["position_id"], u["b_owner"].id, b_position["worker_id"], canary
    )
    b_position |= add_attestations(app, b.id, b_position, u["b_owner"].id, text=canary)
    b_position |= add_payroll(app, b.id, b_position, u["b_owner"].id, text=canary)
    world.b = Tenant(b.id, b_location, b_staff.id, b_invitation, **b_position)
    world.calendar_tokens["b"] = add_calendar_feed(app, u["b_owner"].id)  # issue 10, deadlines
    world.b_markers = (
        position_markers(canary)
        | offer_markers(canary)
        | protection_markers(canary)
        | attestation_markers(canary)
        | payroll_markers(canary)
    )
    return world


# --------------------------------------------------------------------------------------------
# Signed-in clients, many of them: a fresh browser per request, sessions made in bulk.


class SessionPool:
    """Hands out test clients holding a real, fresh server-side session for a user.

    Same as ``make.signed_in_client`` but the ``UserSession`` rows are inserted 64 at a time,
    so a matrix can afford a brand-new browser (no cookies, no flashes) for every request.
    """

    BATCH = 64

    def __init__(self, app):
        self.app = app
        self._tokens: dict[int, list[str]] = {}

    def _refill(self, user_id: int) -> None:
        tokens = [secrets.token_urlsafe(32) for _ in range(self.BATCH)]
        now = utcnow()
        with self.app.app_context():
            db.session.add_all(
                # Passed the two-factor step, as a signed-in browser of a representative has.
                UserSession(user_id=user_id, token_hash=_token_hash(token), second_factor_at=now)
                for token in tokens
            )
            db.session.commit()
        self._tokens[user_id] = tokens

    def client(self, user):
        if user is None:
            return self.app.test_client()
        if not self._tokens.get(user.id):
            self._refill(user.id)
        token = self._tokens[user.id].pop()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return client


# --------------------------------------------------------------------------------------------
# Fresh children: objects a successful POST may consume


def fresh_children(world: World, employer_id: int, owner_id: int, needs=()) -> dict:
    """New objects in ``employer_id`` (A or B), for one request that may consume them: a location,
    an invitation, and under the tenant's seeded position an activity, an applicant, a Job Match
    entry and an active waiver; and an evidence file when ``needs`` (the rule's URL arguments)
    names ``evidence_id`` (each one is stored for real, so only when the rule takes one).

    (A new membership costs a password hash; see ``fresh_membership``.)"""
    app = world.app
    location_id = _add_location(app, employer_id, f"{serial()} Fresh Street")
    invitation_id, _ = add_invitation(app, employer_id, owner_id, f"fresh{serial()}@example.com")
    children = {"location_id": location_id, "invitation_id": invitation_id}
    tenant = world.tenant_of(employer_id)
    if tenant is not None and tenant.position_id is not None:
        representative = world.representative_of(tenant)
        children |= fresh_position_children(app, tenant, owner_id, representative.id)
        if "evidence_id" in needs:
            children["evidence_id"] = fresh_evidence(app, tenant, owner_id)
        if "worker_id" in needs:
            children |= fresh_offer_children(app, tenant, owner_id, "version_id" in needs)
        if PROTECTION_ARGS & set(needs):
            children |= fresh_protection_children(app, tenant, owner_id)
        if "period_id" in needs:
            children |= fresh_payroll_children(app, tenant, owner_id, children.get("worker_id"))
    return children


def fresh_evidence(app, tenant: Tenant, actor_id: int) -> int:
    """A new evidence file (stored for real) in the tenant's seeded position."""
    n = serial()
    content = f"Fresh evidence {n}: Job Bank ad text.\n".encode()
    return store_evidence(
        app, tenant.employer_id, tenant.position_id, actor_id, content, f"fresh-{n}.txt"
    )


def fresh_position_children(app, tenant: Tenant, actor_id: int, representative_id: int) -> dict:
    n = serial()
    employer_id, position_id = tenant.employer_id, tenant.position_id
    with app.test_request_context():
        g.audit_actor_id = actor_id
        activity = RecruitmentActivity(
            employer_id=employer_id,
            position_id=position_id,
            case_key=f"F{n}",
            method="newspaper",
            kind="event",
            event_date=date(2026, 2, 1),
            platform=f"Fresh Gazette {n}",
        )
        applicant = Applicant(
            employer_id=employer_id,
            position_id=position_id,
            name=f"Fresh Applicant {n}",
            status="foreign",
            applied_on=date(2026, 2, 2),
        )
        entry = JobMatchEntry(
            employer_id=employer_id, position_id=position_id, first_seen=date(2026, 2, 3), stars=1
        )
        waiver = Waiver(
            employer_id=employer_id,
            position_id=position_id,
            rule_id="REC-URG-2",
            subject="recruitment",
            reason=f"Fresh waiver {n}: accepted for the test",
            waived_by_id=representative_id,
        )
        db.session.add_all([activity, applicant, entry, waiver])
        db.session.commit()
        return {
            "activity_id": activity.id,
            "applicant_id": applicant.id,
            "entry_id": entry.id,
            "waiver_id": waiver.id,
        }


@dataclass
class _Ref:
    id: int


def fresh_membership(world: World, employer_id: int) -> int:
    user = world.make.user(name="Fresh Member")
    return world.make.member(_Ref(employer_id), user, Role.VIEWER).id


# --------------------------------------------------------------------------------------------
# URL argument resolvers.
#
# Arguments naming employer-owned rows sit at a level: the employer (0), a row directly under it
# (1: location, membership, invitation, position) and a row under a position (2: activity,
# applicant, Job Match entry, waiver, evidence file, bundle). A variant says whose object each
# level names:
#   own            - tenant A's objects (the actor's own tenant)
#   foreign        - tenant B's objects
#   missing        - ids that exist nowhere
#   mixed          - A's employer_id with B's objects below it (B's position, B's child)
#   mixed_missing  - A's employer_id with missing ids below it (the "missing" twin of mixed)
#   mixed_child    - A's employer and A's position with B's child (activity, evidence...)
#   child_missing  - A's employer and A's position with a missing child (twin of mixed_child)
#   mixed_parent   - A's employer and A's child under B's position
# A resolver returns the value, or raises Unresolvable.

ARG_LEVELS = {
    "employer_id": 0,
    "location_id": 1,
    "membership_id": 1,
    "invitation_id": 1,
    "position_id": 1,
    "activity_id": 2,
    "applicant_id": 2,
    "entry_id": 2,
    "waiver_id": 2,
    "evidence_id": 2,
    "bundle_id": 2,
    # Issue 8: a worker of the position, and a version of that worker's offer letter.
    "worker_id": 2,
    "version_id": 2,
    # Issue 9: the employer's own recruiter sits under the employer; payments and custody
    # records under a position.
    "third_party_id": 1,
    "payment_id": 2,
    "custody_id": 2,
    # Issue 9: an attestation of that worker (level 2, like an offer version).
    "attestation_id": 2,
    # Issue 10: a pay period of that worker (level 2, like an offer version).
    "period_id": 2,
}
A, B = "a", "b"
VARIANTS = {
    "own": (A, A, A),
    "foreign": (B, B, B),
    "missing": (None, None, None),
    "mixed": (A, B, B),
    "mixed_missing": (A, None, None),
    "mixed_child": (A, A, B),
    "child_missing": (A, A, None),
    "mixed_parent": (A, B, A),
}
# A variant and its twin naming nothing: B's object and a missing one must look alike.
ORACLE_PAIRS = (
    ("foreign", "missing"),
    ("mixed", "mixed_missing"),
    ("mixed_child", "child_missing"),
)


def variants_for(arguments) -> list[str]:
    """The matrix variants that make sense for a rule taking ``arguments``."""
    arguments = set(arguments)
    depth = max((ARG_LEVELS.get(arg, -1) for arg in arguments), default=-1)
    variants = ["foreign"]
    if arguments - {"filename"}:
        variants.append("missing")
    if depth >= 1:
        variants += ["mixed", "mixed_missing"]
    if depth >= 2:
        variants += ["mixed_child", "child_missing", "mixed_parent"]
    return variants


def names_own_employer(variant: str) -> bool:
    """Whether the variant's employer_id is A's (so A's roles are checked before any lookup)."""
    return VARIANTS[variant][0] == A and variant != "own"


class Unresolvable(Exception):
    pass


def _tenant_for(world: World, variant: str, arg: str) -> Tenant | None:
    side = VARIANTS[variant][ARG_LEVELS[arg]]
    return {A: world.a, B: world.b, None: None}[side]


def _id_resolver(attribute: str):
    def resolve(world: World, endpoint: str, variant: str, extra: dict):
        if attribute in extra:
            return extra[attribute]
        tenant = _tenant_for(world, variant, attribute)
        value = None if tenant is None else getattr(tenant, attribute)
        return MISSING_ID if value is None else value

    return resolve


def _reset_token(world: World, variant: str) -> str:
    with world.app.app_context():
        if variant == "own":
            user = db.session.get(User, world.users["a_rep"].id)
            return reset_link_token(user)
        user_id = world.users["b_owner"].id if variant == "foreign" else MISSING_ID
        # Signed with the real key, naming B's owner, but without the password fingerprint.
        return sign("password-reset", {"u": user_id, "p": "0" * 32})


def _invitation_token(world: World, variant: str, extra: dict) -> str:
    if "invitation_token" in extra:
        return extra["invitation_token"]
    if variant == "own":
        return world.a.invitation_token
    invitation_id = world.b.invitation_id if variant == "foreign" else MISSING_ID
    with world.app.app_context():
        # B's real invitation id, signed with the real key, but without its secret nonce.
        return sign("invitation", {"i": invitation_id, "n": secrets.token_urlsafe(16)})


def _token(world: World, endpoint: str, variant: str, extra: dict):
    if endpoint == "auth.reset_password":
        return _reset_token(world, variant)
    if endpoint == "invitations.accept":
        return _invitation_token(world, variant, extra)
    if endpoint == "attestations.answer":
        return _attestation_token(world, variant, extra)
    if endpoint == "deadlines.feed":  # issue 10
        return _calendar_token(world, variant)
    if endpoint in _ACCOUNT_LINKS:
        return _account_link_token(world, endpoint, variant)
    raise Unresolvable(f"no token kind known for {endpoint}")


# --- Issue 7 (S4, S6, U5): sign-up confirmation, unlock and home-page invitation links. ------
# "own": a real link for A's representative (A's invitation to the owner's address for the
# home-page link); "foreign": signed with the real key, naming B's owner or B's invitation,
# but without the secret part; "missing": naming nothing.
_ACCOUNT_LINKS = {
    "auth.confirm_email": "confirm-email",
    "auth.unlock": "unlock",
    "invitations.accept_waiting": "waiting-invitation",
}


def _account_link_token(world: World, endpoint: str, variant: str) -> str:
    from portal.auth.services import _new_user, confirmation_token, hashing, unlock_token

    purpose = _ACCOUNT_LINKS[endpoint]
    with world.app.app_context():
        if endpoint == "auth.confirm_email" and variant == "own":
            # A sign-up waiting for confirmation, whose password is the one account_body sends.
            pending = _new_user(
                "Pending Person",
                f"pending{serial()}@example.com",
                hashing().hash(PASSWORD),
                confirmed=False,
            )
            db.session.commit()
            return confirmation_token(pending)
        if endpoint == "invitations.accept_waiting":
            b = getattr(world, "b", None)
            invitation_id = {
                "own": world.a.invitation_id,
                "foreign": b.invitation_id if b else MISSING_ID,
            }.get(variant, MISSING_ID)
            signed_for = world.users.get("b_owner", world.users["a_owner"])
            return sign(purpose, {"i": invitation_id, "u": signed_for.id})
        if variant == "own":
            user = db.session.get(User, world.users["a_rep"].id)
            return (confirmation_token if purpose == "confirm-email" else unlock_token)(user)
        user_id = world.users["b_owner"].id if variant == "foreign" else MISSING_ID
        return sign(purpose, {"u": user_id, "p": "0" * 32})


def _filename(world: World, endpoint: str, variant: str, extra: dict):
    if endpoint != "static":
        raise Unresolvable(f"no filename kind known for {endpoint}")
    return "no-such-file.css" if variant == "missing" else "portal.css"


RESOLVERS = {
    **{arg: _id_resolver(arg) for arg in ARG_LEVELS},
    "token": _token,
    "filename": _filename,
}
# Arguments naming an employer-owned row: only permission-guarded endpoints may take them.
TENANT_ARGS = frozenset(ARG_LEVELS)
CHILD_ARGS = TENANT_ARGS - {"employer_id"}
# Arguments naming one object (ids, link tokens): B's object and a missing one must look alike.
OBJECT_ARGS = TENANT_ARGS | {"token"}


def resolve_args(world: World, rule, variant: str, extra: dict | None = None) -> dict:
    extra = extra or {}
    values = {}
    for arg in sorted(rule.arguments):
        resolver = RESOLVERS.get(arg)
        if resolver is None:
            raise Unresolvable(f"argument {arg!r} of {rule.rule} has no resolver")
        values[arg] = resolver(world, rule.endpoint, variant, extra)
    return values


def build_url(rule, values: dict) -> str:
    """The path of this very rule (not just any rule of its endpoint) for ``values``."""
    built = rule.build(values, append_unknown=False)
    if built is None:
        raise Unresolvable(f"{rule.rule} cannot be built from {values}")
    return built[1]


def methods_of(rule) -> list[str]:
    return sorted(set(rule.methods) - IGNORED_METHODS)


def rules_of(app) -> list:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


# --------------------------------------------------------------------------------------------
# Bodies: valid form data, so that a request let through by mistake would change something.


def _profile(version: int) -> dict:
    n = serial()
    return {
        "legal_name": f"Edited Name {n} Ltd.",
        "operating_name": f"Edited {n}",
        "business_number": "123456789",
        "street_address": f"{n} Edited Avenue",
        "city": "Montreal",
        "province": "QC",
        "postal_code": "H2X 1Y4",
        "phone": "514 555 0123",
        "naics_code": "722511",
        "version": str(version),
    }


def _location() -> dict:
    return {
        "street_address": f"{serial()} Posted Street",
        "city": "Calgary",
        "province": "AB",
        "postal_code": "T2P 1J9",
        "employee_count": "7",
    }


def employer_version(app, employer_id: int) -> int:
    with app.app_context():
        employer = db.session.get(Employer, employer_id)
        return employer.version if employer else 1


def _position_body(version: int | None = None) -> dict:
    n = serial()
    body = {
        "title": f"Line Cook {n}",
        "noc_code": "63200",
        "stream": "low_wage",
        "street_address": f"{n} Posted Street",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5H 1A1",
        "economic_region": "ER3530",
        "wage_amount": "18.50",
        "wage_per": "hour",
        "hours_per_week": "40",
        "positions": "2",
        "duration_months": "12",
        "duties": f"Prepare and cook meals, batch {n}.",
        "prevailing_wage_per": "hour",
        "incumbent_wage_per": "hour",
        "planned_submission_date": "2026-12-01",
    }
    if version is not None:
        body["version"] = str(version)
    return body


def _activity_body() -> dict:
    return {
        "method": "job_board",
        "kind": "posting",
        "start_date": "2026-03-02",
        "end_date": "2026-04-02",
        "platform": f"Posted Board {serial()}",
        "ad_wage_per": "hour",
    }


def _applicant_body() -> dict:
    return {
        "name": f"Posted Applicant {serial()}",
        "status": "citizen",
        "source_activity_id": "",
        "channel": "email",
        "applied_on": "2026-03-10",
        "reason_code": "no_response",
    }


def _job_match_body() -> dict:
    # A date of its own each time, so an edit always changes the entry it hits.
    first_seen = date(2025, 1, 1) + timedelta(days=serial() % 360)
    return {"first_seen": first_seen.isoformat(), "stars": "4", "invited_on": ""}


def _current_finding(app, values: dict | None) -> dict:
    """A finding the position has right now (earlier requests may have changed it); the seeded
    finding when the position is not there to ask."""
    rule_id, subject = WAIVED_RULE, WAIVED_SUBJECT
    position_id = (values or {}).get("position_id")
    with app.test_request_context():
        position = db.session.get(Position, position_id) if position_id else None
        if position is not None:
            g.employer = db.session.get(Employer, position.employer_id)
            findings = compliance.check(position, date.today()).verdict.findings
            if findings:
                rule_id, subject = findings[0].rule, findings[0].subject
    return {"rule_id": rule_id, "subject": subject}


def _waiver_body(app, values: dict | None) -> dict:
    """Waive a finding the position has right now."""
    reason = f"Posted waiver {serial()}: the extra methods were not needed."
    return _current_finding(app, values) | {"reason": reason}


def upload_body(content: bytes | None = None, filename: str | None = None) -> dict:
    """A valid evidence upload: a fresh PNG (never seen before) unless ``content`` is given."""
    n = serial()
    return {
        "file": (
            io.BytesIO(png_bytes(n) if content is None else content),
            filename or f"ad-{n}.png",
        ),
        "category": "ad_proof",
        "attach_to": "position",
        "evidence_date": "2026-02-01",
        "description": f"Posted evidence {n}: Job Bank ad",
    }


def _evidence_body(app, endpoint: str, values: dict | None) -> dict | None:
    """A valid body for an evidence locker POST, or None for another endpoint."""
    n = serial()
    if endpoint == "evidence.upload":
        return upload_body()
    if endpoint == "evidence.review":
        return {"decision": "changes_requested", "comment": f"Posted review {n}: add the date."}
    if endpoint == "evidence.comment":
        return {"body": f"Posted comment {n}: is this the full page?"}
    if endpoint == "evidence.retention":
        # Another first day each time (so it always changes), still long past: the retention
        # period stays over, and deleting evidence keeps working for the later requests.
        first_day = RETIRED_FIRST_DAY - timedelta(days=1 + n % 700)
        return {"first_work_day": first_day.isoformat()}
    if endpoint == "evidence.review_finding":
        comment = f"Posted finding review {n}: please fix."
        finding = _current_finding(app, values)
        return finding | {"decision": "changes_requested", "comment": comment}
    if endpoint == "evidence.comment_finding":
        return _current_finding(app, values) | {"body": f"Posted finding comment {n}."}
    if endpoint == "evidence.sign_off":
        return _sign_off_body(app, values, n)
    if endpoint in ("evidence.archive", "evidence.delete", "evidence.start_bundle"):
        return {}  # a button: the CSRF token is the whole form
    return None


# --- Sign-off and the lawyer's daily view (issue 7, U2 and U6) --------------------------------
# A sign-off with open items needs the confirmation of exactly what the page showed, with a
# reason: the body carries the position's current open-items fingerprint.
SIGN_OFF_REASON = "Posted sign-off: the client files today, open items explained."


def _sign_off_body(app, values: dict | None, n: int) -> dict:
    fingerprint = ""
    position_id = (values or {}).get("position_id")
    with app.test_request_context():
        position = db.session.get(Position, position_id) if position_id else None
        if position is not None:
            g.employer = db.session.get(Employer, position.employer_id)
            report = compliance.check(position, date.today())
            evidence = evidence_services.evidence_of(position)
            fingerprint = evidence_services.open_items_of(position, report, evidence).fingerprint()
    return {
        "note": f"Posted sign-off {n}: ready to file.",
        "confirm_open": "y",
        "confirmation_reason": SIGN_OFF_REASON,
        "open_fingerprint": fingerprint,
    }


# The evidence preview (inline for PDF and images, else the download): every member reads it,
# and it answers with the stored bytes of one of the employer's files.
SIGNOFF_ROUTE_POLICIES = {"evidence.preview": "view"}
SIGNOFF_STORED_DOWNLOADS = frozenset({"evidence.preview"})
# --- end of the sign-off block ---------------------------------------------------------------


def _csv_upload() -> dict:
    n = serial()
    text = (
        "name,status,applied_on,reason_code\n"
        f"Imported {n} One,citizen,2026-01-12,no_response\n"
        f"Imported {n} Two,foreign,2026-01-13,\n"
    )
    return {"file": (io.BytesIO(text.encode()), "applicants.csv")}


def _case_upload(app, employer_id: int) -> dict:
    """An lmia-case/1 file of the employer's first position (any employer's if it has none)."""
    with app.app_context():
        query = select(Position).order_by(Position.id).limit(1)
        position = db.session.scalar(query.where(Position.employer_id == employer_id))
        position = position or db.session.scalar(query)
        employer = db.session.get(Employer, position.employer_id)
        applicants = db.session.scalars(
            select(Applicant).where(Applicant.position_id == position.id).order_by(Applicant.id)
        )
        document = case_dict(employer, position, list(applicants))
    document["position"]["title"] = f"Imported Case {serial()}"
    raw = json.dumps(document).encode()
    return {"file": (io.BytesIO(raw), "case.json")}


def _position_of(app, values: dict) -> Position | None:
    with app.app_context():
        position = db.session.get(Position, (values or {}).get("position_id", MISSING_ID))
        if position is not None:
            db.session.expunge(position)
        return position


def _applicant_version(app, values: dict) -> str:
    """The applicant's current version (a stale one is refused with 409, issue 11)."""
    with app.app_context():
        applicant = db.session.get(Applicant, (values or {}).get("applicant_id", MISSING_ID))
        return str(applicant.version if applicant is not None else 1)


def _missed_capture_body(app, values: dict) -> dict:
    """A reason for the first weekly capture of the position's seeded Job Bank posting."""
    with app.app_context():
        position_id = (values or {}).get("position_id", MISSING_ID)
        query = select(RecruitmentActivity).filter_by(position_id=position_id, kind="posting")
        activity = db.session.scalars(query.order_by(RecruitmentActivity.id)).first()
        return {
            "activity_id": str(activity.id if activity else MISSING_ID),
            "due_from": (activity.start_date if activity else date(2026, 1, 5)).isoformat(),
            "reason": f"Took over the file mid-campaign ({serial()}).",
        }


CLOSED_CAPTURE_HOST = "127.0.0.1:9"


def tenant_body(app, endpoint: str, employer_id: int, values: dict | None = None) -> dict:
    """A valid body for an employer-scoped POST (the guard is the only thing stopping it).

    ``values`` are the URL arguments (the position's version and Job Match setting matter).
    File uploads are new objects on every call: build a body per request."""
    if endpoint == "employers.edit_profile":
        return _profile(employer_version(app, employer_id))
    if endpoint in ("employers.add_location", "employers.edit_location"):
        return _location()
    if endpoint == "employers.invite":
        return {"email": f"invitee{serial()}@example.com", "role": Role.STAFF}
    if endpoint == "positions.create":
        return _position_body()
    if endpoint == "positions.edit":
        position = _position_of(app, values)
        return _position_body(position.version if position else 1)
    if endpoint in ("positions.add_activity", "positions.edit_activity"):
        return _activity_body()
    if endpoint == "positions.add_applicant":
        return _applicant_body()
    if endpoint == "positions.edit_applicant":
        return _applicant_body() | {"version": _applicant_version(app, values)}
    if endpoint in ("positions.add_job_match", "positions.edit_job_match"):
        return _job_match_body()
    if endpoint == "positions.set_job_match_mode":
        position = _position_of(app, values)
        current = position.job_match_mode if position else None
        return {"mode": "default" if current == "strict" else "strict"}
    if endpoint == "positions.waive_finding":
        return _waiver_body(app, values)
    if endpoint == "positions.import_applicants":
        return _csv_upload()
    if endpoint == "positions.import_case":
        return _case_upload(app, employer_id)
    if endpoint == "positions.record_missed_capture":  # issue 7 U7 (positions)
        return _missed_capture_body(app, values)
    if endpoint == "capture.capture":  # issue 13: records an attempt, done or failed
        # Port 9 on loopback refuses at once: the guard lets it through (allowed for this app
        # only), the browser fails fast, and the failed attempt is the change to look for.
        app.config["CAPTURE_ALLOWED_HOSTS"] = [CLOSED_CAPTURE_HOST]
        return {"url": f"http://{CLOSED_CAPTURE_HOST}/ad"}
    if endpoint == "attestations.send":
        return {}  # a button: the CSRF token is the whole form
    offers = _offers_body(app, endpoint, values)
    if offers is not None:
        return offers
    protection = _protection_body(app, endpoint, values)
    if protection is not None:
        return protection
    payroll = _payroll_body(app, endpoint, values)
    if payroll is not None:
        return payroll
    road = _road_body(app, endpoint, values)  # issue 10, road
    if road is not None:
        return road
    evidence = _evidence_body(app, endpoint, values)
    return {} if evidence is None else evidence


NEW_PASSWORD = "a brand new long passphrase"


def account_body(world: World, endpoint: str) -> dict:
    """A valid body for an endpoint that takes no tenant."""
    n = serial()
    users = world.users
    return {
        "auth.signup": {
            "full_name": "New Person",
            "email": f"signup{n}@example.com",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        "auth.login": {"email": users["a_viewer"].email, "password": PASSWORD},
        "auth.request_reset": {"email": users["a_viewer"].email},
        "auth.reset_password": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        "auth.account": {"full_name": f"Renamed {n}", "locale": "fr_CA"},
        "auth.switch_language": {"locale": "en_CA", "next": "/account/"},  # issue 13
        "auth.change_password": {
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        "employers.create": {
            **{k: v for k, v in _profile(1).items() if k != "version"},
            "employees_at_address": "3",
        },
        # Issue 7 (S4, S6, U5): new account links.
        "auth.confirm_email": {"password": PASSWORD},
        "auth.request_unlock": {"email": users["a_viewer"].email},
        "invitations.accept_waiting": {"cicc_number": "R712345"},
        "attestations.answer": ATTESTATION_ANSWERS,
        "deadlines.feed_action": {"action": "new"},  # issue 10: a new calendar address
        # Issue 11: two-factor (a wrong code: refused, and nothing changes).
        "auth.two_factor_code": {"code": "000000"},
        "auth.two_factor_enrol": {"code": "000000"},
        "auth.two_factor_new_codes": {"code": "000000"},
        "auth.two_factor_off": {"password": PASSWORD, "code": "000000"},
        "invitations.accept": {
            "full_name": "Invited Person",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "cicc_number": "R712345",
        },
    }.get(endpoint, {})


# --------------------------------------------------------------------------------------------
# Observation


FILES = "(files in the evidence store and instance/tmp)"


def stored_files(app) -> list[str]:
    """Every file under the app's scratch directory (evidence store, upload spools, bundle work
    files), for apps made by ``new_app``; [] for others (never the checkout's instance/)."""
    scratch = app.config.get("SECURITY_SCRATCH_DIR")
    if not scratch:
        return []
    root = Path(scratch)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# Tables a GET may write without changing anything a user owns: the audit log, the sign-in
# session's "last seen", and the stored verdicts (derived from the rows, refreshed by the home
# page when stale: issue 12, portal/verdicts.py).
DERIVED_TABLES = ("audit_events", "user_sessions", "position_verdicts")


def snapshot(app, exclude=DERIVED_TABLES, drop_columns=()) -> dict:
    """Every row of every table (ordered by primary key), minus ``exclude``d tables/columns,
    and the files the app keeps (``FILES``): a request that writes or removes one changed state.
    """
    with app.app_context(), db.engine.connect() as connection:
        result = {}
        for table in db.metadata.sorted_tables:
            if table.name in exclude:
                continue
            columns = [c for c in table.columns if f"{table.name}.{c.name}" not in drop_columns]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            result[table.name] = [tuple(row) for row in rows]
    result[FILES] = [(name,) for name in stored_files(app)]
    return result


def snapshot_diff(before: dict, after: dict) -> list[str]:
    changed = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, []), after.get(name, [])
        if old != new:
            added = [row for row in new if row not in old]
            removed = [row for row in old if row not in new]
            changed.append(f"{name}: +{added[:2]} -{removed[:2]}")
    return changed


def is_login_redirect(response) -> bool:
    if response.status_code not in REDIRECTS:
        return False
    return urlsplit(response.headers.get("Location", "")).path == LOGIN_PATH


def stored_digests(app, employer_id: int) -> dict[str, str]:
    """SHA-256 of every stored object of the employer (evidence files, finished bundles), with
    what it is: a response whose body hashes to one of these served that object's bytes."""
    with app.app_context():
        evidence = db.session.execute(
            select(EvidenceFile.sha256, EvidenceFile.id).where(
                EvidenceFile.employer_id == employer_id
            )
        )
        found = {digest: f"evidence file #{item}" for digest, item in evidence}
        jobs = db.session.execute(
            select(BundleJob.sha256, BundleJob.id).where(
                BundleJob.employer_id == employer_id, BundleJob.sha256.is_not(None)
            )
        )
        found |= {digest: f"bundle ZIP #{job}" for digest, job in jobs}
        versions = db.session.execute(
            select(OfferVersion.pdf_sha256, OfferVersion.docx_sha256, OfferVersion.id).where(
                OfferVersion.employer_id == employer_id
            )
        )
        for pdf, docx, version in versions:
            found |= {pdf: f"offer version #{version} PDF", docx: f"offer version #{version} DOCX"}
        return found


def _zip_members(data: bytes):
    """(name, bytes) of every member when ``data`` is a ZIP (a bundle download), else nothing."""
    if not data.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                yield info.filename, archive.read(info)
    except zipfile.BadZipFile:
        return


def contains(response, needle: str) -> str | None:
    """Return where ``needle`` (case-insensitive) appears in the response, or None.

    The body is searched as bytes (downloads are not always UTF-8) and, when it is a ZIP, inside
    every member too: a leaked bundle shows the canary of the case file it holds."""
    needle = needle.lower()
    data = response.get_data()
    if needle in data.decode("utf-8", "replace").lower():
        return "body"
    for name, member in _zip_members(data):
        if needle in f"{name}\n".lower() + member.decode("utf-8", "replace").lower():
            return f"body (ZIP member {name})"
    for name, value in response.headers.items():
        if needle in f"{name}: {value}".lower():
            return f"header {name}"
    return None


def tenant_snapshot(app, employer_id: int) -> dict:
    """The rows that belong to one employer (its row and every row carrying its employer_id)."""
    with app.app_context(), db.engine.connect() as connection:
        result = {}
        for table in db.metadata.sorted_tables:
            if table.name in DERIVED_TABLES:
                continue
            column = table.c.id if table.name == "employers" else table.c.get("employer_id")
            if column is None:
                continue
            rows = connection.execute(
                select(table).where(column == employer_id).order_by(*table.primary_key.columns)
            )
            result[table.name] = [tuple(row) for row in rows]
        return result


def signup_changes_besides_the_notice(before: dict, after: dict, world: World) -> list[str]:
    """Issue 7 (S4): signing up with B's owner's address changes nothing but one mail to that
    owner saying someone tried. Returns every other change (empty when there is none)."""
    kept_before, kept_after = before["outbox_messages"], after["outbox_messages"]
    notices = [
        row
        for row in kept_after
        if row not in kept_before
        if row[1] == world.users["b_owner"].email and row[2].startswith("Someone tried to create")
    ]
    rest = {**after, "outbox_messages": [row for row in kept_after if row not in notices]}
    return snapshot_diff(before, rest)


# --- Issue 8: workers and their offers (portal/offers/views.py) --------------------------------
# Each tenant's position names one worker (B's name carries the canary) whose offer is complete
# and whose version 1 is generated and issued through the app's own services (its PDF and DOCX
# stored for real: the downloads are checked on their bytes). Fresh workers (for requests that
# consume them) have a complete offer that does not state the no-fee clause (a warning to
# waive), and, when the route takes a version, a generated version not yet issued.

OFFERS_ROUTE_POLICIES = {
    **dict.fromkeys(
        ("offers.workers", "offers.worker", "offers.download_pdf", "offers.download_docx"),
        "view",
    ),
    **dict.fromkeys(
        (
            "offers.add_worker",
            "offers.edit_worker",
            "offers.delete_worker",
            "offers.offer_terms",
            "offers.generate",
            "offers.issue",
            "offers.record_signatures",
        ),
        "edit",
    ),
    "offers.waive": "review",
}
OFFERS_STORED_DOWNLOADS = frozenset({"offers.download_pdf", "offers.download_docx"})
OFFER_TERMS = {
    "overtime": "Overtime after 44 hours a week, at 1.5 times the wage.",
    "vacation": "Two weeks of vacation a year, with 4% vacation pay.",
    "statutory_holidays": "The public holidays of Ontario, paid.",
}


def offer_markers(text: str) -> dict:
    prefix = f"{text} " if text else ""
    return {"worker_id": f"{prefix}Worker Person"}


def _new_worker(position, name: str, *, states_no_fees: bool):
    from portal.models import Worker
    from portal.offers import services as offer_services

    fields = {"name": name, "language": "en", "planned_start_date": date(2027, 6, 1)}
    worker = offer_services.save_worker(position, Worker(), fields)
    worker.offer = {**worker.offer, **OFFER_TERMS, "states_no_fees": states_no_fees}
    db.session.flush()
    return worker


def add_offer(app, employer_id: int, position_id: int, owner_id: int, text="") -> dict:
    """Name the position's worker, complete the offer, generate and issue version 1."""
    from portal.offers import services as offer_services

    with app.test_request_context():
        g.audit_actor_id = owner_id
        g.employer = db.session.get(Employer, employer_id)
        position = db.session.get(Position, position_id)
        position.positions = 50  # room for the fresh workers the requests add
        worker = _new_worker(position, offer_markers(text)["worker_id"], states_no_fees=True)
        version = offer_services.generate_version(position, worker, owner_id)
        offer_services.issue(version, owner_id)
        db.session.commit()
        return {"worker_id": worker.id, "version_id": version.id}


def fresh_offer_children(app, tenant: Tenant, actor_id: int, with_version: bool) -> dict:
    from portal.offers import services as offer_services

    with app.test_request_context():
        g.audit_actor_id = actor_id
        g.employer = db.session.get(Employer, tenant.employer_id)
        position = db.session.get(Position, tenant.position_id)
        if position.positions <= len(position.workers):
            position.positions = len(position.workers) + 1
        worker = _new_worker(position, f"Fresh Worker {serial()}", states_no_fees=False)
        children = {"worker_id": worker.id}
        if with_version:
            children["version_id"] = offer_services.generate_version(position, worker, actor_id).id
        db.session.commit()
        return children


def _offer_form_body(app, values: dict) -> dict:
    """The offer form as its page fills it, with a new schedule (so a save changes it)."""
    from portal.models import Worker
    from portal.offers import services as offer_services

    with app.test_request_context():
        worker = db.session.get(Worker, values.get("worker_id", MISSING_ID))
        fields = offer_services.offer_fields(worker) if worker else {}
        version = worker.version if worker else 1
    body = {}
    for name, value in fields.items():
        if name == "deductions":
            for i, row in enumerate(value):
                body |= {f"deductions-{i}-{key}": str(item) for key, item in row.items()}
        elif name == "employer_paid":
            body[name] = value
        elif name == "states_no_fees":
            if value:
                body[name] = "y"
        elif value is not None:
            body[name] = value.isoformat() if isinstance(value, date) else str(value)
    if not fields:  # no such worker here: still a complete, valid form
        body = {
            "title": "Pastry Cook",
            "noc": "63202",
            "duties": "Bake.",
            "work_street": "5 Oven Lane",
            "work_city": "Toronto",
            "work_province": "ON",
            "work_postal_code": "M5V 2A9",
            "wage_amount": "19.00",
            "wage_per": "hour",
            "hours_per_week": "40",
            "duration_months": "12",
        }
    return body | {"schedule": f"Shift pattern {serial()}", "version": str(version)}


def _ensure_issued(app, values: dict) -> None:
    """Signatures come after issuing: issue a version of the worker first if none is (fresh
    workers), before the request's snapshot is taken."""
    from portal.models import Worker
    from portal.offers import services as offer_services

    with app.test_request_context():
        worker = db.session.get(Worker, values.get("worker_id", MISSING_ID))
        if worker is None or offer_services.issued_version(worker) is not None:
            return
        g.employer = db.session.get(Employer, worker.employer_id)
        owner = db.session.scalar(
            select(Membership.user_id).where(
                Membership.employer_id == worker.employer_id, Membership.role == Role.OWNER
            )
        )
        g.audit_actor_id = owner
        version = offer_services.generate_version(worker.position, worker, owner)
        offer_services.issue(version, owner)
        db.session.commit()


def _offer_waiver_body(app, values: dict) -> dict:
    """Waive a finding the worker's offer has right now."""
    from portal.models import Worker
    from portal.offers import services as offer_services

    rule_id, subject = "OFFER-NO-FEES", "workers[0].offer"
    with app.test_request_context():
        worker = db.session.get(Worker, values.get("worker_id", MISSING_ID))
        if worker is not None:
            g.employer = db.session.get(Employer, worker.employer_id)
            found = offer_services.worker_findings(worker.position, worker, date.today())
            if found:
                rule_id, subject = found[0].finding.rule, found[0].finding.subject
    reason = f"Posted offer waiver {serial()}: accepted for the test."
    return {"rule_id": rule_id, "subject": subject, "reason": reason}


def _offers_body(app, endpoint: str, values: dict | None) -> dict | None:
    """A valid body for a Workers & offers POST, or None for another endpoint."""
    values = values or {}
    n = serial()
    if endpoint in ("offers.add_worker", "offers.edit_worker"):
        if endpoint == "offers.add_worker":
            with app.app_context():
                position = db.session.get(Position, values.get("position_id", MISSING_ID))
                if position is not None and position.positions <= len(position.workers):
                    position.positions = len(position.workers) + 1
                    db.session.commit()
        return {
            "name": f"Posted Worker {n}",
            "country": "Mexico",
            "email": f"worker{n}@example.com",
            "language": "en",
            "planned_start_date": "2027-06-01",
        }
    if endpoint == "offers.offer_terms":
        return _offer_form_body(app, values)
    if endpoint == "offers.record_signatures":
        _ensure_issued(app, values)
        today = date.today().isoformat()
        return {
            "employer_name": f"Employer Signer {n}",
            "employer_on": today,
            "worker_name": f"Worker Signer {n}",
            "worker_on": today,
        }
    if endpoint == "offers.waive":
        return _offer_waiver_body(app, values)
    if endpoint in ("offers.generate", "offers.issue", "offers.delete_worker"):
        return {}  # a button: the CSRF token is the whole form
    return None


# --- end of the offers block -----------------------------------------------------------------


# --- Issue 9: Money & recruiters (portal/protection/views.py; owner: ledger) -----------------
# Each tenant has an employer-wide recruiter (B's name carries the canary), and under its
# seeded position a payment (B's note carries it) and a custody record naming the position's
# worker (B's worker's name carries it). Fresh ones are made for requests that consume them.
# Every member reads; owner and staff change.

PROTECTION_ROUTE_POLICIES = {
    **dict.fromkeys(
        (
            "protection.third_parties",
            "protection.position_third_parties",
            "protection.ledger",
            "protection.ledger_template",
            "protection.custody",
        ),
        "view",
    ),
    **dict.fromkeys(
        (
            "protection.add_third_party",
            "protection.edit_third_party",
            "protection.delete_third_party",
            "protection.add_position_third_party",
            "protection.add_payment",
            "protection.edit_payment",
            "protection.delete_payment",
            "protection.import_ledger",
            "protection.add_custody",
            "protection.edit_custody",
            "protection.delete_custody",
        ),
        "edit",
    ),
}
PROTECTION_PAGES_WITHOUT_B_TEXT = frozenset({"protection.ledger_template"})
PROTECTION_ARGS = frozenset({"third_party_id", "payment_id", "custody_id"})


def protection_markers(text: str) -> dict:
    prefix = f"{text} " if text else ""
    return {
        "third_party_id": f"{prefix}Staffing Agency",
        "payment_id": f"{prefix}payment note",
        "custody_id": f"{prefix}Worker Person",
    }


def _protection_rows(employer_id, position_id, worker_id, name, note):
    from portal.models.protection import DocumentCustody, Payment, ThirdParty

    party = ThirdParty(employer_id=employer_id, name=name, role="recruiter", province="ON")
    db.session.add(party)
    db.session.flush()
    payment = Payment(
        employer_id=employer_id,
        position_id=position_id,
        payer="worker",
        payee="recruiter",
        amount=Decimal("3000.00"),
        purpose="processing_fee",
        via="transfer",
        worker_id=worker_id,
        third_party_id=party.id,
        note=note,
    )
    custody = DocumentCustody(
        employer_id=employer_id,
        position_id=position_id,
        worker_id=worker_id,
        document="passport",
        held_by="employer",
    )
    db.session.add_all([payment, custody])
    db.session.commit()
    return {"third_party_id": party.id, "payment_id": payment.id, "custody_id": custody.id}


def add_protection(app, employer_id, position_id, owner_id, worker_id, text="") -> dict:
    markers = protection_markers(text)
    with app.test_request_context():
        g.audit_actor_id = owner_id
        return _protection_rows(
            employer_id,
            position_id,
            worker_id,
            markers["third_party_id"],
            markers["payment_id"],
        )


def fresh_protection_children(app, tenant: Tenant, actor_id: int) -> dict:
    n = serial()
    with app.test_request_context():
        g.audit_actor_id = actor_id
        return _protection_rows(
            tenant.employer_id,
            tenant.position_id,
            tenant.worker_id,
            f"Fresh Recruiter {n}",
            f"Fresh payment {n}",
        )


def _protection_body(app, endpoint: str, values: dict | None) -> dict | None:
    """A valid body for a Money & recruiters POST, or None for another endpoint."""
    from portal.models.protection import ThirdParty

    values = values or {}
    n = serial()
    if endpoint in (
        "protection.add_third_party",
        "protection.edit_third_party",
        "protection.add_position_third_party",
    ):
        with app.app_context():
            party = db.session.get(ThirdParty, values.get("third_party_id", MISSING_ID))
            version = party.version if party else 1
        return {
            "name": f"Posted Recruiter {n}",
            "role": "recruiter",
            "province": "ON",
            "paid": "yes",
            "licence_number": f"RL-{n}",
            "version": str(version),
        }
    if endpoint in ("protection.add_payment", "protection.edit_payment"):
        return {
            "paid_on": "2026-10-01",
            "payer": "worker",
            "payee": "recruiter",
            "amount": f"{n}.25",
            "purpose": "processing_fee",
            "via": "cash",
            "note": f"Posted payment {n}",
        }
    if endpoint == "protection.import_ledger":
        text = (
            "paid_on,payer,payee,amount,purpose\n"
            f"2026-10-01,worker,recruiter,{n}.10,processing_fee\n"
            f"2026-10-02,employer,government,1000.00,lmia_fee\n"
        )
        return {"file": (io.BytesIO(text.encode()), "ledger.csv")}
    if endpoint in ("protection.add_custody", "protection.edit_custody"):
        since = f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        return {"document": "work_permit", "held_by": "recruiter", "since": since}
    if endpoint.startswith("protection.delete_"):
        return {}  # a button: the CSRF token is the whole form
    return None


# --- end of the Money & recruiters block -----------------------------------------------------
# --- Issue 9, risk (portal/riskview/views.py) ---------------------------------------------------
# A position's fee and fraud findings: every member reads them. The representative's list across
# all their clients (risk.clients) is SIGNED_IN, with no employer in the URL: the matrix checks
# it like the account pages; it reads only the employers the user represents
# (tests/risk/test_risk_pages.py).
RISK_ROUTE_POLICIES = {"risk.position": "view", "risk.position_xlsx": "view"}  # and its XLSX


# --- Issue 9: worker attestations (portal/attestations/views.py) ------------------------------
# Each tenant's worker has an answered attestation (B's reported payee carries the canary) and an
# open one. The public link: "own" is a fresh open link of A's worker (made when resolved);
# "foreign" is B's real open token with one character changed (a guess next to a real link);
# "missing" a random token. Both of the last must answer alike (404) and change nothing.

ATTESTATIONS_ROUTE_POLICIES = {
    "attestations.send": "comment",
    "attestations.show": "view",
    # The worker's link: no account; the token is the credential (a public route).
    "attestations.answer": "public",
}
ATTESTATION_ANSWERS = {
    "lang": "en",
    "rows": "3",
    "paid": "yes",
    "payee-0": "Posted Recruiter",
    "amount-0": "1500",
    "paid_on-0": "2026-10-01",
    "what_for-0": "placement fee",
    "holds_passport": "yes",
    "holds_permit": "yes",
    "contract_before_start_in_language": "yes",
    "knows_help": "yes",
}


def attestation_markers(text: str) -> dict:
    prefix = f"{text} " if text else ""
    return {"attestation_id": f"{prefix}Recruiting Agency"}


def new_attestation(
    app,
    employer_id: int,
    position_id: int,
    worker_id: int,
    actor_id: int,
    answers: dict | None = None,
) -> tuple[int, str]:
    """An attestation of the worker (answered when ``answers`` is given); (id, its token)."""
    from portal.attestations import answers as attest
    from portal.models import Attestation

    token = attest.new_token()
    with app.test_request_context():
        g.audit_actor_id = actor_id
        sent = utcnow()
        row = Attestation(
            employer_id=employer_id,
            position_id=position_id,
            worker_id=worker_id,
            token_hash=attest.token_hash(token),
            language="en",
            sent_to=None,
            created_by_id=actor_id,
            expires_at=attest.expires_at(sent),
        )
        if answers is not None:
            row.answers, row.answered_at, row.answered_ip = answers, sent, "192.0.2.1"
        db.session.add(row)
        db.session.commit()
        return row.id, token


def add_attestations(app, employer_id: int, ids: dict, owner_id: int, text="") -> dict:
    answers = {
        "language": "en",
        "paid": True,
        "payments": [
            {
                "payee": attestation_markers(text)["attestation_id"],
                "amount": 3000.0,
                "paid_on": "2026-10-01",
                "what_for": "processing fee",
            }
        ],
        "holds_passport": True,
        "holds_permit": True,
        "contract_before_start_in_language": True,
        "knows_help": True,
    }
    place = (employer_id, ids["position_id"], ids["worker_id"], owner_id)
    answered, _ = new_attestation(app, *place, answers=answers)
    _, token = new_attestation(app, *place)
    return {"attestation_id": answered, "attestation_token": token}


def _attestation_token(world: World, variant: str, extra: dict) -> str:
    from portal.attestations import answers as attest

    if "attestation_token" in extra:
        return extra["attestation_token"]
    if variant == "own":
        a = world.a
        owner = world.users["a_owner"].id
        return new_attestation(world.app, a.employer_id, a.position_id, a.worker_id, owner)[1]
    if variant == "foreign" and world.b is not None:
        real = world.b.attestation_token
        return real[:-1] + ("A" if real[-1] != "A" else "B")
    return attest.new_token()


# --- end of the attestations block -------------------------------------------------------------


# --- Issue 10: a worker's payroll (portal/payroll/views.py; owner: payroll) ---------------------
# Each tenant's worker has one pay period (B's deduction note carries the canary). A request that
# names a period gets a fresh worker (fresh_offer_children) and a fresh period of that worker.
# Every member reads; owner and staff change.

PAYROLL_ROUTE_POLICIES = {
    **dict.fromkeys(("payroll.worker", "payroll.template"), "view"),
    **dict.fromkeys(
        (
            "payroll.import_file",
            "payroll.add_period",
            "payroll.edit_period",
            "payroll.delete_period",
        ),
        "edit",
    ),
}
PAYROLL_PAGES_WITHOUT_B_TEXT = frozenset({"payroll.template"})
PAYROLL_PERIOD = (date(2026, 10, 5), date(2026, 10, 18))


def payroll_markers(text: str) -> dict:
    prefix = f"{text} " if text else ""
    return {"period_id": f"{prefix}deduction note"}


def _payroll_period(employer_id: int, position_id: int, worker_id: int, note: str) -> int:
    from portal.models import PayrollPeriod

    period = PayrollPeriod(
        employer_id=employer_id,
        position_id=position_id,
        worker_id=worker_id,
        period_start=PAYROLL_PERIOD[0],
        period_end=PAYROLL_PERIOD[1],
        paid_on=date(2026, 10, 23),
        hours=Decimal("80"),
        gross=Decimal("1520.00"),
        deductions=[{"purpose": "statutory", "amount": "250.00", "note": note}],
        source="form",
    )
    db.session.add(period)
    db.session.commit()
    return period.id


def add_payroll(app, employer_id: int, ids: dict, owner_id: int, text="") -> dict:
    with app.test_request_context():
        g.audit_actor_id = owner_id
        note = payroll_markers(text)["period_id"]
        period_id = _payroll_period(employer_id, ids["position_id"], ids["worker_id"], note)
        return {"period_id": period_id}


def fresh_payroll_children(app, tenant: Tenant, actor_id: int, worker_id: int | None) -> dict:
    with app.test_request_context():
        g.audit_actor_id = actor_id
        worker_id = worker_id or tenant.worker_id
        note = f"Fresh deduction {serial()}"
        return {
            "period_id": _payroll_period(tenant.employer_id, tenant.position_id, worker_id, note)
        }


def _payroll_body(app, endpoint: str, values: dict | None) -> dict | None:
    """A valid body for a payroll POST, or None for another endpoint."""
    n = serial()
    if endpoint == "payroll.add_period":
        return {
            "period_start": "2026-11-02",
            "period_end": "2026-11-15",
            "hours": "80",
            "gross": f"{1500 + n % 1000}.25",
            "deductions-0-purpose": "statutory",
            "deductions-0-amount": "200.00",
            "deductions-0-note": f"Posted deduction {n}",
        }
    if endpoint == "payroll.edit_period":
        start, end = PAYROLL_PERIOD
        return {
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "hours": "80",
            "gross": f"{1500 + n % 1000}.75",
        }
    if endpoint == "payroll.import_file":
        text = (
            "period_start,period_end,hours,gross,deduction_statutory\n"
            f"2026-12-01,2026-12-14,80,{1500 + n % 1000}.10,200\n"
        )
        return {"file": (io.BytesIO(text.encode()), "payroll.csv")}
    if endpoint == "payroll.delete_period":
        return {}  # a button: the CSRF token is the whole form
    return None


# --- end of the payroll block ------------------------------------------------------------------


# --- Issue 10: deadlines (portal/deadlines/views.py; owner: deadlines) -----------------------
# No employer in these URLs: the list reads only the caller's own employers (across_my_employers),
# and the feed is public, its token the credential. Each owner has a live calendar feed
# (``world.calendar_tokens``); B's feed lists B's position, whose title carries the canary.
# "own": A's owner's real token; "foreign": B's real token with one character changed (a guess
# next to a real link); "missing": a random token. The last two must both answer 404.

DEADLINES_ROUTE_POLICIES = {
    "deadlines.index": "signed_in",
    "deadlines.feed_action": "signed_in",
    "deadlines.feed": "public",
}


def add_calendar_feed(app, user_id: int) -> str:
    """A live calendar feed for the user; return its token."""
    from portal.deadlines import services as deadline_services

    with app.app_context():
        user = db.session.get(User, user_id)
        token = deadline_services.new_feed(user)
        db.session.commit()
        return token


def _calendar_token(world: World, variant: str) -> str:
    if variant == "own":
        return world.calendar_tokens["a"]
    real = world.calendar_tokens.get("b")
    if variant == "foreign" and real is not None:
        return real[:-1] + ("A" if real[-1] != "A" else "B")
    return secrets.token_urlsafe(32)


# --- end of the deadlines block ----------------------------------------------------------------


# --- Issue 10: After the LMIA (portal/road/views.py; owner: road) ------------------------------
# The tab and a worker's road are read by every member; owner and staff record the LMIA
# decision and the road. The pages show the position's title and the worker's name (the
# markers of position_id and worker_id). Each valid body differs from the last (a serial), so
# a successful POST always changes B; the version is the row's current one.

ROAD_ROUTE_POLICIES = {
    **dict.fromkeys(("road.position", "road.worker"), "view"),
    **dict.fromkeys(("road.edit_decision", "road.edit_worker"), "edit"),
}


def _road_body(app, endpoint: str, values: dict | None) -> dict | None:
    """A valid body for an After the LMIA POST, or None for another endpoint."""
    from portal.models.road import WorkerRoad

    values = values or {}
    n = serial()
    if endpoint == "road.edit_decision":
        position = _position_of(app, values)
        return {
            "lmia_decision": "approved",
            "lmia_number": f"L{n}",
            "lmia_decided_on": "2026-06-01",
            "lmia_positions_approved": "1",
            "lmia_valid_until": "",
            "version": str(position.version if position else 1),
        }
    if endpoint == "road.edit_worker":
        with app.app_context():
            road = db.session.scalar(
                select(WorkerRoad.version).where(
                    WorkerRoad.worker_id == values.get("worker_id", MISSING_ID)
                )
            )
        return {
            "permit_applied_on": "2026-07-01",
            "ircc_reference": f"W{n}",
            "visa_required": "no",
            "version": str(road or 0),
        }
    return None


# --- end of the road block -------------------------------------------------------------------


# --- Issue 11: two-factor sign-in (portal/auth/two_factor_views.py) -----------------------------
# The code page, the enrolment page (and its "show my key" button) and sign-out are reachable
# with the password alone (SIGNED_IN_FIRST_STEP); managing recovery codes or turning two-factor
# off needs the second step passed (SIGNED_IN). None takes a URL argument or an employer.
TWO_FACTOR_ROUTE_POLICIES = {
    "auth.logout": "signed_in_first_step",
    "auth.two_factor_code": "signed_in_first_step",
    "auth.two_factor_enrol": "signed_in_first_step",
    "auth.two_factor_start": "signed_in_first_step",
    "auth.two_factor": "signed_in",
    "auth.two_factor_new_codes": "signed_in",
    "auth.two_factor_off": "signed_in",
}
# A caller's own second-factor state, which "show my key" (a button, no fields) sets for the
# caller alone: users are no tenant's rows, so the matrix leaves these columns out of "changed".
OWN_TWO_FACTOR_COLUMNS = ("users.totp_secret", "users.totp_last_step")
