"""index what pages filter and sort: the applicant list's order (position, applied, id), an
employer's audit log newest first (employer, id), and the references read per record or set to
NULL when their record goes (an applicant's source activity; an evidence file's activity,
applicant and worker; a comment's evidence file; a payment's worker and recruiter; a held
document's worker). Measured at 100× data (`make bench-scale`, EXPLAIN on PostgreSQL).

Revision ID: x12a1b2c3d4e5
Revises: s12a1b2c3d4e5
Create Date: 2026-12-04 22:10:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = 'x12a1b2c3d4e5'
down_revision = 's12a1b2c3d4e5'
branch_labels = None
depends_on = None

# (index name, table, columns)
INDEXES = (
    ("ix_applicants_position_applied", "applicants", ["position_id", "applied_on", "id"]),
    ("ix_applicants_source_activity_id", "applicants", ["source_activity_id"]),
    ("ix_audit_events_employer_id_id", "audit_events", ["employer_id", "id"]),
    ("ix_evidence_files_activity_id", "evidence_files", ["activity_id"]),
    ("ix_evidence_files_applicant_id", "evidence_files", ["applicant_id"]),
    ("ix_evidence_files_worker_id", "evidence_files", ["worker_id"]),
    ("ix_review_comments_evidence_id", "review_comments", ["evidence_id"]),
    ("ix_payments_worker_id", "payments", ["worker_id"]),
    ("ix_payments_third_party_id", "payments", ["third_party_id"]),
    ("ix_document_custody_worker_id", "document_custody", ["worker_id"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
