"""Positions in a real browser: an owner records an LMIA file and reads its compliance page,
imports the applicant log from CSV, and a representative waives a finding.

People act by clicks and keystrokes in Chromium and assertions read visible text. Accounts and
employers come from the factories (tests/factories.py); where a test is about one page, the
position it needs is set up beforehand through the app's own forms with a test client.
"""

import re

import pytest

from portal.models import Role
from tests.browser import _accounts as accounts
from tests.browser._layout import page_width
from tests.factories import PASSWORD
from tests.helpers import post_form, text_of

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the harness's fixtures then skip these tests, or fail them in CI
    Page = expect = None

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

OWNER_NAME = "Maria Santos"
OWNER_EMAIL = "maria@goldenmaplebistro.ca"
LAWYER_NAME = "Priya Raman"
LAWYER_EMAIL = "priya.raman@ramanimmigration.ca"
EMPLOYER = "Golden Maple Bistro"

TITLE = "Cook"
PLANNED = "2027-01-15"
JOB_BANK_START = "2026-10-01"
BOARD_START, BOARD_END = "2026-10-05", "2026-11-30"

# The position the CSV and waiver tests start from, posted through the app's own form.
POSITION_FORM = {
    "title": TITLE,
    "noc_code": "63200",
    "stream": "low_wage",
    "street_address": "1 King St W",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5H 1A1",
    "economic_region": "ER3530",
    "cma": "Toronto",
    "wage_amount": "18.50",
    "wage_per": "hour",
    "hours_per_week": "40",
    "positions": "1",
    "duration_months": "12",
    "duties": "Prepare and cook complete meals; clean the kitchen and work areas.",
    "prevailing_wage_per": "hour",
    "incumbent_wage_per": "hour",
    "planned_submission_date": PLANNED,
}
JOB_BANK_FORM = {
    "method": "job_bank",
    "kind": "posting",
    "start_date": JOB_BANK_START,
    "platform": "Job Bank",
    "reference": "3141592",
    "direct_apply": "y",
    "ad_wage_per": "hour",
}
JOB_BOARD_FORM = {
    "method": "job_board",
    "kind": "posting",
    "start_date": BOARD_START,
    "end_date": BOARD_END,
    "platform": "Indeed",
    "ad_wage_per": "hour",
}

CSV_HEADER = "name,status,source,channel,applied_on,interviewed_on,offered,hired,reason_code\n"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def flash(page: Page):
    return page.get_by_role("status")


def section(page: Page, title: str):
    """The card whose h2 is ``title``."""
    return page.locator("section", has=page.get_by_role("heading", name=title, exact=True))


def fill(page: Page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).select_option(label=option)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """The form, then the second step as the account needs it (tests/browser/_accounts.py)."""
    accounts.sign_in(page, email, password)


def findings(page: Page):
    return page.locator("li.finding")


def finding(page: Page, rule_id: str):
    """The one finding whose first line names ``rule_id``."""
    return findings(page).filter(
        has=page.locator("p").first.filter(has_text=re.compile(rf"\b{re.escape(rule_id)}\b"))
    )


def no_sideways_scroll(page: Page, shots, name: str) -> None:
    """At 390 px wide the page must not scroll sideways; keep a full-page screenshot."""
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        path = shots / f"{name}-390.png"
        page.screenshot(path=str(path), full_page=True)
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


