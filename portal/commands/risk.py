"""``flask --app portal risk [--employer ID] [--format text|json] [--as-of YYYY-MM-DD]``: every
fee and fraud finding of every live position (or one employer's), the same list as the risk
view, newest record first within each position.

Exit status: 1 when any error-level fee or fraud finding stands (not waived), else 0; 2 for a
usage error (an unknown employer, a date out of range).
"""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from portal.limits import as_of_in_range
from portal.models import Employer
from portal.positions.reference import labour_market
from portal.risk import standing_errors
from portal.riskview.services import acting_for, live_positions, position_risk

EXIT_OK, EXIT_RISK, EXIT_USAGE = 0, 1, 2


@click.command("risk")
@click.option("--employer", "employer_id", type=int, default=None, help="Only this employer.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One finding a line, or a JSON list.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run the rules as of this day (default: today).",
)
@with_appcontext
def risk(employer_id: int | None, output: str, as_of) -> None:
    """List every fee and fraud finding with its position; exit 1 when an error stands."""
    day: date = as_of.date() if as_of else date.today()
    if not as_of_in_range(day):
        raise click.UsageError(f"--as-of {day.isoformat()} is outside the dates the rules cover.")
    query = select(Employer).order_by(Employer.id)
    if employer_id is not None:
        query = query.where(Employer.id == employer_id)
    employers = list(db.session.scalars(query))
    if employer_id is not None and not employers:
        raise click.UsageError(f"no employer {employer_id}")
    reference = labour_market()
    rows = []
    errors = 0
    for employer in employers:
        with acting_for(employer):
            for position in live_positions():
                items = position_risk(position, day, reference)
                errors += standing_errors(items)
                rows.extend((employer, position, item) for item in items)
    if output == "json":
        document = [
            {
                "position": position.id,
                "rule": item.finding.rule,
                "severity": item.finding.severity,
                "subject": item.finding.subject,
                "message": item.finding.message,
                "waived": item.waived,
            }
            for _employer, position, item in rows
        ]
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for employer, position, item in rows:
            waived = " (waived)" if item.waived else ""
            when = item.dated.isoformat() if item.dated else "-"
            click.echo(
                f"position {position.id} ({employer.display_name}: {position.title})  "
                f"{item.finding.severity:<7}  {item.finding.rule}{waived}  {when}  "
                f"{item.finding.subject}  {item.finding.message}"
            )
        if not rows:
            click.echo("No fee or fraud finding.")
    click.get_current_context().exit(EXIT_RISK if errors else EXIT_OK)
