"""parse_case: what the format accepts, and the path-named error for everything it rejects."""

import copy
import json
from datetime import date
from decimal import Decimal

import pytest

from portal.cases import CaseError, case_to_dict, case_to_json, parse_case
from tests.rules.builders import low_wage_case


@pytest.fixture
def doc():
    """The compliant low-wage case as a plain JSON-ready dict (numbers as Decimal)."""
    return copy.deepcopy(case_to_dict(low_wage_case()))


def error_of(document) -> str:
    with pytest.raises(CaseError) as caught:
        parse_case(document)
    return str(caught.value)


def test_parses_text_bytes_and_dicts_alike(doc):
    text = case_to_json(low_wage_case())

    assert parse_case(text) == parse_case(text.encode()) == parse_case(doc) == low_wage_case()


def test_types_of_the_parsed_values(doc):
    case = parse_case(case_to_json(low_wage_case()))

    assert case.submission_date == date(2026, 3, 2)
    assert case.position.wage.amount == Decimal("19.50")
    assert isinstance(case.position.hours_per_week, Decimal)
    assert isinstance(case.position.positions, int)
    assert case.recruitment[1].target_groups == ("vulnerable_youth",)


def test_money_keeps_every_digit():
    text = case_to_json(low_wage_case()).replace(
        '"amount": 19.50', '"amount": 19.4999999999999999', 1
    )

    assert parse_case(text).position.wage.amount == Decimal("19.4999999999999999")


def test_optional_keys_may_be_null(doc):
    doc["transition_plan"] = None
    doc["employer"]["naics"] = None
    doc["position"]["work_location"]["cma"] = None

    case = parse_case(doc)

    assert case.employer.naics is None
    assert case.position.work_location.cma is None


def test_the_error_message_names_the_path_and_the_bad_value(doc):
    doc["recruitment"][2]["start"] = "2026-02-30"

    assert error_of(doc) == 'recruitment[2].start: not a date ("2026-02-30")'


def test_error_carries_path_and_message(doc):
    doc["recruitment"][2]["start"] = "2026-02-30"

    with pytest.raises(CaseError) as caught:
        parse_case(doc)

    assert caught.value.path == "recruitment[2].start"
    assert caught.value.message == 'not a date ("2026-02-30")'
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON (Expecting property name enclosed in double quotes at line 1, column 2)"),
        ("", "not JSON (Expecting value at line 1, column 1)"),
        ("[]", "not a JSON object ([])"),
        ('"case"', 'not a JSON object ("case")'),
        ('{"a": NaN}', "not JSON (NaN is not a number JSON allows)"),
    ],
)
def test_a_file_that_is_not_a_json_object(text, message):
    assert error_of(text) == message


def test_bytes_that_are_not_utf8():
    assert error_of(b'{"format": "\xff"}') == "not UTF-8 (byte 12)"


def test_format_is_required_and_exact(doc):
    del doc["format"]
    assert error_of(doc) == "format: required"
    doc["format"] = "lmia-case/3"
    assert error_of(doc) == 'format: not "lmia-case/1" or "lmia-case/2" ("lmia-case/3")'


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ((), "colour"),
        (("employer",), "employer.colour"),
        (("employer", "address"), "employer.address.colour"),
        (("position", "work_location"), "position.work_location.colour"),
        (("position", "wage"), "position.wage.colour"),
        (("recruitment", 1), "recruitment[1].colour"),
        (("recruitment", 0, "ad"), "recruitment[0].ad.colour"),
        (("recruitment", 0, "ad", "wage"), "recruitment[0].ad.wage.colour"),
        (("job_match",), "job_match.colour"),
        (("job_match", "matches", 1), "job_match.matches[1].colour"),
        (("applicants", 2), "applicants[2].colour"),
        (("offer",), "offer.colour"),
        (("offer", "work_location"), "offer.work_location.colour"),
        (("third_parties", 0), "third_parties[0].colour"),
    ],
)
def test_unknown_keys_anywhere_are_named_by_path(doc, where, path):
    target = doc
    for step in where:
        target = target[step]
    target["colour"] = "blue"

    assert error_of(doc) == f"{path}: unknown key"


def test_unknown_key_in_a_payment_and_a_custody_record(doc):
    doc["payments"] = [
        {"payer": "worker", "payee": "employer", "amount": 5, "purpose": "wages", "method": "cash"}
    ]
    assert error_of(doc) == "payments[0].method: unknown key"


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ((), "employer"),
        ((), "position"),
        ((), "recruitment"),
        ((), "applicants"),
        (("employer",), "legal_name"),
        (("employer",), "operating_name"),
        (("employer",), "business_number"),
        (("employer", "address"), "postal_code"),
        (("position",), "noc"),
        (("position",), "wage"),
        (("position",), "duties"),
        (("position", "wage"), "per"),
        (("recruitment", 0), "id"),
        (("recruitment", 0), "method"),
        (("recruitment", 0), "kind"),
        (("job_match",), "mode"),
        (("job_match", "matches", 0), "stars"),
        (("applicants", 0), "applied_on"),
        (("applicants", 0), "status"),
        (("offer", "work_location"), "city"),
        (("third_parties", 0), "role"),
    ],
)
def test_required_keys(doc, where, key):
    target = doc
    for step in where:
        target = target[step]
    path = ".".join(str(s) for s in (*where, key)).replace(".0", "[0]")

    del target[key]
    assert error_of(doc) == f"{path}: required"
    target[key] = None
    assert error_of(doc) == f"{path}: required, but null"


