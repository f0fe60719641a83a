"""bundle jobs: the language of the bundle's index

Revision ID: b13b1b2c3d4e5
Revises: c13a1b2c3d4e5
Create Date: 2026-12-05 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b13b1b2c3d4e5'
down_revision = 'c13a1b2c3d4e5'
branch_labels = None
depends_on = None


def upgrade():
    # Bundles built before this were English: the default says so.
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), server_default='en', nullable=False))
        batch_op.create_check_constraint('language_known', "language IN ('en', 'fr')")


def downgrade():
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.drop_constraint('language_known', type_='check')
        batch_op.drop_column('language')
