"""Every form, fuzzed (security bar §2(k); ASVS 2.2.1, 15.3.3, 15.3.7).

Hypothesis drives every ``FlaskForm`` of the portal through the test client, signed in with the
role the route needs and with a valid CSRF token: each example starts from a valid body for the
route (tests/security/support.py builds them) and, field by field, keeps the value, drops it,
repeats it (parameter pollution) or replaces it with a value drawn from the field's type (text
past its maximum length, very long text, Unicode, control characters, numbers out of range and
garbage, invalid and extreme dates, choices and garbage, random files with random names, deduction
rows at odd indices), then adds extra fields a form must never take (``tenant_id``,
``employer_id``, ``role``, ``version``...). Properties:

- the status is one of ``ALLOWED``, never 500 (the test app propagates exceptions: one is an
  error too), and the body carries no traceback text;
- a 4xx changes nothing: no committed write and no row count changed in any table (but
  ``user_sessions``, whose last-seen time every request moves), no file left in the evidence
  store or the upload spools;
- a 4xx re-display keeps what was typed (spot check: each plain text value posted appears in
  the page that shows the field).

"Changed nothing" is measured cheaply, per example: the app's engine reports every INSERT,
UPDATE and DELETE it sends, kept when its transaction commits and dropped when it rolls back
(exact for everything the app writes, and free), and one UNION ALL query counts the rows of
every table (an independent look at the database itself).

Which route posts which form is declared in ``FORM_ROUTES`` and checked both ways: every
FlaskForm subclass found by walking the ``portal`` package is declared (or excluded with a
reason), every POST route of the app is declared (or excluded with a reason), and each declared
route is seen, while fuzzed, to bind its form to the posted data (a ``ConfirmForm`` route, whose
form is the CSRF token CSRFProtect checks before the view, to answer past it).
"""

import copy
import html
import importlib
import io
import json
import os
import pkgutil
import re
import secrets
import shutil
import time
import uuid
from collections import defaultdict

import markupsafe
import pyotp
import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text
from wtforms import (
    BooleanField,
    DateField,  # noqa: TID251 - the fuzzer finds every date field by wtforms' own class
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,  # noqa: TID251 - the fuzzer finds every select by wtforms' own class
    SelectMultipleField,
)
from wtforms.fields import FileField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import portal
from portal.auth.services import reset_link_token, unlock_token
from portal.auth.sessions import _token_hash
from portal.extensions import db
from portal.models import Employer, Position, Role, User, UserSession, utcnow
from portal.positions.case_bridge import employer_section
from portal.tenancy import PERMISSIONS, PUBLIC, SIGNED_IN, access_policy_of
from portal.tokens import sign
from tests.conftest import POSTGRES_URL
from tests.factories import PASSWORD
from tests.security.support import (
    account_body,
    add_invitation,
    dispose,
    fresh_evidence,
    fresh_membership,
    fresh_offer_children,
    fresh_payroll_children,
    fresh_position_children,
    fresh_protection_children,
    new_app,
    resolve_args,
    seed_world,
    serial,
    stored_files,
    tenant_body,
)

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "200"))  # more nightly; CI floor: 200
# Forms whose accepted examples each add a position to the seeded employer (an import adds one
# on half its examples): fuzzed last. Every later employer-wide change (a work location, the
# profile) re-checks every position of the employer, so fuzzed first they made the forms after
# them ten times slower as the world grew.
ADDS_POSITIONS = frozenset({"ImportCaseForm", "PositionForm"})
_UNSET = object()
# The bar's list, and 401: a wrong password on the sign-in, e-mail confirmation and password
# change forms (the portal's answer since issue 2, tests/accounts).
ALLOWED = frozenset({200, 302, 303, 400, 401, 403, 404, 409, 413, 422, 429})
# Not a form's change: the session's last-seen time (every signed-in request moves it) and the
# audit log, which records a refused sign-in by design (§2(j)); any half-saved record shows in
# its own table, since the audit log only follows the rows written.
IGNORED_TABLES = frozenset({"user_sessions", "audit_events"})
TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)|werkzeug\.debug|sqlalchemy\.exc|psycopg\.|"
    r'File "[^"]+\.py", line \d+'
)

# --------------------------------------------------------------------------------------------
# Which route posts which form. Checked against the package (every FlaskForm subclass) and the
# app (every POST route), and against what the routes do (each binds its form while fuzzed).

