"""Positions with fee and fraud findings for the risk pages: the demo's cases imported into any
employer (the file's employer section made that employer's)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from flask import g

from portal.cases import Address
from portal.commands.demo import demo_case
from portal.extensions import db
from portal.models import Employer
from portal.positions.services import import_case

LINE_COOK, CHEF = "line_cook_findings.json", "chef_compliant.json"


def import_demo(app, employer_id: int, owner_id: int, name: str = LINE_COOK, title=None) -> int:
    """Import a demo case into the employer; return the new position's id."""
    with app.test_request_context():
        employer = db.session.get(Employer, employer_id)
        g.employer, g.audit_actor_id = employer, owner_id
        case = demo_case(name, date.today() + timedelta(days=10))
        ours = dataclasses.replace(
            case.employer,
            legal_name=employer.legal_name,
            operating_name=employer.operating_name or employer.legal_name,
            business_number=employer.business_number,
            naics=employer.naics_code,
            address=Address(
                street=employer.street_address,
                city=employer.city,
                province=employer.province,
                postal_code=employer.postal_code,
            ),
        )
        case = dataclasses.replace(case, employer=ours)
        if title:
            case = dataclasses.replace(
                case, position=dataclasses.replace(case.position, title=title)
            )
        position = import_case(employer, case)
        db.session.commit()
        return position.id
