"""add evidence, review comments, finding reviews, sign-offs, bundles and retention

Revision ID: 3a5626ecd552
Revises: 182b0176c84b
Create Date: 2026-11-21 17:40:58.900405

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a5626ecd552'
down_revision = '182b0176c84b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bundle_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_steps', sa.Integer(), nullable=False),
    sa.Column('total_steps', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('running', 'done', 'failed')", name=op.f('ck_bundle_jobs_status_known')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_bundle_jobs_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_bundle_jobs_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_bundle_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bundle_jobs'))
    )
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bundle_jobs_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bundle_jobs_position_id'), ['position_id'], unique=False)

    op.create_table('finding_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('accepted', 'changes_requested')", name=op.f('ck_finding_reviews_status_known')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_finding_reviews_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_finding_reviews_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_finding_reviews_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_reviews'))
    )
    with op.batch_alter_table('finding_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_reviews_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_reviews_position_id'), ['position_id'], unique=False)
        batch_op.create_index('ix_finding_reviews_target', ['position_id', 'rule_id', 'subject'], unique=False)

    op.create_table('sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('ruleset', sa.String(length=60), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_sign_offs_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_sign_offs_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_sign_offs_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_offs'))
    )
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_offs_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_offs_position_id'), ['position_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('evidence_date', sa.Date(), nullable=True),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('extension', sa.String(length=10), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_status', sa.String(length=20), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('ad_proof', 'invoice', 'job_match_record', 'resume', 'interview_notes', 'business_document', 'signed_offer', 'other')", name=op.f('ck_evidence_files_category_known')),
    sa.CheckConstraint("review_status IN ('pending', 'accepted', 'changes_requested')", name=op.f('ck_evidence_files_review_status_known')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_evidence_files_size_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['recruitment_activities.id'], name=op.f('fk_evidence_files_activity_id_recruitment_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_evidence_files_applicant_id_applicants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_evidence_files_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_evidence_files_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_evidence_files_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_evidence_files_storage_key'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_position_id'), ['position_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_files_sha256'), ['sha256'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=True),
    sa.Column('rule_id', sa.String(length=40), nullable=True),
    sa.Column('subject', sa.String(length=100), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('asks_for_change', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('evidence_id IS NOT NULL OR rule_id IS NOT NULL', name=op.f('ck_review_comments_has_target')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_review_comments_author_id_users')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_review_comments_employer_id_employers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence_files.id'], name=op.f('fk_review_comments_evidence_id_evidence_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_review_comments_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments'))
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_position_id'), ['position_id'], unique=False)

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_work_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('retain_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('legal_hold', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('legal_hold')
        batch_op.drop_column('retain_until')
        batch_op.drop_column('first_work_day')

    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_position_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_employer_id'))

    op.drop_table('review_comments')
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_position_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_files_employer_id'))

    op.drop_table('evidence_files')
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_offs_position_id'))
        batch_op.drop_index(batch_op.f('ix_sign_offs_employer_id'))

    op.drop_table('sign_offs')
    with op.batch_alter_table('finding_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_reviews_target')
        batch_op.drop_index(batch_op.f('ix_finding_reviews_position_id'))
        batch_op.drop_index(batch_op.f('ix_finding_reviews_employer_id'))

    op.drop_table('finding_reviews')
    with op.batch_alter_table('bundle_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bundle_jobs_position_id'))
        batch_op.drop_index(batch_op.f('ix_bundle_jobs_employer_id'))

    op.drop_table('bundle_jobs')