FORM_ROUTES = {
    # portal/auth
    "SignupForm": ["auth.signup"],
    "LoginForm": ["auth.login"],
    "ResetRequestForm": ["auth.request_reset"],
    "UnlockRequestForm": ["auth.request_unlock"],
    "ConfirmEmailForm": ["auth.confirm_email"],
    "ResetPasswordForm": ["auth.reset_password"],
    "ChangePasswordForm": ["auth.change_password"],
    "PreferencesForm": ["auth.account"],
    "LanguageForm": ["auth.switch_language"],  # issue 13: the header's language switch
    # A button: the CSRF token is the whole form (every route that posts one).
    "ConfirmForm": [
        "auth.logout",
        "auth.unlock",
        "employers.remove_location",
        "employers.revoke_member",
        "employers.cancel_invitation",
        "evidence.archive",
        "evidence.delete",
        "positions.delete_activity",
        "positions.delete_applicant",
        "positions.delete_job_match",
        "positions.withdraw_waiver",
        "offers.delete_worker",
        "offers.generate",
        "offers.issue",
        "protection.delete_third_party",
        "protection.delete_payment",
        "protection.delete_custody",
        "payroll.delete_period",
        "attestations.send",
        "auth.two_factor_start",  # issue 11: "Show my key"
    ],
    # portal/employers
    "NewEmployerForm": ["employers.create"],
    "EmployerProfileForm": ["employers.edit_profile"],
    "WorkLocationForm": ["employers.add_location", "employers.edit_location"],
    "InvitationForm": ["employers.invite"],
    # portal/invitations: which form depends on the invitation (representative or not) and on
    # whether the invitee is signed in.
    "NewMemberAccountForm": ["invitations.accept"],
    "NewRepresentativeAccountForm": ["invitations.accept"],
    "AcceptForm": ["invitations.accept_waiting"],
    "RepresentativeAcceptForm": ["invitations.accept_waiting"],
    # portal/positions
    "PositionForm": ["positions.create", "positions.edit"],
    "ActivityForm": ["positions.add_activity", "positions.edit_activity"],
    "ApplicantForm": ["positions.add_applicant", "positions.edit_applicant"],
    "JobMatchForm": ["positions.add_job_match", "positions.edit_job_match"],
    "JobMatchModeForm": ["positions.set_job_match_mode"],
    "ImportApplicantsForm": ["positions.import_applicants"],
    "ImportCaseForm": ["positions.import_case"],
    "WaiverForm": ["positions.waive_finding"],
    "MissedCaptureForm": ["positions.record_missed_capture"],
    # portal/capture (issue 13)
    "CaptureForm": ["capture.capture"],
    # portal/evidence
    "UploadForm": ["evidence.upload"],
    "ReviewForm": ["evidence.review"],
    "CommentForm": ["evidence.comment"],
    "FindingReviewForm": ["evidence.review_finding"],
    "FindingCommentForm": ["evidence.comment_finding"],
    "SignOffForm": ["evidence.sign_off"],
    "RetentionForm": ["evidence.retention"],
    "BundleForm": ["evidence.start_bundle"],  # issue 13: the index's language
    # portal/offers
    "WorkerForm": ["offers.add_worker", "offers.edit_worker"],
    "OfferForm": ["offers.offer_terms"],
    "SignaturesForm": ["offers.record_signatures"],
    "OfferWaiverForm": ["offers.waive"],
    # portal/protection
    "ThirdPartyForm": [
        "protection.add_third_party",
        "protection.edit_third_party",
        "protection.add_position_third_party",
    ],
    "PaymentForm": ["protection.add_payment", "protection.edit_payment"],
    "CustodyForm": ["protection.add_custody", "protection.edit_custody"],
    "ImportLedgerForm": ["protection.import_ledger"],
    # portal/payroll, portal/road, portal/deadlines
    "PeriodForm": ["payroll.add_period", "payroll.edit_period"],
    "ImportPayrollForm": ["payroll.import_file"],
    "DecisionForm": ["road.edit_decision"],
    "RoadForm": ["road.edit_worker"],
    "FeedForm": ["deadlines.feed_action"],
    # Issue 11: two-factor sign-in (portal/auth/two_factor_views.py).
    "TwoFactorCodeForm": ["auth.two_factor_code", "auth.two_factor_new_codes"],
    "TwoFactorEnrolForm": ["auth.two_factor_enrol"],
    "TwoFactorOffForm": ["auth.two_factor_off"],
}
# Issue 11: pages a browser reaches with the password alone, before the second step; their
# examples are sent from such a half-signed-in session (every other one has passed it).
FIRST_STEP = frozenset({"auth.two_factor_code", "auth.two_factor_enrol", "auth.two_factor_start"})
# And whose account has two-factor on (the others' has not).
TWO_FACTOR_ON = frozenset(
    {"auth.two_factor_code", "auth.two_factor_new_codes", "auth.two_factor_off"}
)
# FlaskForm subclasses never posted on their own, with the reason.
NOT_POSTED = {
    "RepresentativeFields": "a base: its fields are posted through RepresentativeAcceptForm and "
    "NewRepresentativeAccountForm",
    "NewAccountFields": "a base: its fields are posted through NewMemberAccountForm and "
    "NewRepresentativeAccountForm",
}
# POST routes that take no FlaskForm, with the reason.
NOT_A_FLASK_FORM = {
    "attestations.answer": "the worker's public attestation page reads request.form itself "
    "(answers.check_answers); its hostile values are tests/attestations' and the CSRF sweep's",
}
# Routes that use up the object in their URL: each example gets a fresh one.
CONSUMING = frozenset(
    endpoint
    for endpoint in FORM_ROUTES["ConfirmForm"]
    if endpoint not in ("auth.logout", "auth.unlock", "auth.two_factor_start")
)
# Fields a form must never let a caller set (ASVS 15.3.3), added to every example's draw.
EXTRA_FIELDS = (
    "tenant_id",
    "employer_id",
    "role",
    "version",
    "is_admin",
    "user_id",
    "position_id",
    "id",
    "waived_by_id",
    "created_by_id",
    "password_hash",
)


