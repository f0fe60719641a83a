"""``flask --app portal sweep [--grace-minutes N]`` and ``flask --app portal check-integrity``.

``sweep`` removes what a crashed process left (``portal.maintenance``): temp files and stored
files no row names, unchanged for the grace period (default 60 minutes), and marks failed the
bundle builds whose process died or that ran past their limit; and it forgets the claims of
create forms posted more than a day ago (``portal.edits``). ``send-reminders``, the command
a scheduler runs daily, sweeps too, so one cron line does both.

``check-integrity`` prints what it checked: every row's stored file is there with its SHA-256,
no orphan, no temp file, no build running, the database's own check; exit 1 on any problem.
Run it on a quiet installation (after a restart): an upload in progress is a temp file.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import edits, maintenance
from portal.extensions import db

EXIT_PROBLEM = 1


def work_dir() -> Path:
    """Where uploads, offer letters and bundles are made before they are stored."""
    return Path(current_app.instance_path) / "tmp"


def run_sweep(grace_seconds: float = maintenance.DEFAULT_GRACE_SECONDS) -> maintenance.Swept:
    """The whole sweep in this app: bundle builds left running first (their stored file, if
    any, then becomes an orphan), then temp files and orphans."""
    from portal.evidence import bundles
    from portal.evidence.services import evidence_storage

    stale_jobs = bundles.sweep_all()
    with db.engine.connect() as connection:
        swept = maintenance.sweep(connection, evidence_storage(), work_dir(), grace_seconds)
    with db.engine.begin() as connection:
        swept.submission_claims = edits.prune_submission_claims(connection)
    swept.stale_jobs = stale_jobs
    return swept


@click.command("sweep")
@click.option(
    "--grace-minutes",
    type=click.IntRange(0, 7 * 24 * 60),
    default=maintenance.DEFAULT_GRACE_SECONDS // 60,
    show_default=True,
    help="Leave what changed within this many minutes (an operation may still be running).",
)
@with_appcontext
def sweep(grace_minutes: int) -> None:
    """Remove stale temp files and orphan stored files; end bundle builds left running."""
    for line in run_sweep(grace_minutes * 60).lines():
        click.echo(line)


@click.command("check-integrity")
@with_appcontext
def check_integrity() -> None:
    """Check every stored file against its row; exit 1 on any problem."""
    from portal.evidence.services import evidence_storage

    with db.engine.connect() as connection:
        result = maintenance.check(connection, evidence_storage(), work_dir())
    for line in result.lines():
        click.echo(line)
    click.echo("integrity: ok" if result.ok else "integrity: PROBLEMS FOUND")
    if not result.ok:
        click.get_current_context().exit(EXIT_PROBLEM)


__all__ = ["check_integrity", "run_sweep", "sweep"]
