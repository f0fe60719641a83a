"""The position and activity forms refuse bad input: 422, the message names the field, and
nothing is saved. The valid body is the positive control of every refusal."""

import pytest

from portal.models import Position, RecruitmentActivity
from tests.helpers import text_of
from tests.positions.support import (
    ACTIVITY_FORM,
    POSITION_FORM,
    count,
    field_errors,
    first_activity_id,
)

BAD_POSITIONS = [
    # (what is wrong, the body change, the field named, words of its message)
    ("NOC code of 4 digits", {"noc_code": "6320"}, "noc_code", "5 digits"),
    ("wage missing", {"wage_amount": ""}, "wage_amount", "required"),
    ("no wage field at all", {"wage_amount": None}, "wage_amount", "required"),
    ("zero hours a week", {"hours_per_week": "0"}, "hours_per_week", "number must be"),
    ("negative wage", {"wage_amount": "-1"}, "wage_amount", "number must be"),
    ("no title", {"title": "  "}, "title", "required"),
    ("unknown stream", {"stream": "fast_track"}, "stream", "not a valid choice"),
]
LABELS = {
    "noc_code": "NOC 2021 code",
    "wage_amount": "Wage offered",
    "hours_per_week": "Hours per week",
    "title": "Job title",
    "stream": "Stream",
    "end_date": "Taken down on",
    "start_date": "Posted on",
}


def _body(base: dict, change: dict) -> dict:
    body = dict(base)
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    return body


def test_the_valid_position_is_saved(shop, app):
    position_id, url = shop.create_position()
    assert count(app, Position, employer_id=shop.employer_id) == 1
    page = shop.client().get(url)
    assert page.status_code == 200
    assert "Cook" in text_of(page) and "63200" in text_of(page)
    assert position_id > 0


@pytest.mark.parametrize(
    ("problem", "change", "name", "words"), BAD_POSITIONS, ids=[p[0] for p in BAD_POSITIONS]
)
def test_a_bad_position_is_refused_naming_the_field(shop, app, problem, change, name, words):
    response = shop.post(f"{shop.base}/new", _body(POSITION_FORM, change))
    assert response.status_code == 422, problem
    errors = field_errors(response)
    assert list(errors) == [name], f"{problem}: errors shown {errors}"
    # The message starts with the field's label and says what is wrong.
    assert errors[name].startswith(LABELS[name] + ":"), errors[name]
    assert words.lower() in errors[name].lower(), errors[name]
    # The summary at the top links to the field.
    assert f'href="#{name}"' in text_of(response)
    assert count(app, Position, employer_id=shop.employer_id) == 0


def test_several_bad_fields_are_all_named(shop, app):
    body = _body(POSITION_FORM, {"noc_code": "6320", "wage_amount": "", "hours_per_week": "0"})
    response = shop.post(f"{shop.base}/new", body)
    assert response.status_code == 422
    assert set(field_errors(response)) == {"noc_code", "wage_amount", "hours_per_week"}
    assert count(app, Position) == 0


def test_a_bad_edit_changes_nothing(shop, app):
    position_id, url = shop.create_position()
    body = _body(POSITION_FORM, {"hours_per_week": "0", "title": "Renamed"}) | {"version": "1"}
    response = shop.post(url + "edit", body)
    assert response.status_code == 422
    assert list(field_errors(response)) == ["hours_per_week"]
    assert count(app, Position, id=position_id, title="Cook", version=1) == 1


def test_an_edit_from_a_stale_form_is_refused(shop, app):
    position_id, url = shop.create_position()
    first = shop.post(url + "edit", POSITION_FORM | {"title": "Head Cook", "version": "1"})
    assert first.status_code == 302
    stale = shop.post(url + "edit", POSITION_FORM | {"title": "Sous Chef", "version": "1"})
    assert stale.status_code == 409
    assert count(app, Position, id=position_id, title="Head Cook") == 1


@pytest.mark.parametrize(
    ("problem", "change", "name"),
    [
        ("end before start", {"start_date": "2026-03-02", "end_date": "2026-03-01"}, "end_date"),
        ("posting without start", {"start_date": ""}, "start_date"),
    ],
)
def test_a_bad_activity_is_refused_naming_the_field(shop, app, problem, change, name):
    position_id, url = shop.create_position()
    response = shop.post(url + "activities/new", _body(ACTIVITY_FORM, change))
    assert response.status_code == 422, problem
    errors = field_errors(response)
    assert list(errors) == [name], errors
    assert errors[name].startswith(LABELS[name] + ":"), errors[name]
    if name == "end_date":
        assert "before the start date" in errors[name]
    assert count(app, RecruitmentActivity, position_id=position_id) == 0
    # The same activity with good dates is saved (the refusal was the dates).
    shop.add_activity(url)
    assert count(app, RecruitmentActivity, position_id=position_id) == 1


def test_another_positions_child_is_not_found_through_this_position(shop, app):
    """Ids of one position's activities are not reachable under another position's URL."""
    first_id, first_url = shop.create_position()
    shop.add_activity(first_url)
    second_id, second_url = shop.create_position(title="Baker")
    activity_id = first_activity_id(app, first_id)
    assert shop.client().get(f"{first_url}activities/{activity_id}").status_code == 200
    assert shop.client().get(f"{second_url}activities/{activity_id}").status_code == 404
    response = shop.post(f"{second_url}activities/{activity_id}/delete", {})
    assert response.status_code == 404
    assert count(app, RecruitmentActivity, id=activity_id, position_id=first_id) == 1
    assert second_id != first_id