def portal_forms() -> dict[str, type]:
    """Every FlaskForm subclass defined in the portal package (each module imported first)."""
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)
    found, todo = {}, list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portal."):
            assert found.get(cls.__name__, cls) is cls, f"two forms named {cls.__name__}"
            found[cls.__name__] = cls
    return found


def unbound_fields(form_class) -> list[tuple[str, UnboundField]]:
    """(name, unbound field) of a form class, as wtforms' FormMeta finds them."""
    return [
        (name, getattr(form_class, name))
        for name in dir(form_class)
        if not name.startswith("_") and isinstance(getattr(form_class, name), UnboundField)
    ]


# --------------------------------------------------------------------------------------------
# Strategies, from the fields

CHARS = st.characters(blacklist_categories=("Cs",))  # surrogates cannot be sent
NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "' OR 1=1 --",
    "../../etc/passwd",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "9" * 40,
    "-" + "9" * 40,
    "0x1F",
    "١٢٣",
    "１２３",
    "🎉" * 50,
    "null",
    "[]",
    "{}",
]
HOSTILE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "2025-02-29",
    "10000-01-01",
    "-2026-01-01",
    "2026/01/05",
    "05/01/2026",
    "2026-1-5",
    " 2026-01-05 ",
    "2026-01-05T10:00",
]
HOSTILE_NUMBERS = ["0", "-1", "1.005", "1,000.00", "$5", "1_000", "1e3", "inf", "-inf", "nan"]


def max_length(unbound: UnboundField, default: int = 200) -> int:
    for validator in unbound.kwargs.get("validators") or ():
        if isinstance(validator, Length) and validator.max not in (None, -1):
            return validator.max
    maxlength = (unbound.kwargs.get("render_kw") or {}).get("maxlength")
    return int(maxlength) if maxlength else default


def text_values(limit: int):
    return st.one_of(
        st.text(CHARS, max_size=min(limit + 5, 400)),
        st.sampled_from(HOSTILE),
        # Just past the maximum, and very long (a browser's maxlength is no defence).
        st.text(CHARS, min_size=1, max_size=3).map(lambda s: (s * (limit + 2))[: limit + 1]),
        # Past Flask's 500 kB form-memory limit too (413).
        st.sampled_from([5_000, 50_000, 300_000, 1_000_000]).map(lambda n: "x" * n),
    )


def number_values():
    return st.one_of(
        st.integers().map(str),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.sampled_from(HOSTILE_NUMBERS + HOSTILE),
        st.text(CHARS, max_size=20),
    )


def date_values():
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(HOSTILE_DATES),
        st.text(CHARS, max_size=20),
    )


