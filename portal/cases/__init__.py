"""LMIA cases in the portable ``lmia-case/2`` format (``lmia-case/1`` still read): model, parser,
canonical writer, wages.

Plain Python: nothing here imports Flask, SQLAlchemy or the database models.
"""

from portal.cases.model import (
    FORMAT,
    FORMAT_V1,
    Activity,
    Ad,
    Address,
    Applicant,
    Case,
    Deduction,
    DocumentCustody,
    Employer,
    JobMatch,
    Match,
    Offer,
    Payment,
    PlanActivity,
    Position,
    Requirements,
    ThirdParty,
    TransitionPlan,
    Wage,
    WageRange,
    Worker,
    WorkLocation,
)
from portal.cases.parse import CaseError, parse_case
from portal.cases.serialize import case_to_dict, case_to_json, to_json
from portal.cases.wages import hourly_equivalent, hourly_fraction, monthly_gross

__all__ = [
    "FORMAT",
    "FORMAT_V1",
    "Activity",
    "Ad",
    "Address",
    "Applicant",
    "Case",
    "CaseError",
    "Deduction",
    "DocumentCustody",
    "Employer",
    "JobMatch",
    "Match",
    "Offer",
    "Payment",
    "PlanActivity",
    "Position",
    "Requirements",
    "ThirdParty",
    "TransitionPlan",
    "Wage",
    "WageRange",
    "Worker",
    "WorkLocation",
    "case_to_dict",
    "case_to_json",
    "hourly_equivalent",
    "hourly_fraction",
    "monthly_gross",
    "parse_case",
    "to_json",
]
