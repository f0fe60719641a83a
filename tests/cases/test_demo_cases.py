"""The demo's case files (portal/demo, imported by seed-demo): lmia-case/2, one worker each; the
chef's offer is clean and in English, the line cook's in French with one mismatch."""

import dataclasses
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from portal.cases import FORMAT, Wage, parse_case
from portal.reference.labour_market import LabourMarketData
from portal.rules import evaluate

DEMO = Path(__file__).resolve().parents[2] / "portal" / "demo"
# seed-demo moves every date so the filing is 10 days away: as of 2026-11-21 for these files.
AS_OF = date(2026, 11, 21)
OFFER_RULES = {
    "OFFER-CORE",
    "OFFER-MATCH",
    "OFFER-SIGNED",
    "OFFER-NO-FEES",
    "WAGE-AD-OFFER",
    "LW-OBLIGATIONS",
    "FRAUD-OFFER-BEFORE-AD",
}
# Keys a clean, unsigned offer made before the LMIA is issued leaves out: the signatures, the
# LMIA number (not issued yet) and the Employer Portal number (LMIA-exempt hires only).
NOT_YET = {
    "signed_by_employer_on",
    "signed_by_worker_on",
    "signed_by_employer_name",
    "signed_by_worker_name",
    "lmia_number",
    "employer_portal_offer_number",
    "housing_rent_monthly",
}


def _case(name):
    return parse_case((DEMO / name).read_text(encoding="utf-8"))


def _offer_findings(case):
    verdict = evaluate(case, AS_OF, LabourMarketData.packaged())
    return [
        f
        for f in verdict.findings
        if f.rule in OFFER_RULES or f.subject.startswith("offer") or ".offer" in f.subject
    ]


def _fee_and_fraud(case):
    verdict = evaluate(case, AS_OF, LabourMarketData.packaged())
    return [(f.rule, f.subject) for f in verdict.findings if f.rule.startswith(("FEE-", "FRAUD-"))]


def test_the_line_cooks_worker_reports_the_processing_fee_to_the_unlicensed_recruiter():
    case = _case("line_cook_findings.json")
    (worker,) = case.workers
    (recruiter,) = case.third_parties

    assert (recruiter.name, recruiter.province, recruiter.paid, recruiter.licence_number) == (
        "Global Kitchen Staffing",
        "ON",
        True,
        None,
    )
    assert worker.attestation.answered_on == case.submission_date - timedelta(days=12)
    assert worker.attestation.paid is True
    (reported,) = worker.attestation.payments
    assert (reported.payee, reported.amount, reported.what_for) == (
        "Global Kitchen Staffing",
        Decimal("3000"),
        "processing fee",
    )
    assert _fee_and_fraud(case) == [
        ("FEE-NO-RECOVERY", "payments[0]"),
        ("FEE-NO-RECOVERY", "workers[0].attestation.payments[0]"),
        ("FEE-RECRUITER-LICENSED", "third_parties[0]"),
        ("FRAUD-SHAM-REVIEW", "recruitment"),
    ]


def test_the_chefs_worker_answered_that_nobody_was_paid():
    case = _case("chef_compliant.json")
    attestation = case.workers[0].attestation

    assert attestation.paid is False and attestation.payments == ()
    assert attestation.holds_passport is attestation.holds_permit is True
    assert attestation.contract_before_start_in_language is True
    assert attestation.knows_help is True
    assert attestation.language == "en"
    assert _fee_and_fraud(case) == []


@pytest.mark.parametrize("name", ["chef_compliant.json", "line_cook_findings.json"])
def test_each_demo_case_is_v2_with_one_worker(name):
    case = _case(name)

    assert case.format == FORMAT
    (worker,) = case.workers
    assert worker.offer is not None
    assert worker.planned_start_date > case.submission_date
    assert worker.offer.start_date == worker.planned_start_date
    assert worker.offer.states_no_fees is True
    assert worker.offer.signed_by_employer_on is None and worker.offer.signed_by_worker_on is None


def test_the_chefs_offer_is_complete_and_clean():
    case = _case("chef_compliant.json")
    (worker,) = case.workers

    assert worker.language == worker.offer.language == "en"
    missing = [
        field.name
        for field in dataclasses.fields(worker.offer)
        if getattr(worker.offer, field.name) is None and field.name not in NOT_YET
    ]
    assert missing == []
    assert _offer_findings(case) == []


def test_the_line_cooks_french_offer_has_one_mismatch():
    case = _case("line_cook_findings.json")
    (worker,) = case.workers

    assert worker.language == worker.offer.language == "fr"
    assert [(f.rule, f.subject, f.severity) for f in _offer_findings(case)] == [
        ("WAGE-AD-OFFER", "workers[0].offer", "error")
    ]
    # Low-wage: the employer pays travel, insurance and workplace safety coverage.
    assert {"round_trip_travel", "health_insurance", "workplace_safety_insurance"} <= set(
        worker.offer.employer_paid
    )


def test_fixing_the_line_cooks_wage_clears_the_finding():
    document = json.loads((DEMO / "line_cook_findings.json").read_text(encoding="utf-8"))
    assert document["workers"][0]["offer"]["wage"]["amount"] == 17.0
    document["workers"][0]["offer"]["wage"]["amount"] = 17.5
    fixed = parse_case(json.dumps(document))

    assert fixed.workers[0].offer.wage == Wage(amount=Decimal("17.5"), per="hour")
    assert _offer_findings(fixed) == []
