"""Issue 11's second "done when", in real Chromium on the seeded demo, on a 390-pixel phone:
the demo representative signs in and is asked to set up two-factor sign-in; types the code
computed from the key the page shows (scanning nothing); sees ten recovery codes; signs out and
in with the password and a code; signs out and in with the password and a recovery code; that
recovery code fails the next time. No page scrolls sideways."""

import pytest

from portal.commands.demo import DEMO_PASSWORD
from tests.browser._accounts import code_for
from tests.browser._layout import sideways_overflow
from tests.browser.test_after_lmia_journey import app  # noqa: F401 (the seeded demo)

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

LAWYER_EMAIL = "lawyer@harbourfront-law.example"
PHONE = {"width": 390, "height": 844}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def fits_the_screen(page: Page) -> None:
    overflow = sideways_overflow(page)
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def password_step(page: Page) -> None:
    page.goto("/account/login")
    page.get_by_label("Email", exact=True).fill(LAWYER_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")


def test_the_demo_representative_enrols_then_signs_in_with_a_code_and_a_recovery_code(
    app,  # noqa: F811
    live_server,
    new_page,
):
    page = new_page(viewport=PHONE)

    # First sign-in: the password, then asked to set up two-factor sign-in.
    password_step(page)
    expect(heading(page)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("link", name="Account")).to_have_count(0)  # nothing else yet
    page.get_by_role("button", name="Show my key").click()
    expect(page.get_by_role("img", name="QR code of your two-factor key")).to_be_visible()
    fits_the_screen(page)
    secret = "".join(page.locator("#two-factor-secret").inner_text().split())
    assert len(secret) == 32
    code, last_step = code_for(secret, None)
    page.get_by_label("Code from the app", exact=True).fill(code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    # Ten recovery codes, shown once.
    expect(heading(page)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes code")
    expect(codes).to_have_count(10)
    recovery = codes.all_inner_texts()
    fits_the_screen(page)
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(heading(page)).to_have_text("Hello, Priya Raman")
    sign_out(page)

    # Password and a code from the app (the next step's if this one was spent: see code_for).
    password_step(page)
    expect(heading(page)).to_have_text("Enter your sign-in code")
    fits_the_screen(page)
    code, last_step = code_for(secret, last_step)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Hello, Priya Raman")
    sign_out(page)

    # Password and a recovery code instead.
    password_step(page)
    expect(heading(page)).to_have_text("Enter your sign-in code")
    page.get_by_label("Code", exact=True).fill(recovery[0])
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Hello, Priya Raman")
    expect(page.get_by_role("status")).to_contain_text("You used a recovery code; 9 left.")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Recovery codes and settings").click()
    expect(page.locator("#recovery-codes-left")).to_have_text("9 recovery codes left.")
    fits_the_screen(page)
    sign_out(page)

    # The same recovery code does not work twice.
    password_step(page)
    page.get_by_label("Code", exact=True).fill(recovery[0])
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Enter your sign-in code")
    expect(page.locator("#code-error")).to_contain_text("already used")
