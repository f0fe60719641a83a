"""The applicant list is paged (issue 12: thousands of applicants a position): 50 a page in the
log's order, links to the previous and next pages, a page past the last is a 404, the summary
still counts every applicant, and a finding's link finds an applicant's page."""

import re
from datetime import date, timedelta

import pytest

from portal.positions.services import APPLICANTS_PER_PAGE
from tests.positions.support import add_applicants, applicant_row

ROW = re.compile(r'<tr id="applicant-(\d+)">')


@pytest.fixture
def logged(shop, app):
    """A position with 120 applicants: applied on 120 different days, entered newest first (so
    the list's order, oldest application first, is not the order of the ids)."""
    position_id, url = shop.create_position()
    rows = [
        applicant_row(n, applied_on=date(2026, 1, 1) + timedelta(days=119 - n)) for n in range(120)
    ]
    add_applicants(app, position_id, rows, shop.users["owner"].id)
    return url


def _ids(response) -> list[int]:
    return [int(found) for found in ROW.findall(response.get_data(as_text=True))]


def test_fifty_a_page_in_the_logs_order_with_links_between_pages(shop, logged):
    assert APPLICANTS_PER_PAGE == 50
    client = shop.client()
    first = client.get(logged + "applicants")
    assert first.status_code == 200
    first_ids = _ids(first)
    assert len(first_ids) == 50
    # Entered newest first: the oldest application (the last id) opens the list.
    assert first_ids == sorted(first_ids, reverse=True)
    page = first.get_data(as_text=True)
    assert f'rel="next" href="{logged}applicants?page=2"' in page
    assert 'rel="prev"' not in page
    assert "Applicants 1 to 50 of 120" in page
    # The summary counts all 120, not the page's 50.
    assert re.search(r"Foreign nationals who applied</dt><dd>60<", page)

    last = client.get(logged + "applicants?page=3")
    assert last.status_code == 200
    last_ids = _ids(last)
    assert len(last_ids) == 20
    text = last.get_data(as_text=True)
    assert f'rel="prev" href="{logged}applicants?page=2"' in text
    assert 'rel="next"' not in text
    middle = _ids(client.get(logged + "applicants?page=2"))
    assert len(set(first_ids) | set(middle) | set(last_ids)) == 120
    assert client.head(logged + "applicants?page=3").status_code == 200


def test_a_page_past_the_last_is_a_404_and_a_bad_number_a_400(shop, logged):
    client = shop.client()
    assert client.get(logged + "applicants?page=4").status_code == 404
    assert client.head(logged + "applicants?page=4").status_code == 404
    assert client.get(logged + "applicants?page=0").status_code == 400


def test_no_pager_when_one_page_holds_them_all(shop, app):
    position_id, url = shop.create_position()
    add_applicants(app, position_id, [applicant_row(n) for n in range(3)], shop.users["owner"].id)
    page = shop.client().get(url + "applicants").get_data(as_text=True)
    assert len(ROW.findall(page)) == 3
    assert 'class="pager"' not in page


def test_an_applicants_row_link_opens_the_page_that_shows_it(shop, logged):
    client = shop.client()
    all_ids = [
        found for n in (1, 2, 3) for found in _ids(client.get(logged + f"applicants?page={n}"))
    ]
    for place in (0, 49, 50, 119):
        applicant_id = all_ids[place]
        response = client.get(logged + f"applicants/{applicant_id}/row")
        assert response.status_code == 302
        page = place // 50 + 1
        assert response.headers["Location"] == (
            f"{logged}applicants?page={page}#applicant-{applicant_id}"
        )
    # Another position's applicant (or none) is not found through this position.
    other_id, other_url = shop.create_position()
    assert client.get(other_url + f"applicants/{all_ids[0]}/row").status_code == 404
