"""bundle jobs: stage, owner process and heartbeat; one running build per position

Revision ID: bj5a1c0e7d21
Revises: a7e1c0f3b2d4
Create Date: 2026-12-04 05:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bj5a1c0e7d21'
down_revision = 'a7e1c0f3b2d4'
branch_labels = None
depends_on = None


def upgrade():
    # A build left "running" by an older version has no owner to check: it is over.
    op.execute(
        "UPDATE bundle_jobs SET status = 'failed', error = 'interrupted by an upgrade' "
        "WHERE status = 'running'"
    )
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('owner_host', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('owner_pid', sa.Integer(), nullable=True))
        batch_op.create_index('uq_bundle_jobs_one_running', ['position_id'], unique=True, sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))


def downgrade():
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_bundle_jobs_one_running', sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))
        batch_op.drop_column('owner_pid')
        batch_op.drop_column('owner_host')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('stage')
