"""The core journey, in a real browser: an owner brings in their representative, then removes them.

Everything a person does here is a click or keystroke in Chromium; assertions read visible text.
Only the invitation email is read behind the scenes, from the outbox table.
"""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from tests.browser._accounts import confirm_sign_up, pass_second_step

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

OWNER_NAME = "Maria Santos"
OWNER_EMAIL = "maria@goldenmaplebistro.ca"
OWNER_PASSWORD = "tortellini on a snowy tuesday"

EMPLOYER = "Golden Maple Bistro"
LEGAL_NAME = "Golden Maple Bistro Inc."

LAWYER_NAME = "Priya Raman"
LAWYER_EMAIL = "priya.raman@ramanimmigration.ca"
LAWYER_PASSWORD = "three affidavits before lunch"
CICC_NUMBER = "R712345"

# How the pages name the roles.
OWNER_ROLE = "Owner"
REPRESENTATIVE_ROLE = "Representative (lawyer or consultant)"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def flash(page: Page):
    return page.get_by_role("status")


def section(page: Page, title: str):
    """The card whose h2 is ``title``."""
    return page.locator("section", has=page.get_by_role("heading", name=title, exact=True))


def fill(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def invitation_link(app, email: str) -> str:
    """Read the invitation link from the mail kept in the outbox (no SMTP in tests)."""
    with app.app_context():
        messages = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == email)
        ).all()
        assert len(messages) == 1, [m.subject for m in messages]
        subject, body = messages[0].subject, messages[0].body
    assert subject == f"{OWNER_NAME} invites you to {EMPLOYER} on the LMIA Portal"
    links = re.findall(r"^(http://\S+/invitations/\S+)$", body, flags=re.MULTILINE)
    assert len(links) == 1, body
    return links[0]


def check_phone_layout(page: Page, shots, name: str) -> None:
    """At 390 px wide the page must not scroll sideways; keep a full-page screenshot."""
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        path = shots / f"{name}-390.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0
        page.wait_for_load_state("load")  # measured with its stylesheet: see _layout
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert widths["scroll"] <= PHONE["width"], (
            f"{name} scrolls sideways on a phone: {widths} (see {path})"
        )
    finally:
        page.set_viewport_size(desktop)


