"""The agricultural program and the live-in flag on the position form (lmia-domain.md §7.4)."""

from portal.models import Position
from tests.helpers import text_of
from tests.positions.support import POSITION_FORM, count, field_errors
from tests.protection.support import rows_of

AGRICULTURAL = POSITION_FORM | {
    "stream": "agricultural",
    "noc_code": "85100",
    "title": "Farm worker",
}


def test_the_form_offers_the_program_and_the_live_in_flag(shop):
    page = text_of(shop.client().get(f"{shop.shop.base}/new"))
    assert 'name="program"' in page and 'value="sawp"' in page
    assert 'value="agricultural_stream"' in page
    assert 'name="live_in_required"' in page and 'name="is_caregiver"' in page


def test_an_agricultural_position_records_its_program(shop, app):
    response = shop.post(f"{shop.shop.base}/new", AGRICULTURAL | {"program": "sawp"})
    assert response.status_code == 302, field_errors(response)
    programs = {p.title: p.program for p in rows_of(app, Position)}
    assert programs["Farm worker"] == "sawp"


def test_a_program_outside_the_agricultural_stream_is_refused(shop, app):
    before = count(app, Position)
    response = shop.post(f"{shop.shop.base}/new", POSITION_FORM | {"program": "sawp"})
    assert response.status_code == 422
    assert "program" in field_errors(response)
    assert count(app, Position) == before
    bad = shop.post(f"{shop.shop.base}/new", AGRICULTURAL | {"program": "h2a"})
    assert bad.status_code == 422 and "program" in field_errors(bad)


def test_a_caregiver_lives_in_flag_is_kept_only_for_caregivers(shop, app):
    body = POSITION_FORM | {"title": "Caregiver", "is_caregiver": "y", "live_in_required": "y"}
    assert shop.post(f"{shop.shop.base}/new", body).status_code == 302
    body = POSITION_FORM | {"title": "Baker", "live_in_required": "y"}
    assert shop.post(f"{shop.shop.base}/new", body).status_code == 302
    flags = {p.title: p.live_in_required for p in rows_of(app, Position)}
    assert flags["Caregiver"] is True and flags["Baker"] is None
