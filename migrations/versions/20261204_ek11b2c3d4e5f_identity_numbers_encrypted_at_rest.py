"""identity numbers encrypted at rest: the LMIA number of a position, the permit number, IRCC
reference and Employer Portal offer number of a worker's road, and the LMIA / offer number
inside a worker's offer and each letter's inputs, under the keyring of PORTAL_FIELD_KEYS.

The columns are widened to hold a Fernet token and every clear value is encrypted; the stored
digest of a letter's inputs is recomputed without the identity numbers (a 7-digit LMIA number
could be guessed back from it). The downgrade decrypts back and refuses, naming the row, a
value the older column cannot hold or no configured key can open.

Revision ID: ek11b2c3d4e5f
Revises: sc11a1b2c3d4e
Create Date: 2026-12-04 19:00:00

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa

from portal.crypto import KeyringError, keyring


# revision identifiers, used by Alembic.
revision = 'ek11b2c3d4e5f'
down_revision = 'sc11a1b2c3d4e'
branch_labels = None
depends_on = None

# (table, column, clear length = the older column's length, token length = EncryptedString's)
COLUMNS = (
    ('positions', 'lmia_number', 20, 204),
    ('worker_roads', 'offer_of_employment_number', 20, 204),
    ('worker_roads', 'ircc_reference', 40, 312),
    ('worker_roads', 'permit_number', 20, 204),
)
# JSON objects whose identity keys are encrypted (portal.models.offers.OFFER_IDENTITY_KEYS).
JSON_COLUMNS = (('workers', 'offer'), ('offer_versions', 'inputs'))
JSON_KEYS = ('lmia_number', 'employer_portal_offer_number')
BATCH = 500


def _rows(bind, table, column, column_type):
    """(id, value) of every row with a value, a batch at a time."""
    t = sa.table(table, sa.column('id', sa.Integer), sa.column(column, column_type))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(t.c.id, t.c[column])
            .where(t.c.id > last, t.c[column].isnot(None))
            .order_by(t.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _update(bind, table, row_id, **values):
    types = {name: sa.JSON if isinstance(value, dict) else sa.String for name, value in values.items()}
    t = sa.table(table, sa.column('id', sa.Integer), *(sa.column(n, types[n]) for n in values))
    bind.execute(t.update().where(t.c.id == row_id).values(**values))


def _digest(inputs: dict, leave_out=()) -> str:
    kept = {k: v for k, v in inputs.items() if k not in leave_out}
    canonical = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(',', ':'))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _decrypt(ring, token, where):
    try:
        return ring.decrypt(token)
    except KeyringError:
        raise RuntimeError(
            f"refusing to downgrade: {where} cannot be decrypted with any key of "
            "PORTAL_FIELD_KEYS; nothing was changed"
        ) from None


def upgrade():
    ring = keyring()
    bind = op.get_bind()
    for table, column, clear, token in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.String(length=clear), type_=sa.String(length=token)
            )
    for table, column, _, _ in COLUMNS:
        for row_id, value in list(_rows(bind, table, column, sa.String)):
            _update(bind, table, row_id, **{column: ring.encrypt(value)})
    for table, column in JSON_COLUMNS:
        for row_id, value in list(_rows(bind, table, column, sa.JSON)):
            if not isinstance(value, dict):
                continue
            changed = dict(value)
            for key in JSON_KEYS:
                if isinstance(changed.get(key), str):
                    changed[key] = ring.encrypt(changed[key])
            values = {column: changed}
            if table == 'offer_versions':
                values['inputs_sha256'] = _digest(value, leave_out=JSON_KEYS)
            _update(bind, table, row_id, **values)


def downgrade():
    ring = keyring()
    bind = op.get_bind()
    # Decrypt everything first, so a refusal changes nothing.
    clear_columns = []
    for table, column, clear, _ in COLUMNS:
        for row_id, token in _rows(bind, table, column, sa.String):
            where = f"{table}.{column} of row {row_id}"
            value = _decrypt(ring, token, where)
            if len(value) > clear:
                raise RuntimeError(
                    f"refusing to downgrade: {where} is {len(value)} characters, longer than "
                    f"the older column's {clear}; nothing was changed"
                )
            clear_columns.append((table, column, row_id, value))
    clear_json = []
    for table, column in JSON_COLUMNS:
        for row_id, value in _rows(bind, table, column, sa.JSON):
            if not isinstance(value, dict):
                continue
            changed = dict(value)
            for key in JSON_KEYS:
                if isinstance(changed.get(key), str):
                    changed[key] = _decrypt(ring, changed[key], f"{table}.{column}.{key} of row {row_id}")
            clear_json.append((table, column, row_id, changed))
    for table, column, row_id, value in clear_columns:
        _update(bind, table, row_id, **{column: value})
    for table, column, row_id, value in clear_json:
        values = {column: value}
        if table == 'offer_versions':
            values['inputs_sha256'] = _digest(value)
        _update(bind, table, row_id, **values)
    for table, column, clear, token in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.String(length=token), type_=sa.String(length=clear)
            )
