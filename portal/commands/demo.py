"""``flask --app portal seed-demo``: a demo restaurant, its people, a lawyer and two positions,
and what happened after the chef's LMIA (issue 10): the worker's road and payroll."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.auth.services import register_user
from portal.cases import parse_case
from portal.employers.services import create_employer
from portal.extensions import db
from portal.models import Membership, Position, Role, User
from portal.offers import services as offer_services
from portal.payroll.services import import_periods
from portal.positions.services import import_case
from portal.road import services as road_services
from portal.road.dates import lmia_valid_until
from portal.road.payroll import parse_payroll

# Printed on purpose: demo accounts on a developer's own machine.
DEMO_PASSWORD = "maple-syrup-harvest-2026"  # noqa: S105  # nosec B105 # the demo seed's, printed

DEMO_PEOPLE = {
    "owner": ("Sofia Marchetti", "owner@maple-bistro.example"),
    "staff": ("Daniel Okafor", "staff@maple-bistro.example"),
    "lawyer": ("Priya Raman", "lawyer@harbourfront-law.example"),
    "second_owner": ("Hank Dueck", "owner@prairie-greens.example"),
}

DEMO_EMPLOYERS = [
    {
        "legal_name": "Marchetti Hospitality Inc.",
        "operating_name": "Maple Leaf Bistro",
        "business_number": "871234563",
        "street_address": "412 Queen Street West",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5V 2A9",
        "phone": "+1 416-555-0142",
        "naics_code": "722511",
    },
    {
        "legal_name": "Prairie Greens Produce Ltd.",
        "operating_name": None,
        "business_number": "812345675",
        "street_address": "55 Greenhouse Road",
        "city": "Steinbach",
        "province": "MB",
        "postal_code": "R5G 1A1",
        "phone": "+1 204-555-0187",
        "naics_code": "111419",
    },
]


# Two positions for the bistro: a chef whose file is complete, and line cooks whose file has
# several findings (recruitment too short and too narrow, wage under the median, a fee charged
# to a worker). Each names one foreign worker with a job offer (lmia-case/2 ``workers``, made
# into Worker rows by import_case): the chef's in English and clean, the line cook's in French
# at $17.00 an hour against the position's $17.50 (WAGE-AD-OFFER). Each worker has answered an
# attestation (lmia-case/2 ``workers[i].attestation``, made into an answered Attestation row by
# import_case, created by the owner): the line cook's worker reports a $3,000 "processing fee"
# paid to the unlicensed recruiter Global Kitchen Staffing, the chef's that nobody was paid.
# The line cook's dates are moved so that the planned filing is always 10 days away; the answers
# are dated 12 days before it, two days ago (an answer is something that has happened). The
# chef's position is further along (issue 10): it was filed CHEF_FILED_DAYS_AGO, so its offer's
# start date is its worker's first day of work, two months ago.
DEMO_CASES = ("chef_compliant.json", "line_cook_findings.json")
LINE_COOK_FILES_IN_DAYS = 10
CHEF_FILED_DAYS_AGO = 150

# After the chef's LMIA (issue 10), in days from today: the LMIA approved 10 weeks ago (valid 6
# months); Marco Bellini, an Italian citizen (no visitor visa: an eTA), applied for his permit at
# the port of entry when he arrived 9 weeks ago and was issued it there; he started work on his
# offer's start date. His permit was issued for less than the LMIA's duration and expires in 90
# days with no renewal under way, so ROAD-PERMIT-EXPIRY stands. The line cook's worker waits
# for the LMIA (no decision recorded).
CHEF_LMIA = {
    "number": "8123456",
    "decided_days_ago": 70,
    "positions_approved": 1,
}
CHEF_ROAD = {
    "arrived_days_ago": 63,  # permit applied for and issued at the border that day
    "offer_signed_days_ago": 68,
    "first_day_days_ago": 60,
    "permit_expires_in_days": 90,
    "ircc_reference": "W307418265",
    "permit_number": "U104527391",
    # As printed on the permit: the position's employer, occupation and location.
    "permit_employer": "Marchetti Hospitality Inc.",
    "permit_occupation": "62200 - Chefs",
    "permit_location": "Toronto, ON",
}
# Marco's payroll, biweekly from his first day, paid five days after each period ends; the third
# period paid 74 hours' wages for 80 hours worked (PAY-BELOW-OFFER). The file's dates are as of
# a first day of PAYROLL_FIRST_DAY and moved like the cases'.
PAYROLL_FILE = "payroll_chef.csv"
PAYROLL_FIRST_DAY = date(2026, 10, 5)
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _shift_dates(value, delta: timedelta):
    if isinstance(value, dict):
        return {key: _shift_dates(item, delta) for key, item in value.items()}
    if isinstance(value, list):
        return [_shift_dates(item, delta) for item in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        return (date.fromisoformat(value) + delta).isoformat()
    return value


def _shift_text(text: str, delta: timedelta) -> str:
    return re.sub(
        r"\b\d{4}-\d{2}-\d{2}\b",
        lambda m: (date.fromisoformat(m.group(0)) + delta).isoformat(),
        text,
    )


def demo_case(name: str, submission_date: date):
    """A packaged demo case with every date moved so it is filed on ``submission_date``."""
    document = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
    delta = submission_date - date.fromisoformat(document["submission_date"])
    return parse_case(json.dumps(_shift_dates(document, delta)))


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Create a demo restaurant hiring cooks (a named worker each), its people, and a lawyer
    with two clients."""
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("Database already has users; demo not seeded.")
            return
        if db.session.scalar(select(User).where(User.email == DEMO_PEOPLE["owner"][1])):
            raise click.ClickException("The demo is already seeded.")

    people = {
        key: register_user(name, email, DEMO_PASSWORD) for key, (name, email) in DEMO_PEOPLE.items()
    }
    g.audit_actor_id = people["owner"].id
    bistro = create_employer(people["owner"], DEMO_EMPLOYERS[0], employees_at_address=14)
    g.audit_actor_id = people["second_owner"].id
    greens = create_employer(people["second_owner"], DEMO_EMPLOYERS[1], employees_at_address=38)
    g.audit_actor_id = people["owner"].id
    db.session.add_all(
        [
            Membership(employer_id=bistro.id, user_id=people["staff"].id, role=Role.STAFF),
            Membership(
                employer_id=bistro.id,
                user_id=people["lawyer"].id,
                role=Role.REPRESENTATIVE,
                law_society="Law Society of Ontario",
                law_society_number="LSO-81234",
            ),
            Membership(
                employer_id=greens.id,
                user_id=people["lawyer"].id,
                role=Role.REPRESENTATIVE,
                law_society="Law Society of Ontario",
                law_society_number="LSO-81234",
            ),
        ]
    )
    today = date.today()
    filed = {
        "chef_compliant.json": today - timedelta(days=CHEF_FILED_DAYS_AGO),
        "line_cook_findings.json": today + timedelta(days=LINE_COOK_FILES_IN_DAYS),
    }
    positions = [
        import_case(bistro, demo_case(name, filed[name]), people["owner"].id) for name in DEMO_CASES
    ]
    db.session.flush()
    g.employer = bistro  # the tenancy scope the offer and payroll services read through
    seed_after_lmia(positions[0], people["owner"], today)
    db.session.commit()

    click.echo("Demo data is ready. Sign in at http://127.0.0.1:5000/account/login with:")
    for key, (name, email) in DEMO_PEOPLE.items():
        click.echo(f"  {key:<13} {email:<34} {name}")
    click.echo(f"  password for all: {DEMO_PASSWORD}")


