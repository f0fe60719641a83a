"""workers named on a position, their offers and generated offer versions; the position's single
offer becomes its first worker's, and findings about it are renamed workers[0].offer

Revision ID: wk8a1b2c3d4e
Revises: 5e1f0a7c2b11
Create Date: 2026-12-04 09:20:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'wk8a1b2c3d4e'
down_revision = '5e1f0a7c2b11'
branch_labels = None
depends_on = None

# Tables whose rows name a finding by (rule, subject).
SUBJECT_TABLES = ('waivers', 'finding_reviews', 'review_comments')


def upgrade():
    op.create_table(
        'workers',
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('country', sa.String(length=100), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=True),
        sa.Column('english_requested_on', sa.Date(), nullable=True),
        sa.Column('planned_start_date', sa.Date(), nullable=True),
        sa.Column('offer', sa.JSON(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('position_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "language IS NULL OR language IN ('en', 'fr')", name=op.f('ck_workers_language_known')
        ),
        sa.ForeignKeyConstraint(
            ['employer_id'], ['employers.id'], name=op.f('fk_workers_employer_id_employers'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['position_id'], ['positions.id'], name=op.f('fk_workers_position_id_positions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workers')),
    )
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workers_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workers_position_id'), ['position_id'], unique=False)

    op.create_table(
        'offer_versions',
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('inputs', sa.JSON(), nullable=False),
        sa.Column('inputs_sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf_key', sa.String(length=200), nullable=False),
        sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
        sa.Column('pdf_size', sa.Integer(), nullable=False),
        sa.Column('docx_key', sa.String(length=200), nullable=False),
        sa.Column('docx_sha256', sa.String(length=64), nullable=False),
        sa.Column('docx_size', sa.Integer(), nullable=False),
        sa.Column('is_draft', sa.Boolean(), nullable=False),
        sa.Column('open_errors', sa.JSON(), nullable=True),
        sa.Column('waived_errors', sa.JSON(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('position_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "language IN ('en', 'fr')", name=op.f('ck_offer_versions_language_known')
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'], name=op.f('fk_offer_versions_created_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['employer_id'], ['employers.id'],
            name=op.f('fk_offer_versions_employer_id_employers'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['issued_by_id'], ['users.id'], name=op.f('fk_offer_versions_issued_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['position_id'], ['positions.id'],
            name=op.f('fk_offer_versions_position_id_positions'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['worker_id'], ['workers.id'], name=op.f('fk_offer_versions_worker_id_workers'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_versions')),
        sa.UniqueConstraint('docx_key', name=op.f('uq_offer_versions_docx_key')),
        sa.UniqueConstraint('pdf_key', name=op.f('uq_offer_versions_pdf_key')),
        sa.UniqueConstraint(
            'worker_id', 'number', name=op.f('uq_offer_versions_worker_id_number')
        ),
    )
    with op.batch_alter_table('offer_versions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_offer_versions_employer_id'), ['employer_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_offer_versions_position_id'), ['position_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_offer_versions_worker_id'), ['worker_id'], unique=False
        )

    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_evidence_files_worker_id_workers'), 'workers', ['worker_id'], ['id'],
            ondelete='SET NULL',
        )

    _move_offers_to_workers()

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('offer')


def _move_offers_to_workers():
    """Each position's single offer becomes its first worker's (lmia-case/1 → /2), and every
    stored finding about ``offer…`` now names ``workers[0].offer…``."""
    bind = op.get_bind()
    positions = sa.table(
        'positions', sa.column('id'), sa.column('employer_id'), sa.column('offer', sa.JSON)
    )
    workers = sa.table(
        'workers',
        sa.column('employer_id'), sa.column('position_id'), sa.column('name'),
        sa.column('language'), sa.column('planned_start_date', sa.Date),
        sa.column('offer', sa.JSON), sa.column('version'),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    moved = []
    for position_id, employer_id, offer in bind.execute(
        sa.select(positions.c.id, positions.c.employer_id, positions.c.offer)
    ):
        if offer is None or offer == 'null':
            continue
        start = offer.get('start_date')
        bind.execute(
            workers.insert().values(
                employer_id=employer_id,
                position_id=position_id,
                name=offer.get('worker_name'),
                language=offer.get('language'),
                planned_start_date=datetime.strptime(start, '%Y-%m-%d').date() if start else None,
                offer=offer,
                version=1,
                created_at=now,
            )
        )
        moved.append(position_id)
    if not moved:
        return
    for name in SUBJECT_TABLES:
        table = sa.table(name, sa.column('position_id'), sa.column('subject'))
        bind.execute(
            table.update()
            .where(table.c.position_id.in_(moved))
            .where(sa.or_(table.c.subject == 'offer', table.c.subject.like('offer.%')))
            .values(subject=sa.literal('workers[0].') + table.c.subject)
        )


def downgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer', sa.JSON(), nullable=True))
    # Back to one offer per position: the first worker's (the format before had no more).
    bind = op.get_bind()
    positions = sa.table('positions', sa.column('id'), sa.column('offer', sa.JSON))
    workers = sa.table(
        'workers', sa.column('id'), sa.column('position_id'), sa.column('offer', sa.JSON)
    )
    first = {}
    for _worker_id, position_id, offer in bind.execute(
        sa.select(workers.c.id, workers.c.position_id, workers.c.offer).order_by(workers.c.id)
    ):
        first.setdefault(position_id, offer)
    for position_id, offer in first.items():
        if offer is not None:
            bind.execute(
                positions.update().where(positions.c.id == position_id).values(offer=offer)
            )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_evidence_files_worker_id_workers'), type_='foreignkey'
        )
        batch_op.drop_column('worker_id')
    with op.batch_alter_table('offer_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_versions_worker_id'))
        batch_op.drop_index(batch_op.f('ix_offer_versions_position_id'))
        batch_op.drop_index(batch_op.f('ix_offer_versions_employer_id'))
    op.drop_table('offer_versions')
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workers_position_id'))
        batch_op.drop_index(batch_op.f('ix_workers_employer_id'))
    op.drop_table('workers')
