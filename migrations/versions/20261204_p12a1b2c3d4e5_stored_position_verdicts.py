"""stored position verdicts: the rules engine's counts per position and input revision, for the
dashboard (issue 12). One row per position, made for every existing position here (not yet
computed: the dashboard shows them as being refreshed and enqueues the refresh).

Revision ID: p12a1b2c3d4e5
Revises: q12a1b2c3d4e5
Create Date: 2026-12-04 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'p12a1b2c3d4e5'
down_revision = 'q12a1b2c3d4e5'  # after merging q12 (one head; the lead may re-chain)
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'position_verdicts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('position_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('computed_revision', sa.Integer(), nullable=True),
        sa.Column('as_of', sa.Date(), nullable=True),
        sa.Column('reference_version', sa.String(length=64), nullable=True),
        sa.Column('ruleset', sa.String(length=64), nullable=True),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.Column('risk', sa.Integer(), nullable=False),
        sa.Column('open_findings', sa.JSON(), nullable=False),
        sa.Column('labels', sa.JSON(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['employer_id'], ['employers.id'],
            name=op.f('fk_position_verdicts_employer_id_employers'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['position_id'], ['positions.id'],
            name=op.f('fk_position_verdicts_position_id_positions'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_position_verdicts')),
        sa.UniqueConstraint('position_id', name=op.f('uq_position_verdicts_position_id')),
    )
    with op.batch_alter_table('position_verdicts', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_position_verdicts_employer_id'), ['employer_id'], unique=False
        )
    op.execute(
        "INSERT INTO position_verdicts (employer_id, position_id, revision, errors, warnings,"
        " risk, open_findings, labels) SELECT employer_id, id, 1, 0, 0, 0, '[]', '{}'"
        " FROM positions"
    )


def downgrade():
    with op.batch_alter_table('position_verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_verdicts_employer_id'))
    op.drop_table('position_verdicts')