def check_compliance_page(page: Page) -> None:
    """What the compliance page must show for the cook with one additional activity."""
    expect(heading(page)).to_have_text("Compliance check")
    # Only one additional method besides Job Bank, and no under-represented group targeted.
    addl = finding(page, "REC-ADDL-2")
    expect(addl).to_have_count(1)
    expect(addl).to_contain_text("Error")
    expect(addl).to_contain_text(
        "Only 1 additional recruitment method besides Job Bank (job board); at least 2 are needed."
    )
    expect(addl).to_contain_text("Fix: Advertise through 1 more method suited to the occupation")
    expect(addl.get_by_role("link", name="Source", exact=True)).to_have_attribute(
        "href", re.compile(r"^https://")
    )
    urg = finding(page, "REC-URG-2")
    expect(urg).to_have_count(1)
    expect(urg).to_contain_text("No additional recruitment activity targets an under-represented")
    expect(urg).to_contain_text("Fix: Add two recruitment activities aimed at two different groups")
    expect(urg.get_by_role("link", name="Source", exact=True)).to_be_visible()
    # Every finding names its rule, says how to fix it and links its source.
    count = findings(page).count()
    assert count >= 2
    for index in range(count):
        item = findings(page).nth(index)
        expect(item.locator("strong").first).to_have_text(re.compile(r"^[A-Z]+(-[A-Z0-9]+)+$"))
        expect(item).to_contain_text("Fix:")
        expect(item.get_by_role("link", name="Source", exact=True)).to_have_count(1)
    # The error count agrees with the findings listed.
    errors = findings(page).filter(has=page.locator(".pill-error")).count()
    expect(page.locator(".verdict .counts")).to_contain_text(f"{errors} errors")
    # The server-drawn timeline: the two activities as bars, the submission date marked.
    timeline = section(page, "Recruitment timeline")
    svg = timeline.locator("svg.timeline")
    if page.viewport_size["width"] <= 640:  # issue 7 U7: a phone gets the list, not the picture
        expect(svg).to_be_hidden()
        labels = timeline.locator(".timeline-list .timeline-row-label")
        expect(labels).to_have_text(["A1 · Job Bank", "A2 · Indeed"])
    else:
        expect(svg).to_be_visible()
    expect(svg.locator("rect.posting")).to_have_count(2)
    expect(svg.locator("text.row-label")).to_have_text(["A1 · Job Bank", "A2 · Indeed"])
    expect(svg.locator("text.mark-label.mark-submission")).to_have_count(1)
    # The filing window. Earliest: both ads have run 28 days (the job board, from Oct 5, on
    # Nov 1, so filing on Nov 2). Latest: 28 of the job board's days (Nov 3 to Nov 30) must
    # fall within the 3 months before filing, so Feb 3, 2027 at the latest.
    facts = page.locator(".verdict dl.facts")
    for term, value in [
        ("Checked for submission on", "Jan 15, 2027"),
        ("Earliest date you can file", "Nov 2, 2026"),
        ("File before", "Feb 3, 2027 (last day the recruitment still counts)"),
    ]:
        expect(facts.locator("dt", has_text=term).locator("+ dd")).to_have_text(value)


