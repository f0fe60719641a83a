"""``flask --app portal rotate-keys [--batch-size N]`` and ``flask --app portal new-field-key``.

Rotating the field-encryption key (identity numbers, second-factor secrets):

1. ``flask --app portal new-field-key`` prints a fresh key;
2. put it in front: ``PORTAL_FIELD_KEYS=NEW,OLD`` (the new key encrypts, both decrypt), restart;
3. ``flask --app portal rotate-keys`` re-encrypts every stored value under the new key, a batch
   at a time (each batch its own transaction), and says how many it changed; running it again
   changes nothing;
4. drop the old key: ``PORTAL_FIELD_KEYS=NEW``, restart.

The values are rewritten as stored tokens (SQLAlchemy Core, not the ORM): the clear text never
leaves this process and the audit log records nothing, since nothing a person sees changed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

import click
from flask.cli import with_appcontext
from sqlalchemy import JSON, Integer, String, Text, cast, column, select, table

from portal.crypto import EncryptedJSON, EncryptedString, Keyring, KeyringError, keyring
from portal.extensions import db

EXIT_OK, EXIT_UNREADABLE = 0, 1
DEFAULT_BATCH = 500


@dataclass(frozen=True)
class EncryptedColumn:
    table: str
    column: str
    json_keys: tuple[str, ...] = ()  # for a JSON object: its encrypted keys

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


def encrypted_columns() -> list[EncryptedColumn]:
    """Every column of the models stored encrypted, found from their types (a new encrypted
    column is rotated without a change here)."""
    found = []
    for mapped in db.metadata.sorted_tables:
        for col in mapped.columns:
            if isinstance(col.type, EncryptedString):
                found.append(EncryptedColumn(mapped.name, col.name))
            elif isinstance(col.type, EncryptedJSON):
                found.append(EncryptedColumn(mapped.name, col.name, col.type.encrypted_keys))
    return sorted(found, key=lambda c: c.name)


def _rotated(ring: Keyring, token: str, where: str) -> str | None:
    """The token under the newest key, or None when it already is."""
    try:
        return None if ring.is_current(token) else ring.rotate(token)
    except KeyringError:
        raise KeyringError(
            f"{where} cannot be decrypted with any key of PORTAL_FIELD_KEYS: put back the key it "
            "was written with (after the new one) and run rotate-keys again"
        ) from None


def _rotated_object(ring: Keyring, value, keys, where: str) -> tuple[dict | None, int]:
    """The object with its encrypted keys under the newest key (None when all already are),
    and how many encrypted values it holds."""
    if not isinstance(value, dict):
        return None, 0
    changed, found = dict(value), 0
    for key in keys:
        if isinstance(value.get(key), str):
            found += 1
            token = _rotated(ring, value[key], f"{where} ({key})")
            if token is not None:
                changed[key] = token
    return (changed if changed != value else None), found


def rotate_column(target: EncryptedColumn, ring: Keyring, batch_size: int) -> tuple[int, int]:
    """Re-encrypt one column under the newest key; (values re-encrypted, values already
    under the newest key).

    Each row is rewritten only if it still holds what was read (compare and swap): a person
    saving the row meanwhile wrote it under the newest key already, and is not overwritten."""
    kind = JSON if target.json_keys else String
    rows = table(target.table, column("id", Integer), column(target.column, kind))
    # JSON is read and compared as its stored text (PostgreSQL's json has no equality).
    stored = cast(rows.c[target.column], Text) if target.json_keys else rows.c[target.column]
    rotated = current = 0
    last = 0
    while True:
        with db.engine.begin() as connection:
            batch = connection.execute(
                select(rows.c.id, stored)
                .where(rows.c.id > last, rows.c[target.column].isnot(None))
                .order_by(rows.c.id)
                .limit(batch_size)
            ).all()
            for row_id, raw in batch:
                where = f"{target.name} of row {row_id}"
                if target.json_keys:
                    value = json.loads(raw)
                    new, found = _rotated_object(ring, value, target.json_keys, where)
                    changed = sum(
                        1 for key in target.json_keys if new and new.get(key) != value.get(key)
                    )
                else:
                    new, found = _rotated(ring, raw, where), 1
                    changed = int(new is not None)
                if new is not None:
                    swapped = connection.execute(
                        rows.update()
                        .where(rows.c.id == row_id, stored == raw)
                        .values({target.column: new})
                    ).rowcount
                    if not swapped:  # saved meanwhile, under the newest key
                        changed = 0
                rotated += changed
                current += found - changed
        if len(batch) < batch_size:
            return rotated, current
        last = batch[-1][0]


@click.command("rotate-keys")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 100_000),
    default=DEFAULT_BATCH,
    show_default=True,
    help="Rows re-encrypted per transaction.",
)
@with_appcontext
def rotate_keys(batch_size: int) -> None:
    """Re-encrypt every encrypted value under the newest key of PORTAL_FIELD_KEYS."""
    ring = keyring()
    total_rotated = total_current = 0
    for target in encrypted_columns():
        try:
            rotated, current = rotate_column(target, ring, batch_size)
        except KeyringError as error:
            click.echo(f"rotate-keys: {error}", err=True)
            click.echo(
                f"{total_rotated} values re-encrypted before stopping (kept).",
                err=True,
            )
            sys.exit(EXIT_UNREADABLE)
        click.echo(f"{target.name}: {rotated} re-encrypted, {current} already under the newest key")
        total_rotated += rotated
        total_current += current
    click.echo(
        f"{total_rotated} values re-encrypted, {total_current} already under the newest key "
        f"({len(ring.keys)} key(s) configured)."
    )


@click.command("new-field-key")
def new_field_key() -> None:
    """Print a fresh field-encryption key, to put first in PORTAL_FIELD_KEYS."""
    click.echo(Keyring.new_key())
