"""The evidence locker in a real browser, as in the demo: the owner uploads the Job Bank ad, their
lawyer reviews it and asks for one change, the owner sees the request and uploads a new
screenshot, the lawyer accepts it, signs off and builds the filing bundle, downloads it, and the
bundle's SHA256SUMS verifies with the real ``sha256sum -c``.

Two browser contexts (own cookies): the owner and the lawyer. Everything is clicks and keystrokes;
files are generated in code (``set_input_files`` with a buffer). The bundle is built in the app's
background thread, as in production; its page refreshes itself until the ZIP is ready.
"""

import io
import re
import subprocess
import zipfile

import pytest
from PIL import Image, ImageDraw

from portal.extensions import db
from portal.models import Role
from tests.browser import _accounts as accounts
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.evidence_views.support import add_position
from tests.factories import PASSWORD

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

OWNER_NAME = "Maria Santos"
OWNER_EMAIL = "maria@goldenmaplebistro.ca"
LAWYER_NAME = "Priya Raman"
LAWYER_EMAIL = "priya.raman@ramanimmigration.ca"
EMPLOYER = "Golden Maple Bistro"
TITLE = "Cook"
REQUEST = "Please capture the whole page, with the Job Bank number at the top."


@pytest.fixture
def app(database_url, tmp_path):
    """The harness's app (served by ``live_server``), with evidence kept in the test's own
    directory instead of the checkout's instance/."""
    app = build_app(database_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def screenshot_png(label: str, colour) -> dict:
    """A generated "screenshot" of the ad, as Playwright's set_input_files takes it."""
    image = Image.new("RGB", (480, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 479, 40), fill=colour)
    draw.text((12, 60), f"Job Bank - {label}", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return {"name": f"{label}.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def flash(page: Page):
    return page.locator(".flash")


def section(page: Page, title: str):
    """The card whose h2 is ``title``."""
    return page.locator("section", has=page.get_by_role("heading", name=title, exact=True))


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """The form, then the second step as the account needs it (tests/browser/_accounts.py)."""
    accounts.sign_in(page, email, password)


def tab(page: Page, name: str) -> None:
    """Open one of the position's tabs."""
    page.get_by_role("navigation", name="Position").get_by_role("link", name=name).click()


def upload(page: Page, screenshot: dict, description: str) -> None:
    """From the evidence page, through "Add a file", and back to the evidence page."""
    page.get_by_role("link", name="Add a file", exact=True).click()
    expect(heading(page)).to_have_text("Add a file")
    form = page.locator("form", has=page.get_by_role("button", name="Upload"))
    form.get_by_label("File", exact=True).set_input_files(screenshot)
    form.get_by_label("What it is", exact=True).select_option(
        label="Ad proof (screenshot or PDF of the ad)"
    )
    form.get_by_label("Date the evidence shows", exact=True).fill("2026-11-02")
    form.get_by_label("Description", exact=True).fill(description)
    form.get_by_role("button", name="Upload").click()
    expect(flash(page)).to_contain_text(f"{screenshot['name']} is stored (SHA-256")
    expect(heading(page)).to_have_text("Evidence & review")


def files_row(page: Page, name: str):
    return section(page, "Files").get_by_role("row").filter(has_text=name)


SIGNED_WITH_OPEN_ITEMS = "You signed off this position as ready to file, with open items on record."


def confirm_open_items(signing, reason="The client files today; open items explained.") -> None:
    """Tick "I sign off although these items are open" and give the reason (issue 7, U2)."""
    signing.get_by_label(re.compile("I sign off although these items are open")).check()
    signing.get_by_label(
        "Why you sign off with these items open (kept on record)", exact=True
    ).fill(reason)


def review(page: Page, decision: str, comment: str = "") -> None:
    card = section(page, "Your review")
    card.get_by_label("Decision", exact=True).select_option(label=decision)
    card.get_by_label("Comment", exact=True).fill(comment)
    card.get_by_role("button", name="Record review").click()
    expect(flash(page)).to_have_text("Your review is recorded.")


def test_lawyer_reviews_owner_replaces_lawyer_signs_off_and_downloads_the_bundle(
    app, make, live_server, new_page, tmp_path
):
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner_user, operating_name=EMPLOYER)
    make.member(employer, make.user(email=LAWYER_EMAIL, name=LAWYER_NAME), Role.REPRESENTATIVE)
    add_position(app, employer.id, TITLE)

    # --- The owner uploads the ad as it appeared on Job Bank.
    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.get_by_role("link", name=EMPLOYER, exact=True).click()
    owner.get_by_role("navigation", name="Employer").get_by_role("link", name="Positions").click()
    owner.get_by_role("link", name=TITLE, exact=True).click()
    owner.get_by_role("navigation", name="Position").get_by_role(
        "link", name="Evidence & review"
    ).click()
    expect(heading(owner)).to_have_text("Evidence & review")
    expect(owner.get_by_text("No files yet.")).to_be_visible()
    upload(owner, screenshot_png("job-bank-ad", "#c33"), "Job Bank ad, first day")
    expect(files_row(owner, "job-bank-ad.png")).to_contain_text("waiting")
    locker_url = owner.url

    # --- The lawyer opens the client's position from the dashboard and reviews the file.
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    clients = section(lawyer, "Your clients").get_by_role("row").filter(has_text=EMPLOYER)
    clients.get_by_role("link", name=TITLE, exact=True).click()
    expect(heading(lawyer)).to_have_text("Compliance check")
    lawyer.get_by_role("navigation", name="Position").get_by_role(
        "link", name="Evidence & review"
    ).click()
    expect(lawyer).to_have_url(locker_url)
    # A representative does not upload.
    expect(lawyer.get_by_role("link", name="Add a file", exact=True)).to_have_count(0)
    files_row(lawyer, "job-bank-ad.png").get_by_role("link", name="job-bank-ad.png").click()
    expect(heading(lawyer)).to_have_text("job-bank-ad.png")
    review(lawyer, "Needs changes", REQUEST)
    expect(section(lawyer, "Comments")).to_contain_text(REQUEST)
    expect(section(lawyer, "Comments")).to_contain_text("asks for a change")

    # --- The owner sees the request and uploads a new screenshot.
    owner.reload()
    asked = section(owner, "Asked by your representative")
    expect(asked).to_contain_text(LAWYER_NAME)
    expect(asked).to_contain_text(REQUEST)
    expect(files_row(owner, "job-bank-ad.png")).to_contain_text("changes requested")
    upload(
        owner, screenshot_png("job-bank-ad-full-page", "#36c"), "The whole page, with the number"
    )
    expect(files_row(owner, "job-bank-ad-full-page.png")).to_contain_text("waiting")

    # --- The lawyer accepts it and signs off.
    lawyer.goto(locker_url)
    new_file = files_row(lawyer, "job-bank-ad-full-page.png")
    new_file.get_by_role("link", name="job-bank-ad-full-page.png").click()
    review(lawyer, "Accepted")
    lawyer.get_by_role("navigation", name="Position").get_by_role(
        "link", name="Evidence & review"
    ).click()
    expect(files_row(lawyer, "job-bank-ad-full-page.png")).to_contain_text("accepted")
    tab(lawyer, "Sign-off")
    expect(heading(lawyer)).to_have_text("Sign-off and filing bundle")
    signing = section(lawyer, "Sign-off")
    expect(signing).to_contain_text("Not signed off yet.")
    signing.get_by_label("Note for the file", exact=True).fill("Ready to file.")
    # The position still has open errors: the sign-off confirms them with a reason (U2).
    confirm_open_items(signing)
    signing.get_by_role("button", name="Sign off as ready to file").click()
    expect(flash(lawyer)).to_have_text(SIGNED_WITH_OPEN_ITEMS)
    signing = section(lawyer, "Sign-off")
    expect(signing).to_contain_text(f"Signed off as ready to file by {LAWYER_NAME}")
    expect(signing.locator("strong.status")).to_have_text("current")

    # The owner sees the sign-off as current too.
    tab(owner, "Sign-off")
    expect(section(owner, "Sign-off").locator("strong.status")).to_have_text("current")
    expect(section(owner, "Sign-off").get_by_label("Note for the file")).to_have_count(0)

    # --- The lawyer builds the bundle: progress, then the download (the page refreshes itself).
    section(lawyer, "Filing bundle").get_by_role("button", name="Build the filing bundle").click()
    expect(heading(lawyer)).to_have_text("Filing bundle")
    building = lawyer.get_by_text(re.compile(r"Building… \d+ of \d+ files\."))
    ready = lawyer.get_by_role("link", name="Download the bundle")
    expect(building.or_(ready)).to_be_visible()  # a small bundle may already be done
    expect(ready).to_be_visible()
    expect(
        lawyer.get_by_text(re.compile(r"Ready: [\d.]+ KiB, SHA-256 [0-9a-f]{64}\."))
    ).to_be_visible()
    with lawyer.expect_download() as caught:
        ready.click()
    download = caught.value
    assert re.fullmatch(r"lmia-bundle-position-\d+\.zip", download.suggested_filename)
    archive = tmp_path / download.suggested_filename
    download.save_as(archive)

    # --- Unzipped, every file checks out against SHA256SUMS.
    target = tmp_path / "bundle"
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        bundle.extractall(target)
    assert {"00-index.pdf", "case.json", "SHA256SUMS"} <= set(names), names
    assert sum(name.endswith((".jpg", ".pdf")) for name in names) >= 3  # index + 2 screenshots
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=target, capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1


def test_optional_fields_are_optional_in_the_browser(app, make, live_server, new_page):
    """The retention form saves without a first day of work, and a sign-off needs no note: no
    optional field may be ``required`` for the browser (the field macro used to render
    ``required="None"`` on optional fields, which browsers read as required)."""
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner_user, operating_name=EMPLOYER)
    make.member(employer, make.user(email=LAWYER_EMAIL, name=LAWYER_NAME), Role.REPRESENTATIVE)
    position_id = add_position(app, employer.id, TITLE)
    signing_url = f"/employers/{employer.id}/positions/{position_id}/sign-off"

    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(signing_url)
    retention = section(owner, "Retention")
    retention.get_by_label("Worker's first day of work", exact=True).fill("2015-01-05")
    retention.get_by_role("button", name="Save retention").click()
    expect(flash(owner)).to_have_text("Retention is saved.")
    facts = section(owner, "Retention").locator("dl.facts")
    expect(facts.locator("dt", has_text="Keep until").locator("+ dd")).to_have_text("Jan 5, 2021")
    expect(facts.locator("dt", has_text="Legal hold").locator("+ dd")).to_have_text("no")
    # The first day was entered by mistake: clearing it saves too.
    retention = section(owner, "Retention")
    retention.get_by_label("Worker's first day of work", exact=True).fill("")
    retention.get_by_role("button", name="Save retention").click()
    expect(flash(owner)).to_have_text("Retention is saved.")
    facts = section(owner, "Retention").locator("dl.facts")
    expect(facts.locator("dt", has_text="First day of work").locator("+ dd")).to_have_text(
        "not recorded"
    )

    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    lawyer.goto(signing_url)
    signing = section(lawyer, "Sign-off")
    confirm_open_items(signing)  # open errors: the confirmation is required, the note is not
    signing.get_by_role("button", name="Sign off as ready to file").click()
    expect(flash(lawyer)).to_have_text(SIGNED_WITH_OPEN_ITEMS)