def test_owner_records_a_position_and_reads_its_compliance(
    app, make, live_server, new_page, tmp_path
):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    make.employer(owner_user, operating_name=EMPLOYER)

    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    expect(heading(owner)).to_have_text(f"Hello, {OWNER_NAME}")
    owner.get_by_role("link", name=EMPLOYER, exact=True).click()
    expect(heading(owner)).to_have_text(EMPLOYER)
    owner.get_by_role("navigation", name="Employer").get_by_role("link", name="Positions").click()
    expect(heading(owner)).to_have_text("Positions")
    expect(owner.get_by_text("No positions yet.")).to_be_visible()

    # --- The position: a cook in Toronto at $18.50 an hour, 40 hours a week (low wage).
    owner.get_by_role("link", name="Add a position", exact=True).click()
    expect(heading(owner)).to_have_text("Add a position")
    fill(owner, "Job title", TITLE)
    fill(owner, "NOC 2021 code", "63200")
    choose(owner, "Stream", "Low-wage")
    fill(owner, "Duties", "Prepare and cook complete meals; clean the kitchen and work areas.")
    fill(owner, "Work address", "1 King St W")
    fill(owner, "City", "Toronto")
    choose(owner, "Province or territory", "Ontario")
    fill(owner, "Postal code", "M5H 1A1")
    owner.get_by_label("Economic region (Job Bank)", exact=True).select_option("ER3530")
    fill(owner, "Census metropolitan area (CMA)", "Toronto")
    fill(owner, "Wage offered", "18.50")
    fill(owner, "Hours per week", "40")
    fill(owner, "Number of workers", "1")
    fill(owner, "Duration (months)", "12")
    fill(owner, "Planned submission date", PLANNED)
    owner.get_by_role("button", name="Save the position").click()
    expect(flash(owner)).to_have_text(
        "The position is saved. Next: record your recruitment activities."
    )
    expect(heading(owner)).to_have_text(TITLE)
    expect(owner.get_by_text("NOC 63200", exact=False).first).to_be_visible()
    position_url = owner.url
    assert re.search(r"/employers/\d+/positions/\d+/$", position_url), position_url
    facts = section(owner, "The position")
    expect(facts).to_contain_text("1 King St W, Toronto, ON M5H 1A1")
    expect(facts).to_contain_text("Jan 15, 2027")
    expect(section(owner, "Wage check")).to_contain_text("$18.50")
    expect(
        owner.get_by_text("No recruitment recorded yet. Start with the Job Bank ad.")
    ).to_be_visible()

    # --- The Job Bank posting, still running, with Direct Apply.
    owner.get_by_role("link", name="Add a recruitment activity").click()
    expect(heading(owner)).to_have_text("Add a recruitment activity")
    choose(owner, "Method", "Job Bank")
    choose(owner, "Kind", "Posting (runs between dates)")
    fill(owner, "Posted on", JOB_BANK_START)
    fill(owner, "Where (site, newspaper, organisation)", "Job Bank")
    fill(owner, "Job number or link", "3141592")
    owner.get_by_label("Job Bank Direct Apply enabled for the whole posting").check()
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner)).to_have_text("The recruitment activity is saved.")

    # --- One additional method: a job board, for eight weeks.
    owner.get_by_role("link", name="Add a recruitment activity").click()
    choose(owner, "Method", "Job board (e.g. Indeed)")
    fill(owner, "Posted on", BOARD_START)
    fill(owner, "Taken down on", BOARD_END)
    fill(owner, "Where (site, newspaper, organisation)", "Indeed")
    owner.get_by_role("button", name="Save", exact=True).click()
    expect(flash(owner)).to_have_text("The recruitment activity is saved.")
    activities = section(owner, "Recruitment activities").get_by_role("row")
    expect(activities.filter(has_text="Job Bank")).to_contain_text("still running")
    expect(activities.filter(has_text="Indeed")).to_contain_text("Nov 30, 2026")

    # --- The compliance page.
    owner.get_by_role("navigation", name="Position").get_by_role("link", name="Compliance").click()
    compliance_url = owner.url
    assert compliance_url.endswith("/compliance"), compliance_url
    check_compliance_page(owner)
    # An owner cannot waive: that is the representative's call.
    expect(owner.get_by_text("Waive this finding")).to_have_count(0)
    no_sideways_scroll(owner, shots, "compliance")

    # --- The same page without JavaScript: signing in and reading it need no script.
    plain = new_page(java_script_enabled=False)
    sign_in(plain, OWNER_EMAIL)
    plain.goto(compliance_url)
    check_compliance_page(plain)

    # --- ... and on a phone, from the start.
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, OWNER_EMAIL)
    phone.goto(compliance_url)
    check_compliance_page(phone)
    scroll = page_width(phone)
    assert scroll <= PHONE["width"], f"the compliance page scrolls sideways on a phone: {scroll}"


def position_with_two_ads(make, owner, employer) -> str:
    """The cook position with its Job Bank ad (A1) and a job board ad (A2), entered through
    the app's own forms by the owner with a test client; returns the position's path."""
    client = make.signed_in_client(owner)
    response = post_form(client, f"/employers/{employer.id}/positions/new", POSITION_FORM)
    assert response.status_code == 302, text_of(response)
    path = response.headers["Location"]
    for form in (JOB_BANK_FORM, JOB_BOARD_FORM):
        response = post_form(client, f"{path}activities/new", form)
        assert response.status_code == 302, text_of(response)
    return path


BAD_CSV = CSV_HEADER + (
    "Jean Tremblay,tourist,A1,direct_apply,2026-10-03,,no,no,not_suitable\n"
    "Amara Okafor,permanent_resident,A2,email,2026-10-08,,no,no,lacks_experience\n"
    "Luis Ortega,foreign,A9,direct_apply,15/10/2026,,no,no,\n"
)
GOOD_CSV = CSV_HEADER + (
    "Jean Tremblay,citizen,A1,direct_apply,2026-10-03,2026-10-10,yes,no,declined_offer\n"
    "Amara Okafor,permanent_resident,A2,email,2026-10-08,,no,no,lacks_experience\n"
    "Luis Ortega,foreign,A1,direct_apply,2026-10-09,,no,no,\n"
)


