"""sign-offs record what was open and why; review requests record who asked and how they closed

Revision ID: 5e1f0a7c2b11
Revises: po7c1a2b3d4e
Create Date: 2026-12-04 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0a7c2b11'
down_revision = 'po7c1a2b3d4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_items', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('confirmation_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_review_comments_resolved_by_id_users'), 'users', ['resolved_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_review_comments_resolved_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolution')
        batch_op.drop_column('kind')
        batch_op.drop_column('author_role')

    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_column('confirmation_reason')
        batch_op.drop_column('open_items')
