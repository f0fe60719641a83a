"""Issue 8's first "done when", in real Chromium: the demo owner opens the line cook's worker,
previews the French offer, sees the wage mismatch the checks catch ($17.00 offered, $17.50 on
the position and in the ad), fixes it, issues the agreement and downloads its PDF and DOCX; the
representative then sees the issued version and its history. The worker's page also fits a
390-pixel phone without horizontal scrolling."""

import io
import zipfile
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import Role
from tests.browser import _accounts as accounts
from tests.browser._layout import sideways_overflow
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
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
LAWYER_EMAIL = "lawyer@harbourfront-law.example"
WORKER = "Aminata Koné"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def app(database_url, tmp_path):
    """The app with its evidence (the letters' PDF and DOCX) in the test's own directory."""
    app = build_app(database_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """The form, then the second step as the account needs it (tests/browser/_accounts.py)."""
    accounts.sign_in(page, email, password)


def demo_line_cook(make) -> str:
    """The demo bistro, its owner and lawyer, and the line cook's file (with its French worker)
    imported through the import page; returns the position's path."""
    owner = make.user(email=OWNER_EMAIL, name="Sofia Marchetti")
    employer = make.employer(owner, **BISTRO)
    make.member(
        employer, user=make.user(email=LAWYER_EMAIL, name="Priya Raman"), role=Role.REPRESENTATIVE
    )
    response = post_form(
        make.signed_in_client(owner),
        f"/employers/{employer.id}/positions/import",
        upload(LINE_COOK.read_bytes(), "case.json"),
    )
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"].removesuffix("compliance")


def checks(page: Page):
    return page.locator("#checks")


def wage_finding(page: Page):
    return (
        checks(page)
        .locator("li.finding")
        .filter(has=page.locator("strong", has_text="WAGE-AD-OFFER"))
    )


def download(page: Page, link: str) -> bytes:
    with page.expect_download() as info:
        page.locator("#versions").get_by_role("link", name=link).first.click()
    return Path(info.value.path()).read_bytes()


def test_the_owner_fixes_issues_and_downloads_the_line_cooks_offer(
    app, make, live_server, new_page
):
    position = demo_line_cook(make)

    # --- The owner opens the line cook's worker from the position's tab.
    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(position)
    owner.get_by_role("link", name="Workers & offers").click()
    owner.get_by_role("link", name=WORKER).click()
    expect(owner.get_by_role("heading", level=1).first).to_have_text(WORKER)

    # --- The preview is the French letter, marked as a draft: the checks caught the wage.
    preview = owner.locator(".letter-preview")
    expect(preview).to_have_attribute("lang", "fr")
    expect(preview).to_contain_text("17,00")
    expect(preview.locator(".draft-banner")).to_be_visible()
    expect(wage_finding(owner)).to_have_count(1)
    expect(wage_finding(owner)).to_contain_text("Worker: Aminata Koné · job offer")
    # The English copy is one click away, and back.
    owner.locator("#preview").get_by_role("link", name="English").click()
    expect(owner.locator(".letter-preview")).to_have_attribute("lang", "en")
    owner.locator("#preview").get_by_role("link", name="French").click()
    expect(owner.locator(".letter-preview")).to_have_attribute("lang", "fr")

    # --- Fix the wage on the offer terms; the finding is gone.
    owner.get_by_role("link", name="Edit the offer terms").click()
    owner.get_by_label("Wage", exact=True).fill("17.50")
    owner.get_by_role("button", name="Save the offer terms").click()
    expect(owner.get_by_role("status")).to_have_text("The offer terms are saved.")
    expect(wage_finding(owner)).to_have_count(0)
    expect(owner.locator(".letter-preview")).to_contain_text("17,50")

    # --- Generate version 1 and issue it.
    owner.get_by_role("button", name="Generate version").click()
    expect(owner.get_by_role("status")).to_have_text("Version 1 is generated.")
    owner.get_by_role("button", name="Issue version 1").click()
    expect(owner.get_by_role("status")).to_have_text("Version 1 is issued and frozen.")
    expect(owner.locator("#version-1")).to_contain_text("Issued on")

    # --- Download the PDF and the DOCX: real files of their kind.
    pdf = download(owner, "Download PDF")
    assert pdf.startswith(b"%PDF-")
    docx = download(owner, "Download DOCX")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        document = archive.read("word/document.xml").decode()
    assert "Aminata Koné" in document and "17,50" in document

    # --- The representative sees the issued version and its history, read-only.
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    lawyer.goto(owner.url.split("#")[0])
    versions = lawyer.locator("#versions")
    expect(versions.locator("#version-1")).to_contain_text("Issued on")
    expect(versions.locator("#version-1")).to_contain_text("Sofia Marchetti")
    expect(versions.get_by_role("link", name="Download PDF")).to_have_count(1)
    expect(lawyer.get_by_role("button", name="Issue version 1")).to_have_count(0)
    expect(lawyer.get_by_role("link", name="Edit the offer terms")).to_have_count(0)


def test_the_workers_page_fits_a_phone(app, make, live_server, new_page):
    position = demo_line_cook(make)
    phone = new_page(viewport=PHONE)
    sign_in(phone, OWNER_EMAIL)
    phone.goto(f"{position}workers/")
    phone.get_by_role("link", name=WORKER).click()
    expect(phone.locator(".letter-preview")).to_be_visible()
    for url in (phone.url, phone.url.split("#")[0] + "offer", f"{position}workers/"):
        phone.goto(url)
        overflow = sideways_overflow(phone)
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390 px"
