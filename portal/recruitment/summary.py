"""Figures the LMIA form asks for, computed from the applicant log (plain Python).

Works on anything with the applicant attributes (ORM rows or lmia-case/1 dataclasses).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

LOCAL_STATUSES = frozenset({"citizen", "permanent_resident", "authorized"})
# Job Match stars that oblige an invitation, by stream (lmia-domain 1.1, 1.2; rule REC-JOBMATCH).
INVITE_STARS = {"high_wage": 4, "pr_only": 4, "low_wage": 2, "agricultural": 2}
JOB_MATCH_WINDOW_DAYS = 30


@dataclass(frozen=True)
class RecruitmentSummary:
    applied: int = 0
    local_applied: int = 0
    local_interviewed: int = 0
    local_offered: int = 0
    local_hired: int = 0
    foreign_applied: int = 0
    reasons_not_hired: dict[str, int] = field(default_factory=dict)
    local_without_reason: int = 0


def recruitment_summary(applicants) -> RecruitmentSummary:
    """Count applicants as the LMIA form reports them: local ones by stage, reasons not hired."""
    local = [a for a in applicants if a.status in LOCAL_STATUSES]
    not_hired = [a for a in local if not a.hired]
    reasons = Counter(a.reason_code for a in not_hired if a.reason_code)
    return RecruitmentSummary(
        applied=len(applicants),
        local_applied=len(local),
        local_interviewed=sum(1 for a in local if a.interviewed_on),
        local_offered=sum(1 for a in local if a.offered),
        local_hired=sum(1 for a in local if a.hired),
        foreign_applied=sum(1 for a in applicants if a.status == "foreign"),
        reasons_not_hired=dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        local_without_reason=sum(1 for a in not_hired if not a.reason_code),
    )


@dataclass(frozen=True)
class PendingInvitation:
    match: object
    invite_by: date | None  # None: no submission date planned yet; invite before filing


def matches_needing_invitation(
    stream: str, job_bank_start: date | None, matches, submission_date: date | None
) -> list[PendingInvitation]:
    """Matches the employer must still invite: enough stars, first seen in the posting's first
    30 days, and not invited yet. They must be invited before the LMIA is filed."""
    threshold = INVITE_STARS.get(stream)
    if threshold is None or job_bank_start is None:
        return []
    last_day = job_bank_start + timedelta(days=JOB_MATCH_WINDOW_DAYS - 1)
    invite_by = submission_date - timedelta(days=1) if submission_date else None
    return [
        PendingInvitation(match, invite_by)
        for match in sorted(matches, key=lambda m: m.first_seen)
        if match.stars >= threshold
        and job_bank_start <= match.first_seen <= last_day
        and match.invited_on is None
    ]
