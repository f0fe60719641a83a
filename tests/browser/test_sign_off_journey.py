"""Signing off in Chromium (issue 7, U2): the lawyer opens a position with open errors, sees
them listed under "Still open", is refused without a waiver or the confirmation, then signs
off with the confirmation and a reason and sees both recorded."""

import re

import pytest

from portal.models import Role
from tests.browser.test_evidence_journey import (
    EMPLOYER,
    LAWYER_EMAIL,
    LAWYER_NAME,
    OWNER_EMAIL,
    OWNER_NAME,
    SIGNED_WITH_OPEN_ITEMS,
    TITLE,
    app,  # noqa: F401 (the fixture: evidence kept in the test's directory)
    flash,
    section,
    sign_in,
)
from tests.evidence_views.support import add_position

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = pytest.mark.browser
REASON = "The client must file today; the wage finding is argued in the cover letter."


def test_lawyer_sees_open_errors_is_refused_then_confirms(app, make, live_server, new_page):  # noqa: F811
    owner = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner, operating_name=EMPLOYER)
    make.member(employer, make.user(email=LAWYER_EMAIL, name=LAWYER_NAME), Role.REPRESENTATIVE)
    position_id = add_position(app, employer.id, TITLE)  # no recruitment yet: errors are open

    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    lawyer.goto(f"/employers/{employer.id}/positions/{position_id}/sign-off")
    signing = section(lawyer, "Sign-off")
    open_errors = signing.locator("li.open-errors")
    expect(open_errors).to_contain_text(re.compile(r"\d+ errors?"))
    expect(open_errors.locator("li").first).to_be_visible()  # each error is listed
    listed = open_errors.locator("li").count()
    assert listed >= 1

    # A plain sign-off is refused: nothing is recorded, the page says why.
    signing.get_by_label("Note for the file", exact=True).fill("Ready to file.")
    signing.get_by_role("button", name="Sign off as ready to file").click()
    expect(flash(lawyer)).to_have_text("Not signed off: see the open items.")
    signing = section(lawyer, "Sign-off")
    expect(signing).to_contain_text("Not signed off yet.")
    expect(signing.get_by_role("alert")).to_contain_text("waive each error with a reason")
    expect(signing.get_by_label("Note for the file", exact=True)).to_have_value("Ready to file.")

    # With the confirmation and a reason, it is recorded, with what was open.
    signing.get_by_label(
        re.compile(f"I sign off although these items are open: {listed} errors")
    ).check()
    signing.get_by_label(
        "Why you sign off with these items open (kept on record)", exact=True
    ).fill(REASON)
    signing.get_by_role("button", name="Sign off as ready to file").click()
    expect(flash(lawyer)).to_have_text(SIGNED_WITH_OPEN_ITEMS)
    signing = section(lawyer, "Sign-off")
    expect(signing).to_contain_text(f"Signed off as ready to file by {LAWYER_NAME}")
    expect(signing.locator(".signed-open")).to_contain_text(f"Signed off although {listed} errors")
    expect(signing.locator(".signed-open")).to_contain_text(REASON)
