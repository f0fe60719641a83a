"""The compliance page: the filing window (dates the timing rules give), the SVG timeline, the
ruleset and reference data it used; a bad ``as_of`` is a 400."""

import html
from datetime import date

import pytest
from babel.dates import format_date

from portal.positions.reference import labour_market
from portal.rules import RULESET
from tests.helpers import text_of


def _shown(day: date) -> str:
    return format_date(day, "medium", locale="en_CA")  # the users' default locale


@pytest.fixture
def position(shop):
    """Low-wage, one Job Bank posting from 2026-03-02 to 2026-06-30."""
    position_id, url = shop.create_position()
    shop.add_activity(url, start_date="2026-03-02", end_date="2026-06-30")
    return position_id, url


def _facts(page: str) -> dict:
    section = page.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    names = [part.split("</dt>", 1)[0] for part in section.split("<dt>")[1:]]
    values = [part.split("</dd>", 1)[0] for part in section.split("<dd>")[1:]]
    return dict(zip(names, values, strict=True))


def test_the_page_shows_the_filing_window_timeline_and_sources(shop, app, position):
    _, url = position
    response = shop.client().get(url + "compliance")
    assert response.status_code == 200
    page = html.unescape(text_of(response))
    facts = _facts(page)
    # A posting must have run 28 days before filing (D >= start + 28) and still run on D.
    assert facts["Earliest date you can file"] == _shown(date(2026, 3, 30))
    assert facts["File before"].startswith(_shown(date(2026, 6, 30)))
    assert facts["Checked for submission on"].startswith(_shown(date(2026, 4, 15)))

    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'class="posting' in svg and "<title" in svg

    with app.app_context():
        reference = labour_market()
        assert facts["Rules"] == f"ruleset {RULESET}+{reference.version}"
        assert reference.sources
        for source in reference.sources:
            assert f"{source.name}: {source.as_of}" in facts["Reference data"]


def test_a_running_ad_leaves_the_window_open(shop):
    _, url = shop.create_position(title="Baker")
    shop.add_activity(url, start_date="2026-03-02", end_date="")
    facts = _facts(html.unescape(text_of(shop.client().get(url + "compliance"))))
    assert facts["Earliest date you can file"] == _shown(date(2026, 3, 30))
    assert facts["File before"] == "no limit while an ad keeps running"


def test_text_in_the_timeline_is_escaped(shop):
    _, url = shop.create_position()
    shop.add_activity(url, method="job_board", platform='<script>alert("x")</script>')
    page = text_of(shop.client().get(url + "compliance"))
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "&lt;script&gt;" in svg
    assert "<script>alert" not in page


def test_without_recruitment_there_is_no_window_and_no_timeline(shop):
    _, url = shop.create_position()
    response = shop.client().get(url + "compliance")
    assert response.status_code == 200
    page = html.unescape(text_of(response))
    assert _facts(page)["Earliest date you can file"].startswith("not yet known")
    assert "<svg" not in page


def test_as_of_picks_the_day_checked(shop):
    _, url = shop.create_position(planned_submission_date="")
    shop.add_activity(url)
    page = html.unescape(text_of(shop.client().get(url + "compliance?as_of=2026-05-01")))
    assert _facts(page)["Checked for submission on"].startswith(_shown(date(2026, 5, 1)))


@pytest.mark.parametrize("as_of", ["bad", "2026-02-30", "01/05/2026", "2026-5-1x"])
def test_a_bad_as_of_is_a_400(shop, position, as_of):
    _, url = position
    response = shop.client().get(url + "compliance", query_string={"as_of": as_of})
    assert response.status_code == 400
