"""The representative's review: threaded comments, decisions on findings, the to-do list of
requested changes. Used by the evidence locker and the compliance page."""

from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import FindingReview, Position, ReviewComment, utcnow
from portal.tenancy import scoped_select


def add_comment(
    position_id: int,
    employer_id: int,
    author_id: int,
    body: str,
    *,
    evidence_id=None,
    rule_id=None,
    subject=None,
    asks_for_change=False,
):
    comment = ReviewComment(
        employer_id=employer_id,
        position_id=position_id,
        evidence_id=evidence_id,
        rule_id=rule_id,
        subject=subject,
        author_id=author_id,
        body=body.strip(),
        asks_for_change=asks_for_change,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def comments_of(position: Position) -> list[ReviewComment]:
    return list(
        db.session.scalars(
            scoped_select(ReviewComment)
            .options(selectinload(ReviewComment.author))
            .where(ReviewComment.position_id == position.id)
            .order_by(ReviewComment.id)
        )
    )


def review_finding(
    position: Position,
    rule_id: str,
    subject: str,
    decision: str,
    comment: str | None,
    reviewer_id: int,
) -> None:
    db.session.add(
        FindingReview(
            employer_id=position.employer_id,
            position_id=position.id,
            rule_id=rule_id,
            subject=subject,
            status=decision,
            reviewer_id=reviewer_id,
        )
    )
    if comment or decision == "changes_requested":
        add_comment(
            position.id,
            position.employer_id,
            reviewer_id,
            comment or "Please fix this finding.",
            rule_id=rule_id,
            subject=subject,
            asks_for_change=decision == "changes_requested",
        )
    db.session.flush()


def latest_finding_reviews(position: Position) -> dict[tuple[str, str], FindingReview]:
    latest = {}
    for review in db.session.scalars(
        scoped_select(FindingReview)
        .where(FindingReview.position_id == position.id)
        .order_by(FindingReview.id)
    ):
        latest[(review.rule_id, review.subject)] = review
    return latest


def to_do(position: Position) -> list[ReviewComment]:
    """The representative's open requests the employer has to act on."""
    return [c for c in comments_of(position) if c.asks_for_change and c.resolved_at is None]


def resolve_requests(position: Position, *, evidence_id=None, rule_id=None, subject=None):
    for comment in to_do(position):
        if (evidence_id and comment.evidence_id == evidence_id) or (
            rule_id and comment.rule_id == rule_id and comment.subject == subject
        ):
            comment.resolved_at = utcnow()
