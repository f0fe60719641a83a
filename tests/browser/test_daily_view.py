"""The lawyer's daily view in Chromium (issue 7, U6): the dashboard shows each position's status,
most urgent first; the lawyer asks the client a question about a file, the client finds it on
the home page (and in the outbox), answers, and the question is gone for both; the lawyer sees
the screenshot inline on the file's page instead of downloading it."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from portal.extensions import db
from portal.models import Position, Role
from tests.browser.test_evidence_journey import (
    EMPLOYER,
    LAWYER_EMAIL,
    LAWYER_NAME,
    OWNER_EMAIL,
    OWNER_NAME,
    app,  # noqa: F401 (the fixture: evidence kept in the test's directory)
    heading,
    screenshot_png,
    section,
    sign_in,
    upload,
)
from tests.evidence.corpus import text_pdf
from tests.evidence_views.support import add_position

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = pytest.mark.browser
QUESTION = "Is this the whole Job Bank page, with the job number?"
ANSWER = "Yes, the number is at the top right."


def _file_in(flask_app, position_id: int, when: date) -> None:
    with flask_app.app_context():
        db.session.get(Position, position_id).planned_submission_date = when
        db.session.commit()


def test_dashboard_status_questions_and_preview(app, make, live_server, new_page):  # noqa: F811
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner_user, operating_name=EMPLOYER)
    make.member(employer, make.user(email=LAWYER_EMAIL, name=LAWYER_NAME), Role.REPRESENTATIVE)
    cook = add_position(app, employer.id, "Cook")
    baker = add_position(app, employer.id, "Baker")
    _file_in(app, cook, date.today() + timedelta(days=10))
    _file_in(app, baker, date.today() - timedelta(days=2))  # overdue: first

    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(f"/employers/{employer.id}/positions/{cook}/evidence")
    upload(owner, screenshot_png("job-bank-ad", "#c33"), "Job Bank ad, first day")

    # --- The lawyer's dashboard: status per position, most urgent first.
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    table = section(lawyer, "Positions, most urgent first")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Baker")
    expect(rows.nth(0)).to_contain_text("2 days overdue")
    expect(rows.nth(1)).to_contain_text("Cook")
    expect(rows.nth(1)).to_contain_text("in 10 days")
    expect(rows.nth(1).locator("td[data-label='Files awaiting review']")).to_have_text("1")
    expect(rows.nth(1).locator("td[data-label='Sign-off']")).to_have_text("not signed off")

    # --- The lawyer opens the file: the screenshot shows inline; then asks a question.
    rows.nth(1).locator("td[data-label='Files awaiting review']").get_by_role("link").click()
    expect(heading(lawyer)).to_have_text("Evidence & review")
    lawyer.get_by_role("link", name="job-bank-ad.png", exact=True).click()
    preview = lawyer.get_by_role("img", name="Preview of job-bank-ad.png")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 480
    comments = section(lawyer, "Comments")
    comments.get_by_label("Comment", exact=True).fill(QUESTION)
    comments.get_by_role("button", name="Reply").click()
    lawyer.goto("/")
    expect(section(lawyer, "Your questions to clients")).to_contain_text(QUESTION)
    expect(
        section(lawyer, "Positions, most urgent first").locator("tbody tr").nth(1)
    ).to_contain_text("1")

    # --- The owner finds it on the home page, answers from the file's page.
    owner.goto("/")
    asked = section(owner, "Asked by your representative")
    expect(asked).to_contain_text(LAWYER_NAME)
    expect(asked).to_contain_text(QUESTION)
    asked.get_by_role("link", name="Cook").click()
    expect(heading(owner)).to_have_text("job-bank-ad.png")
    comments = section(owner, "Comments")
    comments.get_by_label("Comment", exact=True).fill(ANSWER)
    comments.get_by_role("button", name="Reply").click()
    expect(section(owner, "Comments")).to_contain_text(ANSWER)
    owner.goto("/")
    expect(section(owner, "Asked by your representative")).to_have_count(0)

    lawyer.reload()
    expect(section(lawyer, "Your questions to clients")).to_have_count(0)


def test_a_pdf_opens_in_chromiums_viewer_despite_the_sandbox(
    app,  # noqa: F811
    make,
    live_server,
    new_page,
):
    """The preview's sandboxing CSP does not stop Chromium's PDF viewer: the file is shown,
    not downloaded."""
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner_user, operating_name=EMPLOYER)
    cook = add_position(app, employer.id, "Cook")
    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(f"/employers/{employer.id}/positions/{cook}/evidence")
    upload(owner, {"name": "ad.pdf", "mimeType": "application/pdf", "buffer": text_pdf()}, "Ad")
    owner.get_by_role("link", name="ad.pdf", exact=True).click()
    link = owner.get_by_role("link", name="Open in the browser")
    response = owner.goto(link.get_attribute("href"))
    assert response.status == 200
    headers = response.all_headers()  # ``headers`` leaves the security headers out
    assert headers["content-disposition"].startswith("inline;")
    assert headers["content-security-policy"].startswith("sandbox;")
    assert headers["x-content-type-options"] == "nosniff"
    owner.wait_for_timeout(1500)  # the viewer draws the page after the load event
    shot = Image.open(io.BytesIO(owner.screenshot())).convert("RGB")
    # The viewer: a dark frame around the white page (a "blocked" page would be all light).
    width, height = shot.size
    assert max(shot.getpixel((10, height // 2))) < 90, "no PDF viewer around the page"
    assert min(shot.getpixel((width // 2, height // 2))) > 240, "no PDF page in the viewer"
