"""Every FEE-* and FRAUD-* rule at its boundaries, fed from the worker-protection tables.

tests/rules/test_fees*.py judge the rules from case dicts; here the same boundaries are built as
real rows (third parties, employer-wide ones included, payments linked to a worker or a third
party, custody, answered attestations, the employer's and the position's fields, workers'
offers, activities, applicants) and the position is judged the way the compliance page judges
it: ``compliance.check`` on the stored position (``case_bridge.case_dict`` → engine). D is the
position's planned submission date; every date boundary is tested the day before, on and after.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask import g

from portal.extensions import db
from portal.models import Employer, Position
from portal.positions import compliance
from portal.positions import services as position_services
from tests.protection.rows import Rows

D = date(2026, 4, 15)  # the default submission date
DAY = timedelta(days=1)

POSITION = {
    "title": "Cook",
    "noc_code": "63200",
    "stream": "low_wage",
    "street_address": "1 King St W",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5H 1A1",
    "economic_region": "ER3530",
    "cma": "Toronto",
    "wage_amount": Decimal("18.50"),
    "wage_per": "hour",
    "hours_per_week": Decimal("40"),
    "positions": 2,
    "duration_months": 12,
    "duties": "Prepare and cook meals; clean the kitchen.",
}
# 30% of 18.50 × 40 × 52 ÷ 12 (the monthly gross pay): the housing limit of FRAUD-WORKER-PAYS.
HOUSING_LIMIT = Decimal("962.00")


Setup = Callable[[Rows], None]


@pytest.fixture
def judge(app, make):
    """judge(setup, submission=D, employer=..., **position fields) -> {(rule, subject, severity)}
    of the fee and fraud findings the compliance page would show."""
    owner = make.user(name="Olive Owner")
    employer_id = make.employer(owner).id

    def run(
        setup: Setup,
        submission: date = D,
        employer: dict | None = None,
        messages: dict | None = None,
        **position,
    ):
        with app.test_request_context():
            g.audit_actor_id = owner.id
            g.employer = db.session.get(Employer, employer_id)
            for key, value in (employer or {}).items():
                setattr(g.employer, key, value)
            row = Position(employer_id=employer_id)
            fields = POSITION | {"planned_submission_date": submission} | position
            position_services.save_position(row, fields)
            setup(Rows(g.employer, row, owner.id))
            db.session.commit()
            position_id = row.id
        # A fresh request, as the page reads it: nothing cached from the writes above.
        with app.test_request_context():
            g.employer = db.session.get(Employer, employer_id)
            stored = db.session.get(Position, position_id)
            report = compliance.check(stored, submission)
            if messages is not None:  # the caller wants the words too
                messages.update({(f.rule, f.subject): f.message for f in report.verdict.findings})
            return {
                (f.rule, f.subject, f.severity)
                for f in report.verdict.findings
                if f.rule.startswith(("FEE-", "FRAUD-"))
            }

    return run


def rules_of(found) -> set[str]:
    return {rule for rule, _subject, _severity in found}


def nothing(rows: Rows) -> None:
    pass


# FEE-NO-RECOVERY ------------------------------------------------------------------------------

FEE_BAN = date(2022, 9, 26)


@pytest.mark.parametrize(
    ("submission", "fee", "worker_pays"),
    [
        (FEE_BAN - DAY, False, True),  # before the ban: only FRAUD-WORKER-PAYS sees it
        (FEE_BAN, True, False),
        (FEE_BAN + DAY, True, False),
    ],
)
def test_a_processing_fee_is_unrecoverable_from_2022_09_26(judge, submission, fee, worker_pays):
    def setup(rows):
        worker = rows.worker()
        party = rows.third_party()
        rows.payment(worker_id=worker.id, third_party_id=party.id, paid_on=submission - DAY)

    found = judge(setup, submission, province="BC", city="Vancouver")
    assert (("FEE-NO-RECOVERY", "payments[0]", "error") in found) is fee
    assert (("FRAUD-WORKER-PAYS", "payments[0]", "error") in found) is worker_pays


def test_the_finding_names_the_linked_worker_and_recruiter(judge):
    def setup(rows):
        worker = rows.worker(name="Aminata Koné")
        party = rows.third_party(employer_wide=True, province="ON", licence_number="RL-1")
        rows.payment(worker_id=worker.id, third_party_id=party.id, paid_on=date(2026, 3, 1))

    words = {}
    judge(setup, messages=words)
    assert words[("FEE-NO-RECOVERY", "payments[0]")] == (
        "$3,000.00 for a processing fee was paid by Aminata Koné on 2026-03-01 to Global "
        "Kitchen Staffing (recruiter); this cost may not be charged to the worker."
    )


@pytest.mark.parametrize("submission", [FEE_BAN - DAY, FEE_BAN, FEE_BAN + DAY])
def test_the_lmia_fee_is_never_recoverable(judge, submission):
    found = judge(
        lambda rows: rows.payment(payer="worker_family", payee="employer", purpose="lmia_fee"),
        submission,
    )
    assert ("FEE-NO-RECOVERY", "payments[0]", "error") in found
    assert "FRAUD-WORKER-PAYS" not in rules_of(found)


@pytest.mark.parametrize(
    ("stream", "purpose", "fires"),
    [
        ("low_wage", "travel", True),
        ("low_wage", "health_insurance", True),
        ("high_wage", "travel", False),
        ("high_wage", "health_insurance", False),
        ("high_wage", "placement_fee", True),
        ("low_wage", "training", False),
    ],
)
def test_travel_and_health_insurance_are_unrecoverable_only_for_low_wage(
    judge, stream, purpose, fires
):
    found = judge(lambda rows: rows.payment(payee="representative", purpose=purpose), stream=stream)
    assert (("FEE-NO-RECOVERY", "payments[0]", "error") in found) is fires


@pytest.mark.parametrize(
    ("payer", "via", "fires"),
    [
        ("employer", "deduction", True),  # taken from pay: charged to the worker
        ("employer", "transfer", False),  # the employer paying its recruiter is lawful
        ("worker", "cash", True),
    ],
)
def test_a_deduction_from_pay_counts_as_the_worker_paying(judge, payer, via, fires):
    found = judge(lambda rows: rows.payment(payer=payer, via=via, purpose="recruitment_fee"))
    assert (("FEE-NO-RECOVERY", "payments[0]", "error") in found) is fires


@pytest.mark.parametrize(
    ("submission", "fires"), [(FEE_BAN - DAY, False), (FEE_BAN, True), (FEE_BAN + DAY, True)]
)
def test_a_payment_reported_in_an_attestation_from_2022_09_26(judge, submission, fires):
    def setup(rows):
        worker = rows.worker()
        reported = {"payee": "Global Kitchen Staffing", "amount": 3000, "paid_on": None}
        rows.attestation(
            worker,
            datetime(2022, 9, 1, 12, 0, tzinfo=UTC),
            paid=True,
            payments=[reported | {"what_for": "processing fee"}],
        )

    found = judge(setup, submission)
    subject = ("FEE-NO-RECOVERY", "workers[0].attestation.payments[0]", "error")
    assert (subject in found) is fires


def test_only_the_latest_answered_attestation_speaks_for_the_worker(judge):
    def setup(rows):
        worker = rows.worker()
        paid = [{"payee": "Agent X", "amount": 500, "paid_on": None, "what_for": None}]
        rows.attestation(worker, datetime(2026, 3, 1, 9, 0, tzinfo=UTC), paid=True, payments=paid)
        rows.attestation(worker, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # later: nobody was paid
        rows.attestation(worker, None)  # sent, never answered: not an answer

    assert judge(setup) == set()


def test_a_worker_who_paid_without_saying_whom(judge):
    def setup(rows):
        rows.attestation(
            rows.worker(), datetime(2026, 3, 1, 9, 0, tzinfo=UTC), paid=True, payments=[]
        )

    assert ("FEE-NO-RECOVERY", "workers[0].attestation", "error") in judge(setup)


# FEE-RECRUITER-LICENSED -----------------------------------------------------------------------

ON_LICENSING = date(2024, 7, 1)
PE_LICENSING = date(2025, 7, 1)
QC_LICENSING = date(2020, 1, 1)


@pytest.mark.parametrize(
    ("province", "submission", "fires"),
    [
        ("ON", ON_LICENSING - DAY, False),
        ("ON", ON_LICENSING, True),
        ("ON", ON_LICENSING + DAY, True),
        ("PE", PE_LICENSING - DAY, False),  # licensing began 2025-04-01; grace to 07-01
        ("PE", PE_LICENSING, True),
        ("PE", PE_LICENSING + DAY, True),
        ("QC", QC_LICENSING - DAY, False),
        ("QC", QC_LICENSING, True),
        ("QC", QC_LICENSING + DAY, True),
        ("BC", date(2020, 6, 1), True),
        ("AB", date(2020, 6, 1), True),
        ("SK", date(2020, 6, 1), True),
        ("MB", date(2020, 6, 1), True),
        ("NS", date(2020, 6, 1), True),
        ("NB", date(2026, 4, 15), False),  # no licensing law
        ("NL", date(2026, 4, 15), False),
    ],
)
def test_a_recruiter_needs_its_provinces_licence_from_its_start(judge, province, submission, fires):
    found = judge(lambda rows: rows.third_party(province=province, paid=True), submission)
    assert (("FEE-RECRUITER-LICENSED", "third_parties[0]", "error") in found) is fires


@pytest.mark.parametrize(
    ("work_province", "submission", "fires"),
    [("ON", ON_LICENSING - DAY, False), ("ON", ON_LICENSING, True), ("NB", D, False)],
)
def test_a_recruiter_without_a_province_is_judged_by_the_work_province(
    judge, work_province, submission, fires
):
    found = judge(lambda rows: rows.third_party(province=None), submission, province=work_province)
    assert (("FEE-RECRUITER-LICENSED", "third_parties[0]", "error") in found) is fires


def test_a_licence_number_silences_it_and_the_employer_wide_recruiter_comes_first(judge):
    def setup(rows):
        rows.third_party(name="Only This Job", province="ON", licence_number="RL-1")
        rows.third_party(employer_wide=True, name="Everywhere Recruiting", province="ON")
        rows.third_party(name="Unlicensed Here", province="ON")

    found = judge(setup)
    # The employer's own (position_id NULL) is third_parties[0], then the position's, id order.
    assert {s for r, s, _ in found if r == "FEE-RECRUITER-LICENSED"} == {
        "third_parties[0]",
        "third_parties[2]",
    }


@pytest.mark.parametrize(
    ("fields", "fires"),
    [
        ({"paid": True}, True),
        ({"paid": True, "cicc_number": "R712345"}, False),
        ({"paid": True, "cicc_number": "R71234"}, True),  # 5 digits
        ({"paid": True, "cicc_number": "R7123456"}, True),  # 7 digits
        ({"paid": True, "cicc_number": "712345"}, True),
        ({"paid": True, "law_society": "Law Society of Ontario"}, False),
        ({"paid": False}, False),
        ({"paid": None}, False),
    ],
)
def test_a_paid_representative_needs_a_cicc_number_or_a_law_society(judge, fields, fires):
    found = judge(
        lambda rows: rows.third_party(
            employer_wide=True, name="Rita Counsel", role="representative", **fields
        )
    )
    assert (("FEE-RECRUITER-LICENSED", "third_parties[0]", "error") in found) is fires


# FRAUD-WORKER-PAYS ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"purpose": "statutory", "payee": "employer", "via": "deduction"}, None),
        ({"purpose": "loan_repayment", "payee": "employer"}, "warning"),
        ({"purpose": "loan_repayment", "payee": "recruiter"}, "warning"),
        ({"purpose": "wages_returned", "payee": "other"}, "error"),  # whoever receives them
        ({"purpose": "wages_returned", "payee": "owner"}, "error"),
        ({"purpose": "other", "payee": "owner"}, "error"),
        ({"purpose": "other", "payee": "representative"}, None),  # not the employer's side
        ({"purpose": "other", "payee": "employer", "payer": "employer"}, None),
        ({"purpose": "housing", "amount": HOUSING_LIMIT, "payee": "employer"}, None),
        ({"purpose": "housing", "amount": HOUSING_LIMIT + Decimal("0.01")}, "error"),
        ({"purpose": "housing", "amount": HOUSING_LIMIT - Decimal("0.01")}, None),
    ],
)
def test_money_from_the_worker_to_the_employer_side(judge, fields, expected):
    found = judge(lambda rows: rows.payment(**({"payer": "worker_family"} | fields)))
    severities = {s for r, subject, s in found if r == "FRAUD-WORKER-PAYS"}
    assert severities == ({expected} if expected else set())
    assert "FEE-NO-RECOVERY" not in rules_of(found)


def test_the_housing_limit_follows_the_linked_workers_offer(judge):
    def setup(rows):
        rows.worker(name="First Worker")
        second = rows.worker(name="Second Worker")
        # The second worker's offer pays double: 30% of its monthly gross is 1,924.00.
        second.offer = {**second.offer, "wage": {"amount": 37, "per": "hour"}}
        rows.payment(
            worker_id=second.id, payee="employer", purpose="housing", amount=Decimal("1924.00")
        )
        rows.payment(worker_id=second.id, payee="employer", purpose="housing", amount=HOUSING_LIMIT)
        rows.payment(payee="employer", purpose="housing", amount=HOUSING_LIMIT + Decimal("0.01"))

    found = judge(setup)
    # Unlinked: the first offer that states a wage (the first worker's, 18.50 an hour).
    assert {s for r, s, _ in found if r == "FRAUD-WORKER-PAYS"} == {"payments[2]"}


# FRAUD-SHAM-REVIEW ----------------------------------------------------------------------------


def _applicants(*specs):
    def setup(rows):
        for n, spec in enumerate(specs, 1):
            rows.applicant(n, **spec)

    return setup


SEEN = {"interviewed_on": date(2026, 3, 10)}
GENERIC = [
    SEEN | {"reason_code": "not_suitable"},
    SEEN | {"reason_code": "overqualified"},
    SEEN | {"reason_code": "other", "reason_detail": "Did not fit."},
]


@pytest.mark.parametrize(
    ("specs", "fires"),
    [
        ([{}], True),  # one local applicant, neither interviewed nor hired
        ([SEEN], False),
        ([{"hired": True, "reason_code": None}], False),
        ([{"status": "foreign"}], False),  # no local applicant at all
        ([{"status": "permanent_resident"}], True),
        ([{"status": "authorized"}], True),
        (GENERIC, True),  # three not hired, every reason generic
        (GENERIC[:2], False),  # only two
        (GENERIC[:2] + [SEEN | {"reason_code": "lacks_experience"}], False),
        (
            GENERIC + [SEEN | {"hired": True, "reason_code": None}],
            True,
        ),  # the hire is not turned away
        (GENERIC[:2] + [{"status": "foreign", "reason_code": "not_suitable"} | SEEN], False),
    ],
)
def test_local_applicants_all_turned_away(judge, specs, fires):
    found = judge(_applicants(*specs))
    assert (("FRAUD-SHAM-REVIEW", "recruitment", "warning") in found) is fires


# FRAUD-OFFER-BEFORE-AD ------------------------------------------------------------------------

FIRST_AD = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("offer_date", "fires"),
    [(FIRST_AD - DAY, True), (FIRST_AD, False), (FIRST_AD + DAY, False)],
)
def test_an_offer_dated_before_the_first_posting(judge, offer_date, fires):
    def setup(rows):
        rows.activity(start_date=date(2026, 3, 20), end_date=date(2026, 4, 30))
        rows.activity(start_date=FIRST_AD, end_date=date(2026, 4, 30))
        rows.worker(offer_date=offer_date)

    found = judge(setup)
    assert (("FRAUD-OFFER-BEFORE-AD", "workers[0].offer", "warning") in found) is fires


@pytest.mark.parametrize(
    ("offer_date", "fires"),
    [(FIRST_AD - 2 * DAY, True), (FIRST_AD - DAY, False), (FIRST_AD, False)],
)
def test_an_event_counts_by_its_date(judge, offer_date, fires):
    def setup(rows):
        rows.activity(start_date=FIRST_AD, end_date=date(2026, 4, 30))
        rows.activity(
            method="job_fair", kind="event", event_date=FIRST_AD - DAY, platform="Career fair"
        )
        rows.worker(offer_date=offer_date)

    found = judge(setup)
    assert (("FRAUD-OFFER-BEFORE-AD", "workers[0].offer", "warning") in found) is fires


def test_no_recruitment_no_offer_finding(judge):
    found = judge(lambda rows: rows.worker(offer_date=date(2020, 1, 1)))
    assert "FRAUD-OFFER-BEFORE-AD" not in rules_of(found)


def test_each_workers_offer_is_judged(judge):
    def setup(rows):
        rows.activity(start_date=FIRST_AD, end_date=date(2026, 4, 30))
        rows.worker(name="Early", offer_date=FIRST_AD)
        rows.worker(name="Too Early", offer_date=FIRST_AD - DAY)

    found = judge(setup)
    assert {s for r, s, _ in found if r == "FRAUD-OFFER-BEFORE-AD"} == {"workers[1].offer"}


# FRAUD-DOCUMENT-CUSTODY -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "held_by", "fires"),
    [
        ("passport", "employer", True),
        ("passport", "owner", True),
        ("work_permit", "recruiter", True),
        ("passport", "other", False),
        ("other", "employer", False),
    ],
)
def test_a_document_held_on_the_employer_side(judge, document, held_by, fires):
    def setup(rows):
        worker = rows.worker()
        rows.custody(document="passport", held_by="other")
        rows.custody(worker_id=worker.id, document=document, held_by=held_by)

    found = judge(setup)
    assert {s for r, s, _ in found if r == "FRAUD-DOCUMENT-CUSTODY"} == (
        {"document_custody[1]"} if fires else set()
    )
    if fires:
        assert ("FRAUD-DOCUMENT-CUSTODY", "document_custody[1]", "error") in found


@pytest.mark.parametrize(
    ("answers", "fires"),
    [
        ({"holds_passport": False}, True),
        ({"holds_permit": False}, True),
        ({"holds_passport": False, "holds_permit": False}, True),
        ({"holds_passport": None, "holds_permit": None}, False),  # not answered
        ({}, False),
    ],
)
def test_a_worker_who_answers_they_do_not_hold_their_documents(judge, answers, fires):
    def setup(rows):
        rows.worker(name="Holds Everything")
        rows.attestation(rows.worker(), datetime(2026, 3, 1, 9, 0, tzinfo=UTC), **answers)

    found = judge(setup)
    assert (("FRAUD-DOCUMENT-CUSTODY", "workers[1].attestation", "error") in found) is fires


# FRAUD-HEADCOUNT ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("positions", "employees", "fires"),
    [
        (3, 2, True),
        (3, 3, False),  # not more positions than employees
        (4, 3, True),
        (2, 1, False),  # more than employees, but not more than 2
        (3, None, False),  # headcount not given
        (3, 0, True),
    ],
)
def test_more_positions_than_employees(judge, positions, employees, fires):
    found = judge(nothing, positions=positions, employees_at_location=employees)
    assert (("FRAUD-HEADCOUNT", "position", "warning") in found) is fires


# FRAUD-NONCOMPLIANT ---------------------------------------------------------------------------

TWO_YEARS_BEFORE = date(2024, 4, 15)  # D − 2 years


@pytest.mark.parametrize(
    ("revoked", "fires"),
    [
        (TWO_YEARS_BEFORE - DAY, False),
        (TWO_YEARS_BEFORE, True),
        (TWO_YEARS_BEFORE + DAY, True),
        (D - DAY, True),
        (D, True),
        (D + DAY, False),  # after the submission date
        (None, False),
    ],
)
def test_an_lmia_revoked_within_two_years_before_d(judge, revoked, fires):
    found = judge(nothing, employer={"lmia_revoked_on": revoked})
    assert (("FRAUD-NONCOMPLIANT", "employer", "error") in found) is fires


@pytest.mark.parametrize(("listed", "fires"), [(True, True), (False, False)])
def test_an_employer_on_the_noncompliance_list(judge, listed, fires):
    found = judge(nothing, employer={"on_noncompliance_list": listed})
    assert (("FRAUD-NONCOMPLIANT", "employer", "error") in found) is fires


def test_a_clean_position_has_no_fee_or_fraud_finding(judge):
    def setup(rows):
        rows.activity(start_date=FIRST_AD, end_date=date(2026, 4, 30))
        worker = rows.worker(offer_date=FIRST_AD)
        party = rows.third_party(employer_wide=True, province="ON", licence_number="RL-7")
        rows.payment(payer="employer", payee="recruiter", third_party_id=party.id)
        rows.payment(worker_id=worker.id, payer="worker", payee="employer", purpose="statutory")
        rows.custody(worker_id=worker.id, held_by="other")
        rows.attestation(worker, datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
        rows.applicant(1, **SEEN)

    assert judge(setup, employees_at_location=10) == set()
