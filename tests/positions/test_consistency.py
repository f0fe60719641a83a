"""Facts that cannot be true together are refused on their field (issue 7, U4).

Each refusal: HTTP 422, the message on the named field (and in the summary), nothing saved,
and what the user typed comes back in the form. Boundaries: the same day is accepted, the day
before is refused.
"""

import html
from datetime import date

import pytest
from flask import g

from portal.extensions import db
from portal.models import Applicant, JobMatchEntry, Position
from portal.recruitment import consistency
from tests.helpers import text_of
from tests.positions.support import POSITION_FORM, count, field_errors, make_shop, upload

APPLICANT = {
    "name": "Ivan Interviewed",
    "status": "citizen",
    "channel": "email",
    "applied_on": "2026-03-10",
    "reason_code": "lacks_experience",
    "reason_detail": "Two years asked, none shown.",
}


def _value_shown(response, name: str, value: str) -> bool:
    page = text_of(response)
    return f'name="{name}"' in page and f'value="{html.escape(value)}"' in page


# --- The plain-Python checks ---------------------------------------------------------------


class _Reference:
    def noc(self, code):
        return object() if code == "63200" else None


def test_the_checks_are_plain_python_and_name_their_fields():
    assert consistency.noc_problem("63200", _Reference()) is None
    assert "99999 is not a NOC 2021 unit group" in consistency.noc_problem("99999", _Reference())
    applied = date(2026, 3, 10)
    assert consistency.applicant_problems(applied, date(2026, 3, 10), False, False) == {}
    assert set(consistency.applicant_problems(applied, date(2026, 3, 9), False, False)) == {
        "interviewed_on"
    }
    assert set(consistency.applicant_problems(applied, None, False, True)) == {"offered"}
    assert consistency.applicant_problems(applied, None, True, True) == {}
    assert consistency.applicant_problems(applied, None, True, False) == {}
    downloaded = consistency.applicant_problems
    assert downloaded(applied, None, False, False, date(2026, 3, 10)) == {}
    assert set(downloaded(applied, None, False, False, date(2026, 3, 9))) == {
        "resume_downloaded_on"
    }
    seen = date(2026, 3, 4)
    assert consistency.job_match_problems(seen, seen) == {}
    assert consistency.job_match_problems(seen, None) == {}
    assert set(consistency.job_match_problems(seen, date(2026, 3, 3))) == {"invited_on"}


# --- NOC -----------------------------------------------------------------------------------


def test_a_noc_code_outside_noc_2021_is_refused_on_its_field(shop, app):
    body = POSITION_FORM | {"noc_code": "99999", "title": "Kitchen wizard"}
    response = shop.post(f"{shop.base}/new", body)
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["noc_code"]
    assert errors["noc_code"].startswith("NOC 2021 code: 99999 is not a NOC 2021 unit group")
    assert 'href="#noc_code"' in text_of(response)
    assert _value_shown(response, "noc_code", "99999")
    assert _value_shown(response, "title", "Kitchen wizard")
    assert count(app, Position) == 0


@pytest.mark.parametrize("code", ["00010", "63200", "95109"])
def test_noc_2021_codes_are_accepted(shop, app, code):
    response = shop.post(f"{shop.base}/new", POSITION_FORM | {"noc_code": code})
    assert response.status_code == 302, field_errors(response)


def _store_noc(app, position_id: int, code: str, actor_id: int) -> None:
    with app.test_request_context():
        g.audit_actor_id = actor_id
        db.session.get(Position, position_id).noc_code = code
        db.session.commit()


