"""Issue 9's first "done when", in real Chromium: the owner records a recruiter and a payment,
imports a ledger CSV with one bad row (a row-level error, nothing saved), sends a worker an
attestation link; the link opens without signing in, in a fresh browser context, is answered on
a 390-pixel phone and stops working afterwards; the worker's report appears as a finding on the
compliance page and in the representative's risk view across clients."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import Payment, Role
from tests.browser import _accounts as accounts
from tests.browser._layout import page_width
from tests.conftest import POSTGRES_URL, _truncate_all, build_app
from tests.factories import PASSWORD
from tests.helpers import post_form, text_of
from tests.positions.support import upload
from tests.positions.test_finding_labels_pages import BISTRO

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

CHEF = Path(__file__).resolve().parents[2] / "portal" / "demo" / "chef_compliant.json"
OWNER_EMAIL = "owner@maple-bistro.example"
LAWYER_EMAIL = "lawyer@harbourfront-law.example"
WORKER = "Marco Bellini"
RECRUITER = "Global Kitchen Staffing"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def app(database_url, tmp_path):
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


def demo_chef(make) -> str:
    """The demo bistro, its owner and lawyer, and the chef's file (a clean one, with an English
    worker) imported through the import page; returns the position's path."""
    owner = make.user(email=OWNER_EMAIL, name="Sofia Marchetti")
    employer = make.employer(owner, **BISTRO)
    make.member(
        employer, user=make.user(email=LAWYER_EMAIL, name="Priya Raman"), role=Role.REPRESENTATIVE
    )
    response = post_form(
        make.signed_in_client(owner),
        f"/employers/{employer.id}/positions/import",
        upload(CHEF.read_bytes(), "case.json"),
    )
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"].removesuffix("compliance")


def payments_saved(app) -> int:
    with app.app_context():
        return db.session.query(Payment).count()


def test_recruiter_payment_ledger_attestation_and_risk_view(app, make, live_server, new_page):
    position = demo_chef(make)
    paid_on = (date.today() - timedelta(days=20)).isoformat()
    owner = new_page()
    sign_in(owner, OWNER_EMAIL)

    # The recruiter, on the position's "Money & recruiters" tab.
    owner.goto(position + "money/")
    owner.get_by_role("link", name="Money & recruiters").click()
    owner.goto(position + "money/third-parties")
    owner.get_by_role("link", name="Add a recruiter or representative").click()
    owner.get_by_label("Name", exact=True).fill(RECRUITER)
    owner.get_by_label("Role").select_option("recruiter")
    owner.get_by_label("Province where it operates").select_option("ON")
    owner.get_by_label("Paid by the employer").select_option("yes")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(owner.get_by_text(f"{RECRUITER} is saved.")).to_be_visible()

    # A payment the worker made to it.
    owner.goto(position + "money/")
    owner.get_by_role("link", name="Record a payment").click()
    owner.get_by_label("Date paid").fill(paid_on)
    owner.get_by_label("Paid by").select_option("worker")
    owner.get_by_label("Paid to").select_option("recruiter")
    owner.get_by_label("Amount (CAD)").fill("3000.00")
    owner.get_by_label("What for").select_option("processing_fee")
    owner.get_by_label("How", exact=True).select_option("transfer")
    owner.get_by_label("The worker it concerns").select_option(label=WORKER)
    owner.get_by_label("The recruiter or representative").select_option(label=RECRUITER)
    owner.get_by_role("button", name="Save the payment").click()
    expect(owner.get_by_text("The payment is saved.")).to_be_visible()
    assert payments_saved(app) == 1

    # A ledger CSV with one good and one bad row: the bad row is named, nothing is saved.
    owner.get_by_role("link", name="Import payments from a spreadsheet").click()
    csv_text = (
        "paid_on,payer,payee,amount,purpose,via,worker,third_party,note\n"
        f"{paid_on},employer,recruiter,500.00,recruitment_fee,transfer,,{RECRUITER},fine\n"
        f'{paid_on},worker,recruiter,"3.000,00",processing_fee,cash,{WORKER},,bad amount\n'
    )
    owner.locator("input[type=file]").set_input_files(
        files=[{"name": "ledger.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    owner.get_by_role("button", name="Check and import").click()
    problems = owner.locator("table.problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.locator("td").nth(0)).to_have_text("3")
    expect(problems.locator("td").nth(1)).to_have_text("amount")
    assert payments_saved(app) == 1  # the good row was not saved either

    # The attestation link, from the worker's page.
    owner.goto(position + "workers")
    owner.get_by_role("link", name=WORKER).first.click()
    owner.get_by_role("button", name="Send the worker a link").click()
    link = owner.locator("#attestation-link").input_value()
    assert "/attest/" in link

    # The worker, on a phone, in a browser that never signed in.
    phone = new_page(viewport=PHONE)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Questions about your job")).to_be_visible()
    expect(phone.get_by_role("button", name="Sign out")).to_have_count(0)
    phone.locator("#paid").get_by_label("Yes", exact=True).check()
    phone.get_by_label("Paid to (name)").first.fill(RECRUITER)
    phone.get_by_label("Amount in Canadian dollars").first.fill("3000")
    phone.get_by_label("Date paid (if you know it)").first.fill(paid_on)
    phone.get_by_label("What it was for (if you know)").first.fill("processing fee")
    phone.locator("#holds_passport").get_by_label("Yes", exact=True).check()
    phone.locator("#holds_permit").get_by_label("Yes", exact=True).check()
    phone.locator("#contract_before_start_in_language").get_by_label("Yes", exact=True).check()
    phone.locator("#knows_help").get_by_label("No", exact=True).check()
    assert page_width(phone) <= PHONE["width"]
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_text("Your answers were sent on")).to_be_visible()

    # The link works once.
    again = phone.goto(link)
    assert again.status == 410
    expect(phone.get_by_text("The link cannot be used again.")).to_be_visible()
    expect(phone.get_by_role("button", name="Send my answers")).to_have_count(0)

    # The worker's report on the compliance page.
    reported = f"{WORKER} reports paying $3,000.00 to {RECRUITER}"
    owner.goto(position + "compliance")
    expect(owner.get_by_text(reported).first).to_be_visible()
    owner.get_by_role("link", name="Risk: fee and fraud signs").click()
    expect(owner.get_by_text(reported).first).to_be_visible()

    # And in the representative's risk view across clients, reached from the dashboard.
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    lawyer.goto("/")
    lawyer.get_by_role("link", name="Fee and fraud signs across your clients").click()
    expect(
        lawyer.get_by_role("heading", name="Fee and fraud signs across your clients")
    ).to_be_visible()
    expect(lawyer.get_by_text(reported).first).to_be_visible()
    expect(lawyer.locator("tr#client-1 .risk-count")).not_to_have_text("0")