def test_owner_imports_the_applicant_log_from_csv(app, make, live_server, new_page, tmp_path):
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner_user, operating_name=EMPLOYER)
    position_path = position_with_two_ads(make, owner_user, employer)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    bad_file, good_file = tmp_path / "applicants-draft.csv", tmp_path / "applicants.csv"
    bad_file.write_text(BAD_CSV, encoding="utf-8")
    good_file.write_text(GOOD_CSV, encoding="utf-8")

    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(position_path)
    owner.get_by_role("navigation", name="Position").get_by_role("link", name="Applicants").click()
    expect(heading(owner)).to_have_text("Applicants")
    expect(owner.get_by_text("No applicants logged yet.")).to_be_visible()
    owner.get_by_role("link", name="Import from a spreadsheet").click()
    expect(heading(owner)).to_have_text("Import applicants from a spreadsheet")
    # Issue 7 U7: the page lists the allowed codes, the activities among them.
    expect(owner.locator("#codes-source")).to_contain_text("A1")
    expect(owner.locator("#codes-source")).to_contain_text("A2")

    # --- A draft with problems on two rows (spreadsheet numbering: the header is row 1).
    owner.get_by_label("Spreadsheet (CSV or XLSX)", exact=True).set_input_files(bad_file)
    owner.get_by_role("button", name="Check and import").click()
    expect(heading(owner)).to_have_text("Import applicants from a spreadsheet")
    expect(owner.get_by_role("alert").first).to_contain_text(
        "Nothing was imported: fix the rows below and upload again."
    )
    problems = owner.get_by_role("alert").filter(has=owner.locator("table.problems"))
    expect(problems.get_by_role("heading")).to_have_text("3 problems found")
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        ["2", "status", re.compile(r'^"tourist" is not one of: citizen, permanent_resident')]
    )
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        ["4", "applied_on", 'not a date in the form YYYY-MM-DD ("15/10/2026")']
    )
    expect(rows.nth(2).get_by_role("cell")).to_have_text(
        ["4", "source", 'no recruitment activity "A9"; use one of: A1, A2']
    )
    expect(problems).not_to_contain_text("Amara Okafor")  # row 3 was fine
    expect(problems.locator("tbody td:first-child")).to_have_text(["2", "4", "4"])
    no_sideways_scroll(owner, shots, "import-problems")

    # All or nothing: the good row 3 was not imported either. (The import page has no link
    # back to the log, so the owner opens it by its address.)
    owner.goto(f"{position_path}applicants")
    expect(heading(owner)).to_have_text("Applicants")
    expect(owner.get_by_text("No applicants logged yet.")).to_be_visible()
    expect(owner.get_by_role("table")).to_have_count(0)
    summary = section(owner, "Summary for the LMIA form")
    expect(
        summary.locator("dt", has_text="Local applicants who applied").locator("+ dd")
    ).to_have_text("0")

    # --- The corrected file: three applicants.
    owner.get_by_role("link", name="Import from a spreadsheet").click()
    owner.get_by_label("Spreadsheet (CSV or XLSX)", exact=True).set_input_files(good_file)
    owner.get_by_role("button", name="Check and import").click()
    expect(flash(owner)).to_have_text("3 applicants imported.")
    expect(heading(owner)).to_have_text("Applicants")
    body = owner.get_by_role("table").locator("tbody tr")
    expect(body).to_have_count(3)
    expect(body.locator("td:first-child")).to_have_text(
        ["Jean Tremblay", "Amara Okafor", "Luis Ortega"]
    )
    jean = body.filter(has_text="Jean Tremblay")
    expect(jean).to_contain_text("Canadian citizen")
    expect(jean).to_contain_text("Oct 10, 2026")
    expect(jean).to_contain_text("Declined the offer")
    expect(body.filter(has_text="Luis Ortega")).to_contain_text("Foreign national")

    # The summary for the LMIA form agrees with the log: two local applicants, one foreign.
    summary = section(owner, "Summary for the LMIA form")
    for term, count in [
        ("Local applicants who applied", "2"),
        ("Interviewed", "1"),
        ("Offered the job", "1"),
        ("Hired", "0"),
        ("Foreign nationals who applied", "1"),
    ]:
        expect(summary.locator("dt", has_text=term).locator("+ dd")).to_have_text(count)
    expect(summary.get_by_role("listitem")).to_have_text(
        ["Declined the offer: 1", "Lacks the experience: 1"]
    )
    expect(summary.get_by_text("have no reason recorded")).to_have_count(0)
    no_sideways_scroll(owner, shots, "applicants")

    # The position page counts them too.
    owner.get_by_role("navigation", name="Position").get_by_role("link", name="Position").click()
    applicants = section(owner, "The position").locator("dt", has_text="Applicants logged")
    expect(applicants.locator("+ dd")).to_have_text("3")