def test_a_stored_unknown_noc_is_flagged_and_must_be_corrected_to_save(shop, app):
    position_id, url = shop.create_position()
    _store_noc(app, position_id, "99999", shop.users["owner"].id)

    page = text_of(shop.client().get(url))
    assert "99999 is not a NOC 2021 unit group" in page
    assert f"/positions/{position_id}/edit#noc_code" in page
    # A viewer is told too, without the link to a form they cannot use.
    viewer_page = text_of(shop.client("viewer").get(url))
    assert "99999 is not a NOC 2021 unit group" in viewer_page
    assert "/edit#noc_code" not in viewer_page

    form = shop.client().get(url + "edit")
    assert form.status_code == 200
    assert field_errors(form)["noc_code"].startswith("NOC 2021 code: 99999")

    edit_url = url + "edit"
    body = POSITION_FORM | {"noc_code": "99999", "title": "Renamed", "version": _version(form)}
    refused = shop.post(edit_url, body)
    assert refused.status_code == 422
    assert list(field_errors(refused)) == ["noc_code"]
    assert _value_shown(refused, "title", "Renamed")
    with app.app_context():
        assert db.session.get(Position, position_id).title == "Cook"

    fixed = shop.post(edit_url, body | {"noc_code": "63200"})
    assert fixed.status_code == 302
    assert "not a NOC 2021 unit group" not in text_of(shop.client().get(url))


def _version(response) -> str:
    page = text_of(response)
    return page.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]


# --- Applicants ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interviewed_on", "accepted"),
    [("2026-03-09", False), ("2026-03-10", True), ("2026-03-11", True)],
    ids=["day before the application", "same day", "day after"],
)
def test_an_interview_before_the_application_is_refused(shop, app, interviewed_on, accepted):
    _, url = shop.create_position()
    response = shop.post(url + "applicants/new", APPLICANT | {"interviewed_on": interviewed_on})
    if accepted:
        assert response.status_code == 302, field_errors(response)
        assert count(app, Applicant) == 1
        return
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["interviewed_on"]
    assert errors["interviewed_on"].startswith("Interviewed on: The interview (2026-03-09)")
    assert "before the application (2026-03-10)" in errors["interviewed_on"]
    assert 'href="#interviewed_on"' in text_of(response)
    for name in ("name", "applied_on", "interviewed_on", "reason_detail"):
        value = (APPLICANT | {"interviewed_on": interviewed_on})[name]
        assert value in text_of(response), name
    assert count(app, Applicant) == 0


def test_a_resume_downloaded_before_the_application_is_refused(shop, app):
    _, url = shop.create_position()
    body = APPLICANT | {"channel": "direct_apply", "resume_downloaded_on": "2026-03-09"}
    response = shop.post(url + "applicants/new", body)
    assert response.status_code == 422
    assert list(field_errors(response)) == ["resume_downloaded_on"]
    assert count(app, Applicant) == 0
    body["resume_downloaded_on"] = "2026-03-10"
    assert shop.post(url + "applicants/new", body).status_code == 302


def test_hired_without_offered_is_refused(shop, app):
    _, url = shop.create_position()
    body = APPLICANT | {"hired": "y", "reason_code": ""}
    response = shop.post(url + "applicants/new", body)
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["offered"]
    assert errors["offered"].startswith("Offered the job: ")
    assert _value_shown(response, "name", "Ivan Interviewed")
    assert 'checked id="hired"' in text_of(response)  # the ticked box stays ticked
    assert count(app, Applicant) == 0
    assert shop.post(url + "applicants/new", body | {"offered": "y"}).status_code == 302
    assert count(app, Applicant) == 1


def test_an_edit_that_contradicts_itself_changes_nothing(shop, app):
    _, url = shop.create_position()
    assert shop.post(url + "applicants/new", APPLICANT).status_code == 302
    with app.app_context():
        applicant_id = db.session.query(Applicant.id).scalar()
    body = APPLICANT | {"name": "Renamed", "interviewed_on": "2026-03-01"}
    response = shop.post(url + f"applicants/{applicant_id}", body)
    assert response.status_code == 422
    assert list(field_errors(response)) == ["interviewed_on"]
    with app.app_context():
        assert db.session.get(Applicant, applicant_id).name == "Ivan Interviewed"


