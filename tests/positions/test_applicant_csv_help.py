"""The applicant CSV helps a first-time user (issue 7, U7): the template has an example row, the
import page lists the allowed codes with the form's wording, and headers and codes are read in
any case and with surrounding spaces."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Applicant
from portal.recruitment import applicant_csv
from tests.helpers import text_of
from tests.positions.support import count, upload

_PROBLEM = re.compile(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>")


@pytest.fixture
def position(shop):
    position_id, url = shop.create_position()
    shop.add_activity(url)  # A1, a Job Bank posting
    return position_id, url


def _template(shop, url) -> str:
    return text_of(shop.client().get(url + "applicants/template.csv"))


def _import(shop, url, text: str):
    return shop.post(url + "applicants/import", upload(text.encode()))


def test_the_example_row_is_valid_but_refused_until_replaced(shop, app, position):
    position_id, url = position
    template = _template(shop, url)
    refused = _import(shop, url, template)
    assert refused.status_code == 422
    assert _PROBLEM.findall(text_of(refused)) == [
        ("2", "name", "this is the template&#39;s example row: delete it")
    ]
    assert count(app, Applicant) == 0

    mine = template.replace(applicant_csv.EXAMPLE_NAME, "Ana Roy")
    assert _import(shop, url, mine).status_code == 302
    with app.app_context():
        ana = db.session.scalars(select(Applicant).filter_by(position_id=position_id)).one()
        assert (ana.name, ana.status, ana.reason_code) == ("Ana Roy", "citizen", "lacks_experience")
        assert ana.source_activity_id is not None


def test_headers_and_codes_are_read_in_any_case_and_with_spaces(shop, app, position):
    position_id, url = position
    text = (
        " Name ,STATUS, Source ,Channel,Applied On,Interviewed_On ,Reason Code\n"
        "Ana Roy, Citizen ,a1, Email ,2026-03-05,2026-03-09,Lacks Experience\n"
        "Ben Lee,permanent resident,,In Person,2026-03-06,,NO_RESPONSE\n"
    )
    response = _import(shop, url, text)
    assert response.status_code == 302, _PROBLEM.findall(text_of(response))
    with app.app_context():
        rows = db.session.scalars(
            select(Applicant).filter_by(position_id=position_id).order_by(Applicant.id)
        ).all()
        assert [(a.status, a.channel, a.reason_code) for a in rows] == [
            ("citizen", "email", "lacks_experience"),
            ("permanent_resident", "in_person", "no_response"),
        ]
        assert rows[0].source_activity_id is not None


def test_an_unknown_code_or_header_is_still_named(shop, app, position):
    _, url = position
    text = "name,status,applied_on,Mood\nAna Roy,citizen,2026-03-05,happy\n"
    response = _import(shop, url, text)
    assert response.status_code == 422
    assert _PROBLEM.findall(text_of(response))[0][:2] == ("1", "Mood")
    text = "name,status,applied_on\nAna Roy,Canadian,2026-03-05\n"
    problems = _PROBLEM.findall(text_of(_import(shop, url, text)))
    assert [(row, column) for row, column, _ in problems] == [("2", "status")]
    assert count(app, Applicant) == 0


def test_the_import_page_lists_the_allowed_codes_with_the_forms_wording(shop, position):
    _, url = position
    page = text_of(shop.client().get(url + "applicants/import"))
    for code, words in [
        ("citizen", "Canadian citizen"),
        ("permanent_resident", "Permanent resident"),
        ("email", "Email"),
        ("direct_apply", "Job Bank Direct Apply"),
        ("lacks_experience", "Lacks the experience"),
        ("no_response", "Did not respond"),
        ("A1", "Job Bank"),
    ]:
        assert f"<tr><td><code>{code}</code></td><td>{words}</td></tr>" in page, code


def test_without_activities_the_page_says_to_record_them_first(shop):
    _, url = shop.create_position()
    page = text_of(shop.client().get(url + "applicants/import"))
    assert "Record the recruitment activities first" in page


def test_the_template_example_row_fills_every_column():
    rows = list(csv.reader(io.StringIO(applicant_csv.template_csv())))
    assert rows[0] == list(applicant_csv.COLUMNS)
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["name"] == applicant_csv.EXAMPLE_NAME
    assert example["status"] in {"citizen"} and example["reason_code"] == "lacks_experience"
