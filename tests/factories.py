"""Tenant-aware builders for test data, going through the real services."""

import itertools
import secrets

from flask import g

from portal.auth.services import register_user
from portal.auth.sessions import _token_hash
from portal.employers.services import create_employer
from portal.extensions import db
from portal.models import Membership, Role, UserSession, utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def employer_profile(**overrides) -> dict:
    n = next(_counter)
    profile = {
        "legal_name": f"Employer {n} Ltd.",
        "operating_name": f"Shop {n}",
        "business_number": f"{100000000 + n:09d}",
        "street_address": f"{n} Main Street",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5V 2A9",
        "phone": "+1 416-555-0100",
        "naics_code": "722511",
    }
    profile.update(overrides)
    return profile


def _saved(obj):
    """Commit, then load every column so the object stays readable once detached."""
    db.session.commit()
    db.session.refresh(obj)
    return obj


class Factories:
    """Each call runs in its own app context and returns detached, fully loaded rows."""

    def __init__(self, app):
        self.app = app

    def user(self, email=None, name=None, password=PASSWORD, **fields):
        n = next(_counter)
        with self.app.app_context():
            user = register_user(name or f"Person {n}", email or f"person{n}@example.com", password)
            for key, value in fields.items():
                setattr(user, key, value)
            return _saved(user)

    def employer(self, owner=None, employees=10, **profile):
        owner = owner or self.user()
        with self.app.app_context():
            g.audit_actor_id = owner.id
            owner = db.session.merge(owner)
            employer = create_employer(owner, employer_profile(**profile), employees)
            return _saved(employer)

    def member(self, employer, user=None, role=Role.STAFF, **fields):
        user = user or self.user()
        if role == Role.REPRESENTATIVE and not fields:
            fields = {"cicc_number": "R712345"}
        with self.app.app_context():
            membership = Membership(employer_id=employer.id, user_id=user.id, role=role, **fields)
            db.session.add(membership)
            return _saved(membership)

    def signed_in_client(self, user, *, second_factor: bool = True):
        """A test client holding a real server-side session for ``user`` (no login form).

        ``second_factor``: the session has passed the two-factor step (as if a code had been
        typed), so a representative's client reaches the pages; False: password only."""
        token = secrets.token_urlsafe(32)
        with self.app.app_context():
            db.session.add(
                UserSession(
                    user_id=user.id,
                    token_hash=_token_hash(token),
                    second_factor_at=utcnow() if second_factor else None,
                )
            )
            db.session.commit()
        client = self.app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return client
