"""claims of create forms already posted, in the database (they were files in
instance/submissions/, which other processes and machines behind a load balancer cannot see).

Claims older than a day are pruned by ``flask sweep``; the files of the old claims are left
alone (they expire by themselves: a form shown before the upgrade may at worst be saved twice).

Revision ID: s12a1b2c3d4e5
Revises: p12a1b2c3d4e5
Create Date: 2026-12-04 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's12a1b2c3d4e5'
down_revision = 'p12a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_claims',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_submission_claims'))
    )
    with op.batch_alter_table('submission_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_claims_claimed_at'), ['claimed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submission_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_claims_claimed_at'))

    op.drop_table('submission_claims')
