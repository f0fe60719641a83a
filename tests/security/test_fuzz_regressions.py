"""Regressions found by the form fuzzer (tests/security/test_fuzz_forms.py), one per finding:
the form, the input that broke it, and what the portal does now."""

import pytest

from tests.helpers import form_token, text_of
from tests.security.support import WAIVED_RULE, WAIVED_SUBJECT, seed_world, tenant_body


def test_waiver_form_keeps_a_too_short_reason(app):
    """WaiverForm, reason "too short" (under 10 characters): the compliance page came back
    with the reason box empty; it now shows the finding's form open with what was typed."""
    world = seed_world(app, with_b=False)
    a = world.a
    # The first finding with a waiver form is an open one (the seeded waived one has none).
    client = world.pool.client(world.users["a_rep"])
    base = f"/employers/{a.employer_id}/positions/{a.position_id}"
    page = text_of(client.get(f"{base}/compliance"))
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    rule = page.split('name="rule_id" value="')[1].split('"')[0]
    subject = page.split('name="subject" value="')[1].split('"')[0]
    assert (rule, subject) != (WAIVED_RULE, WAIVED_SUBJECT)
    data = {"rule_id": rule, "subject": subject, "reason": "too short", "csrf_token": token}
    response = client.post(f"{base}/waivers", data=data)
    assert response.status_code == 422
    assert 'minlength="10">too short</textarea>' in text_of(response)


@pytest.mark.parametrize("value", ["sNaN", "-sNaN", "NaN", "Infinity"])
def test_decimal_fields_refuse_not_a_number(app, value):
    """PositionForm and OfferForm, wage_amount "sNaN": wtforms' NumberRange raised ValueError
    (a 500); every decimal field now refuses NaN and infinities as not a number (422)."""
    world = seed_world(app, with_b=False)
    a = world.a
    client = world.pool.client(world.users["a_owner"])
    token = form_token(client, f"/employers/{a.employer_id}/positions/new")
    position = f"/employers/{a.employer_id}/positions"
    offer = f"{position}/{a.position_id}/workers/{a.worker_id}/offer"
    for url, endpoint, values in (
        (f"{position}/new", "positions.create", {}),
        (offer, "offers.offer_terms", {"worker_id": a.worker_id}),
    ):
        body = tenant_body(app, endpoint, a.employer_id, values)
        response = client.post(url, data={**body, "wage_amount": value, "csrf_token": token})
        assert response.status_code == 422, (endpoint, response.status_code)
        assert "Not a valid decimal value." in text_of(response)


def test_a_nul_character_in_a_form_value_is_a_400_naming_the_field(app, make):
    """PostgreSQL text cannot hold NUL: the fuzzer's comment with one was a 500 there."""
    owner = make.user()
    client = make.signed_in_client(owner)
    from tests.helpers import form_token

    token = form_token(client, "/account/")
    response = client.post(
        "/account/", data={"full_name": "Ana\x00Lima", "locale": "en_CA", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "full_name" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("end_date", "status"),
    [
        ("2099-12-30", 302),
        ("2099-12-31", 302),
        ("2100-01-01", 422),
        ("9999-12-31", 422),
    ],
)
def test_a_date_past_2099_is_refused_naming_the_field(app, end_date, status):
    """ActivityForm then FeedForm, end_date 9999-12-31: the activity was saved, and the
    deadlines page then overflowed adding days to it (a 500). Every date field now refuses a
    year outside 1900–2099 (the last accepted day is 2099-12-31), and nothing is saved."""
    from portal.extensions import db
    from portal.models.recruitment import RecruitmentActivity

    world = seed_world(app, with_b=False)
    a = world.a
    client = world.pool.client(world.users["a_owner"])
    base = f"/employers/{a.employer_id}/positions/{a.position_id}"
    token = form_token(client, f"{base}/activities/new")

    def count():
        with app.app_context():
            return (
                db.session.query(RecruitmentActivity).filter_by(position_id=a.position_id).count()
            )

    before = count()
    body = tenant_body(app, "positions.add_activity", a.employer_id)
    response = client.post(
        f"{base}/activities/new", data={**body, "end_date": end_date, "csrf_token": token}
    )
    assert response.status_code == status
    if status == 422:
        page = text_of(response)
        assert "Enter a date from 1900-01-01 to 2099-12-31." in page
        assert f'value="{end_date}"' in page  # what was typed comes back
        assert count() == before
    else:
        assert count() == before + 1
    deadlines = client.get("/deadlines")
    assert deadlines.status_code == 200


@pytest.mark.parametrize(("first_day", "refused"), [("1899-12-31", True), ("1900-01-01", False)])
def test_the_first_accepted_date_is_1900_01_01(app, first_day, refused):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from portal.forms import DateField

    class OneDate(Form):
        day = DateField()

    form = OneDate(MultiDict({"day": first_day}))
    assert form.validate() is not refused
    assert (form.day.data is None) is refused