def seed_after_lmia(chef: Position, owner: User, today: date) -> None:
    """The chef's LMIA approved, Marco Bellini's offer issued and signed, his road to his first
    day of work and his payroll, through the services the pages use (audited with the owner as
    the actor, like the rest of the demo)."""
    decided = today - timedelta(days=CHEF_LMIA["decided_days_ago"])
    road_services.save_decision(
        chef,
        {
            "lmia_number": CHEF_LMIA["number"],
            "lmia_decision": "approved",
            "lmia_decided_on": decided,
            "lmia_positions_approved": CHEF_LMIA["positions_approved"],
            "lmia_valid_until": lmia_valid_until(decided, None),  # as the letter states it
        },
        str(chef.version),
    )

    marco = offer_services.workers_of(chef)[0]  # the chef's file names one worker
    version = offer_services.generate_version(chef, marco, owner)
    offer_services.issue(version, owner, today)
    # Issued before he applied for his permit, as a real road goes (the service stamps now).
    signed = today - timedelta(days=CHEF_ROAD["offer_signed_days_ago"])
    version.issued_at = version.issued_at.replace(
        year=signed.year, month=signed.month, day=signed.day
    )
    offer_services.record_signatures(
        marco,
        {
            "employer_name": owner.full_name,
            "employer_on": signed,
            "worker_name": marco.name,
            "worker_on": signed,
        },
    )

    arrived = today - timedelta(days=CHEF_ROAD["arrived_days_ago"])
    first_day = today - timedelta(days=CHEF_ROAD["first_day_days_ago"])
    # The worker's road as the road form saves it (the first day sets the retention).
    road_services.save_road(
        chef,
        marco,
        {
            "permit_applied_on": arrived,
            "ircc_reference": CHEF_ROAD["ircc_reference"],
            "visa_required": False,
            "permit_number": CHEF_ROAD["permit_number"],
            "permit_issued_on": arrived,
            "permit_expires_on": today + timedelta(days=CHEF_ROAD["permit_expires_in_days"]),
            "permit_employer": CHEF_ROAD["permit_employer"],
            "permit_occupation": CHEF_ROAD["permit_occupation"],
            "permit_location": CHEF_ROAD["permit_location"],
            "arrived_on": arrived,
            "first_day_on": first_day,
        },
        None,
    )

    raw = (DEMO_DIR / PAYROLL_FILE).read_text(encoding="utf-8")
    text = _shift_text(raw, first_day - PAYROLL_FIRST_DAY)
    periods, problems, kind = parse_payroll(text.encode("utf-8"))
    if problems:  # a packaged file: a problem here is a bug, named by row and column
        raise click.ClickException("; ".join(f"{PAYROLL_FILE}: {problem}" for problem in problems))
    import_periods(chef, marco, periods, kind)