def choice_values(unbound: UnboundField):
    choices = unbound.kwargs.get("choices")
    if choices is None and len(unbound.args) > 1:
        choices = unbound.args[1]
    values = []
    for choice in choices or ():
        value = choice[0] if isinstance(choice, tuple | list) else getattr(choice, "value", None)
        if isinstance(value, str):
            values.append(value)
    ids = st.integers(min_value=-5, max_value=10**13).map(str)  # rows chosen by id
    pool = [st.text(CHARS, max_size=30), ids, st.sampled_from(HOSTILE)]
    return st.one_of(st.sampled_from(values), *pool) if values else st.one_of(*pool)


def file_values():
    return st.tuples(
        st.binary(max_size=4096), st.text(NAME_CHARS, max_size=300), st.sampled_from(["", ".csv"])
    ).map(lambda t: (io.BytesIO(t[0]), t[1] + t[2]))


def bool_values():
    return st.one_of(
        st.sampled_from(["y", "on", "1", "true", "false", "0", "n", "off", ""]),
        st.text(CHARS, max_size=10),
    )


def field_values(unbound: UnboundField):
    """A strategy for one posted value of the field (None for a FieldList: see row_items)."""
    cls = unbound.field_class
    if issubclass(cls, FileField):
        return file_values()
    if issubclass(cls, BooleanField):
        return bool_values()
    if issubclass(cls, SelectField | SelectMultipleField):
        return choice_values(unbound)
    if issubclass(cls, DateField):
        return date_values()
    if issubclass(cls, IntegerField | DecimalField):
        return number_values()
    if issubclass(cls, HiddenField):
        return st.one_of(number_values(), text_values(100))
    if issubclass(cls, PasswordField):
        return st.one_of(text_values(max_length(unbound, 1024)), st.just(PASSWORD))
    return text_values(max_length(unbound))


def row_fields(unbound: UnboundField) -> list[tuple[str, UnboundField]]:
    """The fields of a FieldList(FormField(Row)) row."""
    entry = unbound.args[0]
    if isinstance(entry, UnboundField) and issubclass(entry.field_class, FormField):
        return unbound_fields(entry.args[0])
    return [("", entry)]


OPERATIONS = ["keep", "fuzz", "missing", "repeat"]  # shrinking goes to "keep"


def draw_plan(data, form_class) -> dict:
    """Draw what to do with each field, before the example makes anything (a draw that runs
    out of room discards the example: it must not have changed the world yet)."""
    plan = {"fields": [], "rows": [], "extras": {}}
    for name, unbound in unbound_fields(form_class):
        if issubclass(unbound.field_class, FieldList):
            keep = data.draw(st.booleans(), label=f"{name}: keep base rows")
            indices = data.draw(
                st.lists(
                    st.one_of(st.integers(0, 5), st.integers(0, 10**9)), max_size=4, unique=True
                ),
                label=f"{name}: row indices",
            )
            rows = {}
            for index in indices:
                for sub, field in row_fields(unbound):
                    key = f"{name}-{index}-{sub}" if sub else f"{name}-{index}"
                    if data.draw(st.booleans(), label=f"{key}: present"):
                        rows[key] = data.draw(field_values(field), label=key)
            plan["rows"].append((name, keep, rows))
            continue
        operation = data.draw(st.sampled_from(OPERATIONS), label=f"{name}: operation")
        value = None
        if operation in ("fuzz", "repeat"):
            value = data.draw(field_values(unbound), label=f"{name}: value")
        plan["fields"].append((name, unbound, operation, value))
    names = {name for name, _ in unbound_fields(form_class)}
    plan["extras"] = data.draw(
        st.dictionaries(
            st.sampled_from([name for name in EXTRA_FIELDS if name not in names]),
            st.one_of(st.integers(-1, 10**6).map(str), st.sampled_from(HOSTILE), st.text(CHARS)),
            max_size=4,
        ),
        label="extra fields",
    )
    plan["names"] = names
    return plan


def apply_plan(plan: dict, base: dict) -> tuple[dict, dict]:
    """The posted body: ``base`` changed as planned; and the plain text values posted (name →
    value) that a re-display must show."""
    body, shown, hidden = {}, {}, []
    for name, unbound, operation, value in plan["fields"]:
        kept = base.get(name)
        if issubclass(unbound.field_class, HiddenField):
            hidden.append(name)
        if operation == "missing":
            continue
        if operation == "keep":
            if kept is not None:
                body[name] = kept
        else:
            body[name] = value if operation == "fuzz" or kept is None else [kept, value]
        posted = body.get(name)
        if _redisplayed(unbound) and isinstance(posted, str):
            shown[name] = posted
    for name, keep, rows in plan["rows"]:
        if keep:
            body |= {key: value for key, value in base.items() if key.startswith(f"{name}-")}
        body |= rows
    # Base keys that are not form fields (a form filled by the page's own script...).
    names = plan["names"]
    body |= {key: value for key, value in base.items() if key not in names and "-" not in key}
    # Hidden fields say which record the page showed (a finding, a version): when one was
    # tampered with, the page cannot know where to show what was typed.
    if any(body.get(name) != base.get(name) for name in hidden):
        shown = {}
    return body | plan["extras"], shown


