"""Command-line tools: ``flask --app portal seed-demo``."""

import click
from flask import g
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.auth.services import register_user
from portal.employers.services import create_employer
from portal.extensions import db
from portal.models import Membership, Role, User

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


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Create a demo restaurant hiring cooks, its people, and a lawyer with two clients."""
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
    db.session.commit()

    click.echo("Demo data is ready. Sign in at http://127.0.0.1:5000/account/login with:")
    for key, (name, email) in DEMO_PEOPLE.items():
        click.echo(f"  {key:<13} {email:<34} {name}")
    click.echo(f"  password for all: {DEMO_PASSWORD}")
