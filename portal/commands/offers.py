"""``flask --app portal workers`` and ``flask --app portal offer-letter``: a position's named
workers, and the current job offer / employment agreement of one of them, for scripts and checks.

    flask --app portal workers [--position ID]
    flask --app portal offer-letter POSITION_ID --worker WORKER_ID --out FILE.pdf|FILE.docx
                                    [--lang en|fr]

``workers`` prints one worker a line, ``POSITION_ID WORKER_ID NAME``, ordered by position then
worker. ``offer-letter`` renders the letter from the position's and the worker's current data
(what the worker's page previews), DRAFT on every page while an unwaived error about the offer
stands; it stores nothing (a stored, issued version is made on the worker's page). Rows are read
through ``portal.tenancy`` like every other query of employer-owned data.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from datetime import date
from pathlib import Path

import click
from flask import g
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from portal.models import Employer, Position, Worker
from portal.tenancy import load_for_operator, scoped_select

FORMATS = {".pdf": "PDF", ".docx": "DOCX"}


def _one_line(name: str | None) -> str:
    """The name on one line (an imported name may hold a line break), ``-`` when empty."""
    return " ".join((name or "").split()) or "-"


def _position(position_id: int) -> Position:
    position = load_for_operator(Position, position_id)
    if position is None:
        raise click.ClickException(f"no position {position_id}")
    g.employer = db.session.get(Employer, position.employer_id)  # the tenancy scope from here
    return position


@click.command("workers")
@click.option("--position", "position_id", type=int, default=None, help="Only this position's.")
@with_appcontext
def list_workers(position_id: int | None) -> None:
    """List the named foreign workers, one a line: POSITION_ID WORKER_ID NAME."""
    if position_id is not None:
        _position(position_id)
        employers = [g.employer]
    else:
        employers = list(db.session.scalars(select(Employer).order_by(Employer.id)))
    rows = []
    for employer in employers:
        g.employer = employer  # each employer's workers through its own scope
        query = scoped_select(Worker)
        if position_id is not None:
            query = query.where(Worker.position_id == position_id)
        rows += [(w.position_id, w.id, w.name) for w in db.session.scalars(query)]
    for position, worker, name in sorted(rows, key=lambda row: row[:2]):
        click.echo(f"{position} {worker} {_one_line(name)}")


@click.command("offer-letter")
@click.argument("position_id", type=int)
@click.option("--worker", "worker_id", type=int, required=True, help="The worker's id.")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the letter: FILE.pdf or FILE.docx (the format follows the name).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["en", "fr"]),
    default=None,
    help="The letter's language (default: the worker's).",
)
@with_appcontext
def offer_letter(position_id: int, worker_id: int, out: Path, language: str | None) -> None:
    """Write the current job offer of WORKER_ID on POSITION_ID to --out (PDF or DOCX)."""
    # Imported here: the letter pulls in WeasyPrint, which the other commands do not need.
    from portal.offers import render, services

    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise click.ClickException(
            f"--out must end in .pdf or .docx (the format follows the file name), not {out.name!r}"
        )
    if not out.parent.is_dir():
        raise click.ClickException(f"no folder {str(out.parent)!r} to write {out.name!r} in")
    position = _position(position_id)
    worker = db.session.scalar(scoped_select(Worker).where(Worker.id == worker_id))
    if worker is None or worker.position_id != position.id:
        raise click.ClickException(f"no worker {worker_id} on position {position_id}")

    if not worker.offer:
        raise click.ClickException(
            f"worker {worker_id} has no job offer yet: enter its terms on the worker's page"
        )
    inputs = services.current_inputs(position, worker, language)
    errors = services.blocking_errors(position, worker, date.today())
    write = render.letter_pdf if suffix == ".pdf" else render.letter_docx
    data = write(inputs, draft=bool(errors))
    _write_atomically(out, data)
    if errors:
        click.echo(
            f"DRAFT: {len(errors)} unwaived error(s) about this offer; "
            "the worker's page lists them.",
            err=True,
        )
    click.echo(f"{out}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")


def _write_atomically(out: Path, data: bytes) -> None:
    """Write beside ``out`` and rename, so a failed run never leaves half a letter."""
    fd, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