def test_owner_invites_representative_then_removes_access(app, live_server, new_page, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # --- The owner signs up.
    owner = new_page()
    owner.goto("/account/signup")
    expect(heading(owner)).to_have_text("Create an account")
    fill(owner, "Your full name", OWNER_NAME)
    fill(owner, "Email", OWNER_EMAIL)
    fill(owner, "Password", OWNER_PASSWORD)
    fill(owner, "Repeat the password", OWNER_PASSWORD)
    owner.get_by_role("button", name="Create account").click()
    confirm_sign_up(owner, app, OWNER_EMAIL, OWNER_PASSWORD)  # the link mailed to the address
    expect(heading(owner)).to_have_text(f"Hello, {OWNER_NAME}")
    expect(owner.get_by_text("You are not part of an employer yet.")).to_be_visible()

    # --- ... and creates the employer: a restaurant in Hamilton, Ontario.
    owner.get_by_role("link", name="Add an employer", exact=True).click()
    expect(owner).to_have_url(f"{live_server.url}/employers/new")
    expect(heading(owner)).to_have_text("Add an employer")
    fill(owner, "Legal name", LEGAL_NAME)
    fill(owner, "Operating name (if different)", EMPLOYER)
    fill(owner, "CRA business number", "871 234 567")
    fill(owner, "NAICS code (optional)", "722511")
    fill(owner, "Business address", "214 James Street North")
    fill(owner, "City", "Hamilton")
    owner.get_by_label("Province or territory").select_option(label="Ontario")
    fill(owner, "Postal code", "l8r 2l3")
    fill(owner, "Phone", "(905) 555-0142")
    fill(owner, "Employees at this address", "18")
    owner.get_by_role("button", name="Create the employer").click()

    # Created: the owner lands on the People page, asked to invite their representative.
    expect(flash(owner)).to_have_text(
        f"{EMPLOYER} is set up. Next: invite your lawyer or consultant."
    )
    expect(heading(owner)).to_have_text(f"People with access to {EMPLOYER}")
    match = re.fullmatch(rf"{re.escape(live_server.url)}/employers/(\d+)/members", owner.url)
    assert match, owner.url
    employer_url = f"{live_server.url}/employers/{match.group(1)}/"
    members_url = owner.url
    owner_row = owner.get_by_role("row").filter(has_text=OWNER_EMAIL)
    expect(owner_row).to_contain_text(OWNER_NAME)
    expect(owner_row).to_contain_text(OWNER_ROLE)
    # An owner cannot remove themselves (an employer keeps at least one owner).
    expect(owner_row.get_by_role("button")).to_have_count(0)

    # --- The owner invites the representative by email.
    fill(owner, "Their email", LAWYER_EMAIL)
    # The option reads "Lawyer or licensed consultant (representative)"; its value is the role.
    owner.get_by_label("Role", exact=True).select_option("representative")
    owner.get_by_role("button", name="Send invitation").click()
    expect(flash(owner)).to_have_text(
        f"Invitation sent to {LAWYER_EMAIL}. The link works once, for 7 days."
    )
    expect(section(owner, "Invitations waiting for an answer")).to_contain_text(
        f"{LAWYER_EMAIL} · {REPRESENTATIVE_ROLE}"
    )
    link = invitation_link(app, LAWYER_EMAIL)
    assert link.startswith(f"{live_server.url}/invitations/"), link

    # --- In their own browser, the representative opens the link and creates an account.
    lawyer = new_page()
    lawyer.goto(link)
    expect(heading(lawyer)).to_have_text("You are invited")
    expect(lawyer.get_by_text(f"{OWNER_NAME} invites {LAWYER_EMAIL} to {EMPLOYER}")).to_be_visible()
    expect(lawyer.get_by_text(f"Create your account for {LAWYER_EMAIL}")).to_be_visible()
    fill(lawyer, "Your full name", LAWYER_NAME)
    fill(lawyer, "Password", LAWYER_PASSWORD)
    fill(lawyer, "Repeat the password", LAWYER_PASSWORD)
    fill(lawyer, "CICC licence number", CICC_NUMBER)
    lawyer.get_by_role("button", name="Accept the invitation").click()

    # A representative must use two-factor sign-in: asked to set it up first (issue 11).
    expect(flash(lawyer)).to_have_text(f"You now have access to {EMPLOYER}.")
    pass_second_step(lawyer, LAWYER_EMAIL)
    # They land on the employer's overview, with a representative's (read-mostly) view.
    expect(lawyer).to_have_url(employer_url)
    expect(heading(lawyer)).to_have_text(EMPLOYER)
    business = section(lawyer, "Business")
    expect(business).to_contain_text("871234567")
    expect(business).to_contain_text("214 James Street North, Hamilton, ON L8R 2L3")
    expect(business).to_contain_text("+1 905-555-0142")
    site = section(lawyer, "Work locations").get_by_role("row").filter(has_text="214 James")
    expect(site.get_by_role("cell", name="18", exact=True)).to_be_visible()
    expect(section(lawyer, "People with access")).to_contain_text(
        f"{LAWYER_NAME} · {REPRESENTATIVE_ROLE}"
    )
    expect(lawyer.get_by_role("link", name="Edit profile")).to_have_count(0)

    # The dashboard lists the employer under "Your clients".
    lawyer.get_by_role("link", name="LMIA Portal", exact=True).click()
    expect(heading(lawyer)).to_have_text(f"Hello, {LAWYER_NAME}")
    client_row = section(lawyer, "Your clients").get_by_role("row").filter(has_text=EMPLOYER)
    expect(client_row).to_have_count(1)
    expect(client_row).to_contain_text(LEGAL_NAME)
    expect(client_row).to_contain_text("Hamilton, ON")
    expect(client_row).to_contain_text("871234567")
    check_phone_layout(lawyer, shots, "dashboard")

    # --- The owner sees the representative among the people, with their licence. Their
    # employer has a representative now, so the owner too is asked to set up two-factor.
    owner.goto(members_url)
    pass_second_step(owner, OWNER_EMAIL)
    expect(owner).to_have_url(members_url)
    lawyer_row = owner.get_by_role("row").filter(has_text=LAWYER_EMAIL)
    expect(lawyer_row).to_contain_text(LAWYER_NAME)
    expect(lawyer_row).to_contain_text(REPRESENTATIVE_ROLE)
    expect(lawyer_row).to_contain_text(f"CICC {CICC_NUMBER}")
    expect(section(owner, "Invitations waiting for an answer")).to_have_count(0)
    check_phone_layout(owner, shots, "members")

    # The representative opens the client from the dashboard.
    client_row.get_by_role("link", name=EMPLOYER).click()
    expect(lawyer).to_have_url(employer_url)
    expect(heading(lawyer)).to_have_text(EMPLOYER)

    # --- The owner removes the representative's access.
    lawyer_row.get_by_role("button", name="Remove access").click()
    expect(flash(owner)).to_have_text(f"{LAWYER_NAME} no longer has access.")
    expect(owner.get_by_role("row").filter(has_text=LAWYER_EMAIL)).to_have_count(0)
    expect(owner.get_by_role("row").filter(has_text=OWNER_EMAIL)).to_have_count(1)

    # --- The representative's next request is refused: their sessions ended with the access.
    lawyer.reload()
    expect(lawyer).to_have_url(re.compile(r"/account/login\?next="))
    expect(heading(lawyer)).to_have_text("Sign in")
    expect(lawyer.get_by_text(EMPLOYER)).to_have_count(0)

    # Signing in again does not bring the employer back.
    fill(lawyer, "Email", LAWYER_EMAIL)
    fill(lawyer, "Password", LAWYER_PASSWORD)
    with lawyer.expect_navigation():
        lawyer.get_by_role("button", name="Sign in").click()
    pass_second_step(lawyer, LAWYER_EMAIL)  # enrolled: the code, though no longer required
    expect(lawyer).to_have_url(employer_url)
    expect(heading(lawyer)).to_have_text("Not Found")
    expect(
        lawyer.get_by_text("We could not find that page, or you do not have access")
    ).to_be_visible()
    expect(lawyer.get_by_text(EMPLOYER)).to_have_count(0)
    lawyer.get_by_role("link", name="LMIA Portal", exact=True).click()
    expect(heading(lawyer)).to_have_text(f"Hello, {LAWYER_NAME}")
    expect(section(lawyer, "Your clients")).to_have_count(0)
    expect(lawyer.get_by_text("You are not part of an employer yet.")).to_be_visible()
