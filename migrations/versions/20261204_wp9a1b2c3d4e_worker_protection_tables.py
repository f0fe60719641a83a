"""worker protection: third parties, payments and document custody move from JSON on positions
into tables (existing rows carried over, in order); the agricultural program; worker
attestations, final once answered (a trigger refuses changes)

Revision ID: wp9a1b2c3d4e
Revises: wk8a1b2c3d4e
Create Date: 2026-12-04 10:22:28.696167

"""
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'wp9a1b2c3d4e'
down_revision = 'wk8a1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    _refuse_what_the_tables_cannot_hold()
    op.create_table('attestations',
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('sent_to', sa.String(length=254), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_ip', sa.String(length=45), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("language IN ('en', 'fr')", name=op.f('ck_attestations_language_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_attestations_created_by_id_users')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_attestations_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_attestations_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_attestations_worker_id_workers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_attestations_token_hash'))
    )
    with op.batch_alter_table('attestations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestations_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestations_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestations_worker_id'), ['worker_id'], unique=False)

    op.create_table('document_custody',
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('document', sa.String(length=20), nullable=False),
    sa.Column('held_by', sa.String(length=20), nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("document IN ('passport', 'work_permit', 'other')", name=op.f('ck_document_custody_document_known')),
    sa.CheckConstraint("held_by IN ('employer', 'owner', 'recruiter', 'other')", name=op.f('ck_document_custody_held_by_known')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_document_custody_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_document_custody_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_document_custody_worker_id_workers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_custody'))
    )
    with op.batch_alter_table('document_custody', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_custody_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_custody_position_id'), ['position_id'], unique=False)

    op.create_table('third_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=True),
    sa.Column('paid', sa.Boolean(), nullable=True),
    sa.Column('licence_number', sa.String(length=60), nullable=True),
    sa.Column('cicc_number', sa.String(length=20), nullable=True),
    sa.Column('law_society', sa.String(length=200), nullable=True),
    sa.Column('contract_evidence_id', sa.Integer(), nullable=True),
    sa.Column('contract_forbids_worker_fees', sa.Boolean(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('recruiter', 'representative')", name=op.f('ck_third_parties_role_known')),
    sa.ForeignKeyConstraint(['contract_evidence_id'], ['evidence_files.id'], name=op.f('fk_third_parties_contract_evidence_id_evidence_files'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_third_parties_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_third_parties_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_third_parties'))
    )
    with op.batch_alter_table('third_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_third_parties_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_third_parties_position_id'), ['position_id'], unique=False)

    op.create_table('payments',
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('payer', sa.String(length=20), nullable=False),
    sa.Column('payee', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('via', sa.String(length=20), nullable=True),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('third_party_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("payee IN ('employer', 'owner', 'worker', 'worker_family', 'recruiter', 'representative', 'government', 'other')", name=op.f('ck_payments_payee_known')),
    sa.CheckConstraint("payer IN ('employer', 'owner', 'worker', 'worker_family', 'recruiter', 'representative', 'government', 'other')", name=op.f('ck_payments_payer_known')),
    sa.CheckConstraint("purpose IN ('recruitment_fee', 'placement_fee', 'lmia_fee', 'representative_fee', 'processing_fee', 'job_offer', 'travel', 'health_insurance', 'housing', 'wages', 'wages_returned', 'loan', 'loan_repayment', 'training', 'statutory', 'other', 'utilities', 'meals', 'government_agent')", name=op.f('ck_payments_purpose_known')),
    sa.CheckConstraint("via IS NULL OR via IN ('transfer', 'cash', 'deduction', 'cheque', 'card', 'other')", name=op.f('ck_payments_via_known')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_payments_amount_nonnegative')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_payments_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_payments_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['third_party_id'], ['third_parties.id'], name=op.f('fk_payments_third_party_id_third_parties'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_payments_worker_id_workers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_position_id'), ['position_id'], unique=False)

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('program', sa.String(length=30), nullable=True))
        batch_op.create_check_constraint(
            'program_known', "program IS NULL OR program IN ('sawp', 'agricultural_stream')"
        )

    _move_lists_to_tables()
    _make_answers_final()

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('payments')
        batch_op.drop_column('document_custody')
        batch_op.drop_column('third_parties')


# The lmia-case keys of each list, and the table column each goes to.
THIRD_PARTY_KEYS = {
    'name': 'name', 'role': 'role', 'province': 'province', 'paid': 'paid',
    'licence_number': 'licence_number', 'cicc_number': 'cicc_number',
    'law_society': 'law_society',
}
PAYMENT_KEYS = {
    'date': 'paid_on', 'payer': 'payer', 'payee': 'payee', 'amount': 'amount',
    'purpose': 'purpose', 'via': 'via',
}
CUSTODY_KEYS = {'document': 'document', 'held_by': 'held_by', 'since': 'since'}
LISTS = (
    ('third_parties', 'third_parties', THIRD_PARTY_KEYS),
    ('payments', 'payments', PAYMENT_KEYS),
    ('document_custody', 'document_custody', CUSTODY_KEYS),
)
DATE_COLUMNS = {'paid_on', 'since'}
PAYMENT_PURPOSES_V1 = (
    'recruitment_fee', 'placement_fee', 'lmia_fee', 'representative_fee', 'processing_fee',
    'job_offer', 'travel', 'health_insurance', 'housing', 'wages', 'wages_returned', 'loan',
    'loan_repayment', 'training', 'statutory', 'other',
)


def _table(name, keys, *extra):
    columns = [sa.column(column) for column in keys.values()]
    for column in DATE_COLUMNS & set(keys.values()):
        columns[list(keys.values()).index(column)] = sa.column(column, sa.Date)
    if 'amount' in keys.values():
        columns[list(keys.values()).index('amount')] = sa.column('amount', sa.Numeric(12, 2))
    return sa.table(name, *columns, *[sa.column(c) for c in extra])


# What lmia-case/1 let through but the tables refuse (or, on PostgreSQL, round): free text
# longer than its column, amounts below 0, of 10 billion or more, or with fractions of a cent.
TEXT_LENGTHS = {
    'third_parties': {'name': 200, 'licence_number': 60, 'cicc_number': 20, 'law_society': 200},
}
LARGEST_AMOUNT = Decimal('9999999999.99')


def _refuse_what_the_tables_cannot_hold():
    """Checked before any change: SQLite cannot roll DDL back, so a row refused half-way through
    would leave the new tables beside the old columns and the upgrade impossible to rerun."""
    bind = op.get_bind()
    positions = sa.table(
        'positions', sa.column('id'), *[sa.column(column, sa.JSON) for column, _, _ in LISTS]
    )
    problems = []
    for position_id, *lists in bind.execute(
        sa.select(positions).order_by(positions.c.id)
    ).all():
        for (column, _, _), items in zip(LISTS, lists, strict=True):
            for index, item in enumerate(items or ()):
                where = f'position {position_id} {column}[{index}]'
                for key, length in TEXT_LENGTHS.get(column, {}).items():
                    value = item.get(key)
                    if isinstance(value, str) and len(value) > length:
                        problems.append(f'{where}.{key} is longer than {length} characters')
                amount = item.get('amount') if column == 'payments' else None
                if amount is not None:
                    exact = Decimal(str(amount))
                    if not 0 <= exact <= LARGEST_AMOUNT or exact != exact.quantize(Decimal('0.01')):
                        problems.append(
                            f'{where}.amount {amount} is not between 0 and '
                            f'{LARGEST_AMOUNT} in whole cents'
                        )
    if problems:
        raise RuntimeError(
            'Upgrade refused: the new tables cannot hold ' + '; '.join(problems)
            + '. Correct them first.'
        )


def _move_lists_to_tables():
    """Each position's JSON lists become rows, in list order (so ``payments[2]`` and the like
    still name the same record, and stored findings keep their subjects)."""
    bind = op.get_bind()
    positions = sa.table(
        'positions', sa.column('id'), sa.column('employer_id'),
        *[sa.column(column, sa.JSON) for column, _, _ in LISTS],
    )
    now = datetime.now(UTC)
    rows = bind.execute(
        sa.select(positions.c.id, positions.c.employer_id,
                  *[positions.c[column] for column, _, _ in LISTS]).order_by(positions.c.id)
    ).all()
    for position_id, employer_id, *lists in rows:
        for (_, table_name, keys), items in zip(LISTS, lists, strict=True):
            extra = ('employer_id', 'position_id', 'created_at') + (
                ('version',) if table_name == 'third_parties' else ()
            )
            table = _table(table_name, keys, *extra)
            for item in items or ():
                values = {'employer_id': employer_id, 'position_id': position_id,
                          'created_at': now}
                if table_name == 'third_parties':
                    values['version'] = 1
                for key, column in keys.items():
                    value = item.get(key)
                    if column in DATE_COLUMNS and value is not None:
                        value = date.fromisoformat(value)
                    if column == 'amount' and value is not None:
                        value = Decimal(str(value))
                    values[column] = value
                bind.execute(table.insert().values(**values))


def _make_answers_final():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION attestations_answers_final() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'an answered attestation is final'; END $$"
        )
        op.execute(
            "CREATE TRIGGER attestations_answers_final BEFORE UPDATE ON attestations "
            "FOR EACH ROW WHEN (OLD.answered_at IS NOT NULL) "
            "EXECUTE FUNCTION attestations_answers_final()"
        )
    else:
        op.execute(
            "CREATE TRIGGER attestations_answers_final BEFORE UPDATE ON attestations "
            "WHEN OLD.answered_at IS NOT NULL "
            "BEGIN SELECT RAISE(ABORT, 'an answered attestation is final'); END"
        )


def _refuse_a_lossy_downgrade():
    """The JSON lists cannot hold what the tables added: refuse rather than drop it."""
    bind = op.get_bind()
    # The known purposes as bound parameters, not spliced into the SQL.
    unknown_purposes = sa.text(
        'SELECT count(*) FROM payments WHERE purpose NOT IN :known'
    ).bindparams(sa.bindparam('known', value=list(PAYMENT_PURPOSES_V1), expanding=True))
    checks = {
        'worker attestations': 'SELECT count(*) FROM attestations',
        "third parties of the whole employer (no position)":
            'SELECT count(*) FROM third_parties WHERE position_id IS NULL',
        'third parties with a contract on file or its no-fee clause':
            'SELECT count(*) FROM third_parties WHERE contract_evidence_id IS NOT NULL '
            'OR contract_forbids_worker_fees IS NOT NULL',
        'payments linked to a worker or a third party, or with a note':
            'SELECT count(*) FROM payments WHERE worker_id IS NOT NULL '
            'OR third_party_id IS NOT NULL OR note IS NOT NULL',
        'payments with a purpose lmia-case/1 does not know':
            unknown_purposes,
        'document custody linked to a worker':
            'SELECT count(*) FROM document_custody WHERE worker_id IS NOT NULL',
        'positions with an agricultural program':
            'SELECT count(*) FROM positions WHERE program IS NOT NULL',
    }
    kept = [
        what for what, query in checks.items()
        if bind.execute(sa.text(query) if isinstance(query, str) else query).scalar()
    ]
    if kept:
        raise RuntimeError(
            'Downgrade refused: the older schema cannot keep ' + '; '.join(kept)
            + '. Back up and remove them first.'
        )


def _move_tables_to_lists():
    bind = op.get_bind()
    positions = sa.table(
        'positions', sa.column('id'), *[sa.column(column, sa.JSON) for column, _, _ in LISTS]
    )
    gathered: dict[int, dict[str, list]] = {}
    for column, table_name, keys in LISTS:
        table = _table(table_name, keys, 'id', 'position_id')
        for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings():
            item = {}
            for key, field in keys.items():
                value = row[field]
                if value is None:
                    continue
                if isinstance(value, date):
                    value = value.isoformat()
                if isinstance(value, Decimal):
                    value = int(value) if value == value.to_integral_value() else float(value)
                item[key] = value
            gathered.setdefault(row['position_id'], {}).setdefault(column, []).append(item)
    for position_id, lists in gathered.items():
        bind.execute(positions.update().where(positions.c.id == position_id).values(**lists))


def downgrade():
    _refuse_a_lossy_downgrade()
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('third_parties', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('document_custody', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('payments', sa.JSON(), nullable=True))
    _move_tables_to_lists()
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_constraint('program_known', type_='check')
        batch_op.drop_column('program')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS attestations_answers_final ON attestations')
        op.execute('DROP FUNCTION IF EXISTS attestations_answers_final()')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_position_id'))
        batch_op.drop_index(batch_op.f('ix_payments_employer_id'))

    op.drop_table('payments')
    with op.batch_alter_table('third_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_third_parties_position_id'))
        batch_op.drop_index(batch_op.f('ix_third_parties_employer_id'))

    op.drop_table('third_parties')
    with op.batch_alter_table('document_custody', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_custody_position_id'))
        batch_op.drop_index(batch_op.f('ix_document_custody_employer_id'))

    op.drop_table('document_custody')
    with op.batch_alter_table('attestations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attestations_worker_id'))
        batch_op.drop_index(batch_op.f('ix_attestations_position_id'))
        batch_op.drop_index(batch_op.f('ix_attestations_employer_id'))

    op.drop_table('attestations')
