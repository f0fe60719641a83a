"""The road checks at each date boundary (the day before, on, after) and the road's deadlines."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from portal.road import dates
from portal.road.checks import (
    CHECKS,
    employer_matches,
    location_matches,
    occupation_matches,
    road_deadlines,
    road_findings,
)
from portal.road.steps import RoadFacts

DAY = timedelta(days=1)
BASE = RoadFacts(
    employer_id=1,
    position_id=2,
    worker_id=7,
    worker_name="Marco Bellini",
    employer_legal_name="Maple Leaf Bistro Inc.",
    employer_operating_name="Maple Leaf Bistro",
    position_title="Chef",
    noc_code="62200",
    city="Toronto",
    province="ON",
    lmia_number="1234567",
    lmia_decision="approved",
    lmia_decided_on=date(2026, 1, 10),
    lmia_positions_approved=1,
)


def rules(facts, today):
    return [(f.rule, f.severity, f.subject) for f in road_findings(facts, today, 0)]


def test_every_check_has_an_id_a_citation_and_effective_dates():
    ids = {c.id for c in CHECKS}
    assert ids == {
        "ROAD-LMIA-UNUSED",
        "ROAD-PERMIT-MISMATCH",
        "ROAD-PERMIT-EXPIRY",
        "ROAD-WORK-BEFORE-PERMIT",
        "ROAD-RETENTION",
        "ROAD-EXEMPT-OFFER",
    }
    for check in CHECKS:
        assert check.citation.startswith("https://")
        assert check.severity in ("error", "warning")


# ROAD-LMIA-UNUSED -----------------------------------------------------------------------------

END = date(2026, 7, 9)  # 6 months from 2026-01-10, inclusive


def test_lmia_validity_end_from_the_rule():
    assert BASE.valid_until == END


@pytest.mark.parametrize("today, expected", [(END - DAY, []), (END, []), (END + DAY, ["x"])])
def test_lmia_unused_at_validity_end(today, expected):
    found = rules(BASE, today)
    assert bool(found) == bool(expected)
    if expected:
        assert found == [("ROAD-LMIA-UNUSED", "error", "workers[0].road.permit_applied_on")]


@pytest.mark.parametrize("applied, found", [(END - DAY, False), (END, False), (END + DAY, True)])
def test_lmia_unused_by_application_date(applied, found):
    facts = replace(BASE, permit_applied_on=applied)
    assert any(r == "ROAD-LMIA-UNUSED" for r, *_ in rules(facts, END + 30 * DAY)) is found


def test_lmia_unused_uses_the_letters_date_and_skips_refusals_and_exempt():
    stated = replace(BASE, lmia_valid_until=date(2026, 5, 1))
    assert rules(stated, date(2026, 5, 1)) == []
    assert rules(stated, date(2026, 5, 2))[0][0] == "ROAD-LMIA-UNUSED"
    assert rules(replace(BASE, lmia_decision="refused"), END + DAY) == []
    assert rules(replace(BASE, lmia_decision=None), END + DAY) == []


def test_lmia_unused_applies_from_its_effective_date():
    old = replace(BASE, lmia_valid_until=date(2024, 3, 1))
    assert rules(old, dates.LMIA_VALIDITY.effective_from - DAY) == []
    assert rules(old, dates.LMIA_VALIDITY.effective_from)[0][0] == "ROAD-LMIA-UNUSED"


# ROAD-PERMIT-MISMATCH -------------------------------------------------------------------------

ISSUED = date(2026, 3, 2)
PERMIT = replace(
    BASE,
    permit_applied_on=date(2026, 2, 1),
    permit_number="U123456789",
    permit_issued_on=ISSUED,
    permit_expires_on=date(2028, 3, 1),
    permit_employer="MAPLE LEAF BISTRO",
    permit_occupation="62200 - Chefs",
    permit_location="Toronto, ON",
    first_day_on=ISSUED + DAY,
)


def test_a_matching_permit_has_no_findings():
    assert rules(PERMIT, ISSUED + DAY) == []


@pytest.mark.parametrize(
    "field, value",
    [
        ("permit_employer", "Other Foods Ltd"),
        ("permit_occupation", "63200 Cooks"),
        ("permit_occupation", "Dishwasher"),
        ("permit_location", "Ottawa, ON"),
        ("permit_location", "Toronto, Quebec"),
    ],
)
def test_mismatch_names_the_field(field, value):
    facts = replace(PERMIT, **{field: value})
    found = road_findings(facts, ISSUED, 0)
    assert [(f.rule, f.subject) for f in found] == [
        ("ROAD-PERMIT-MISMATCH", f"workers[0].road.{field}")
    ]
    assert value in found[0].message
    assert "new permit" in found[0].fix


def test_mismatch_at_the_permit_issue_date():
    facts = replace(PERMIT, permit_location="Ottawa")
    assert rules(facts, ISSUED - DAY) == []
    assert rules(facts, ISSUED)[0][0] == "ROAD-PERMIT-MISMATCH"
    assert rules(facts, ISSUED + DAY)[0][0] == "ROAD-PERMIT-MISMATCH"


def test_comparisons_normalise_case_accents_punctuation_and_legal_forms():
    assert employer_matches("Maple-Leaf Bistro, Inc.", "Maple Leaf Bistro Inc.", None)
    assert employer_matches("Le Café Été Ltée", "Le Cafe Ete", None)
    assert employer_matches("Bistro 9", "Numbered 123 Ontario Inc.", "Bistro 9")
    assert not employer_matches("Maple Leaf Catering", "Maple Leaf Bistro Inc.", None)
    assert occupation_matches("CHEF", "62200", "Chef")
    assert occupation_matches("NOC 62200", "62200", "Chef")
    assert not occupation_matches("NOC 65201", "62200", "Chef")
    assert location_matches("MONTRÉAL, QUÉBEC", "Montréal", "QC")
    assert location_matches("toronto", "Toronto", "ON")
    assert not location_matches("Toronto, AB", "Toronto", "ON")
    assert not location_matches("Mississauga, ON", "Toronto", "ON")


# ROAD-PERMIT-EXPIRY ---------------------------------------------------------------------------

EXPIRES = date(2027, 3, 4)
WARN_FROM = EXPIRES - timedelta(days=120)


def expiry(today, **changes):
    facts = replace(PERMIT, permit_expires_on=EXPIRES, **changes)
    return [f for f in road_findings(facts, today, 3) if f.rule == "ROAD-PERMIT-EXPIRY"]


def test_expiry_warning_starts_120_days_before():
    assert dates.renewal_warning_from(EXPIRES) == WARN_FROM
    assert expiry(WARN_FROM - DAY) == []
    (on,) = expiry(WARN_FROM)
    assert on.severity == "warning" and on.subject == "workers[3].road.permit_expires_on"
    assert dates.start_recruiting_by(EXPIRES).isoformat() in on.fix
    assert EXPIRES.isoformat() in on.fix and "120 days" in on.message
    assert expiry(WARN_FROM + DAY)[0].severity == "warning"


def test_expiry_becomes_an_error_the_day_after_expiry():
    assert expiry(EXPIRES - DAY)[0].severity == "warning"
    assert expiry(EXPIRES)[0].severity == "warning"
    assert expiry(EXPIRES + DAY)[0].severity == "error"


def test_a_renewal_under_way_silences_the_expiry_check_from_its_date():
    start = WARN_FROM + 10 * DAY
    assert expiry(start - DAY, renewal_started_on=start)[0].severity == "warning"
    assert expiry(start, renewal_started_on=start) == []
    assert expiry(EXPIRES + DAY, renewal_started_on=start) == []


# ROAD-WORK-BEFORE-PERMIT ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, found", [(ISSUED - DAY, True), (ISSUED, False), (ISSUED + DAY, False)]
)
def test_work_before_permit(first, found):
    facts = replace(PERMIT, first_day_on=first)
    assert (
        ("ROAD-WORK-BEFORE-PERMIT", "error", "workers[0].road.first_day_on")
        in rules(facts, ISSUED + DAY)
    ) is found


def test_first_day_without_a_permit():
    facts = replace(BASE, permit_applied_on=date(2026, 2, 1), first_day_on=date(2026, 3, 1))
    found = road_findings(facts, date(2026, 3, 2), 0)
    assert [f.rule for f in found] == ["ROAD-WORK-BEFORE-PERMIT"]
    assert "no permit" in found[0].message


# ROAD-RETENTION -------------------------------------------------------------------------------

FIRST = date(2026, 3, 3)
KEEP_UNTIL = date(2032, 3, 3)


@pytest.mark.parametrize(
    "asked, found", [(KEEP_UNTIL - DAY, True), (KEEP_UNTIL, True), (KEEP_UNTIL + DAY, False)]
)
def test_retention(asked, found):
    assert dates.retention_ends(FIRST) == KEEP_UNTIL
    facts = replace(PERMIT, first_day_on=FIRST, records_deletion_requested_on=asked)
    hits = [f for f in road_findings(facts, asked, 0) if f.rule == "ROAD-RETENTION"]
    assert bool(hits) is found
    if found:
        assert KEEP_UNTIL.isoformat() in hits[0].message


# ROAD-EXEMPT-OFFER ----------------------------------------------------------------------------

APPLIED = date(2026, 6, 1)
EXEMPT = replace(
    BASE,
    lmia_exemption_code="C10",
    lmia_decision=None,
    lmia_decided_on=None,
    permit_applied_on=APPLIED,
    offer_of_employment_number="A1234567",
    offer_of_employment_submitted_on=APPLIED,
    compliance_fee_paid_on=APPLIED,
)


@pytest.mark.parametrize(
    "submitted, found", [(APPLIED - DAY, False), (APPLIED, False), (APPLIED + DAY, True)]
)
def test_exempt_offer_submitted_on_or_before_the_application(submitted, found):
    facts = replace(EXEMPT, offer_of_employment_submitted_on=submitted)
    hits = [f for f in road_findings(facts, APPLIED + 5 * DAY, 0) if f.rule == "ROAD-EXEMPT-OFFER"]
    assert bool(hits) is found


@pytest.mark.parametrize(
    "paid, found", [(APPLIED - DAY, False), (APPLIED, False), (APPLIED + DAY, True), (None, True)]
)
def test_exempt_fee_paid_on_or_before_the_application(paid, found):
    facts = replace(EXEMPT, compliance_fee_paid_on=paid)
    hits = [f for f in road_findings(facts, APPLIED + 5 * DAY, 0) if f.rule == "ROAD-EXEMPT-OFFER"]
    assert bool(hits) is found
    if found:
        assert "compliance fee" in hits[0].message


def test_exempt_offer_only_for_exempt_positions_and_never_lmia_unused():
    lmia = replace(EXEMPT, lmia_exemption_code=None, offer_of_employment_submitted_on=None)
    assert not any(f.rule == "ROAD-EXEMPT-OFFER" for f in road_findings(lmia, APPLIED, 0))
    late = replace(EXEMPT, permit_applied_on=None)
    assert road_findings(late, date(2030, 1, 1), 0) == []


# Deadlines -----------------------------------------------------------------------------------


def test_deadlines_with_stable_keys():
    waiting = road_deadlines(BASE, date(2026, 2, 1))
    assert [d.key for d in waiting] == ["lmia-validity:worker:7:2026-07-09"]
    assert waiting[0].url_endpoint == "road.worker"
    assert dict(waiting[0].url_values) == {"employer_id": 1, "position_id": 2, "worker_id": 7}
    later = road_deadlines(replace(PERMIT, permit_expires_on=EXPIRES), date(2026, 4, 1))
    assert [d.key for d in later] == [
        f"start-recruiting:worker:7:{dates.start_recruiting_by(EXPIRES).isoformat()}",
        "permit-expiry:worker:7:2027-03-04",
        "retention-end:worker:7:2032-03-03",
    ]
    assert all(d.citation.startswith("https://") for d in later)
    renewing = road_deadlines(
        replace(PERMIT, renewal_started_on=date(2026, 5, 1)), date(2026, 5, 2)
    )
    assert [d.kind for d in renewing] == ["permit-expiry", "retention-end"]
