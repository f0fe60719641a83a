"""Issue 7, U5 in Chromium: a lawyer invited by an owner signs up on their own (not through the
invitation link), confirms the address, finds the invitation on the home page, and reaches the
client. The link in the kept mail is clickable."""

import pytest

from portal.models import Role
from tests.browser._accounts import pass_second_step, sign_in, sign_up

try:
    from playwright.sync_api import expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    expect = None

pytestmark = pytest.mark.browser

EMPLOYER = "Golden Maple Bistro"
OWNER_NAME = "Maria Santos"
LAWYER_NAME = "Priya Raman"
LAWYER_EMAIL = "priya.raman@ramanimmigration.ca"
LAWYER_PASSWORD = "three affidavits before lunch"
PHONE = {"width": 390, "height": 844}


def _owner_invites_the_lawyer(page, owner_email: str, employer_id: int) -> None:
    sign_in(page, owner_email)
    page.goto(f"/employers/{employer_id}/members")
    page.get_by_label("Their email", exact=True).fill(LAWYER_EMAIL)
    page.get_by_label("Role", exact=True).select_option(value=Role.REPRESENTATIVE)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {LAWYER_EMAIL}")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_lawyer_signs_up_finds_the_invitation_at_home_and_reaches_the_client(
    app, make, live_server, new_page, viewport
):
    owner = make.user(email="maria@goldenmaplebistro.ca", name=OWNER_NAME)
    employer = make.employer(owner, operating_name=EMPLOYER)
    _owner_invites_the_lawyer(new_page(), owner.email, employer.id)

    lawyer = new_page(**({"viewport": viewport} if viewport else {}))
    sign_up(lawyer, app, LAWYER_NAME, LAWYER_EMAIL, LAWYER_PASSWORD)

    # Home: the invitation waiting for this address, with a link to it.
    expect(lawyer.get_by_role("heading", level=1)).to_have_text(f"Hello, {LAWYER_NAME}")
    waiting = lawyer.locator(
        "section", has=lawyer.get_by_role("heading", name="An invitation is waiting for you")
    )
    expect(waiting).to_contain_text(f"{OWNER_NAME} invites you to {EMPLOYER} as Representative")
    waiting.get_by_role("link", name=f"See and accept the invitation to {EMPLOYER}").click()

    expect(lawyer.get_by_role("heading", level=1)).to_have_text("You are invited")
    lawyer.get_by_label("CICC licence number", exact=True).fill("R712345")
    lawyer.get_by_role("button", name="Accept the invitation").click()

    # A representative must use two-factor sign-in: asked to set it up, then on to the client.
    expect(lawyer.get_by_role("status")).to_have_text(f"You now have access to {EMPLOYER}.")
    pass_second_step(lawyer, LAWYER_EMAIL)
    expect(lawyer).to_have_url(f"{live_server.url}/employers/{employer.id}/")
    # Home again: the client is listed, the invitation no longer waits.
    lawyer.goto("/")
    expect(lawyer.get_by_role("link", name=EMPLOYER).first).to_be_visible()
    expect(lawyer.get_by_text("waiting for you")).to_have_count(0)


def test_links_in_kept_mail_are_clickable(app, make, live_server, new_page):
    owner = make.user(email="maria@goldenmaplebistro.ca", name=OWNER_NAME)
    employer = make.employer(owner, operating_name=EMPLOYER)
    _owner_invites_the_lawyer(new_page(), owner.email, employer.id)
    lawyer_user = make.user(email=LAWYER_EMAIL, name=LAWYER_NAME, password=LAWYER_PASSWORD)
    assert lawyer_user.email_confirmed_at is not None

    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL, LAWYER_PASSWORD)
    lawyer.goto("/account/")
    lawyer.get_by_role("link", name="Mail kept on this machine (development)").click()
    link = lawyer.locator("pre.mail-body a[href*='/invitations/']")
    expect(link).to_have_count(1)
    link.click()

    expect(lawyer.get_by_role("heading", level=1)).to_have_text("You are invited")
