"""The position page says which prevailing wage applies (ruleset 2, 2026-12-04: the higher of
the Job Bank median and a figure the employer relies on; a declared figure never lowers it)."""

import re

import pytest

from tests.helpers import text_of


def _wage_check(shop, url) -> str:
    page = shop.client().get(url)
    assert page.status_code == 200, text_of(page)
    section = re.search(r"<h2>Wage check</h2>(.*?)</section>", text_of(page), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(1)).split())


@pytest.mark.parametrize(
    ("declared", "wage", "applies", "fires"),
    [
        # Job Bank median for cooks in Toronto: 18.00 an hour.
        ("17.00", "17.99", "The Job Bank median applies", True),  # not lowered to 17.00
        ("18.00", "18.00", "The Job Bank median applies", False),
        ("20.00", "19.99", "It is higher than the Job Bank median, so it applies.", True),
        ("20.00", "20.00", "It is higher than the Job Bank median, so it applies.", False),
    ],
)
def test_the_page_says_which_figure_applies(shop, declared, wage, applies, fires):
    _, url = shop.create_position(
        prevailing_wage_amount=declared,
        prevailing_wage_source="collective agreement",
        wage_amount=wage,
    )

    text = _wage_check(shop, url)

    assert "$18.00 / hour" in text
    assert f"You rely on ${declared} per hour (collective agreement)." in text
    assert applies in text
    assert ("WAGE-PREVAILING" in text) is fires


def test_without_a_job_bank_median_the_declared_figure_applies(shop):
    # NOC 62200 (chefs) is not in the packaged wage sample, as for the demo's chef.
    _, url = shop.create_position(
        noc_code="62200",
        title="Chef",
        stream="high_wage",
        wage_amount="40",
        prevailing_wage_amount="25.00",
        prevailing_wage_source="Demo figure",
    )

    text = _wage_check(shop, url)

    assert "No Job Bank wage is published for this occupation and place" in text
    assert "Cannot verify: no Job Bank wage" not in text
    assert "You rely on $25.00 per hour (Demo figure). This figure applies." in text
    assert "WAGE-PREVAILING" not in text


def test_without_either_figure_the_page_cannot_verify(shop):
    _, url = shop.create_position(noc_code="62200", title="Chef")

    text = _wage_check(shop, url)

    assert "Cannot verify: no Job Bank wage is published" in text
    assert "You rely on" not in text
