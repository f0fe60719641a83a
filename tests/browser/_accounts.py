"""Signing up in the browser: the form, then the confirmation link mailed to the address (read
from the mail kept in the outbox table, as a person reads their mailbox), then the password."""

from tests.helpers import kept_mail_link

try:
    from playwright.sync_api import expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    expect = None


def sign_up(page, app, full_name: str, email: str, password: str) -> None:
    """Create an account through the pages and confirm it; ends signed in, on the home page."""
    page.goto("/account/signup")
    page.get_by_label("Your full name", exact=True).fill(full_name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password", exact=True).fill(password)
    page.get_by_role("button", name="Create account").click()
    confirm_sign_up(page, app, email, password)


def confirm_sign_up(page, app, email: str, password: str) -> None:
    """After "Create account": open the mailed confirmation link and enter the password."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    # The server mails the link just after answering: wait for it a little.
    page.goto(kept_mail_link(app, email, "/account/confirm/", wait_seconds=30))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your account")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_role("status")).to_have_text("Your email address is confirmed. Welcome!")
