"""after the LMIA: the worker's road, payroll periods, calendar feeds and sent reminders; the
LMIA decision or exemption on positions; users' time zone and reminder days (7 for existing
users). The downgrade is refused while any of the new data exists.

Revision ID: rd10a1b2c3d4e
Revises: wp9a1b2c3d4e
Create Date: 2026-12-04 14:09:55.533653

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'rd10a1b2c3d4e'
down_revision = 'wp9a1b2c3d4e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)

    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('deadline_key', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_sent_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('user_id', 'deadline_key', name=op.f('uq_reminders_sent_user_id_deadline_key'))
    )
    op.create_table('payroll_periods',
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('hours', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('gross', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('deductions', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("source IN ('form', 'csv', 'xlsx')", name=op.f('ck_payroll_periods_source_known')),
    sa.CheckConstraint('hours >= 0 AND gross >= 0', name=op.f('ck_payroll_periods_amounts_nonnegative')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_payroll_periods_period_in_order')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_payroll_periods_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_payroll_periods_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_payroll_periods_worker_id_workers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payroll_periods')),
    sa.UniqueConstraint('worker_id', 'period_start', name=op.f('uq_payroll_periods_worker_id_period_start'))
    )
    with op.batch_alter_table('payroll_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payroll_periods_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_periods_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payroll_periods_worker_id'), ['worker_id'], unique=False)

    op.create_table('worker_roads',
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('offer_of_employment_number', sa.String(length=20), nullable=True),
    sa.Column('offer_of_employment_submitted_on', sa.Date(), nullable=True),
    sa.Column('compliance_fee_paid_on', sa.Date(), nullable=True),
    sa.Column('permit_applied_on', sa.Date(), nullable=True),
    sa.Column('ircc_reference', sa.String(length=40), nullable=True),
    sa.Column('visa_required', sa.Boolean(), nullable=True),
    sa.Column('visa_issued_on', sa.Date(), nullable=True),
    sa.Column('caq_required', sa.Boolean(), nullable=True),
    sa.Column('caq_issued_on', sa.Date(), nullable=True),
    sa.Column('permit_number', sa.String(length=20), nullable=True),
    sa.Column('permit_issued_on', sa.Date(), nullable=True),
    sa.Column('permit_expires_on', sa.Date(), nullable=True),
    sa.Column('permit_employer', sa.String(length=200), nullable=True),
    sa.Column('permit_occupation', sa.String(length=200), nullable=True),
    sa.Column('permit_location', sa.String(length=200), nullable=True),
    sa.Column('arrived_on', sa.Date(), nullable=True),
    sa.Column('first_day_on', sa.Date(), nullable=True),
    sa.Column('renewal_started_on', sa.Date(), nullable=True),
    sa.Column('records_deletion_requested_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_worker_roads_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_worker_roads_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_worker_roads_worker_id_workers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_roads')),
    sa.UniqueConstraint('worker_id', name=op.f('uq_worker_roads_worker_id'))
    )
    with op.batch_alter_table('worker_roads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_roads_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worker_roads_position_id'), ['position_id'], unique=False)

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lmia_exemption_code', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('lmia_number', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('lmia_decision', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('lmia_decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lmia_positions_approved', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lmia_valid_until', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            'lmia_decision_known',
            "lmia_decision IS NULL OR lmia_decision IN ('approved', 'refused', 'withdrawn')",
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reminder_days_before', sa.Integer(), nullable=True))
    # Existing people get the default a new account gets: a reminder a week before.
    op.execute('UPDATE users SET reminder_days_before = 7')


def _refuse_a_lossy_downgrade():
    bind = op.get_bind()
    checks = {
        "workers' roads": 'SELECT count(*) FROM worker_roads',
        'payroll periods': 'SELECT count(*) FROM payroll_periods',
        'calendar feeds': 'SELECT count(*) FROM calendar_feeds',
        'LMIA decisions or exemptions on positions':
            'SELECT count(*) FROM positions WHERE lmia_exemption_code IS NOT NULL '
            'OR lmia_number IS NOT NULL OR lmia_decision IS NOT NULL '
            'OR lmia_decided_on IS NOT NULL OR lmia_positions_approved IS NOT NULL '
            'OR lmia_valid_until IS NOT NULL',
        "users' time zones": 'SELECT count(*) FROM users WHERE time_zone IS NOT NULL',
    }
    kept = [what for what, query in checks.items() if bind.execute(sa.text(query)).scalar()]
    if kept:
        raise RuntimeError(
            'Downgrade refused: the older schema cannot keep ' + '; '.join(kept)
            + '. Back up and remove them first.'
        )


def downgrade():
    _refuse_a_lossy_downgrade()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('reminder_days_before')
        batch_op.drop_column('time_zone')

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_constraint('lmia_decision_known', type_='check')
        batch_op.drop_column('lmia_valid_until')
        batch_op.drop_column('lmia_positions_approved')
        batch_op.drop_column('lmia_decided_on')
        batch_op.drop_column('lmia_decision')
        batch_op.drop_column('lmia_number')
        batch_op.drop_column('lmia_exemption_code')

    with op.batch_alter_table('worker_roads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_roads_position_id'))
        batch_op.drop_index(batch_op.f('ix_worker_roads_employer_id'))

    op.drop_table('worker_roads')
    with op.batch_alter_table('payroll_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payroll_periods_worker_id'))
        batch_op.drop_index(batch_op.f('ix_payroll_periods_position_id'))
        batch_op.drop_index(batch_op.f('ix_payroll_periods_employer_id'))

    op.drop_table('payroll_periods')
    op.drop_table('reminders_sent')
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))

    op.drop_table('calendar_feeds')
