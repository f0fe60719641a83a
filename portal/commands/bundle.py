"""``flask --app portal positions`` and ``flask --app portal bundle POSITION_ID --out FILE.zip``:
the same bundle as the button, for a lawyer's own tooling."""

import shutil
from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.evidence import bundles, services
from portal.extensions import db
from portal.models import BundleJob, Employer, Position, Role, User
from portal.tenancy import load_for_operator, scoped_select


@click.command("positions")
@with_appcontext
def list_positions() -> None:
    """List every position: id, employer, title, stream, planned filing date."""
    rows = db.session.execute(
        select(
            Position.id,
            Employer.legal_name,
            Position.title,
            Position.stream,
            Position.planned_submission_date,
        )
        .join(Employer, Employer.id == Position.employer_id)
        .order_by(Position.id)
    )
    for position_id, employer, title, stream, planned in rows:
        when = planned.isoformat() if planned else "-"
        click.echo(f"{position_id:>5}  {employer[:34]:<34}  {title[:30]:<30}  {stream:<13}  {when}")


@click.command("bundle")
@click.argument("position_id", type=int)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the ZIP.",
)
@click.option(
    "--as-user",
    "as_user",
    default=None,
    help="Email of the person the bundle is made for (default: an owner).",
)
@click.option(
    "--language",
    type=click.Choice(["en", "fr"]),
    default="en",
    show_default=True,
    help="The language of the bundle's index.",
)
@with_appcontext
def make_bundle(position_id: int, out: Path, as_user: str | None, language: str) -> None:
    """Write the filing bundle of POSITION_ID to --out (the same ZIP as the button)."""
    position = load_for_operator(Position, position_id)
    if position is None:
        raise click.ClickException(f"no position {position_id}")
    employer = db.session.get(Employer, position.employer_id)
    g.employer = employer
    if as_user:
        user = db.session.scalar(select(User).where(User.email == as_user.strip().lower()))
    else:
        user = db.session.scalar(
            select(User)
            .join(User.memberships)
            .where(User.memberships.any(employer_id=employer.id, role=Role.OWNER))
        )
    if user is None:
        raise click.ClickException("no such user")
    g.audit_actor_id = user.id
    job = BundleJob(
        employer_id=employer.id,
        position_id=position.id,
        requested_by_id=user.id,
        language=language,
    )
    db.session.add(job)
    db.session.commit()
    bundles.build(
        job,
        db.session.scalar(scoped_select(Position).where(Position.id == position_id)),
        employer,
        user,
    )
    with services.evidence_storage().open(job.storage_key) as source, out.open("wb") as target:
        shutil.copyfileobj(source, target)
    click.echo(f"{out}  {job.size_bytes} bytes  sha256 {job.sha256}")
