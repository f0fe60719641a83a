"""Position operations: save the forms' facts, keep case keys stable. Views commit once."""

from flask import abort, g, has_request_context
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.cases import case_to_dict
from portal.extensions import db
from portal.forms import options
from portal.models import (
    Applicant,
    Employer,
    JobMatchEntry,
    MissedCaptureReason,
    Position,
    RecruitmentActivity,
    Waiver,
    utcnow,
)
from portal.offers import terms as offer_terms
from portal.positions import case_bridge, labels
from portal.positions.case_bridge import json_number
from portal.recruitment import summary
from portal.tenancy import (
    get_scoped_or_404,
    position_scope,
    position_scoped_select,
    scoped_select,
)

POSITION_FIELDS = (
    "title",
    "noc_code",
    "stream",
    "is_caregiver",
    "is_seasonal",
    "quebec_facilitated",
    "advertising_variation",
    "street_address",
    "city",
    "province",
    "postal_code",
    "economic_region",
    "cma",
    "admin_region",
    "wage_amount",
    "wage_per",
    "hours_per_week",
    "positions",
    "duration_months",
    "duties",
    "education",
    "experience",
    "experience_years",
    "language_justification",
    "benefits",
    "terms",
    "prevailing_wage_amount",
    "prevailing_wage_per",
    "prevailing_wage_source",
    "incumbent_wage_amount",
    "incumbent_wage_per",
    "live_in_required",
    "program",
    "employees_at_location",
    "low_wage_tfws_at_location",
    "planned_submission_date",
    "job_bank_alternative_rationale",
    "lmia_exemption_code",
)
ACTIVITY_FIELDS = (
    "method",
    "kind",
    "start_date",
    "end_date",
    "event_date",
    "platform",
    "is_national",
    "reference",
    "direct_apply",
)
AD_TEXT_FIELDS = (
    "title",
    "operating_name",
    "business_address",
    "work_location",
    "duties",
    "terms",
    "benefits",
    "contact",
    "education",
    "experience",
)
APPLICANT_FIELDS = (
    "name",
    "status",
    "channel",
    "applied_on",
    "resume_downloaded_on",
    "interviewed_on",
    "offered",
    "hired",
    "reason_code",
    "reason_detail",
)


class StaleEdit(Exception):
    """Someone else saved this position after the form was opened."""


