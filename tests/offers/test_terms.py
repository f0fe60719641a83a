"""The offer prefill and how an offer follows its position (portal.offers.terms, plain Python)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from portal.offers import terms

TODAY = date(2026, 12, 4)


def position(**changes):
    fields = {
        "title": "Line cook",
        "noc_code": "63200",
        "duties": "Prepare and cook meals.",
        "street_address": "412 Queen Street West",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5V 2A9",
        "wage_amount": Decimal("17.50"),
        "wage_per": "hour",
        "hours_per_week": Decimal("40.00"),
        "duration_months": 12,
        "benefits": None,
        "stream": "low_wage",
        "is_caregiver": False,
    }
    return SimpleNamespace(**(fields | changes))


def employer(**changes):
    fields = {
        "legal_name": "Marchetti Hospitality Inc.",
        "operating_name": "Maple Leaf Bistro",
        "business_number": "871234563",
        "street_address": "412 Queen Street West",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5V 2A9",
    }
    return SimpleNamespace(**(fields | changes))


def standards(calls):
    def default_terms(province, on, language):
        calls.append((province, on, language))
        return {
            "overtime": f"overtime {province} {language}",
            "vacation": f"vacation {language}",
            "statutory_holidays": f"holidays {language}",
        }

    return default_terms


def test_a_new_offer_states_the_position_and_employer():
    calls = []
    offer = terms.new_offer(
        position(),
        employer(),
        worker_name="Amélie Tremblay",
        language="fr",
        start_date=date(2027, 2, 1),
        today=TODAY,
        standard_terms=standards(calls),
    )
    assert offer["title"] == "Line cook"
    assert offer["noc"] == "63200"
    assert offer["wage"] == {"amount": 17.5, "per": "hour"}
    assert offer["hours_per_week"] == 40
    assert offer["duration_months"] == 12
    assert offer["work_location"] == {
        "street": "412 Queen Street West",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "M5V 2A9",
    }
    assert offer["employer_legal_name"] == "Marchetti Hospitality Inc."
    assert offer["employer_operating_name"] == "Maple Leaf Bistro"
    assert offer["business_number"] == "871234563"
    assert offer["employer_address"]["city"] == "Toronto"
    assert offer["worker_name"] == "Amélie Tremblay"
    assert offer["language"] == "fr"
    assert offer["start_date"] == "2027-02-01"
    assert offer["date"] == "2026-12-04"
    assert offer["states_no_fees"] is True
    # The province's standards, in the worker's language, as of the start date.
    assert calls == [("ON", date(2027, 2, 1), "fr")]
    assert offer["overtime"] == "overtime ON fr"
    assert offer["statutory_holidays"] == "holidays fr"
    assert "benefits" not in offer  # empty terms are left out, as the case format omits them


@pytest.mark.parametrize(
    ("stream", "caregiver", "paid"),
    [
        ("low_wage", False, terms.OBLIGATED_EMPLOYER_PAID),
        ("agricultural", False, terms.OBLIGATED_EMPLOYER_PAID),
        ("high_wage", True, terms.OBLIGATED_EMPLOYER_PAID),
        ("high_wage", False, ()),
        ("global_talent", False, ()),
    ],
)
def test_what_the_employer_pays_follows_the_stream(stream, caregiver, paid):
    offer = terms.new_offer(
        position(stream=stream, is_caregiver=caregiver),
        employer(),
        worker_name="W",
        language="en",
        start_date=None,
        today=TODAY,
    )
    assert tuple(offer.get("employer_paid", ())) == tuple(paid)
    assert "start_date" not in offer
    assert "overtime" not in offer  # no standards given: the user writes them


def test_quebec_offers_are_in_french_unless_the_worker_chose():
    assert terms.offer_language("QC", None) == "fr"
    assert terms.offer_language("QC", "en") == "en"
    assert terms.offer_language("ON", None) == "en"


def test_standards_missing_for_a_province_leave_the_terms_to_the_user():
    def missing(province, on, language):
        raise LookupError(province)

    offer = terms.new_offer(
        position(province="NU"),
        employer(),
        worker_name="W",
        language="en",
        start_date=None,
        today=TODAY,
        standard_terms=missing,
    )
    assert "overtime" not in offer


def test_an_offer_follows_the_terms_it_still_mirrored():
    before = terms.mirrored_terms(position(), employer())
    offer = terms.new_offer(
        position(), employer(), worker_name="W", language="en", start_date=None, today=TODAY
    )
    offer["title"] = "Cook (deliberately different)"
    after = terms.mirrored_terms(
        position(wage_amount=Decimal("18.00"), title="Senior line cook", benefits="Dental"),
        employer(operating_name="Maple Bistro"),
    )
    followed = terms.follow_position(offer, before, after)
    assert followed["wage"] == {"amount": 18, "per": "hour"}
    assert followed["benefits"] == "Dental"  # absent before, absent in the offer: follows
    assert followed["employer_operating_name"] == "Maple Bistro"
    assert followed["title"] == "Cook (deliberately different)"  # a deliberate difference
    assert offer["wage"] == {"amount": 17.5, "per": "hour"}  # a new dict, the old one intact


def test_an_offer_with_nothing_to_follow_is_returned_as_is():
    before = terms.mirrored_terms(position(), employer())
    offer = {"title": "Line cook"}
    assert terms.follow_position(offer, before, dict(before)) is offer
    assert terms.follow_position(None, before, before) is None


def test_a_cleared_position_term_leaves_the_offer_without_it():
    before = terms.mirrored_terms(position(benefits="Dental"), employer())
    after = terms.mirrored_terms(position(benefits=None), employer())
    followed = terms.follow_position({"benefits": "Dental", "title": "x"}, before, after)
    assert "benefits" not in followed


def test_numbers_are_written_as_the_case_format_does():
    assert terms.json_number(Decimal("17.50")) == 17.5
    assert terms.json_number(Decimal("40.00")) == 40
    assert isinstance(terms.json_number(Decimal("40.00")), int)
    assert terms.json_number(None) is None


def test_signed_means_both_sides():
    assert not terms.is_signed({"signed_by_employer_on": "2027-01-05"})
    assert terms.is_signed({"signed_by_employer_on": "2027-01-05", "signed_by_worker_on": "x"})
    assert not terms.is_signed(None)
