"""A finding names its record as the user knows it and links to it: in Chromium, the owner of the
demo line cook clicks "Applicant: Maria Gonzalez" on the compliance page, lands on her form,
records the reason she was not hired, and the finding is gone; the representative's link opens
the applicant log at her row."""

import pytest

from portal.models import Role
from tests.browser import _accounts as accounts
from tests.factories import PASSWORD
from tests.helpers import post_form, text_of
from tests.positions.support import upload
from tests.positions.test_finding_labels_pages import BISTRO, LINE_COOK

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

OWNER_EMAIL = "owner@maple-bistro.example"
LAWYER_EMAIL = "counsel@raman-law.example"
LINK = "Applicant: Maria Gonzalez"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """The form, then the second step as the account needs it (tests/browser/_accounts.py)."""
    accounts.sign_in(page, email, password)


def finding(page: Page, rule_id: str):
    return page.locator("li.finding").filter(has=page.locator("strong", has_text=rule_id))


def line_cook(make) -> str:
    """The demo bistro, its owner and representative, and the line cook imported through the
    import page by the owner (test client); returns the compliance page's path."""
    owner_user = make.user(email=OWNER_EMAIL, name="Luca Marchetti")
    employer = make.employer(owner_user, **BISTRO)
    make.member(employer, user=make.user(email=LAWYER_EMAIL), role=Role.REPRESENTATIVE)
    response = post_form(
        make.signed_in_client(owner_user),
        f"/employers/{employer.id}/positions/import",
        upload(LINE_COOK.read_bytes(), "case.json"),
    )
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"]


def test_a_finding_links_to_the_applicant_it_is_about(app, make, live_server, new_page):
    compliance = line_cook(make)

    # --- The owner reads the finding in the program's words and follows its link.
    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(compliance)
    results = finding(owner, "REC-RESULTS")
    expect(results).to_have_count(1)
    expect(results).not_to_contain_text("applicants[")
    results.get_by_role("link", name=LINK, exact=True).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Edit the applicant")
    expect(owner.get_by_label("Name", exact=True)).to_have_value("Maria Gonzalez")

    # --- They record why she was not hired; back on the page, the finding is gone.
    owner.get_by_label("Why not hired", exact=True).select_option(label="Withdrew")
    owner.get_by_label("The reason in your words", exact=True).fill(
        "Took a job closer to home before the interview."
    )
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(owner.get_by_role("status")).to_have_text("The applicant is saved.")
    owner.goto(compliance)
    expect(owner.locator("li.finding").first).to_be_visible()
    expect(finding(owner, "REC-RESULTS")).to_have_count(0)


def test_the_representative_reaches_the_applicant_row(app, make, live_server, new_page):
    compliance = line_cook(make)
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    lawyer.goto(compliance)
    results = finding(lawyer, "REC-RESULTS")
    results.get_by_role("link", name=LINK, exact=True).click()
    expect(lawyer.get_by_role("heading", level=1)).to_have_text("Applicants")
    row = lawyer.locator("tr:target")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Maria Gonzalez")
    expect(row).to_be_in_viewport()