def _redisplayed(unbound: UnboundField) -> bool:
    """Whether a re-display shows the value as typed (passwords are never shown again, hidden
    fields carry the server's value, filtered fields are rewritten)."""
    cls = unbound.field_class
    if issubclass(cls, PasswordField | HiddenField | FileField | BooleanField | SelectField):
        return False
    if issubclass(cls, DateField | IntegerField | DecimalField):
        return False
    return not unbound.kwargs.get("filters")


# --------------------------------------------------------------------------------------------
# Watching the database


class ChangeWatch:
    """Tables the app's engine wrote and committed: statements are noted per connection, kept
    at COMMIT and dropped at ROLLBACK."""

    WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self, engine):
        self.engine = engine
        self.pending = defaultdict(set)
        self.committed = set()
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def close(self):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        match = self.WRITE.match(statement)
        if match:
            self.pending[id(conn)].add(match.group(1))

    def _commit(self, conn):
        self.committed |= self.pending.pop(id(conn), set())

    def _rollback(self, conn):
        self.pending.pop(id(conn), None)

    def reset(self):
        self.committed = set()


def row_counts(app) -> dict[str, int]:
    """Rows per table, in one query."""
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in IGNORED_TABLES]
    # Table names from the models' metadata, not from input.
    query = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM {name}" for name in tables)  # noqa: S608
    with app.app_context(), db.engine.connect() as connection:
        return dict(connection.execute(text(query)).all())


# --------------------------------------------------------------------------------------------
# The world and one example's route


