"""The representative's review: threaded comments, decisions on findings, and the requests each
side makes of the other. Used by the evidence locker, the compliance page and the dashboard.

A request is a review comment that waits for the other side (``asks_for_change`` and no
``resolved_at``). Two kinds:

- a **change** the representative asks for when reviewing a file or a finding as "needs
  changes". On a file it closes when the file is replaced ("replaced") or accepted
  ("accepted"); on a finding when the representative accepts it ("accepted"), and it no longer
  counts once the finding is gone (fixed) or waived (see ``portal.open_items``).
- a **question**: any comment in a thread (a file or a finding) from one side, the
  representative or the employer's people, that does not answer the other side. It closes
  when someone from the other side writes in the same thread ("answered"), and like a change
  when its file is replaced or accepted.

The other side is told of a new request by e-mail (through the outbox when no SMTP server is
set).
"""

import logging

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import (
    Employer,
    FindingReview,
    Membership,
    Position,
    ReviewComment,
    Role,
    User,
    utcnow,
)
from portal.tenancy import (
    across_my_employers,
    position_scope,
    position_scoped_select,
)

log = logging.getLogger("portal.reviews")

CHANGE, QUESTION = "change", "question"


def from_representative(comment: ReviewComment) -> bool:
    """Whether the representative wrote it (older rows without a role: only requests were
    recorded as such, and only a representative could make them)."""
    if comment.author_role is None:
        return bool(comment.asks_for_change)
    return comment.author_role == Role.REPRESENTATIVE


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
    author_role=None,
    kind=None,
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
        author_role=author_role,
        kind=(kind or CHANGE) if asks_for_change else None,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def _same_thread(comment: ReviewComment, evidence_id, rule_id, subject) -> bool:
    if evidence_id is not None:
        return comment.evidence_id == evidence_id
    return comment.evidence_id is None and (comment.rule_id, comment.subject) == (rule_id, subject)


def comment_in_thread(
    position: Position,
    author_id: int,
    author_role: str,
    body: str,
    *,
    evidence_id=None,
    rule_id=None,
    subject=None,
) -> tuple[ReviewComment, list[ReviewComment]]:
    """A comment on a file or a finding: it answers the other side's open questions in that
    thread (closing them), or else it is a question to the other side.

    Returns the comment and the questions it answered."""
    mine = author_role == Role.REPRESENTATIVE
    answered = [
        c
        for c in to_do_all(position)
        if c.kind == QUESTION
        and from_representative(c) != mine
        and _same_thread(c, evidence_id, rule_id, subject)
    ]
    now = utcnow()
    for question in answered:
        question.resolved_at, question.resolution, question.resolved_by_id = (
            now,
            "answered",
            author_id,
        )
    comment = add_comment(
        position.id,
        position.employer_id,
        author_id,
        body,
        evidence_id=evidence_id,
        rule_id=rule_id,
        subject=subject,
        asks_for_change=not answered,
        author_role=author_role,
        kind=QUESTION,
    )
    if not answered:
        notify_request(position, comment)
    return comment, answered


_COMMENTS_OF = (
    position_scoped_select(ReviewComment)
    .options(selectinload(ReviewComment.author))
    .order_by(ReviewComment.id)
)


def comments_of(position: Position) -> list[ReviewComment]:
    return list(db.session.scalars(_COMMENTS_OF, position_scope(position)))


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
        row = add_comment(
            position.id,
            position.employer_id,
            reviewer_id,
            comment or "Please fix this finding.",
            rule_id=rule_id,
            subject=subject,
            asks_for_change=decision == "changes_requested",
            author_role=Role.REPRESENTATIVE,
        )
        if row.asks_for_change:
            notify_request(position, row)
    db.session.flush()


_FINDING_REVIEWS_OF = position_scoped_select(FindingReview).order_by(FindingReview.id)


