"""add positions, recruitment activities, applicants, job match and waivers

Revision ID: 182b0176c84b
Revises: 0416330c55fd
Create Date: 2026-11-21 17:02:54.272184

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '182b0176c84b'
down_revision = '0416330c55fd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('noc_code', sa.String(length=5), nullable=False),
    sa.Column('stream', sa.String(length=20), nullable=False),
    sa.Column('is_caregiver', sa.Boolean(), nullable=False),
    sa.Column('is_seasonal', sa.Boolean(), nullable=False),
    sa.Column('quebec_facilitated', sa.Boolean(), nullable=False),
    sa.Column('advertising_variation', sa.String(length=200), nullable=True),
    sa.Column('street_address', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('province', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=7), nullable=False),
    sa.Column('economic_region', sa.String(length=10), nullable=True),
    sa.Column('cma', sa.String(length=100), nullable=True),
    sa.Column('admin_region', sa.String(length=100), nullable=True),
    sa.Column('wage_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('wage_per', sa.String(length=5), nullable=False),
    sa.Column('hours_per_week', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('positions', sa.Integer(), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=False),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('education', sa.String(length=300), nullable=True),
    sa.Column('experience', sa.String(length=300), nullable=True),
    sa.Column('experience_years', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=True),
    sa.Column('language_justification', sa.Text(), nullable=True),
    sa.Column('benefits', sa.Text(), nullable=True),
    sa.Column('terms', sa.String(length=300), nullable=True),
    sa.Column('prevailing_wage_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('prevailing_wage_per', sa.String(length=5), nullable=True),
    sa.Column('prevailing_wage_source', sa.String(length=300), nullable=True),
    sa.Column('incumbent_wage_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('incumbent_wage_per', sa.String(length=5), nullable=True),
    sa.Column('live_in_required', sa.Boolean(), nullable=True),
    sa.Column('employees_at_location', sa.Integer(), nullable=True),
    sa.Column('low_wage_tfws_at_location', sa.Integer(), nullable=True),
    sa.Column('planned_submission_date', sa.Date(), nullable=True),
    sa.Column('job_bank_alternative_rationale', sa.Text(), nullable=True),
    sa.Column('job_match_mode', sa.String(length=10), nullable=True),
    sa.Column('transition_plan', sa.JSON(), nullable=True),
    sa.Column('offer', sa.JSON(), nullable=True),
    sa.Column('third_parties', sa.JSON(), nullable=True),
    sa.Column('payments', sa.JSON(), nullable=True),
    sa.Column('document_custody', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stream IN ('high_wage', 'low_wage', 'global_talent', 'agricultural', 'pr_only')", name=op.f('ck_positions_stream_known')),
    sa.CheckConstraint('duration_months >= 1', name=op.f('ck_positions_duration_positive')),
    sa.CheckConstraint('positions >= 1', name=op.f('ck_positions_positions_positive')),
    sa.CheckConstraint('wage_amount >= 0', name=op.f('ck_positions_wage_nonnegative')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_positions_employer_id_employers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions'))
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_positions_employer_id'), ['employer_id'], unique=False)

    op.create_table('job_match_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.Date(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('invited_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_job_match_entries_stars_1_to_5')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_job_match_entries_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_job_match_entries_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_match_entries'))
    )
    with op.batch_alter_table('job_match_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_match_entries_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_match_entries_position_id'), ['position_id'], unique=False)

    op.create_table('recruitment_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('case_key', sa.String(length=60), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('platform', sa.String(length=200), nullable=True),
    sa.Column('is_national', sa.Boolean(), nullable=True),
    sa.Column('target_groups', sa.JSON(), nullable=True),
    sa.Column('reference', sa.String(length=500), nullable=True),
    sa.Column('direct_apply', sa.Boolean(), nullable=True),
    sa.Column('ad', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'posting' AND start_date IS NOT NULL AND (end_date IS NULL OR end_date >= start_date)) OR (kind = 'event' AND event_date IS NOT NULL)", name=op.f('ck_recruitment_activities_dates_fit_kind')),
    sa.CheckConstraint("kind IN ('posting', 'event')", name=op.f('ck_recruitment_activities_kind_known')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_recruitment_activities_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_recruitment_activities_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recruitment_activities'))
    )
    with op.batch_alter_table('recruitment_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recruitment_activities_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recruitment_activities_position_id'), ['position_id'], unique=False)

    op.create_table('waivers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('waived_by_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_waivers_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_waivers_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['waived_by_id'], ['users.id'], name=op.f('fk_waivers_waived_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waivers'))
    )
    with op.batch_alter_table('waivers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waivers_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_waivers_position_id'), ['position_id'], unique=False)

    op.create_table('applicants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source_activity_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('resume_downloaded_on', sa.Date(), nullable=True),
    sa.Column('interviewed_on', sa.Date(), nullable=True),
    sa.Column('offered', sa.Boolean(), nullable=True),
    sa.Column('hired', sa.Boolean(), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('reason_detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_applicants_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_applicants_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_activity_id'], ['recruitment_activities.id'], name=op.f('fk_applicants_source_activity_id_recruitment_activities'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicants'))
    )
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicants_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applicants_position_id'), ['position_id'], unique=False)

    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_noncompliance_list', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('lmia_revoked_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_column('lmia_revoked_on')
        batch_op.drop_column('on_noncompliance_list')

    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicants_position_id'))
        batch_op.drop_index(batch_op.f('ix_applicants_employer_id'))

    op.drop_table('applicants')
    with op.batch_alter_table('waivers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waivers_position_id'))
        batch_op.drop_index(batch_op.f('ix_waivers_employer_id'))

    op.drop_table('waivers')
    with op.batch_alter_table('recruitment_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recruitment_activities_position_id'))
        batch_op.drop_index(batch_op.f('ix_recruitment_activities_employer_id'))

    op.drop_table('recruitment_activities')
    with op.batch_alter_table('job_match_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_match_entries_position_id'))
        batch_op.drop_index(batch_op.f('ix_job_match_entries_employer_id'))

    op.drop_table('job_match_entries')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_employer_id'))

    op.drop_table('positions')
