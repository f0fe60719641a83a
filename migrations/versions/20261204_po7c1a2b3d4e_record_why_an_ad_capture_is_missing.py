"""record why an ad capture is missing

Revision ID: po7c1a2b3d4e
Revises: bj5a1c0e7d21
Create Date: 2026-12-04 05:52:58.333809

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'po7c1a2b3d4e'
down_revision = 'bj5a1c0e7d21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('missed_capture_reasons',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('due_from', sa.Date(), nullable=False),
    sa.Column('due_until', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('due_until >= due_from', name=op.f('ck_missed_capture_reasons_dates_in_order')),
    sa.ForeignKeyConstraint(['activity_id'], ['recruitment_activities.id'], name=op.f('fk_missed_capture_reasons_activity_id_recruitment_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_missed_capture_reasons_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_missed_capture_reasons_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_missed_capture_reasons_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_missed_capture_reasons'))
    )
    with op.batch_alter_table('missed_capture_reasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_missed_capture_reasons_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_missed_capture_reasons_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_missed_capture_reasons_position_id'), ['position_id'], unique=False)



def downgrade():
    with op.batch_alter_table('missed_capture_reasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_missed_capture_reasons_position_id'))
        batch_op.drop_index(batch_op.f('ix_missed_capture_reasons_employer_id'))
        batch_op.drop_index(batch_op.f('ix_missed_capture_reasons_activity_id'))

    op.drop_table('missed_capture_reasons')
