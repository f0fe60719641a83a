"""Accounts in the browser. Signing up: the form, then the confirmation link mailed to the
address (read from the mail kept in the outbox table, as a person reads their mailbox), then the
password. Signing in: the form, then the two-factor step when the account has or needs it."""

import time
from urllib.parse import urlsplit

import pyotp

from tests.factories import PASSWORD
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


# --- Signing in, with the second step ---------------------------------------------------------
#
# Representatives, and owners of an employer that has one, must use two-factor sign-in (issue
# 11): the first sign-in lands on the enrolment page, later ones on the code page. ``sign_in``
# does what a person does there: reads the key the page shows (scanning nothing), types the code
# computed from it with pyotp, and keeps the key for the next sign-in of that account on that
# server (keyed on the page's origin and the address: each test serves a fresh database, and a
# stale key could only be used for an account enrolled on this server, which overwrote it).
#
# A code works once per 30-second step, and a test may sign the same account in twice within
# one step (two browsers, or out and in again). The server accepts the next step's code too (one
# step either side, for clock drift), so the second sign-in types that; a third within the same
# step waits for the step to turn (see ``code_for``).

_KEYS: dict[tuple[str, str], dict] = {}


def _origin(page) -> str:
    parts = urlsplit(page.url)
    return f"{parts.scheme}://{parts.netloc}"


def code_for(secret: str, last_step: int | None) -> tuple[str, int]:
    """A code the server accepts now and the step it belongs to: later than ``last_step`` (a
    code works once) and at most one step ahead of the clock (waiting for it if need be)."""
    now_step = int(time.time() // 30)
    step = now_step if last_step is None else max(now_step, last_step + 1)
    while step > int(time.time() // 30) + 1:
        time.sleep(0.2)
    return pyotp.TOTP(secret).generate_otp(step), step


def totp_code(page, email: str) -> str:
    """The next code for ``email``'s kept key on this page's server (spends its step)."""
    kept = _KEYS[(_origin(page), email.lower())]
    code, kept["last_step"] = code_for(kept["secret"], kept["last_step"])
    return code


def recovery_codes(page, email: str) -> list[str]:
    return _KEYS[(_origin(page), email.lower())]["recovery_codes"]


def enrol(page, email: str) -> list[str]:
    """On the enrolment page: show the key, type the code made from it; returns the recovery
    codes shown, after continuing past them."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    show = page.get_by_role("button", name="Show my key")
    if show.count():
        show.click()
    secret = "".join(page.locator("#two-factor-secret").inner_text().split())
    _KEYS[(_origin(page), email.lower())] = {"secret": secret, "last_step": None}
    page.get_by_label("Code from the app", exact=True).fill(totp_code(page, email))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    _KEYS[(_origin(page), email.lower())]["recovery_codes"] = codes
    page.get_by_role("link", name="I have saved them: continue").click()
    return codes


def pass_second_step(page, email: str) -> None:
    """Whatever the page asks after the password: enrolment, the code, or nothing."""
    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path.startswith("/account/two-factor/enrol"):
        enrol(page, email)
    elif path.startswith("/account/two-factor/code"):
        page.get_by_label("Code", exact=True).fill(totp_code(page, email))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form and the second step if the account has or needs one; ends on
    the page the sign-in led to, signed in."""
    page.goto("/account/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    pass_second_step(page, email)
    expect(page.get_by_role("link", name="Account")).to_be_visible()
