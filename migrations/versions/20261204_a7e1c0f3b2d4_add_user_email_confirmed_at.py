"""add users.email_confirmed_at: a sign-up is confirmed by a link sent to its address

Revision ID: a7e1c0f3b2d4
Revises: 3a5626ecd552
Create Date: 2026-12-04 06:00:00

Accounts that exist before this revision were created by the old sign-up or by accepting an
invitation; they keep signing in, so they count as confirmed from their creation.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e1c0f3b2d4'
down_revision = '3a5626ecd552'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
