"""A sign-off keeps the findings and ruleset it was made under; when the rules change (ruleset 2,
2026-12-04) the position's findings are worked out again with the new rules the next time they
are shown, and the sign-off shows as made under the older ruleset: outdated."""

import json

from portal.extensions import db
from portal.models import Role, SignOff
from portal.rules import RULESET
from tests.evidence_views.test_locker_flows import _one_file, _sign_off, _sign_off_state
from tests.helpers import text_of


def _stored(locker) -> SignOff:
    with locker.app.app_context():
        row = db.session.scalars(db.select(SignOff).order_by(SignOff.id.desc())).first()
        db.session.expunge(row)
        return row


def test_a_new_ruleset_makes_an_earlier_sign_off_outdated(locker, monkeypatch):
    _one_file(locker, 1)
    _sign_off(locker)
    assert _sign_off_state(locker) == "current"
    signed = _stored(locker)
    assert signed.ruleset.startswith(f"{RULESET}+")

    # The next ruleset: nothing in the position or its files changes.
    monkeypatch.setattr("portal.rules.engine.RULESET", "3")

    html = text_of(locker.client(Role.REPRESENTATIVE).get(locker.signing_url))
    assert _sign_off_state(locker) != "current"
    now = "3+" + signed.ruleset.split("+", 1)[1]
    assert (
        f"outdated: made under ruleset {signed.ruleset}; the findings now follow ruleset {now}"
        in (html)
    )
    compliance = text_of(locker.client(Role.REPRESENTATIVE).get(locker.base + "/compliance"))
    assert f"ruleset {now}" in compliance  # the findings shown are worked out again

    # The sign-off itself keeps what it was made under.
    kept = _stored(locker)
    assert (kept.ruleset, kept.content_hash) == (signed.ruleset, signed.content_hash)
    assert json.dumps(kept.findings) == json.dumps(signed.findings)

    # Signing off again under the new rules makes it current.
    _sign_off(locker)
    assert _sign_off_state(locker) == "current"
    assert _stored(locker).ruleset == now