class Fuzzer:
    def __init__(self, app, world):
        self.app = app
        self.world = world
        self.rules = {
            rule.endpoint: rule for rule in app.url_map.iter_rules() if "POST" in rule.methods
        }
        with app.app_context():
            user = db.session.get(User, world.users["a_owner"].id)
            self.password_hash = user.password_hash  # PASSWORD's hash, for users made here
            self.serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
        # The case file imported: the seeded position as it is now. (support's body reads the
        # position each time: with every import copying the applicants the fuzzer added, the
        # world grew without end.)
        upload = tenant_body(app, "positions.import_case", world.a.employer_id)["file"][0]
        self.case = json.loads(upload.getvalue())

    # Clients -----------------------------------------------------------------------------

    def client(self, user_id: int | None, second_factor: bool = True):
        """A new browser: signed in as ``user_id`` (a fresh server-side session) or anonymous,
        holding a CSRF token for its session; return (client, token). ``second_factor``: the
        session has passed the two-factor step (False: the password alone, issue 11)."""
        client = self.app.test_client()
        raw = secrets.token_hex(20)
        if user_id is not None:
            session_token = secrets.token_urlsafe(32)
            with self.app.app_context():
                db.session.add(
                    UserSession(
                        user_id=user_id,
                        token_hash=_token_hash(session_token),
                        second_factor_at=utcnow() if second_factor else None,
                    )
                )
                db.session.commit()
        with client.session_transaction() as session:
            session["csrf_token"] = raw
            if user_id is not None:
                session["_user_id"] = session_token
                session["_fresh"] = True
        return client, self.serializer.dumps(raw)

    def new_user(self, confirmed=True) -> User:
        """An account with PASSWORD (its hash copied: no hashing cost)."""
        with self.app.app_context():
            user = User(
                full_name="Fuzz Person",
                email=f"fuzz-{uuid.uuid4().hex}@example.com",
                password_hash=self.password_hash,
                email_confirmed_at=utcnow() if confirmed else None,
            )
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    def actor(self, endpoint: str) -> int | None:
        view = self.app.view_functions[endpoint]
        declared = access_policy_of(endpoint, view)
        if declared == PUBLIC:
            return None
        if declared == SIGNED_IN:
            return self.world.users["a_owner"].id
        roles = PERMISSIONS[declared]
        key = "a_owner" if Role.OWNER in roles else "a_rep"
        return self.world.users[key].id

    # Routes --------------------------------------------------------------------------------

    def prepare(self, form_name: str, endpoint: str) -> tuple[str, dict, int | None]:
        """The URL, a valid body and the user for one request of ``form_name`` to ``endpoint``."""
        world, app = self.world, self.app
        a = world.a
        owner = world.users["a_owner"].id
        rule = self.rules[endpoint]
        if endpoint in ("auth.signup", "auth.login", "auth.request_reset", "auth.request_unlock"):
            return rule.rule, account_body(world, endpoint), None
        if endpoint == "auth.confirm_email":
            user = self.new_user(confirmed=False)
            with app.app_context():
                from portal.auth.services import confirmation_token

                token = confirmation_token(db.session.get(User, user.id))
            return f"/account/confirm/{token}", {"password": PASSWORD}, None
        if endpoint in ("auth.reset_password", "auth.unlock"):
            user = self.new_user()
            with app.app_context():
                row = db.session.get(User, user.id)
                token = (reset_link_token if endpoint == "auth.reset_password" else unlock_token)(
                    row
                )
            path = "/account/reset/" if endpoint == "auth.reset_password" else "/account/unlock/"
            return path + token, account_body(world, endpoint), None
        if endpoint in FIRST_STEP | TWO_FACTOR_ON:
            # Each its own account (a right code would end its sessions), no employer.
            user = self.new_user()
            if endpoint in TWO_FACTOR_ON:
                with app.app_context():
                    row = db.session.get(User, user.id)
                    row.totp_secret = pyotp.random_base32()
                    row.totp_enabled_at = utcnow()
                    db.session.commit()
            body = {"code": "000000"} if endpoint != "auth.two_factor_start" else {}
            if endpoint == "auth.two_factor_off":
                body["password"] = PASSWORD
            return rule.rule, body, user.id
        if endpoint in (
            "auth.change_password",
            "auth.account",
            "auth.logout",
            "auth.switch_language",
        ):
            # Each its own account: a password change or sign-out ends sessions.
            return rule.rule, account_body(world, endpoint), self.new_user().id
        if endpoint == "invitations.accept":
            role = (
                Role.REPRESENTATIVE if form_name == "NewRepresentativeAccountForm" else Role.STAFF
            )
            email = f"invitee-{uuid.uuid4().hex}@example.com"
            _, token = add_invitation(app, a.employer_id, owner, email, role)
            return f"/invitations/{token}", account_body(world, endpoint), None
        if endpoint == "invitations.accept_waiting":
            user = self.new_user()
            role = Role.REPRESENTATIVE if form_name == "RepresentativeAcceptForm" else Role.STAFF
            invitation_id, _ = add_invitation(app, a.employer_id, owner, user.email, role)
            with app.app_context():
                token = sign("waiting-invitation", {"i": invitation_id, "u": user.id})
            body = account_body(world, endpoint) if role == Role.REPRESENTATIVE else {}
            return f"/invitations/waiting/{token}", body, user.id
        if endpoint == "employers.create":
            return rule.rule, account_body(world, endpoint), owner
        if endpoint == "deadlines.feed_action":
            return rule.rule, account_body(world, endpoint), owner
        if endpoint == "positions.import_case":
            case = copy.deepcopy(self.case)
            case["position"]["title"] = f"Imported Case {serial()}"
            # The employer as it is now: EmployerProfileForm's examples (fuzzed before this
            # form) edit the profile, and a file naming the old one is refused as another's.
            with app.app_context():
                employer = db.session.get(Employer, a.employer_id)
                now = employer_section(employer, Position())
            for key in ("legal_name", "operating_name", "business_number", "naics", "address"):
                case["employer"].pop(key, None)
                if key in now:
                    case["employer"][key] = now[key]
            upload = (io.BytesIO(json.dumps(case).encode()), "case.json")
            url = rule.build({"employer_id": a.employer_id}, append_unknown=False)[1]
            return url, {"file": upload}, owner
        extra = self.fresh(endpoint, rule.arguments) if endpoint in CONSUMING else {}
        values = resolve_args(world, rule, "own", extra)
        url = rule.build(values, append_unknown=False)[1]
        body = tenant_body(app, endpoint, a.employer_id, values)
        return url, body, self.actor(endpoint)

    def fresh(self, endpoint: str, arguments) -> dict:
        """New objects for a route that uses up the one its URL names."""
        world, app = self.world, self.app
        a = world.a
        owner = world.users["a_owner"].id
        arguments = set(arguments)
        made = {}
        if "location_id" in arguments:
            from tests.security.support import _add_location

            made["location_id"] = _add_location(app, a.employer_id, f"{serial()} Fuzz Street")
        if "invitation_id" in arguments:
            made["invitation_id"], _ = add_invitation(
                app, a.employer_id, owner, f"fuzz{serial()}@example.com"
            )
        if "membership_id" in arguments:
            made["membership_id"] = fresh_membership(world, a.employer_id)
        if arguments & {"activity_id", "applicant_id", "entry_id", "waiver_id"}:
            made |= fresh_position_children(app, a, owner, world.users["a_rep"].id)
        if "evidence_id" in arguments:
            made["evidence_id"] = fresh_evidence(app, a, owner)
        if "worker_id" in arguments:
            made |= fresh_offer_children(app, a, owner, "version_id" in arguments)
        if arguments & {"third_party_id", "payment_id", "custody_id"}:
            made |= fresh_protection_children(app, a, owner)
        if "period_id" in arguments:
            made |= fresh_payroll_children(app, a, owner, made.get("worker_id"))
        return made


