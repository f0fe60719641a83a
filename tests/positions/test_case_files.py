"""Case files (lmia-case/2; lmia-case/1 still imports): export, import into another position,
export again: no loss.
A file of another employer is refused (409) naming what differs; an invalid file is a 422
naming the bad path. Refused imports create nothing."""

import html
import json
import re
from pathlib import Path

import pytest

from portal.models import Applicant, JobMatchEntry, Position, RecruitmentActivity, Worker
from tests.helpers import text_of
from tests.positions.support import count, make_shop, upload

CASES = Path(__file__).resolve().parent.parent / "data" / "cases"
# The employer of the sample files in tests/data/cases.
SAMPLE_EMPLOYER = {
    "legal_name": "Marchetti Hospitality Inc.",
    "operating_name": "Maple Leaf Bistro",
    "business_number": "871234563",
    "street_address": "412 Queen Street West",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5V 2A9",
    "naics_code": "722511",
}
ROWS = (Position, RecruitmentActivity, Applicant, JobMatchEntry, Worker)


@pytest.fixture
def bistro(app, make):
    return make_shop(app, make, **SAMPLE_EMPLOYER)


def _sample(name: str) -> dict:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def _import(shop, document, who="owner"):
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    return shop.post(f"{shop.base}/import", upload(raw, "case.json"), who=who)


def _imported_position(response) -> int:
    assert response.status_code == 302, text_of(response)
    location = response.headers["Location"]
    assert location.endswith("/compliance")
    return int(location.rsplit("/", 2)[1])