def test_representative_waives_a_finding_with_a_reason(app, make, live_server, new_page):
    owner_user = make.user(email=OWNER_EMAIL, name=OWNER_NAME)
    employer = make.employer(owner_user, operating_name=EMPLOYER)
    lawyer_user = make.user(email=LAWYER_EMAIL, name=LAWYER_NAME)
    make.member(employer, user=lawyer_user, role=Role.REPRESENTATIVE)
    position_path = position_with_two_ads(make, owner_user, employer)
    reason = "The second group-targeted ad ran on a community board; proof in the file."

    # --- The representative finds the client's position from their dashboard.
    lawyer = new_page()
    sign_in(lawyer, LAWYER_EMAIL)
    clients = section(lawyer, "Your clients")
    clients.get_by_role("link", name=EMPLOYER).click()
    expect(heading(lawyer)).to_have_text(EMPLOYER)
    lawyer.get_by_role("navigation", name="Employer").get_by_role("link", name="Positions").click()
    lawyer.get_by_role("link", name=TITLE, exact=True).click()
    expect(lawyer).to_have_url(f"{live_server.url}{position_path}")
    expect(lawyer.get_by_role("link", name="Add a recruitment activity")).to_have_count(0)
    lawyer.get_by_role("navigation", name="Position").get_by_role("link", name="Compliance").click()
    expect(heading(lawyer)).to_have_text("Compliance check")
    counts = lawyer.locator(".verdict .counts")
    errors_before = int(re.search(r"(\d+) errors", counts.inner_text()).group(1))
    assert errors_before >= 2
    expect(counts).not_to_contain_text("waived")

    # --- They waive REC-URG-2, giving their reason.
    urg = finding(lawyer, "REC-URG-2")
    urg.get_by_text("Waive this finding").click()
    urg.get_by_label("Why this finding is acceptable (kept on record)").fill(reason)
    urg.get_by_role("button", name="Waive", exact=True).click()
    expect(flash(lawyer)).to_have_text(
        "The finding REC-URG-2 is waived, with your reason on record."
    )
    urg = finding(lawyer, "REC-URG-2")
    expect(urg).to_have_class(re.compile(r"\bfinding-waived\b"))
    expect(urg.locator("p.waived")).to_have_text(
        re.compile(rf"^Waived by {LAWYER_NAME} on \w{{3}} \d{{1,2}}, \d{{4}}: {re.escape(reason)}$")
    )
    expect(urg.get_by_role("button", name="Withdraw the waiver")).to_be_visible()
    expect(urg.get_by_text("Waive this finding")).to_have_count(0)
    expect(counts).to_contain_text(f"{errors_before - 1} errors")
    expect(counts).to_contain_text("1 waived")
    # Other findings stay open.
    expect(finding(lawyer, "REC-ADDL-2")).not_to_have_class(re.compile("finding-waived"))

    # --- The owner sees the waiver and who gave it, but cannot withdraw it.
    owner = new_page()
    sign_in(owner, OWNER_EMAIL)
    owner.goto(f"{position_path}compliance")
    owner_view = finding(owner, "REC-URG-2")
    expect(owner_view.locator("p.waived")).to_contain_text(f"Waived by {LAWYER_NAME} on ")
    expect(owner_view.locator("p.waived")).to_contain_text(reason)
    expect(owner_view.get_by_role("button", name="Withdraw the waiver")).to_have_count(0)
    expect(owner.locator(".verdict .counts")).to_contain_text("1 waived")

    # --- The representative withdraws it: the finding is open again.
    urg.get_by_role("button", name="Withdraw the waiver").click()
    expect(flash(lawyer)).to_have_text("The waiver is withdrawn.")
    urg = finding(lawyer, "REC-URG-2")
    expect(urg).not_to_have_class(re.compile("finding-waived"))
    expect(urg.get_by_text("Waive this finding")).to_be_visible()
    expect(counts).to_contain_text(f"{errors_before} errors")
    expect(counts).not_to_contain_text("waived")