# --------------------------------------------------------------------------------------------
# The test


@pytest.fixture
def fuzz_app(template_database, tmp_path):
    """The security suite's app (own evidence store), with throttles off (they are §2(e)'s
    tests: here they would answer 429 before the form is read), a cheap password hash (a
    valid new password is hashed on many examples; the cost is §2(f)'s test) and no browser
    for ad captures: a capture the form accepts runs its job in the request (no queue), which
    then records that the browser is missing; starting Chromium on every accepted example was
    a fifth of the fuzzer's time, and tests/capture drives the real one."""
    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        path = tmp_path / "fuzz.sqlite3"
        shutil.copyfile(template_database, path)
        url = f"sqlite:///{path}"
    app = new_app(
        url,
        RATELIMIT_ENABLED=False,
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST_KIB=1024,
        CAPTURE_CHROMIUM=str(tmp_path / "no-chromium-here"),
    )
    yield app
    dispose(app)


def test_the_declared_routes_cover_every_form_and_every_post_route(app):
    forms = portal_forms()
    undeclared = set(forms) - set(FORM_ROUTES) - set(NOT_POSTED)
    assert not undeclared, f"FlaskForm subclasses no route fuzzes: {sorted(undeclared)}"
    gone = (set(FORM_ROUTES) | set(NOT_POSTED)) - set(forms)
    assert not gone, f"declared forms that no longer exist: {sorted(gone)}"
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    declared = {endpoint for endpoints in FORM_ROUTES.values() for endpoint in endpoints}
    assert posts - declared - set(NOT_A_FLASK_FORM) == set(), "POST routes not fuzzed"
    assert declared - posts == set(), "declared routes the app does not have"


