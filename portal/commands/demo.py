"""``flask --app portal seed-demo``: a demo restaurant, its people, a lawyer and two positions."""

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
from portal.models import Membership, Role, User
from portal.positions.services import import_case

# Printed on purpose: demo accounts on a developer's own machine.
DEMO_PASSWORD = "maple-syrup-harvest-2026"  # noqa: S105

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
# Their dates are moved so that the planned filing is always 10 days away; the answers are dated
# 12 days before it, two days ago (an answer is something that has happened).
DEMO_CASES = ("chef_compliant.json", "line_cook_findings.json")
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
    for name in DEMO_CASES:
        import_case(bistro, demo_case(name, date.today() + timedelta(days=10)), people["owner"].id)
    db.session.commit()

    click.echo("Demo data is ready. Sign in at http://127.0.0.1:5000/account/login with:")
    for key, (name, email) in DEMO_PEOPLE.items():
        click.echo(f"  {key:<13} {email:<34} {name}")
    click.echo(f"  password for all: {DEMO_PASSWORD}")