@pytest.mark.parametrize("bad", ["2026-2-3", "20260203", "2026-13-01", "2026-02-29", 20260203, ""])
def test_dates_must_be_real_calendar_days_written_yyyy_mm_dd(doc, bad):
    doc["applicants"][0]["applied_on"] = bad

    assert error_of(doc) == f"applicants[0].applied_on: not a date ({json.dumps(bad)})"


def test_leap_day_is_a_date(doc):
    doc["applicants"][0]["applied_on"] = "2024-02-29"

    assert parse_case(doc).applicants[0].applied_on == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("where", "key", "bad", "values"),
    [
        (("position",), "stream", "medium_wage", "high_wage, low_wage, global_talent"),
        (("employer", "address"), "province", "Ontario", "AB, BC, MB"),
        (("recruitment", 0), "method", "indeed", "job_bank, job_board"),
        (("recruitment", 0), "kind", "ad", "posting, event"),
        (("applicants", 0), "status", "resident", "citizen, permanent_resident"),
        (("applicants", 0), "channel", "fax", "direct_apply, job_match"),
        (("applicants", 0), "reason_code", "bad_fit", "lacks_education"),
        (("job_match",), "mode", "loose", "default, strict"),
        (("offer",), "language", "es", "en, fr"),
        (("position", "wage"), "per", "day", "hour, week, month, year"),
        (("third_parties", 0), "role", "agent", "recruiter, representative"),
        (("third_parties", 0), "province", "XX", "AB, BC"),
    ],
)
def test_values_outside_their_enumeration(doc, where, key, bad, values):
    target = doc
    for step in where:
        target = target[step]
    target[key] = bad
    path = ".".join(str(s) for s in (*where, key)).replace(".0", "[0]")

    message = error_of(doc)

    assert message.startswith(f"{path}: not one of {values}")
    assert message.endswith(f'("{bad}")')


def test_enumerations_inside_lists(doc):
    doc["recruitment"][1]["target_groups"] = ["newcomers", "students"]
    assert error_of(doc).startswith("recruitment[1].target_groups[1]: not one of indigenous")
    doc["recruitment"][1]["target_groups"] = ["newcomers"]
    doc["offer"]["employer_paid"] = ["meals"]
    assert error_of(doc).startswith("offer.employer_paid[0]: not one of round_trip_travel")
    doc["offer"]["employer_paid"] = []
    doc["recruitment"][0]["ad"]["published_languages"] = ["en", "de"]
    assert error_of(doc).startswith("recruitment[0].ad.published_languages[1]: not one of en, fr")


def test_two_activities_with_the_same_id(doc):
    doc["recruitment"][2]["id"] = "jb"

    assert error_of(doc) == 'recruitment[2].id: duplicate id ("jb", also recruitment[0])'


def test_an_applicant_source_must_name_an_activity(doc):
    doc["applicants"][1]["source"] = "newspaper"

    assert error_of(doc) == 'applicants[1].source: names no recruitment activity ("newspaper")'


def test_a_posting_needs_a_start(doc):
    del doc["recruitment"][1]["start"]

    assert error_of(doc) == "recruitment[1].start: required for a posting"


def test_a_posting_cannot_end_before_it_starts(doc):
    doc["recruitment"][1]["end"] = "2026-01-04"

    assert error_of(doc) == "recruitment[1].end: before start (2026-01-04 is before 2026-01-05)"


def test_a_posting_may_end_the_day_it_starts(doc):
    doc["recruitment"][1]["end"] = "2026-01-05"

    assert parse_case(doc).recruitment[1].end == date(2026, 1, 5)


def test_an_event_needs_a_date(doc):
    doc["recruitment"][1] = {"id": "fair", "method": "job_fair", "kind": "event"}

    assert error_of(doc) == "recruitment[1].date: required for an event"


@pytest.mark.parametrize("bad", ["7", "1234567", "72-11", "72a", " 722"])
def test_naics_must_be_2_to_6_digits(doc, bad):
    doc["employer"]["naics"] = bad

    assert error_of(doc) == f'employer.naics: not a NAICS code of 2 to 6 digits ("{bad}")'


@pytest.mark.parametrize("good", ["72", "722", "722511"])
def test_naics_accepts_2_to_6_digits(doc, good):
    doc["employer"]["naics"] = good

    assert parse_case(doc).employer.naics == good