def test_every_form_fuzzed(fuzz_app, monkeypatch, figure):
    forms = portal_forms()
    app = fuzz_app
    world = seed_world(app)
    fuzzer = Fuzzer(app, world)
    with app.app_context():
        watch = ChangeWatch(db.engine)

    # Which forms each request binds to the posted data (the declared table is checked on it).
    bound: list[str] = []
    original_init = FlaskForm.__init__

    def recording_init(self, formdata=_UNSET, *args, **kwargs):
        if formdata is not None:
            bound.append(type(self).__name__)
        if formdata is _UNSET:
            return original_init(self, *args, **kwargs)
        return original_init(self, formdata, *args, **kwargs)

    monkeypatch.setattr(FlaskForm, "__init__", recording_init)

    seen_binding = defaultdict(set)  # form → endpoints seen binding it
    examples = defaultdict(int)
    statuses = defaultdict(lambda: defaultdict(int))
    failures: dict[str, str] = {}
    timings = {}
    spent = defaultdict(float)

    def run_one(form_name: str, data) -> None:
        form_class = forms[form_name]
        # Each route in turn, not drawn: a draw left some of ConfirmForm's 21 routes unvisited.
        routes = FORM_ROUTES[form_name]
        endpoint = routes[examples[form_name] % len(routes)]
        t0 = time.perf_counter()
        plan = draw_plan(data, form_class)
        t1 = time.perf_counter()
        url, base, user_id = fuzzer.prepare(form_name, endpoint)
        body, shown = apply_plan(plan, base)
        t2 = time.perf_counter()
        client, token = fuzzer.client(user_id, second_factor=endpoint not in FIRST_STEP)
        body["csrf_token"] = token
        t3 = time.perf_counter()
        counts_before = row_counts(app)
        files_before = stored_files(app)
        t4 = time.perf_counter()
        spent["draw"] += t1 - t0
        spent["prepare"] += t2 - t1
        spent["client"] += t3 - t2
        spent["snapshot"] += t4 - t3
        bound.clear()
        watch.reset()
        examples[form_name] += 1
        try:
            response = client.post(url, data=body, content_type="multipart/form-data")
        except Exception as error:  # the test app propagates what would be a 500
            raise AssertionError(f"{endpoint}: {type(error).__name__}: {error}") from error
        spent["request"] += time.perf_counter() - t4
        status = response.status_code
        statuses[form_name][status] += 1
        # A ConfirmForm route builds no form: CSRFProtect checks its token before the view runs,
        # so getting past it (a 2xx or 3xx) is what shows the route was reached.
        if form_name in bound or (form_name == "ConfirmForm" and status < 400):
            seen_binding[form_name].add(endpoint)
        page = response.get_data(as_text=True)
        assert status in ALLOWED, f"{endpoint} answered {status}"
        assert not TRACEBACK.search(page), f"{endpoint}: traceback text in the body"
        if 400 <= status < 500:
            written = watch.committed - IGNORED_TABLES
            assert not written, f"{endpoint} answered {status} but committed writes to {written}"
            counts_after = row_counts(app)
            changed = {t for t in counts_after if counts_after[t] != counts_before.get(t)}
            assert not changed, f"{endpoint} answered {status} but rows changed in {changed}"
            files_after = stored_files(app)
            assert files_after == files_before, f"{endpoint} answered {status}, files changed"
            if status in (400, 409, 422):
                for name, value in shown.items():
                    if f'name="{name}"' in page and _plain(value):
                        assert _redisplays(page, value), (
                            f"{endpoint} answered {status} without the {name!r} typed: {value!r}"
                        )

    def fuzzer_of(form_name: str):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            report_multiple_bugs=False,
            # No shrinking: each step is a request; the failure names the route and the input.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=st.data())
        def fuzz(data):
            run_one(form_name, data)

        return fuzz

    for form_name in sorted(FORM_ROUTES, key=lambda name: (name in ADDS_POSITIONS, name)):
        fuzz = fuzzer_of(form_name)
        started = time.monotonic()
        try:
            fuzz()
        except Exception as error:  # noqa: BLE001 - every failure is a figure's error
            failures[form_name] = f"{type(error).__name__}: {error}"[:2000]
        timings[form_name] = time.monotonic() - started

    watch.close()
    errors = len(failures)
    fuzzed = len(FORM_ROUTES)
    least = min(examples[name] for name in FORM_ROUTES)
    figure("fuzzing", f"{fuzzed} forms × {least} examples, {errors} errors")
    report = "\n".join(
        f"{name}: {examples[name]} examples in {timings[name]:.1f} s, "
        f"statuses {dict(sorted(statuses[name].items()))}"
        for name in sorted(FORM_ROUTES)
    )
    print(report)
    print({key: round(value, 1) for key, value in spent.items()})
    assert not failures, "\n\n".join(f"{name}: {text}" for name, text in failures.items())
    assert fuzzed == len(forms) - len(NOT_POSTED)
    assert least >= EXAMPLES >= 50  # CI: 200 on SQLite (see .ci/run for PostgreSQL)
    unbound_routes = {
        (name, endpoint)
        for name, endpoints in FORM_ROUTES.items()
        for endpoint in endpoints
        if endpoint not in seen_binding[name]
    }
    assert not unbound_routes, f"routes never seen binding their declared form: {unbound_routes}"


def _redisplays(page: str, value: str) -> bool:
    """Whether the page shows ``value`` as typed, or as a validator rewrote it (a phone number
    or postal code in its normal form): the same letters and digits in the same order."""
    if str(markupsafe.escape(value)) in page:
        return True
    letters = _WORD.sub("", value).lower()
    return bool(letters) and letters in _WORD.sub("", html.unescape(page)).lower()


_WORD = re.compile(r"[\W_]+")


def _plain(value: str) -> bool:
    """A value a page shows exactly as typed (no surrounding space, line ends or controls,
    which browsers and forms normalise)."""
    return bool(value) and value == value.strip() and value.isprintable() and len(value) < 5000
