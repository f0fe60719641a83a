"""FEE and FRAUD rules."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Applicant, Deduction, DocumentCustody, Payment, ThirdParty
from portal.rules import sources
from tests.rules.builders import (
    add_activity,
    agricultural_case,
    applicant,
    at,
    day,
    employer,
    event,
    findings_of,
    found,
    global_talent_case,
    high_wage_case,
    location,
    low_wage_case,
    one,
    position,
    replace,
    rule_ids,
    subjects,
)
from tests.rules.builders import offer as change_offer


def paying(case, *payments):
    return replace(case, payments=tuple(payments))


def pay(payer, payee, amount, purpose, via=None, on="2026-01-15"):
    return Payment(
        date=day(on) if on else None,
        payer=payer,
        payee=payee,
        amount=Decimal(amount),
        purpose=purpose,
        via=via,
    )


def parties(case, *third_parties):
    return replace(case, third_parties=tuple(third_parties))


# --- FEE-NO-RECOVERY -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "purpose",
    [
        "recruitment_fee",
        "placement_fee",
        "lmia_fee",
        "representative_fee",
        "processing_fee",
        "job_offer",
    ],
)
@pytest.mark.parametrize("payer", ["worker", "worker_family"])
def test_recruitment_costs_paid_by_the_worker_side(purpose, payer):
    case = paying(low_wage_case(), pay(payer, "recruiter", "3000", purpose))

    assert ("FEE-NO-RECOVERY", "payments[0]") in found(case)


def test_fee_message_gives_the_amount_and_parties():
    case = paying(low_wage_case(), pay("worker", "recruiter", "3000", "recruitment_fee"))

    assert one(case, "FEE-NO-RECOVERY").message == (
        "$3,000.00 for a recruitment fee was paid by the worker on 2026-01-15 to a recruiter; "
        "this cost may not be charged to the worker."
    )


@pytest.mark.parametrize(("submitted", "fires"), [("2022-09-25", False), ("2022-09-26", True)])
def test_recruitment_fees_barred_from_2022_09_26(submitted, fires):
    case = at(
        paying(low_wage_case(), pay("worker", "recruiter", "3000", "placement_fee")), day(submitted)
    )

    assert ("FEE-NO-RECOVERY" in rule_ids(case)) is fires


def test_the_lmia_fee_was_always_barred():
    case = at(
        paying(low_wage_case(), pay("worker", "employer", "1000", "lmia_fee")), day("2020-01-01")
    )

    assert ("FEE-NO-RECOVERY", "payments[0]") in found(case)


@pytest.mark.parametrize(
    ("payer", "via", "fires"),
    [("employer", "deduction", True), ("employer", "transfer", False), ("owner", None, False)],
)
def test_deductions_from_pay_count_whoever_is_named_payer(payer, via, fires):
    case = paying(low_wage_case(), pay(payer, "government", "1000", "lmia_fee", via=via))

    assert ("FEE-NO-RECOVERY" in rule_ids(case)) is fires


@pytest.mark.parametrize(
    ("make", "fires"),
    [(low_wage_case, True), (agricultural_case, True), (high_wage_case, False)],
)
@pytest.mark.parametrize("purpose", ["travel", "health_insurance"])
def test_travel_and_health_insurance_barred_for_low_wage_and_agriculture(make, fires, purpose):
    case = paying(make(), pay("worker", "employer", "900", purpose))

    assert (("FEE-NO-RECOVERY", "payments[0]") in found(case)) is fires


def test_offer_deductions_for_barred_costs():
    case = change_offer(
        low_wage_case(),
        deductions=(
            Deduction(purpose="housing", amount=Decimal("100"), per="week"),
            Deduction(purpose="recruitment_fee", amount=Decimal("50"), per="week"),
            Deduction(purpose="travel", amount=Decimal("20"), per="week"),
        ),
    )

    assert subjects(case, "FEE-NO-RECOVERY") == ["offer.deductions[1]", "offer.deductions[2]"]
    hw = change_offer(high_wage_case(), deductions=case.offer.deductions)
    assert subjects(hw, "FEE-NO-RECOVERY") == ["offer.deductions[1]"]


def test_one_finding_per_payment_and_other_purposes_ignored():
    case = paying(
        low_wage_case(),
        pay("worker", "recruiter", "10", "recruitment_fee"),
        pay("employer", "worker", "800", "wages"),
        pay("worker", "recruiter", "20", "processing_fee"),
        pay("worker", "government", "30", "statutory", via="deduction"),
    )

    assert subjects(case, "FEE-NO-RECOVERY") == ["payments[0]", "payments[2]"]


# --- FEE-RECRUITER-LICENSED ----------------------------------------------------------------------


def recruiter(province=None, licence=None):
    return ThirdParty(
        name="Global Hires", role="recruiter", province=province, licence_number=licence
    )


@pytest.mark.parametrize("province", ["BC", "AB", "SK", "MB", "NS"])
def test_recruiters_in_licensing_provinces_need_a_licence(province):
    case = parties(low_wage_case(), recruiter(province))

    finding = one(case, "FEE-RECRUITER-LICENSED")

    assert finding.subject == "third_parties[0]"
    assert f"has no {province} licence number recorded" in finding.message
    assert "FEE-RECRUITER-LICENSED" not in rule_ids(
        parties(low_wage_case(), recruiter(province, "L-12345"))
    )
    assert "FEE-RECRUITER-LICENSED" in rule_ids(parties(low_wage_case(), recruiter(province, " ")))


@pytest.mark.parametrize(("submitted", "fires"), [("2024-06-30", False), ("2024-07-01", True)])
def test_ontario_licensing_from_2024_07_01_via_the_work_province(submitted, fires):
    case = at(parties(low_wage_case(), recruiter()), day(submitted))

    assert ("FEE-RECRUITER-LICENSED" in rule_ids(case)) is fires
    if fires:
        assert one(case, "FEE-RECRUITER-LICENSED").citation == sources.S160


@pytest.mark.parametrize(("submitted", "fires"), [("2019-12-31", False), ("2020-01-01", True)])
def test_quebec_licensing_from_2020_01_01(submitted, fires):
    case = at(parties(low_wage_case(), recruiter("QC")), day(submitted))

    assert ("FEE-RECRUITER-LICENSED" in rule_ids(case)) is fires
    if fires:
        assert one(case, "FEE-RECRUITER-LICENSED").citation == sources.S76


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [
        ("2025-03-31", False),  # before PE licensing
        ("2025-04-01", False),  # licensing began; grace for recruiters who had applied
        ("2025-06-30", False),  # last day of the grace period
        ("2025-07-01", True),
        ("2025-07-02", True),
    ],
)
def test_prince_edward_island_licensing_from_2025_07_01(submitted, fires):
    case = at(parties(low_wage_case(), recruiter("PE")), day(submitted))

    assert (("FEE-RECRUITER-LICENSED", "third_parties[0]") in found(case)) is fires
    if fires:
        finding = one(case, "FEE-RECRUITER-LICENSED")
        assert finding.citation == sources.PE_TFWPA
        assert "has no PE licence number recorded" in finding.message
        assert "(since 2025-07-01)" in finding.message
    licensed = at(parties(low_wage_case(), recruiter("PE", "PE-2025-17")), day(submitted))
    assert "FEE-RECRUITER-LICENSED" not in rule_ids(licensed)


@pytest.mark.parametrize(("submitted", "fires"), [("2025-06-30", False), ("2025-07-01", True)])
def test_prince_edward_island_via_the_work_province(submitted, fires):
    in_pe = at(location(low_wage_case(), province="PE"), day(submitted))

    assert ("FEE-RECRUITER-LICENSED" in rule_ids(parties(in_pe, recruiter()))) is fires


def test_the_recruiter_own_province_wins_over_the_work_province():
    assert "FEE-RECRUITER-LICENSED" not in rule_ids(parties(low_wage_case(), recruiter("NB")))
    in_nb = location(low_wage_case(), province="NB")
    assert "FEE-RECRUITER-LICENSED" in rule_ids(parties(in_nb, recruiter("BC")))
    assert "FEE-RECRUITER-LICENSED" not in rule_ids(parties(in_nb, recruiter()))
    in_pe = location(low_wage_case(), province="PE")
    assert "FEE-RECRUITER-LICENSED" not in rule_ids(parties(in_pe, recruiter("NB")))


@pytest.mark.parametrize(
    ("cicc", "law_society", "fires"),
    [
        (None, None, True),
        ("R123456", None, False),
        ("R12345", None, True),
        ("R1234567", None, True),
        ("r123456", None, True),
        ("123456", None, True),
        (None, "Law Society of Ontario", False),
        (None, "  ", True),
        ("R12", "Barreau du Québec", False),
    ],
)
def test_paid_representatives_must_be_authorized(cicc, law_society, fires):
    rep = ThirdParty(
        name="Sam Agent",
        role="representative",
        paid=True,
        cicc_number=cicc,
        law_society=law_society,
    )
    case = parties(low_wage_case(), rep)

    assert (("FEE-RECRUITER-LICENSED", "third_parties[0]") in found(case)) is fires
    if fires:
        assert one(case, "FEE-RECRUITER-LICENSED").citation == sources.S133


@pytest.mark.parametrize("paid", [False, None])
def test_unpaid_representatives_need_no_number(paid):
    rep = ThirdParty(name="Aunt May", role="representative", paid=paid)

    assert "FEE-RECRUITER-LICENSED" not in rule_ids(parties(low_wage_case(), rep))


# --- FRAUD-WORKER-PAYS ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payer", "payee", "purpose", "fires"),
    [
        ("worker", "employer", "other", True),
        ("worker_family", "owner", "loan_repayment", True),
        ("worker", "recruiter", "training", True),
        ("worker", "employer", "statutory", False),
        ("worker_family", "owner", "statutory", False),
        ("worker", "recruiter", "statutory", False),
        ("worker", "representative", "other", False),
        ("worker", "government", "statutory", False),
        ("worker", "other", "wages_returned", True),
        ("worker", "representative", "wages_returned", True),
        ("employer", "worker", "wages", False),
        ("owner", "employer", "loan", False),
    ],
)
def test_money_from_the_worker_to_the_employer_side(payer, payee, purpose, fires):
    case = paying(low_wage_case(), pay(payer, payee, "500", purpose))

    assert (("FRAUD-WORKER-PAYS", "payments[0]") in found(case)) is fires


@pytest.mark.parametrize(
    ("amount", "fires"), [("1014", False), ("1014.00", False), ("1014.01", True)]
)
def test_housing_up_to_30_percent_of_monthly_gross_is_allowed(amount, fires):
    # The offer pays 19.50 an hour for 40 hours: 3,380.00 a month; 30% = 1,014.00.
    case = paying(low_wage_case(), pay("worker", "employer", amount, "housing"))

    assert ("FRAUD-WORKER-PAYS" in rule_ids(case)) is fires
    if fires:
        assert "more than 30% of the monthly gross pay ($1,014.00)" in (
            one(case, "FRAUD-WORKER-PAYS").message
        )


def test_housing_limit_uses_the_position_without_an_offer():
    case = replace(
        paying(low_wage_case(), pay("worker", "owner", "1014.01", "housing")), offer=None
    )

    assert "FRAUD-WORKER-PAYS" in rule_ids(case)
    raised = position(case, wage=replace(case.position.wage, amount=Decimal("19.51")))
    assert "FRAUD-WORKER-PAYS" not in rule_ids(raised)


@pytest.mark.parametrize(
    ("submitted", "fee", "fraud"), [("2022-09-25", False, True), ("2022-09-26", True, False)]
)
def test_a_payment_is_reported_once(submitted, fee, fraud):
    case = at(
        paying(low_wage_case(), pay("worker", "recruiter", "5000", "recruitment_fee")),
        day(submitted),
    )

    assert ("FEE-NO-RECOVERY" in rule_ids(case)) is fee
    assert ("FRAUD-WORKER-PAYS" in rule_ids(case)) is fraud


@pytest.mark.parametrize("via", [None, "deduction", "cash", "transfer"])
@pytest.mark.parametrize("payee", ["employer", "owner", "recruiter"])
def test_statutory_deductions_are_never_a_signal(payee, via):
    """Income tax, CPP/QPP and EI withheld for remittance (corrected 2026-12-04: was an error)."""
    case = paying(low_wage_case(), pay("worker", payee, "612.40", "statutory", via=via))

    assert "FRAUD-WORKER-PAYS" not in rule_ids(case)
    assert "FEE-NO-RECOVERY" not in rule_ids(case)


@pytest.mark.parametrize("payer", ["worker", "worker_family"])
@pytest.mark.parametrize("payee", ["employer", "owner", "recruiter"])
def test_a_loan_repayment_is_a_warning(payer, payee):
    """Corrected 2026-12-04: a loan repayment was an error."""
    case = paying(low_wage_case(), pay(payer, payee, "200", "loan_repayment"))

    finding = one(case, "FRAUD-WORKER-PAYS")

    assert (finding.subject, finding.severity) == ("payments[0]", "warning")
    assert "for a loan repayment" in finding.message
    assert "written loan agreement" in finding.fix
    assert "provincial employment standards" in finding.fix


def test_a_loan_repayment_to_someone_else_is_not_a_signal():
    case = paying(low_wage_case(), pay("worker", "other", "200", "loan_repayment"))

    assert "FRAUD-WORKER-PAYS" not in rule_ids(case)


def test_other_payments_next_to_a_loan_repayment_stay_errors():
    case = paying(
        low_wage_case(),
        pay("worker", "employer", "200", "loan_repayment"),
        pay("worker", "employer", "300", "statutory"),
        pay("worker", "employer", "400", "other"),
    )

    severities = {f.subject: f.severity for f in findings_of(case, "FRAUD-WORKER-PAYS")}

    assert severities == {"payments[0]": "warning", "payments[2]": "error"}


def test_worker_pays_message():
    case = paying(low_wage_case(), pay("worker_family", "owner", "25000", "job_offer", on=None))
    case = at(case, day("2022-01-10"))

    assert one(case, "FRAUD-WORKER-PAYS").message == (
        "The worker's family paid $25,000.00 to an owner for a job offer."
    )


# --- FRAUD-SHAM-REVIEW ---------------------------------------------------------------------------


def test_local_applicants_none_interviewed_none_hired():
    case = applicant(applicant(low_wage_case(), 0, interviewed_on=None), 1, interviewed_on=None)

    finding = one(case, "FRAUD-SHAM-REVIEW")

    assert (finding.severity, finding.subject) == ("warning", "recruitment")
    assert "none of the 2 local applicants was interviewed or hired" in finding.message
    assert "FRAUD-SHAM-REVIEW" not in rule_ids(low_wage_case())
    assert "FRAUD-SHAM-REVIEW" not in rule_ids(applicant(case, 1, hired=True))


def locals_with(*reasons):
    case = low_wage_case()
    extra = tuple(
        Applicant(
            name=f"Local {n}",
            status="citizen",
            applied_on=day("2026-01-20"),
            interviewed_on=day("2026-01-25"),
            hired=False,
            reason_code=reason,
        )
        for n, reason in enumerate(reasons)
    )
    return replace(case, applicants=extra)


@pytest.mark.parametrize(
    ("reasons", "fires"),
    [
        (("not_suitable", "overqualified", "other"), True),
        (("not_suitable", "not_suitable"), False),
        (("not_suitable", "overqualified", "lacks_experience"), False),
        (("not_suitable",) * 5, True),
    ],
)
def test_three_or_more_all_rejected_with_generic_reasons(reasons, fires):
    assert ("FRAUD-SHAM-REVIEW" in rule_ids(locals_with(*reasons))) is fires


def test_no_local_applicants_no_sham_review_warning():
    case = replace(low_wage_case(), applicants=low_wage_case().applicants[2:])  # foreign only

    assert "FRAUD-SHAM-REVIEW" not in rule_ids(case)


# --- FRAUD-OFFER-BEFORE-AD -----------------------------------------------------------------------


@pytest.mark.parametrize(("dated", "fires"), [("2026-01-04", True), ("2026-01-05", False)])
def test_offer_dated_before_the_first_recruitment(dated, fires):
    case = change_offer(low_wage_case(), date=day(dated))

    assert (("FRAUD-OFFER-BEFORE-AD", "offer") in found(case)) is fires


def test_an_earlier_event_counts_as_recruitment():
    case = change_offer(low_wage_case(), date=day("2026-01-04"))

    assert "FRAUD-OFFER-BEFORE-AD" not in rule_ids(
        add_activity(case, event("fair", "job_fair", "2026-01-03"))
    )


def test_no_offer_date_or_no_recruitment_nothing_to_compare():
    assert "FRAUD-OFFER-BEFORE-AD" not in rule_ids(change_offer(low_wage_case(), date=None))
    gts = change_offer(global_talent_case(), date=day("2020-01-01"))
    assert "FRAUD-OFFER-BEFORE-AD" not in rule_ids(gts)


# --- FRAUD-DOCUMENT-CUSTODY ----------------------------------------------------------------------


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
def test_identity_documents_held_by_the_employer_side(document, held_by, fires):
    held = DocumentCustody(document=document, held_by=held_by, since=date(2026, 2, 1))
    case = replace(low_wage_case(), document_custody=(held,))

    assert (("FRAUD-DOCUMENT-CUSTODY", "document_custody[0]") in found(case)) is fires


# --- FRAUD-HEADCOUNT -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "positions", "fires"),
    [(2, 3, True), (3, 3, False), (1, 2, False), (0, 3, True), (None, 10, False)],
)
def test_more_positions_than_employees(employees, positions, fires):
    case = position(employer(low_wage_case(), employees_at_location=employees), positions=positions)

    assert (("FRAUD-HEADCOUNT", "position") in found(case)) is fires


# --- FRAUD-NONCOMPLIANT --------------------------------------------------------------------------


def test_on_the_non_compliant_list():
    case = employer(low_wage_case(), on_noncompliance_list=True)

    assert ("FRAUD-NONCOMPLIANT", "employer") in found(case)


@pytest.mark.parametrize(
    ("submitted", "revoked", "fires"),
    [
        ("2026-03-02", "2024-03-01", False),
        ("2026-03-02", "2024-03-02", True),
        ("2026-03-02", "2026-03-02", True),
        ("2026-03-02", "2026-03-03", False),
        ("2026-02-28", "2024-02-28", True),
        ("2026-02-28", "2024-02-27", False),
        ("2024-02-29", "2022-02-28", True),  # 2024-02-29 − 2 years = 2022-02-28
        ("2024-02-29", "2022-02-27", False),
    ],
)
def test_lmia_revoked_within_two_years_before_submission(submitted, revoked, fires):
    case = at(employer(low_wage_case(), lmia_revoked_on=day(revoked)), day(submitted))

    assert (("FRAUD-NONCOMPLIANT", "employer") in found(case)) is fires