def latest_finding_reviews(position: Position) -> dict[tuple[str, str], FindingReview]:
    latest = {}
    for review in db.session.scalars(_FINDING_REVIEWS_OF, position_scope(position)):
        latest[(review.rule_id, review.subject)] = review
    return latest


def to_do_all(position: Position) -> list[ReviewComment]:
    """Every open request on the position, from either side."""
    return [c for c in comments_of(position) if c.asks_for_change and c.resolved_at is None]


def to_do(position: Position) -> list[ReviewComment]:
    """The representative's open requests the employer has to act on."""
    return [c for c in to_do_all(position) if from_representative(c)]


def asked_by_client(position: Position) -> list[ReviewComment]:
    """The employer's open questions the representative has to answer."""
    return [c for c in to_do_all(position) if not from_representative(c)]


def resolve_requests(
    position: Position,
    *,
    evidence_id=None,
    rule_id=None,
    subject=None,
    resolution: str = "accepted",
    by_user_id: int | None = None,
):
    now = utcnow()
    for comment in to_do_all(position):
        if (evidence_id and comment.evidence_id == evidence_id) or (
            rule_id and comment.rule_id == rule_id and comment.subject == subject
        ):
            comment.resolved_at = now
            comment.resolution = resolution
            comment.resolved_by_id = by_user_id


# Built once (the start page runs it on every view): see portal.tenancy._MEMBERSHIPS_OF.
_OPEN_REQUESTS_ACROSS = (
    across_my_employers(ReviewComment, bindparam("user_id"))
    .options(selectinload(ReviewComment.author), selectinload(ReviewComment.position))
    .where(ReviewComment.asks_for_change.is_(True), ReviewComment.resolved_at.is_(None))
    .order_by(ReviewComment.id)
)


def open_requests_across(user_id: int) -> list[ReviewComment]:
    """Every open request on the positions of the user's employers (the home page), with their
    author and position loaded: one query whatever their number."""
    return list(db.session.scalars(_OPEN_REQUESTS_ACROSS, {"user_id": user_id}))


# --- telling the other side ------------------------------------------------------------------


def _recipients(
    employer_id: int, to_representative: bool, except_user_id: int
) -> list[tuple[str, str]]:
    """(e-mail, language) of each person the request goes to."""
    roles = [Role.REPRESENTATIVE] if to_representative else [Role.OWNER, Role.STAFF]
    return list(
        db.session.execute(
            select(User.email, User.locale)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.employer_id == employer_id,
                Membership.revoked_at.is_(None),
                Membership.role.in_(roles),
                User.id != except_user_id,
                User.is_active.is_(True),
            )
            .order_by(User.id)
        )
    )


def request_link(position: Position, comment: ReviewComment, external: bool = False) -> str:
    if comment.evidence_id:
        return url_for(
            "evidence.item",
            employer_id=position.employer_id,
            position_id=position.id,
            evidence_id=comment.evidence_id,
            _external=external,
        )
    return url_for(
        "positions.compliance_page",
        employer_id=position.employer_id,
        position_id=position.id,
        _external=external,
    )


def notify_request(position: Position, comment: ReviewComment) -> None:
    """Mail the other side about a new request (kept in the outbox without SMTP)."""
    from portal.mail.services import send_mail  # the mail module needs the app; import late

    to_representative = not from_representative(comment)
    author = db.session.get(User, comment.author_id)
    employer = db.session.get(Employer, position.employer_id)
    link = request_link(position, comment, external=True)
    for recipient, locale in _recipients(
        position.employer_id, to_representative, comment.author_id
    ):
        if comment.kind == QUESTION:
            subject = _l("Question: %(title)s", title=position.title)
        else:
            subject = _l("Change requested: %(title)s", title=position.title)
        try:
            send_mail(
                recipient,
                subject,
                "review_request",
                locale=locale,
                position=position,
                employer=employer,
                comment=comment,
                author=author,
                link=link,
                to_representative=to_representative,
            )
        except Exception:  # a mail server down must not lose the request itself
            log.exception("could not send the request mail to %s", recipient)
