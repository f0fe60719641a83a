"""Issue 10, road: the After the LMIA tab, a worker's road and the road form fit a 390-pixel
phone without horizontal scrolling (with a long permit recorded as printed)."""

import pytest

from tests.browser._layout import sideways_overflow
from tests.browser.test_offer_journey import (
    OWNER_EMAIL,
    PHONE,
    WORKER,
    app,  # noqa: F401 (the fixture with its own storage)
    demo_line_cook,
    sign_in,
)

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = pytest.mark.browser


def test_the_road_pages_fit_a_phone(app, make, live_server, new_page):  # noqa: F811
    position = demo_line_cook(make)
    phone = new_page(viewport=PHONE)
    sign_in(phone, OWNER_EMAIL)
    phone.goto(f"{position}road/")
    phone.get_by_role("link", name=WORKER).click()
    phone.get_by_role("link", name="Update the road").click()
    phone.get_by_label("Work-permit application filed on").fill("2026-07-01")
    phone.get_by_label("Permit issued on").fill("2026-08-01")
    phone.get_by_label("Permit expires on").fill("2027-08-01")
    phone.get_by_label("Employer as printed on the permit").fill("A-very-long-" * 12)
    phone.get_by_role("button", name="Save the road").click()
    expect(phone.locator("#checks")).to_contain_text("ROAD-PERMIT-MISMATCH")
    worker_url = phone.url.split("#")[0]
    for url in (f"{position}road/", worker_url, f"{worker_url}/edit", f"{position}road/decision"):
        phone.goto(url)
        overflow = sideways_overflow(phone)
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390 px"
