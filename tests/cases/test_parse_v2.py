"""lmia-case/2: workers, each with their own offer; v1 files are still read as they were."""

import copy
from datetime import date

import pytest

from portal.cases import FORMAT, FORMAT_V1, CaseError, Worker, case_to_dict, parse_case
from tests.rules.builders import low_wage_case

NEW_OFFER_KEYS = {
    "employer_operating_name": "Maple Leaf Bistro",
    "business_number": "123456789RT0001",
    "pay_frequency": "biweekly",
    "schedule": "Tuesday to Saturday, 10:00 to 18:30",
    "statutory_holidays": "The nine Ontario public holidays, with public holiday pay.",
    "probation": "Three months.",
    "termination_notice": "As the Employment Standards Act, 2000 requires.",
    "housing_terms": "None provided.",
    "lmia_number": "1234567",
    "employer_portal_offer_number": "A1234567",
    "rights_information_given_on": "2026-03-10",
    "signed_by_employer_name": "Giulia Marchetti",
    "signed_by_worker_name": "Amadou Diallo",
}


@pytest.fixture
def v1():
    return copy.deepcopy(case_to_dict(low_wage_case()))


@pytest.fixture
def v2(v1):
    """The same case as lmia-case/2: its offer belongs to worker 0, and a second worker."""
    doc = {key: value for key, value in v1.items() if key != "offer"}
    doc["format"] = FORMAT
    doc["workers"] = [
        {
            "name": "Amadou Diallo",
            "country": "Côte d'Ivoire",
            "email": "amadou@example.org",
            "language": "fr",
            "english_requested_on": "2026-02-01",
            "planned_start_date": "2026-06-01",
            "offer": {**v1["offer"], **NEW_OFFER_KEYS},
        },
        {"name": "Ana Cruz"},
    ]
    return doc


def error_of(document) -> str:
    with pytest.raises(CaseError) as caught:
        parse_case(document)
    return str(caught.value)


def test_a_v2_case_reads_its_workers_and_their_offers(v2):
    case = parse_case(v2)

    assert case.format == FORMAT
    assert case.offer is None
    first, second = case.workers
    assert isinstance(first, Worker)
    assert first.language == "fr"
    assert first.english_requested_on == date(2026, 2, 1)
    assert first.planned_start_date == date(2026, 6, 1)
    assert first.offer.pay_frequency == "biweekly"
    assert first.offer.rights_information_given_on == date(2026, 3, 10)
    assert first.offer.signed_by_worker_name == "Amadou Diallo"
    assert second == Worker(name="Ana Cruz")
    # Worker 1 has no offer: only worker 0's is checked.
    assert [subject for subject, _ in case.offers()] == ["workers[0].offer"]


def test_a_v1_case_keeps_its_single_offer(v1):
    case = parse_case(v1)

    assert case.format == FORMAT_V1
    assert case.workers is None
    assert case.offers() == (("offer", case.offer),)


def test_offers_are_numbered_from_zero_and_skip_workers_without_one(v2):
    v2["workers"] = [{"name": "A"}, v2["workers"][0], {"offer": {}}]

    subjects = [subject for subject, _ in parse_case(v2).offers()]

    assert subjects == ["workers[1].offer", "workers[2].offer"]


@pytest.mark.parametrize("doc", ["v1", "v2"])
def test_both_formats_survive_the_round_trip(doc, request):
    document = request.getfixturevalue(doc)
    case = parse_case(document)

    assert parse_case(case_to_dict(case)) == case
    assert case_to_dict(case)["format"] == document["format"]


def test_v2_rejects_a_top_level_offer(v2, v1):
    v2["offer"] = v1["offer"]

    assert error_of(v2) == "offer: not in lmia-case/2: each worker's offer is workers[].offer"


def test_v1_rejects_workers_and_the_new_offer_keys(v1, v2):
    v1["workers"] = v2["workers"]
    assert error_of(v1) == "workers: unknown key"
    del v1["workers"]
    for key, value in NEW_OFFER_KEYS.items():
        bad = copy.deepcopy(v1)
        bad["offer"][key] = value
        assert error_of(bad) == f"offer.{key}: unknown key"


@pytest.mark.parametrize(
    ("key", "bad", "message"),
    [
        ("language", "es", 'workers[0].language: not one of en, fr ("es")'),
        ("email", 42, "workers[0].email: not a string (42)"),
        ("english_requested_on", "2026-02-30", 'not a date ("2026-02-30")'),
        ("planned_start_date", "soon", 'not a date ("soon")'),
        ("colour", "red", "workers[0].colour: unknown key"),
    ],
)
def test_worker_values_are_checked(v2, key, bad, message):
    v2["workers"][0][key] = bad

    assert error_of(v2).endswith(message)
    assert error_of(v2).startswith(f"workers[0].{key}: ")


@pytest.mark.parametrize(
    ("key", "bad", "message"),
    [
        ("pay_frequency", "daily", "not one of weekly, biweekly, semi_monthly, monthly"),
        ("rights_information_given_on", "2026-13-01", 'not a date ("2026-13-01")'),
        ("lmia_number", 1234567, "not a string (1234567)"),
        ("language", "de", "not one of en, fr"),
    ],
)
def test_new_offer_keys_are_checked(v2, key, bad, message):
    v2["workers"][1]["offer"] = {key: bad}

    assert error_of(v2).startswith(f"workers[1].offer.{key}: {message}")


def test_workers_must_be_a_list_of_objects(v2):
    v2["workers"] = {"name": "A"}
    assert error_of(v2) == 'workers: not a list ({"name": "A"})'
    v2["workers"] = [None]
    assert error_of(v2) == "workers[0]: null in a list"


def test_a_case_cannot_mix_the_two_shapes():
    case = low_wage_case()
    with pytest.raises(ValueError):
        type(case)(**{**case.__dict__, "workers": (Worker(),)})
    with pytest.raises(ValueError):
        type(case)(**{**case.__dict__, "format": FORMAT})
