"""A representative waives a finding with a written reason: the compliance page shows it waived
(who, why) and no longer counts it as open, the audit log records it, and it can be withdrawn.
Only representatives may waive or withdraw."""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Waiver
from tests.helpers import text_of
from tests.positions.support import count

RULE, SUBJECT = "REC-ADDL-2", "recruitment"  # Job Bank alone: too few additional methods
REASON = "The employer also recruits through its union hall, documented in the file."
_COUNTS = re.compile(
    r'count-error">(\d+) errors?</strong>\s*·\s*<strong class="count count-warning">(\d+) '
    r"warnings?</strong>\s*·\s*(\d+) notes?(?:\s*·\s*(\d+) waived)?"
)


@pytest.fixture
def position(shop):
    position_id, url = shop.create_position()
    shop.add_activity(url)
    return position_id, url


def _page(shop, url, who="rep"):
    response = shop.client(who).get(url + "compliance")
    assert response.status_code == 200
    return text_of(response)


def _counts(page: str) -> dict:
    match = _COUNTS.search(page)
    assert match, "no finding counts on the compliance page"
    errors, warnings, notes, waived = match.groups()
    return {
        "error": int(errors),
        "warning": int(warnings),
        "info": int(notes),
        "waived": int(waived or 0),
    }


def _finding(page: str, rule: str) -> tuple[str, str]:
    """(classes, html) of the finding of ``rule`` on the page."""
    for classes, body in re.findall(r'<li class="(finding [^"]*)">(.*?)</li>', page, re.S):
        if f"<strong>{rule}</strong>" in body:
            return classes, body
    raise AssertionError(f"{rule} is not on the compliance page")


def _waive(shop, url, who="rep", reason=REASON):
    data = {"rule_id": RULE, "subject": SUBJECT, "reason": reason}
    return shop.post(url + "waivers", data, who=who, form_page=url + "compliance")


def _active_waivers(app, position_id):
    with app.app_context():
        query = select(Waiver).filter_by(position_id=position_id, withdrawn_at=None)
        return [
            (w.id, w.rule_id, w.subject, w.reason, w.waived_by_id)
            for w in db.session.scalars(query)
        ]


def _audit_rows(shop, entity: str) -> list[str]:
    response = shop.client("owner").get(f"/employers/{shop.employer_id}/audit")
    assert response.status_code == 200
    rows = text_of(response).split("<tr>")
    return [row for row in rows if f"({entity})" in row]


def test_a_representative_waives_then_withdraws_a_finding(shop, app, position):
    position_id, url = position
    before_page = _page(shop, url)
    before = _counts(before_page)
    classes, body = _finding(before_page, RULE)
    assert "finding-error" in classes and "finding-waived" not in classes
    assert 'name="rule_id" value="REC-ADDL-2"' in body  # the representative may waive it

    response = _waive(shop, url)
    assert response.status_code == 302
    [(waiver_id, rule, subject, reason, by)] = _active_waivers(app, position_id)
    assert (rule, subject, reason, by) == (RULE, SUBJECT, REASON, shop.users["rep"].id)

    for who in ("rep", "owner", "viewer"):
        page = _page(shop, url, who)
        classes, body = _finding(page, RULE)
        assert "finding-waived" in classes
        assert "Waived by Rita Counsel on " in body and REASON in body
        after = _counts(page)
        assert after["error"] == before["error"] - 1, "a waived finding still counts as open"
        assert (after["warning"], after["info"]) == (before["warning"], before["info"])
        assert after["waived"] == 1

    [event] = _audit_rows(shop, f"Waiver #{waiver_id}")
    assert "waivers.insert" in event
    assert "Rita Counsel" in event
    assert RULE in event and REASON in event

    response = shop.post(
        f"{url}waivers/{waiver_id}/withdraw", {}, who="rep", form_page=url + "compliance"
    )
    assert response.status_code == 302
    assert _active_waivers(app, position_id) == []
    page = _page(shop, url)
    classes, body = _finding(page, RULE)
    assert "finding-waived" not in classes and "Waived by" not in body
    assert _counts(page) == before
    events = _audit_rows(shop, f"Waiver #{waiver_id}")
    assert len(events) == 2
    assert "waivers.update" in events[0] and "withdrawn_at" in events[0]  # newest first


def test_waiving_again_replaces_the_active_waiver(shop, app, position):
    position_id, url = position
    assert _waive(shop, url).status_code == 302
    assert _waive(shop, url, reason="A second, better reason for the record.").status_code == 302
    [(_, _, _, reason, _)] = _active_waivers(app, position_id)
    assert reason == "A second, better reason for the record."
    assert count(app, Waiver, position_id=position_id) == 2


def test_a_waiver_needs_a_reason(shop, app, position):
    position_id, url = position
    response = _waive(shop, url, reason="ok")
    assert response.status_code == 422
    assert "reason of at least 10 characters" in text_of(response)
    assert count(app, Waiver, position_id=position_id) == 0


@pytest.mark.parametrize("who", ["staff", "owner", "viewer"])
def test_only_representatives_waive_or_withdraw(shop, app, position, who):
    position_id, url = position
    page = _page(shop, url, who)
    assert "Waive this finding" not in page and 'name="reason"' not in page
    response = _waive(shop, url, who=who)
    assert response.status_code == 403
    assert count(app, Waiver, position_id=position_id) == 0

    assert _waive(shop, url).status_code == 302
    [(waiver_id, *_)] = _active_waivers(app, position_id)
    response = shop.post(f"{url}waivers/{waiver_id}/withdraw", {}, who=who)
    assert response.status_code == 403
    assert [w[0] for w in _active_waivers(app, position_id)] == [waiver_id]
    assert "Withdraw the waiver" not in _page(shop, url, who)