def _export(shop, position_id) -> tuple[bytes, dict]:
    response = shop.client().get(f"{shop.base}/{position_id}/case.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data, json.loads(response.data)


def _counts(app) -> dict:
    return {model.__name__: count(app, model) for model in ROWS}


def _without_stated_false(document: dict) -> dict:
    """The sample states ``on_noncompliance_list: false``; see the test of that below."""
    document = json.loads(json.dumps(document))
    if document["employer"].get("on_noncompliance_list") is False:
        del document["employer"]["on_noncompliance_list"]
    return document


def _as_v2(v1: dict) -> dict:
    """What a v1 file exports as: v2, its offer the first worker's (name, language and start
    date copied from the offer), in the place v1 kept the offer."""
    document = {}
    for key, value in v1.items():
        if key == "offer":
            worker = {
                "name": value.get("worker_name"),
                "language": value.get("language"),
                "planned_start_date": value.get("start_date"),
                "offer": value,
            }
            document["workers"] = [{k: v for k, v in worker.items() if v is not None}]
        else:
            document[key] = value
    document["format"] = "lmia-case/2"
    return document


TWO_WORKERS = [
    {
        "name": "Amadou Diallo",
        "country": "Côte d'Ivoire",
        "email": "amadou.diallo@example.org",
        "language": "fr",
        "english_requested_on": "2026-02-01",
        "planned_start_date": "2026-07-01",
        "offer": {
            "date": "2026-02-25",
            "worker_name": "Amadou Diallo",
            "wage": {"amount": 19.5, "per": "hour"},
            "hours_per_week": 40,
            "deductions": [{"purpose": "statutory", "amount": 80.25, "per": "week"}],
            "employer_paid": ["round_trip_travel", "health_insurance"],
            "states_no_fees": True,
            "language": "fr",
            "employer_operating_name": "Maple Leaf Bistro",
            "business_number": "871234563RT0001",
            "pay_frequency": "biweekly",
            "schedule": "Du mardi au samedi, de 10 h à 18 h 30",
            "statutory_holidays": "Les jours fériés de l'Ontario, payés.",
            "probation": "Trois mois.",
            "termination_notice": "Selon la Loi de 2000 sur les normes d'emploi.",
            "housing_terms": "Aucun logement fourni.",
            "lmia_number": "1234567",
            "employer_portal_offer_number": "A1234567",
            "rights_information_given_on": "2026-02-25",
            "signed_by_employer_name": "Giulia Marchetti",
            "signed_by_worker_name": "Amadou Diallo",
            "signed_by_employer_on": "2026-02-26",
            "signed_by_worker_on": "2026-02-27",
        },
    },
    {"name": "Ana Cruz", "language": "en"},
]


def test_export_import_export_loses_nothing(bistro, app):
    v1 = _without_stated_false(_sample("several_findings.json"))
    sample = _as_v2(v1)
    first_id = _imported_position(_import(bistro, sample))
    raw_1, export_1 = _export(bistro, first_id)
    # The rich sample (offer, third parties, payments, custody, Job Match, applicants) survives.
    assert export_1 == sample

    second_id = _imported_position(_import(bistro, raw_1))
    assert second_id != first_id
    raw_2, export_2 = _export(bistro, second_id)
    assert export_2 == export_1
    assert raw_2 == raw_1  # the canonical writer: byte for byte
    assert count(app, Position, employer_id=bistro.employer_id) == 2
    assert count(app, Applicant, position_id=second_id) == len(sample["applicants"])
    assert count(app, RecruitmentActivity, position_id=second_id) == len(sample["recruitment"])


def test_a_v1_file_imports_its_offer_as_the_first_worker(bistro, app):
    v1 = _without_stated_false(_sample("several_findings.json"))
    position_id = _imported_position(_import(bistro, v1))
    _, exported = _export(bistro, position_id)

    assert exported["format"] == "lmia-case/2"
    assert "offer" not in exported
    (worker,) = exported["workers"]
    assert worker["offer"] == v1["offer"]
    assert worker["name"] == v1["offer"]["worker_name"]
    assert exported == _as_v2(v1)
    assert count(app, Worker, position_id=position_id) == 1


def test_two_workers_with_every_key_round_trip_byte_for_byte(bistro, app):
    document = _as_v2(_without_stated_false(_sample("several_findings.json")))
    document["workers"] = TWO_WORKERS
    first_id = _imported_position(_import(bistro, document))
    raw_1, export_1 = _export(bistro, first_id)
    assert export_1 == document  # every worker key and every new offer key kept

    second_id = _imported_position(_import(bistro, raw_1))
    raw_2, _ = _export(bistro, second_id)
    assert raw_2 == raw_1
    assert count(app, Worker, position_id=second_id) == 2


def test_a_v2_file_with_a_top_level_offer_is_refused(bistro, app):
    document = _as_v2(_without_stated_false(_sample("several_findings.json")))
    document["offer"] = document["workers"][0]["offer"]
    before = _counts(app)
    response = _import(bistro, document)
    assert response.status_code == 422
    assert "workers[].offer" in text_of(response)
    assert _counts(app) == before


def test_a_position_made_in_the_portal_round_trips(bistro, app):
    position_id, url = bistro.create_position(languages="English, French", experience_years="2")
    bistro.add_activity(url)
    bistro.add_activity(
        url,
        method="community_organization",
        kind="event",
        event_date="2026-03-20",
        platform="Newcomer Centre",
        target_groups=["newcomers", "indigenous"],
        start_date="",
        end_date="",
    )
    response = bistro.post(url + "job-match", {"first_seen": "2026-03-04", "stars": "3"})
    assert response.status_code == 302
    applicant = {"name": "Ana Roy", "status": "citizen", "applied_on": "2026-03-05"}
    applicant |= {"channel": "email", "reason_code": "other", "reason_detail": "Moved away."}
    assert bistro.post(url + "applicants/new", applicant).status_code == 302

    raw_1, export_1 = _export(bistro, position_id)
    assert export_1["position"]["requirements"]["languages"] == ["English", "French"]
    copy_id = _imported_position(_import(bistro, raw_1))
    raw_2, export_2 = _export(bistro, copy_id)
    assert export_2 == export_1
    assert raw_2 == raw_1


def test_a_stated_false_noncompliance_flag_matches_a_compliant_profile(bistro, app):
    """The sample files say ``"on_noncompliance_list": false``, as this employer's profile does.
    That is agreement, not a difference: the import must not refuse it."""
    response = _import(bistro, _sample("compliant_low_wage.json"))
    differences = re.findall(r"<li>(employer\.[^<]*)</li>", html.unescape(text_of(response)))
    assert response.status_code == 302, differences
    assert count(app, Position, employer_id=bistro.employer_id) == 1


def test_another_employers_file_is_refused_naming_the_differences(bistro, app):
    document = _without_stated_false(_sample("several_findings.json"))
    document["employer"]["legal_name"] = "Someone Else Ltd."
    document["employer"]["address"]["city"] = "Hamilton"
    before = _counts(app)
    response = _import(bistro, document)
    assert response.status_code == 409
    page = text_of(response)
    assert "employer.legal_name" in page and "Someone Else Ltd." in page
    assert "employer.address.city" in page and "Hamilton" in page
    for same in ("employer.operating_name", "employer.business_number", "employer.address.street"):
        assert same not in page, f"{same} is the same in the file and the profile"
    assert "Nothing was imported" in page
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("problem", "change", "path"),
    [
        ("unknown key", {"position": {"colour": "blue"}}, "position.colour"),
        ("bad date", {"applicants": [{"applied_on": "2026-02-30"}]}, "applicants[0].applied_on"),
        ("unknown stream", {"position": {"stream": "express"}}, "position.stream"),
    ],
)
def test_an_invalid_file_is_refused_naming_the_path(bistro, app, problem, change, path):
    document = _without_stated_false(_sample("several_findings.json"))
    for section, value in change.items():
        if isinstance(value, list):
            document[section][0].update(value[0])
        else:
            document[section].update(value)
    before = _counts(app)
    response = _import(bistro, document)
    assert response.status_code == 422, problem
    assert f"{path}:" in text_of(response), problem
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not a valid lmia-case file"),
        ("{}".encode("utf-16"), "not UTF-8"),
        (b'{"format": "lmia-case/3"}', "format"),
        (b'{"format": "lmia-case/2"}', "employer: required"),
    ],
)
def test_unreadable_files_are_refused(bistro, app, content, words):
    before = _counts(app)
    response = _import(bistro, content)
    assert response.status_code == 422
    assert words.lower() in text_of(response).lower()
    assert _counts(app) == before


def test_a_viewer_cannot_import(bistro, app):
    before = _counts(app)
    response = _import(bistro, _without_stated_false(_sample("several_findings.json")), "viewer")
    assert response.status_code == 403
    assert _counts(app) == before
