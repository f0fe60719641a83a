"""Issue 7, U7 (bundle progress) in Chromium: from the click the bundle page says what the
build is doing ("Converting file 1 of 2"), reloads itself without script until the bundle is
ready, and the evidence page's button is disabled while the build runs.

The build is held after its first file (a gate around ``build_bundle``) so "running" is seen
for sure; releasing it lets the page's own refresh show the result, without the test reloading.
"""

import threading

import pytest

from portal.evidence import bundles
from portal.extensions import db
from tests.browser.test_evidence_journey import (
    OWNER_EMAIL,
    TITLE,
    heading,
    screenshot_png,
    section,
    sign_in,
    upload,
)
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.evidence_views.support import add_position

try:
    from playwright.sync_api import expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    expect = None

pytestmark = pytest.mark.browser


@pytest.fixture
def app(database_url, tmp_path):
    """The served app, keeping evidence and bundles in the test's own directory."""
    app = build_app(database_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_bundle_page_shows_progress_from_the_click(
    app, make, live_server, new_page, monkeypatch
):
    reached, release = threading.Event(), threading.Event()
    real = bundles.build_bundle

    def held(out, context, files, progress, stage):
        def progress_then_wait(done, total):
            progress(done, total)
            if done == 1:
                reached.set()
                release.wait(60)

        return real(out, context, files, progress_then_wait, stage)

    monkeypatch.setattr(bundles, "build_bundle", held)
    owner_user = make.user(email=OWNER_EMAIL, name="Maria Santos")
    employer = make.employer(owner_user, operating_name="Golden Maple Bistro")
    position_id = add_position(app, employer.id, TITLE)
    locker_url = f"/employers/{employer.id}/positions/{position_id}/evidence"
    signing_url = f"/employers/{employer.id}/positions/{position_id}/sign-off"

    page = new_page()
    sign_in(page, OWNER_EMAIL)
    page.goto(locker_url)
    upload(page, screenshot_png("job-bank-ad", "#c33"), "Job Bank ad")
    upload(page, screenshot_png("indeed-ad", "#36c"), "Indeed ad")
    try:
        page.goto(signing_url)
        section(page, "Filing bundle").get_by_role("button", name="Build the filing bundle").click()
        expect(heading(page)).to_have_text("Filing bundle")
        assert reached.wait(60)
        expect(page.get_by_role("status")).to_contain_text("Converting file 1 of 2")
        expect(page.locator("progress")).to_have_attribute("value", "1")

        other = new_page()
        sign_in(other, OWNER_EMAIL)
        other.goto(signing_url)
        card = section(other, "Filing bundle")
        expect(card.get_by_role("button", name="Building the bundle…")).to_be_disabled()
        card.get_by_role("link", name="A bundle is being built: see its progress").click()
        expect(other.get_by_role("status")).to_contain_text("Converting file 1 of 2")
    finally:
        release.set()

    # No reload by the test: the page refreshes itself until the bundle is ready.
    expect(page.get_by_role("link", name="Download the bundle")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Build the bundle again")).to_be_enabled()
