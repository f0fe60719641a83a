"""Issue 13's first "done when", in real Chromium: the owner captures an ad from a local test
page (the portal's own headless Chromium fetches it), sees the PDF and the PNG with their
SHA-256 on the capture page and in the evidence locker; an address on another local port (not
the allowed fixture) and ``file:///etc/passwd`` are refused with a message."""

from datetime import date

import pytest

from portal.extensions import db
from portal.models import RecruitmentActivity
from tests.browser import _accounts as accounts
from tests.browser.test_evidence_journey import app  # noqa: F401 (its store in tmp_path)
from tests.capture.support import ad_servers
from tests.evidence_views.support import add_position

try:
    from playwright.sync_api import expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    expect = None

pytestmark = pytest.mark.browser

OWNER_EMAIL = "maria@goldenmaplebistro.ca"


def test_the_owner_captures_an_ad_and_finds_it_in_the_evidence_locker(
    app,  # noqa: F811
    make,
    live_server,
    new_page,
):
    owner = make.user(email=OWNER_EMAIL, name="Maria Santos")
    employer = make.employer(owner, operating_name="Golden Maple Bistro")
    position_id = add_position(app, employer.id, "Line cook")
    with app.app_context():
        db.session.add(
            RecruitmentActivity(
                employer_id=employer.id,
                position_id=position_id,
                case_key="A1",
                method="job_bank",
                kind="posting",
                start_date=date.today(),
                platform="Job Bank",
            )
        )
        db.session.commit()
    position = f"/employers/{employer.id}/positions/{position_id}/"
    with ad_servers() as (base, host, forbidden):
        app.config["CAPTURE_ALLOWED_HOSTS"] = [host]
        page = new_page()
        accounts.sign_in(page, OWNER_EMAIL)
        page.goto(position + "evidence")
        page.get_by_role("link", name="Every capture due, ad by ad").click()
        page.get_by_role("link", name="Capture this ad").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Capture this ad")

        address = page.get_by_label("Address of the ad (URL)", exact=True)
        address.fill(f"{base}/moved")
        page.get_by_role("button", name="Capture now").click()
        expect(page.locator(".flash")).to_contain_text("The ad is captured")
        done = page.locator(".capture-done")
        expect(done).to_have_count(1)
        expect(done).to_contain_text(f"{base}/ad")  # the final address, after the redirect
        hashes = done.locator(".meta.break", has_text="SHA-256")
        expect(hashes).to_have_count(2)
        pdf_hash, png_hash = (text.split()[-1] for text in hashes.all_inner_texts())

        page.goto(position + "evidence")
        files = page.locator("section", has=page.get_by_role("heading", name="Files"))
        expect(files.get_by_role("row").filter(has_text=".pdf")).to_contain_text(pdf_hash[:16])
        expect(files.get_by_role("row").filter(has_text=".png")).to_contain_text(png_hash[:16])

        page.go_back()
        for refused, says in (
            (f"{forbidden}/", "private, loopback or reserved"),
            ("file:///etc/passwd", "only http:// and https:// addresses are captured"),
        ):
            address = page.get_by_label("Address of the ad (URL)", exact=True)
            address.fill(refused)
            page.get_by_role("button", name="Capture now").click()
            expect(page.locator("#url-error")).to_contain_text(says)
            expect(page.locator(".capture-done")).to_have_count(1)  # nothing new was saved
