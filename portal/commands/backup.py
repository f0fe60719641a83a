"""``flask --app portal backup --out DIR`` and ``flask --app portal restore DIR``.

    flask --app portal backup --out DIR     a consistent copy of the database and the evidence
                                            it references, with a manifest of SHA-256 hashes
    flask --app portal restore DIR          into an empty installation only, after checking
                                            every hash

The logic is in :mod:`portal.backup`. Encrypted columns travel as ciphertext: the installation
restored into needs the same ``PORTAL_FIELD_KEYS``.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.backup import FIELD_KEYS_NOTE, BackupError
from portal.backup import backup as make_backup
from portal.backup import restore as restore_backup
from portal.evidence.services import evidence_storage
from portal.extensions import db


def _summary(manifest: dict) -> str:
    tables = manifest["tables"]
    files = sum(1 for name in manifest["files"] if name.startswith("files/"))
    return (
        f"{manifest['database_kind']} database at revision {manifest['alembic_revision']}, "
        f"{len(tables)} tables, {sum(tables.values())} rows, {files} evidence files"
    )


@click.command("backup")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new (or empty) directory to write the backup into.",
)
@with_appcontext
def backup(out: Path) -> None:
    """Back up the database and the evidence store into a new directory."""
    try:
        result = make_backup(db.engine, evidence_storage(), out)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {result.directory}: {_summary(result.manifest)}.")
    for key in result.missing_keys:
        click.echo(f"warning: evidence {key} is referenced but missing from the store", err=True)
    click.echo(FIELD_KEYS_NOTE)


@click.command("restore")
@click.argument("directory", type=click.Path(path_type=Path))
@with_appcontext
def restore(directory: Path) -> None:
    """Restore a backup into an empty database and an empty evidence store."""
    try:
        result = restore_backup(db.engine, evidence_storage(), directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {result.directory}: {_summary(result.manifest)}; counts match.")
    click.echo(FIELD_KEYS_NOTE)
