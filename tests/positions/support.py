"""Helpers for the position pages: a valid form body, form posts with real CSRF tokens, counts."""

import io
import re
from dataclasses import dataclass, field
from datetime import date

from flask import g
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Applicant, Position, RecruitmentActivity, Role
from tests.helpers import post_form, text_of

# Accepted as it is by the position form (the positive control of every refusal below).
POSITION_FORM = {
    "title": "Cook",
    "noc_code": "63200",
    "stream": "low_wage",
    "street_address": "1 King St W",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5H 1A1",
    "economic_region": "ER3530",
    "cma": "Toronto",
    "wage_amount": "18.50",
    "wage_per": "hour",
    "hours_per_week": "40",
    "positions": "2",
    "duration_months": "12",
    "duties": "Prepare and cook meals; clean the kitchen.",
    "prevailing_wage_per": "hour",
    "incumbent_wage_per": "hour",
    "planned_submission_date": "2026-04-15",
}
ACTIVITY_FORM = {
    "method": "job_bank",
    "kind": "posting",
    "start_date": "2026-03-02",
    "end_date": "2026-06-30",
    "platform": "Job Bank",
    "direct_apply": "y",
    "ad_wage_per": "hour",
}


@dataclass
class Shop:
    """One employer with a member of each role, and signed-in browsers for them."""

    app: object
    make: object
    employer_id: int
    users: dict
    _clients: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/employers/{self.employer_id}/positions"

    def client(self, who: str = "owner"):
        if who not in self._clients:
            self._clients[who] = self.make.signed_in_client(self.users[who])
        return self._clients[who]

    def post(self, url: str, data: dict, who: str = "owner", form_page: str = "/account/"):
        """POST with a valid CSRF token of ``who``'s session."""
        return post_form(self.client(who), url, data, token_from=form_page)

    def create_position(self, **overrides) -> tuple[int, str]:
        response = self.post(f"{self.base}/new", POSITION_FORM | overrides)
        assert response.status_code == 302, text_of(response)
        url = response.headers["Location"]
        return int(url.rstrip("/").rsplit("/", 1)[1]), url

    def add_activity(self, position_url: str, **overrides) -> None:
        response = self.post(position_url + "activities/new", ACTIVITY_FORM | overrides)
        assert response.status_code == 302, text_of(response)


def make_shop(app, make, **profile) -> Shop:
    users = {"owner": make.user(name="Olive Owner")}
    employer = make.employer(users["owner"], **profile)
    for who, role, name in (
        ("staff", Role.STAFF, "Stan Staff"),
        ("viewer", Role.VIEWER, "Val Viewer"),
        ("rep", Role.REPRESENTATIVE, "Rita Counsel"),
    ):
        users[who] = make.user(name=name)
        make.member(employer, users[who], role)
    return Shop(app=app, make=make, employer_id=employer.id, users=users)


def count(app, model, **filters) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**filters)
        return db.session.scalar(query)


def upload(content: bytes, name: str = "file.csv") -> dict:
    return {"file": (io.BytesIO(content), name)}


def add_applicants(app, position_id: int, rows: list[dict], actor_id: int) -> None:
    """Insert applicant rows directly (for volume; the forms are tested on their own)."""
    with app.test_request_context():
        g.audit_actor_id = actor_id
        position = db.session.get(Position, position_id)
        for row in rows:
            db.session.add(
                Applicant(employer_id=position.employer_id, position_id=position_id, **row)
            )
        db.session.commit()


def applicant_row(n: int, **fields) -> dict:
    return {
        "name": f"Applicant {n}",
        "status": "citizen" if n % 2 else "foreign",
        "applied_on": date(2026, 3, 3),
        "reason_code": "no_response",
    } | fields


def first_activity_id(app, position_id: int) -> int:
    with app.app_context():
        query = select(RecruitmentActivity.id).filter_by(position_id=position_id)
        return db.session.scalar(query.order_by(RecruitmentActivity.id))


_ERROR = re.compile(r'<p class="error" id="([a-z_]+)-error">([^<]*)</p>')


def field_errors(response) -> dict[str, str]:
    """The per-field error messages a form page shows: {field name: text}."""
    return dict(_ERROR.findall(text_of(response)))