def test_naics_given_as_a_number(doc):
    doc["employer"]["naics"] = 722511

    assert error_of(doc) == "employer.naics: not a string (722511)"


def test_business_number_must_be_a_string(doc):
    doc["employer"]["business_number"] = 871234563

    assert error_of(doc) == "employer.business_number: not a string (871234563)"


@pytest.mark.parametrize(
    ("key", "bad", "message"),
    [
        ("positions", 0, "must be at least 1 (0)"),
        ("positions", Decimal("1.5"), "not a whole number (1.5)"),
        ("positions", True, "not a whole number (true)"),
        ("positions", "2", 'not a whole number ("2")'),
        ("duration_months", 0, "must be at least 1 (0)"),
        ("hours_per_week", "40", 'not a number ("40")'),
        ("hours_per_week", 0, "must be more than 0 (0)"),
        ("hours_per_week", False, "not a number (false)"),
        ("caregiver", "yes", 'not true or false ("yes")'),
        ("title", 12, "not a string (12)"),
    ],
)
def test_numbers_integers_booleans_and_strings(doc, key, bad, message):
    doc["position"][key] = bad

    assert error_of(doc) == f"position.{key}: {message}"


def test_a_whole_number_written_with_a_decimal_point_is_accepted(doc):
    doc["position"]["positions"] = Decimal("2.0")

    assert parse_case(doc).position.positions == 2


def test_job_match_stars_from_1_to_5(doc):
    doc["job_match"]["matches"][0]["stars"] = 6
    assert error_of(doc) == "job_match.matches[0].stars: must be from 1 to 5 (6)"
    doc["job_match"]["matches"][0]["stars"] = 0
    assert error_of(doc) == "job_match.matches[0].stars: must be from 1 to 5 (0)"


def test_headcounts_are_whole_numbers_from_0(doc):
    doc["employer"]["employees_at_location"] = 0
    assert parse_case(doc).employer.employees_at_location == 0
    doc["employer"]["employees_at_location"] = -1
    assert error_of(doc) == "employer.employees_at_location: must be at least 0 (-1)"


def test_lists_and_objects_have_their_shapes(doc):
    doc["recruitment"] = {"id": "jb"}
    assert error_of(doc) == 'recruitment: not a list ({"id": "jb"})'
    doc["recruitment"] = [None]
    assert error_of(doc) == "recruitment[0]: null in a list"
    doc["recruitment"] = []
    doc["applicants"] = []
    doc["employer"] = "Maple Leaf Bistro"
    assert error_of(doc) == 'employer: not an object ("Maple Leaf Bistro")'


def test_a_key_given_twice_is_an_error():
    text = case_to_json(low_wage_case()).replace(
        '"noc": "63200",', '"noc": "63200", "noc": "63201",', 1
    )

    assert error_of(text) == "position.noc: key given twice"


def test_an_ad_wage_is_an_amount_or_a_range_not_both(doc):
    doc["recruitment"][0]["ad"]["wage"] = {"amount": 19, "min": 18, "per": "hour"}

    assert error_of(doc) == "recruitment[0].ad.wage.amount: not allowed with min and max"


def test_an_ad_and_an_offer_may_be_empty(doc):
    doc["recruitment"][0]["ad"] = {}
    doc["offer"] = {}

    case = parse_case(doc)

    assert case.recruitment[0].ad.title is None
    assert case.offer.wage is None


def test_position_wage_needs_an_amount_but_an_ad_wage_does_not(doc):
    doc["recruitment"][0]["ad"]["wage"] = {"amount": None, "per": "hour"}
    assert parse_case(doc).recruitment[0].ad.wage.amount is None
    doc["position"]["wage"] = {"amount": None, "per": "hour"}
    assert error_of(doc) == "position.wage.amount: required, but null"


def test_document_order_decides_which_error_is_first(doc):
    doc["colour"] = "blue"  # after every other key
    doc["recruitment"][2]["start"] = "2026-02-30"

    assert error_of(doc) == 'recruitment[2].start: not a date ("2026-02-30")'


@pytest.mark.parametrize("purpose", ["statutory", "loan_repayment"])
def test_payments_and_deductions_know_statutory_and_loan_repayment(doc, purpose):
    """The purposes FRAUD-WORKER-PAYS treats apart since ruleset 2 (case-format.md)."""
    doc["payments"] = [
        {
            "payer": "worker",
            "payee": "employer",
            "amount": 120,
            "purpose": purpose,
            "via": "deduction",
        }
    ]
    doc["offer"]["deductions"] = [{"purpose": purpose, "amount": 50, "per": "month"}]

    case = parse_case(doc)

    assert case.payments[0].purpose == purpose
    assert case.offer.deductions[0].purpose == purpose
    assert parse_case(case_to_json(case)) == case


def test_an_unknown_purpose_is_refused(doc):
    doc["payments"] = [{"payer": "worker", "payee": "employer", "amount": 1, "purpose": "tax"}]

    assert error_of(doc).startswith("payments[0].purpose:")