def test_the_csv_import_refuses_the_same_contradictions(shop, app):
    _, url = shop.create_position()
    raw = (
        b"name,status,applied_on,interviewed_on,offered,hired\n"
        b"Ana,citizen,2026-03-10,2026-03-10,yes,yes\n"
        b"Ben,citizen,2026-03-10,2026-03-09,no,no\n"
        b"Cy,citizen,2026-03-10,,no,yes\n"
    )
    response = shop.post(url + "applicants/import", upload(raw))
    assert response.status_code == 422
    page = text_of(response)
    assert "<td>3</td><td>interviewed_on</td>" in page
    assert "<td>4</td><td>offered</td>" in page
    assert "<td>2</td>" not in page
    assert count(app, Applicant) == 0


# --- Job Match -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("invited_on", "accepted"),
    [("2026-03-03", False), ("2026-03-04", True), ("2026-03-05", True)],
    ids=["day before first seen", "same day", "day after"],
)
def test_an_invitation_before_the_match_was_seen_is_refused(shop, app, invited_on, accepted):
    _, url = shop.create_position()
    body = {"first_seen": "2026-03-04", "stars": "4", "invited_on": invited_on}
    response = shop.post(url + "job-match", body)
    if accepted:
        assert response.status_code == 302, field_errors(response)
        assert count(app, JobMatchEntry) == 1
        return
    assert response.status_code == 422
    errors = field_errors(response)
    assert list(errors) == ["invited_on"]
    assert errors["invited_on"].startswith("Invited to apply on: The invitation (2026-03-03)")
    assert _value_shown(response, "invited_on", "2026-03-03")
    assert _value_shown(response, "first_seen", "2026-03-04")
    assert _value_shown(response, "stars", "4")
    assert count(app, JobMatchEntry) == 0


def test_editing_a_match_to_an_earlier_invitation_changes_nothing(shop, app):
    _, url = shop.create_position()
    body = {"first_seen": "2026-03-04", "stars": "4", "invited_on": "2026-03-06"}
    assert shop.post(url + "job-match", body).status_code == 302
    with app.app_context():
        entry_id = db.session.query(JobMatchEntry.id).scalar()
    response = shop.post(url + f"job-match/{entry_id}", body | {"invited_on": "2026-03-01"})
    assert response.status_code == 422
    assert list(field_errors(response)) == ["invited_on"]
    with app.app_context():
        assert db.session.get(JobMatchEntry, entry_id).invited_on == date(2026, 3, 6)


# --- Case files ----------------------------------------------------------------------------


@pytest.fixture
def bistro(app, make):
    from tests.positions.test_case_files import SAMPLE_EMPLOYER

    return make_shop(app, make, **SAMPLE_EMPLOYER)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"position": {"noc": "99999"}}, "position.noc: 99999 is not a NOC 2021 unit group"),
        ({"applicants": {"interviewed_on": "day before"}}, "applicants[0].interviewed_on ("),
        ({"applicants": {"hired": True, "offered": False}}, "applicants[0].offered ("),
        ({"job_match": "invited day before"}, "job_match.matches[0].invited_on: The invitation"),
    ],
    ids=["unknown NOC", "interview before application", "hired not offered", "early invite"],
)
def test_a_case_file_with_contradictions_is_refused_whole(bistro, app, change, words):
    from tests.positions.test_case_files import ROWS, _import, _sample, _without_stated_false

    document = _without_stated_false(_sample("several_findings.json"))
    applicant = document["applicants"][0]
    if "position" in change:
        document["position"].update(change["position"])
    elif change.get("applicants", {}).get("interviewed_on"):
        applied = date.fromisoformat(applicant["applied_on"])
        applicant["interviewed_on"] = date.fromordinal(applied.toordinal() - 1).isoformat()
    elif "applicants" in change:
        applicant.update(change["applicants"])
        applicant.pop("reason_code", None)
        applicant.pop("reason_detail", None)
    else:
        match = document["job_match"]["matches"][0]
        seen = date.fromisoformat(match["first_seen"])
        match["invited_on"] = date.fromordinal(seen.toordinal() - 1).isoformat()
    before = {model.__name__: count(app, model) for model in ROWS}
    response = _import(bistro, document)
    assert response.status_code == 422, text_of(response)[:2000]
    page = html.unescape(text_of(response))
    assert words in page
    assert "Nothing was imported" in page
    assert {model.__name__: count(app, model) for model in ROWS} == before
