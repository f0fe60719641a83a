"""Issue 10's first "done when", in real Chromium on the seeded demo: the demo representative
opens the "After the LMIA" tab of the chef's position and of the line cooks', sees both workers'
roads (Marco Bellini's permit issued and expiring, Aminata Koné waiting for the LMIA), the
permit-expiry finding and Marco's short-paid pay period, then creates a calendar feed on
/deadlines; the feed's address, fetched without the browser's cookies, parses with icalendar
and holds the permit expiry and the line cooks' Job Match day 30. At 390 px the road page does
not scroll sideways."""

from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import select

from portal.commands.demo import DEMO_PASSWORD
from portal.extensions import db
from portal.models import Employer, Position, Worker
from tests.browser import _accounts as accounts
from tests.browser._layout import page_width
from tests.conftest import POSTGRES_URL, _truncate_all, build_app

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

LAWYER_EMAIL = "lawyer@harbourfront-law.example"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def app(database_url, tmp_path):
    """A fresh migrated database with ``flask seed-demo`` run in it (the offer PDFs it issues
    go to the test's own evidence store)."""
    app = build_app(database_url, STORAGE_DIR=str(tmp_path / "store"))
    app.instance_path = str(tmp_path / "instance")
    if POSTGRES_URL:
        _truncate_all(app)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    yield app
    with app.app_context():
        db.engine.dispose()


def demo_ids(app) -> dict:
    with app.app_context():
        bistro = db.session.scalar(select(Employer).where(Employer.legal_name.startswith("Marc")))
        positions = {
            p.title: p
            for p in db.session.scalars(select(Position).where(Position.employer_id == bistro.id))
        }
        chef, cooks = positions["Chef de cuisine"], positions["Line cook"]

        def worker_of(position):
            return db.session.scalar(select(Worker).where(Worker.position_id == position.id))

        return {
            "chef": f"/employers/{bistro.id}/positions/{chef.id}/",
            "cooks": f"/employers/{bistro.id}/positions/{cooks.id}/",
            "cooks_id": cooks.id,
            "marco": worker_of(chef).id,
            "aminata": worker_of(cooks).id,
        }


def sign_in(page: Page, email: str) -> None:
    """The demo accounts' password; the second step as the account needs it."""
    accounts.sign_in(page, email, DEMO_PASSWORD)


def open_road_tab(page: Page, position: str) -> None:
    page.goto(position + "compliance")
    page.get_by_role("link", name="After the LMIA").click()
    expect(page.get_by_role("heading", name="After the LMIA", level=1)).to_be_visible()


def step(page: Page, worker_id: int, key: str):
    return page.locator(f"#step-{worker_id}-{key}")


def test_representative_follows_both_roads_the_payroll_and_the_calendar_feed(
    app, live_server, new_page, playwright_api
):
    ids = demo_ids(app)
    expires = date.today() + timedelta(days=90)
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)

    # The chef's position: the LMIA approved, Marco's permit issued and expiring in 90 days.
    open_road_tab(lawyer, ids["chef"])
    marco = lawyer.locator(f"#road-{ids['marco']}")
    expect(marco.get_by_role("heading", name="Marco Bellini")).to_be_visible()
    expect(lawyer.locator("#decision")).to_contain_text("8123456")
    expect(step(lawyer, ids["marco"], "lmia_decision")).to_contain_text("Done")
    expect(step(lawyer, ids["marco"], "permit")).to_contain_text("Done")
    expect(step(lawyer, ids["marco"], "first_day")).to_contain_text("Done")
    expiry = marco.locator(".finding", has_text="ROAD-PERMIT-EXPIRY")
    expect(expiry).to_have_count(1)
    expect(expiry).to_contain_text(f"expires on {expires.isoformat()} (in 90 days)")
    expect(expiry).to_contain_text("start recruiting for a new LMIA by")

    # His payroll, from his road: one period paid below the offer, flagged.
    marco.get_by_role("link", name="Marco Bellini").click()
    lawyer.locator("#payroll-link a").click()
    expect(lawyer.get_by_role("heading", name="Payroll of Marco Bellini")).to_be_visible()
    expect(lawyer.locator("#periods tbody tr")).to_have_count(4)
    flagged = lawyer.locator("#periods tbody tr.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("PAY-BELOW-OFFER")
    expect(flagged).to_contain_text("$231.00 more")
    expect(lawyer.locator("#totals")).to_contain_text("1 finding")

    # The line cooks' position: Aminata waits for ESDC's decision.
    open_road_tab(lawyer, ids["cooks"])
    aminata = lawyer.locator(f"#road-{ids['aminata']}")
    expect(aminata.get_by_role("heading", name="Aminata Koné")).to_be_visible()
    expect(lawyer.locator("#decision")).to_contain_text("Waiting for ESDC's decision")
    expect(step(lawyer, ids["aminata"], "lmia_decision")).to_contain_text("Waiting")
    expect(step(lawyer, ids["aminata"], "permit")).to_contain_text("Waiting")
    expect(aminata.locator(".finding")).to_have_count(0)

    # The deadlines page and a private calendar address, shown once.
    lawyer.goto("/deadlines")
    expect(lawyer.get_by_role("heading", name="Calendar feed")).to_be_visible()
    lawyer.get_by_role("button", name="Create a calendar address").click()
    link = lawyer.get_by_label("Calendar address")
    expect(link).to_be_visible()
    feed_url = link.input_value()
    assert feed_url.startswith(f"{live_server.url}/calendar/") and feed_url.endswith(".ics")

    # A calendar app fetches it: a fresh request context, none of the browser's cookies.
    calendar_app = playwright_api.request.new_context()
    try:
        response = calendar_app.get(feed_url)
        assert response.status == 200, response.status
        assert response.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.body())
    finally:
        calendar_app.dispose()
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    permit = [
        e for uid, e in events.items() if uid.startswith(f"permit-expiry:worker:{ids['marco']}:")
    ]
    assert len(permit) == 1, sorted(events)
    assert permit[0].decoded("DTSTART") == expires
    job_match = [
        e
        for uid, e in events.items()
        if uid.startswith(f"job-match-day-30:position:{ids['cooks_id']}:")
    ]
    assert len(job_match) == 1, sorted(events)
    assert "Job Match" in str(job_match[0]["SUMMARY"])


def test_the_road_and_payroll_pages_fit_a_390_pixel_phone(app, live_server, new_page):
    ids = demo_ids(app)
    phone = new_page(viewport=PHONE)
    sign_in(phone, LAWYER_EMAIL)

    open_road_tab(phone, ids["chef"])

    expect(phone.locator(".finding", has_text="ROAD-PERMIT-EXPIRY")).to_be_visible()
    assert page_width(phone) <= PHONE["width"]
    # The payroll's table of periods becomes cards (it was 670 px wide before).
    phone.locator("#payroll-link a").first.click()
    expect(phone.locator("tr.flagged")).to_have_count(1)
    assert page_width(phone) <= PHONE["width"]
