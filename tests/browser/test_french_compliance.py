"""Issue 13, in Chromium: the owner of the demo line cook switches the portal to French from the
header and reads the compliance page in French (headings, each finding's title, message, fix and
what it is about), on a desktop and on a 390 px phone without sideways scrolling.

With ``PORTAL_README_SCREENSHOTS=portal/static/docs`` the test also writes the README's two
pictures of the page (``compliance-fr-desktop.png``, ``compliance-fr-phone.png``).
"""

import os
from pathlib import Path

import pytest

from tests.browser import _accounts as accounts
from tests.browser._layout import PHONE, sideways_overflow
from tests.browser.test_finding_links import OWNER_EMAIL, finding, line_cook, sign_in
from tests.factories import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    expect = None

pytestmark = pytest.mark.browser


def _screenshot(page, name: str, height: int) -> None:
    """The top ``height`` pixels of the page (the summary and the first findings)."""
    folder = os.environ.get("PORTAL_README_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(Path(folder) / name), full_page=True, clip=clip)


def test_the_owner_reads_the_compliance_page_in_french(app, make, live_server, new_page):
    compliance = line_cook(make)

    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(compliance)
    expect(owner.get_by_role("heading", level=1)).to_have_text("Compliance check")

    # The header's switch, back on the same page, now in French (and kept on the account).
    owner.get_by_role("button", name="Français").click()
    expect(owner.locator("html")).to_have_attribute("lang", "fr")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Vérification de conformité")
    assert owner.url.endswith(compliance)
    results = finding(owner, "REC-RESULTS")
    expect(results).to_contain_text("Candidat : Maria Gonzalez")
    expect(results).to_contain_text("n'a pas été embauché")
    expect(results).not_to_contain_text("was not hired")
    expect(owner.get_by_role("button", name="English")).to_be_visible()
    _screenshot(owner, "compliance-fr-desktop.png", 1500)

    # On a phone, the same account reads French too, and nothing scrolls sideways.
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/account/login")  # a visitor's page: the browser's English
    phone.get_by_label("Email", exact=True).fill(OWNER_EMAIL)
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Sign in").click()
    accounts.pass_second_step(phone, OWNER_EMAIL)
    expect(phone.get_by_role("link", name="Compte")).to_be_visible()  # signed in, in French
    phone.goto(compliance)
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    expect(finding(phone, "REC-RESULTS")).to_contain_text("Candidat : Maria Gonzalez")
    assert sideways_overflow(phone) <= 0
    _screenshot(phone, "compliance-fr-phone.png", 2600)
