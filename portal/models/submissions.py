"""Claims of create forms already posted (portal.edits.claim_submission).

In the database rather than the instance folder, so a double-submit is caught whichever
process or machine behind the load balancer answers each of the two posts.
"""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class SubmissionClaim(Base):
    __tablename__ = "submission_claims"

    # SHA-256 of "<user id>:<form key>": the key is never stored, and one person's key cannot
    # collide with another's.
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
