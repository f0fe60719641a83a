"""A position with dated recruitment for the deadlines tests."""

from datetime import date
from decimal import Decimal

from flask import g

from portal.extensions import db
from portal.models import Applicant, Position, RecruitmentActivity


def add_position(app, employer_id: int, actor_id: int, title: str, job_bank_start: date, **fields):
    """A low-wage position with a Job Bank posting from ``job_bank_start`` (Direct Apply on)
    and one Direct Apply applicant the day after, résumé not downloaded; return its id."""
    with app.test_request_context():
        g.audit_actor_id = actor_id
        position = Position(
            employer_id=employer_id,
            title=title,
            noc_code="63200",
            stream="low_wage",
            street_address="5 Oven Lane",
            city="Toronto",
            province="ON",
            postal_code="M5V 2A9",
            economic_region="ER3530",
            wage_amount=Decimal("19.00"),
            wage_per="hour",
            hours_per_week=Decimal("40"),
            positions=1,
            duration_months=12,
            duties="Cook meals.",
            job_match_mode="default",
            **fields,
        )
        position.activities.append(
            RecruitmentActivity(
                employer_id=employer_id,
                case_key="A1",
                method="job_bank",
                kind="posting",
                start_date=job_bank_start,
                platform="Job Bank",
                direct_apply=True,
            )
        )
        db.session.add(position)
        db.session.flush()
        db.session.add(
            Applicant(
                employer_id=employer_id,
                position_id=position.id,
                name="Maria Gonzalez",
                status="citizen",
                source_activity_id=position.activities[0].id,
                channel="direct_apply",
                applied_on=date.fromordinal(job_bank_start.toordinal() + 1),
            )
        )
        db.session.commit()
        return position.id