def _clean(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def split_list(text: str | None) -> list[str] | None:
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    return names or None


def positions_of_employer() -> list[Position]:
    return list(db.session.scalars(scoped_select(Position).order_by(Position.id.desc())))


def save_position(position: Position, fields: dict, seen_version: str | None = None) -> Position:
    """Write the form's fields onto ``position`` (new or existing) and flush."""
    if position.id is not None and str(position.version) != (seen_version or ""):
        raise StaleEdit()
    # Workers' offers mirror the position's terms: those still equal follow the edit.
    employer = db.session.get(Employer, position.employer_id) if position.workers else None
    before = offer_terms.mirrored_terms(position, employer) if employer else None
    for name in POSITION_FIELDS:
        if name in fields:
            setattr(position, name, _clean(fields[name]))
    position.languages = split_list(fields.get("languages"))
    if not position.prevailing_wage_amount:
        position.prevailing_wage_per = None
    if not position.incumbent_wage_amount:
        position.incumbent_wage_per = None
    if not position.is_caregiver:
        position.live_in_required = None
    if position.stream != "agricultural":
        position.program = None
    if before is not None:
        after = offer_terms.mirrored_terms(position, employer)
        for worker in position.workers:
            if not offer_terms.is_signed(worker.offer):
                worker.offer = offer_terms.follow_position(worker.offer, before, after)
    db.session.add(position)
    db.session.flush()
    return position


def ad_from_fields(fields: dict) -> dict | None:
    """Build the ``ad`` object of lmia-case/1 from the activity form's ad_* fields."""
    ad = {name: _clean(fields.get(f"ad_{name}")) for name in AD_TEXT_FIELDS}
    low, high = fields.get("ad_wage_min"), fields.get("ad_wage_max")
    if low is not None or high is not None:
        per = fields.get("ad_wage_per") or "hour"
        ad["wage"] = (
            {"amount": json_number(low), "per": per}
            if high is None
            else {"min": json_number(low), "max": json_number(high), "per": per}
        )
    ad["languages"] = split_list(fields.get("ad_languages"))
    ad["published_languages"] = fields.get("ad_published_languages") or None
    ad = {key: value for key, value in ad.items() if value not in (None, [], "")}
    return ad or None


def fields_from_ad(ad: dict | None) -> dict:
    """The inverse of ``ad_from_fields``, to fill the form for editing."""
    ad = ad or {}
    fields = {f"ad_{name}": ad.get(name) for name in AD_TEXT_FIELDS}
    wage = ad.get("wage") or {}
    fields["ad_wage_min"] = wage.get("amount", wage.get("min"))
    fields["ad_wage_max"] = wage.get("max")
    fields["ad_wage_per"] = wage.get("per", "hour")
    fields["ad_languages"] = ", ".join(ad.get("languages") or [])
    fields["ad_published_languages"] = ad.get("published_languages") or []
    return fields


def _next_case_key(position: Position) -> str:
    taken = {activity.case_key for activity in position.activities}
    number = len(taken) + 1
    while f"A{number}" in taken:
        number += 1
    return f"A{number}"


def save_activity(position: Position, activity: RecruitmentActivity, fields: dict):
    for name in ACTIVITY_FIELDS:
        setattr(activity, name, _clean(fields.get(name)))
    if activity.kind == "posting":
        activity.event_date = None
    else:
        activity.start_date = activity.end_date = None
    if activity.method != "job_bank":
        activity.direct_apply = None
    activity.target_groups = list(fields.get("target_groups") or []) or None
    activity.ad = ad_from_fields(fields)
    if activity.id is None:
        activity.employer_id = position.employer_id
        activity.position_id = position.id
        activity.case_key = _next_case_key(position)
        position.activities.append(activity)
    db.session.add(activity)
    db.session.flush()
    return activity


def child_of(position: Position, model, object_id: int):
    """Load one row of this position (through the employer scope); any other id answers 404."""
    found = get_scoped_or_404(model, object_id)
    if found.position_id != position.id:
        abort(404)
    return found


_APPLICANTS_OF = position_scoped_select(Applicant).order_by(Applicant.applied_on, Applicant.id)


def applicants_of(position: Position) -> list[Applicant]:
    return list(db.session.scalars(_APPLICANTS_OF, position_scope(position)))


APPLICANTS_PER_PAGE = 50


def applicant_page(position: Position, page: int):
    """One page of the position's applicants in the log's order (applied, then entered); a page
    past the last is a 404 (db.paginate's error_out)."""
    return db.paginate(
        scoped_select(Applicant)
        .where(Applicant.position_id == position.id)
        .order_by(Applicant.applied_on, Applicant.id),
        page=page,
        per_page=APPLICANTS_PER_PAGE,
        error_out=True,
    )


def applicant_page_number(position: Position, applicant: Applicant) -> int:
    """The page of the applicant list that shows ``applicant`` (the list's order counted)."""
    before = db.session.scalar(
        scoped_select(Applicant)
        .where(
            Applicant.position_id == position.id,
            (Applicant.applied_on < applicant.applied_on)
            | ((Applicant.applied_on == applicant.applied_on) & (Applicant.id < applicant.id)),
        )
        .with_only_columns(func.count())
    )
    return before // APPLICANTS_PER_PAGE + 1


def applicants_summary(position: Position):
    """The LMIA form's counts over every applicant of the position, from the five columns they
    need (rows, not mapped objects: a page of 50 should not load thousands of applicants)."""
    rows = db.session.execute(
        scoped_select(Applicant)
        .where(Applicant.position_id == position.id)
        .with_only_columns(
            Applicant.status,
            Applicant.hired,
            Applicant.offered,
            Applicant.interviewed_on,
            Applicant.reason_code,
        )
    ).all()
    return summary.recruitment_summary(rows)


def save_applicant(
    position: Position, applicant: Applicant, fields: dict, seen_version: str | None = None
) -> Applicant:
    """Write the form's fields onto ``applicant`` (new or existing) and flush; an existing one
    changed since the form was opened at ``seen_version`` raises StaleEdit."""
    if applicant.id is not None and str(applicant.version) != (seen_version or ""):
        raise StaleEdit()
    for name in APPLICANT_FIELDS:
        setattr(applicant, name, _clean(fields.get(name)))
    source = fields.get("source_activity_id")
    applicant.source_activity_id = (
        child_of(position, RecruitmentActivity, int(source)).id
        if source not in (None, "", "None")
        else None
    )
    if applicant.hired:
        applicant.reason_code = None
    applicant.employer_id = position.employer_id
    applicant.position_id = position.id
    db.session.add(applicant)
    db.session.flush()
    return applicant


def save_job_match_entry(position: Position, entry: JobMatchEntry, fields: dict):
    entry.first_seen = fields["first_seen"]
    entry.stars = fields["stars"]
    entry.invited_on = fields.get("invited_on")
    entry.employer_id = position.employer_id
    entry.position_id = position.id
    if position.job_match_mode is None:
        position.job_match_mode = "default"
    db.session.add(entry)
    db.session.flush()
    return entry


_ACTIVE_WAIVERS = (
    position_scoped_select(Waiver)
    .options(selectinload(Waiver.waived_by))
    .where(Waiver.withdrawn_at.is_(None))
)


def active_waivers(position: Position) -> list[Waiver]:
    return list(db.session.scalars(_ACTIVE_WAIVERS, position_scope(position)))


def waive(position: Position, rule_id: str, subject: str, reason: str, by_user_id: int):
    for existing in active_waivers(position):
        if existing.rule_id == rule_id and existing.subject == subject:
            existing.withdrawn_at = utcnow()
    waiver = Waiver(
        employer_id=position.employer_id,
        position_id=position.id,
        rule_id=rule_id,
        subject=subject,
        reason=reason.strip(),
        waived_by_id=by_user_id,
    )
    db.session.add(waiver)
    db.session.flush()
    return waiver


def activity_choices(position: Position):
    """Options for "found the job through": the position's activities."""
    pairs = [("", "—")]
    for activity in position.activities:
        when = activity.start_date or activity.event_date
        name = activity.platform or labels.METHODS.get(activity.method, activity.method)
        pairs.append((str(activity.id), f"{activity.case_key}: {name} ({when:%Y-%m-%d})"))
    return options(pairs)


def recruitment_summary(applicants):
    return summary.recruitment_summary(applicants)


def job_bank_start(position: Position):
    starts = [
        a.start_date for a in position.activities if a.method == "job_bank" and a.kind == "posting"
    ]
    return min(starts) if starts else None


def matches_needing_invitation(position: Position):
    return summary.matches_needing_invitation(
        position.stream,
        job_bank_start(position),
        position.job_matches,
        position.planned_submission_date,
    )


def import_applicant_rows(position: Position, rows) -> None:
    """Add validated CSV rows to the log; ``source`` names an activity by its case key."""
    by_key = {activity.case_key: activity.id for activity in position.activities}
    for row in rows:
        fields = {name: getattr(row, name) for name in APPLICANT_FIELDS}
        applicant = Applicant(
            employer_id=position.employer_id,
            position_id=position.id,
            source_activity_id=by_key.get(row.source),
            **fields,
        )
        db.session.add(applicant)
    db.session.flush()


def applicants_in_log_order(position: Position) -> list[Applicant]:
    """Applicants in the order they were entered (a case file keeps that order)."""
    return list(
        db.session.scalars(
            scoped_select(Applicant)
            .where(Applicant.position_id == position.id)
            .order_by(Applicant.id)
        )
    )


def applicant_count(position: Position) -> int:
    return db.session.scalar(
        select(func.count()).select_from(
            scoped_select(Applicant).where(Applicant.position_id == position.id).subquery()
        )
    )


class EmployerMismatch(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _acting_user_id() -> int | None:
    """Who is acting: the signed-in user, or whoever a command named for the audit log."""
    if g and g.get("audit_actor_id"):
        return g.audit_actor_id
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def import_case(employer, case, by_user_id: int | None = None) -> Position:
    """Create a position with everything in a validated case; refuse another employer's file.

    The workers' attestations in the file are recorded as created by ``by_user_id`` (default:
    the acting user, as the audit log names them)."""
    document = case_to_dict(case)
    problems = case_bridge.employer_mismatches(employer, document)
    if problems:
        raise EmployerMismatch(problems)
    position, applicants = case_bridge.rows_from_case(employer, document)
    db.session.add(position)
    db.session.flush()
    for applicant in applicants:
        applicant.position_id = position.id
        db.session.add(applicant)
    if by_user_id is None:
        by_user_id = _acting_user_id()
    db.session.add_all(case_bridge.attestations_from_case(position, document, by_user_id))
    db.session.flush()
    return position


def record_missed_capture_reason(
    activity: RecruitmentActivity, due_from, due_until, reason: str, by_user_id: int
) -> MissedCaptureReason:
    row = MissedCaptureReason(
        employer_id=activity.employer_id,
        position_id=activity.position_id,
        activity_id=activity.id,
        due_from=due_from,
        due_until=due_until,
        reason=reason.strip(),
        recorded_by_id=by_user_id,
    )
    activity.missed_capture_reasons.append(row)
    db.session.add(row)
    db.session.flush()
    return row
