"""bundle jobs claimed by a worker: the claim token of the worker building it (a conditional
UPDATE takes it, so two workers never build the same job) and the number of attempts (a job
whose worker died is retried, a few times at most).

Revision ID: q12a1b2c3d4e5
Revises: ek11b2c3d4e5f
Create Date: 2026-12-04 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'q12a1b2c3d4e5'
down_revision = 'ek11b2c3d4e5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('claim')
