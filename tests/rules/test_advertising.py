"""AD rules: ad content, languages, consistency with the position, caregivers, Québec French."""

from datetime import date
from decimal import Decimal

import pytest

from portal.cases import Requirements, Wage, WageRange
from tests.rules.builders import ad as change_ad
from tests.rules.builders import (
    agricultural_case,
    at,
    found,
    global_talent_case,
    hourly,
    location,
    low_wage_case,
    one,
    position,
    rule_ids,
    subjects,
)

# --- AD-FIELDS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("operating_name", "operating name"),
        ("business_address", "business address"),
        ("title", "job title"),
        ("duties", "duties"),
        ("terms", "terms of employment"),
        ("wage", "wage"),
        ("work_location", "work location"),
        ("contact", "contact information"),
        ("education", "education"),
        ("experience", "experience"),
        ("benefits", "benefits"),
    ],
)
def test_each_required_item(field, words):
    case = change_ad(low_wage_case(), 0, **{field: None})

    finding = one(case, "AD-FIELDS")

    assert finding.subject == "recruitment[0]"
    assert finding.message == f"The Job Bank ad is missing: {words}."
    assert "AD-FIELDS" not in rule_ids(low_wage_case())


def test_blank_text_is_missing_and_everything_missing_is_listed_once():
    case = change_ad(low_wage_case(), 1, contact="  ", wage=None)

    assert subjects(case, "AD-FIELDS") == ["recruitment[1]"]
    assert one(case, "AD-FIELDS").message == (
        "The Youth Employment Services ad (under-represented group organization) is missing: "
        "wage and contact information."
    )


@pytest.mark.parametrize(
    ("wage", "missing"),
    [
        (Wage(amount=None, per="hour"), True),
        (WageRange(min=None, max=Decimal("22"), per="hour"), True),
        (WageRange(min=Decimal("19.50"), max=None, per="hour"), False),
        (WageRange(min=Decimal("19.50"), max=Decimal("22"), per="hour"), False),
        (hourly("19.50"), False),
    ],
)
def test_the_wage_needs_a_figure_or_a_range_minimum(wage, missing):
    case = change_ad(low_wage_case(), 0, wage=wage)

    assert ("AD-FIELDS" in rule_ids(case)) is missing


def test_benefits_needed_only_when_the_position_has_benefits():
    case = change_ad(low_wage_case(), 0, benefits=None)
    assert "AD-FIELDS" in rule_ids(case)
    assert "AD-FIELDS" not in rule_ids(position(case, benefits=None))
    assert "AD-FIELDS" not in rule_ids(position(case, benefits=" "))


def test_caregiver_ads_need_no_business_address():
    case = change_ad(low_wage_case(), 0, business_address=None)

    assert "AD-FIELDS" in rule_ids(case)
    assert "AD-FIELDS" not in rule_ids(position(case, caregiver=True))


def test_not_checked_when_exempt():
    case = change_ad(low_wage_case(), 0, contact=None)

    assert "AD-FIELDS" not in rule_ids(position(case, advertising_variation="Academics"))


# --- AD-LANGUAGE ---------------------------------------------------------------------------------


def with_languages(case, *languages):
    return position(case, requirements=Requirements(languages=tuple(languages)))


def test_a_position_requiring_another_language_needs_a_justification():
    case = with_languages(low_wage_case(), "English", "Punjabi")

    finding = one(case, "AD-LANGUAGE")

    assert finding.subject == "position"
    assert "requires Punjabi, which is neither English nor French" in finding.message
    assert "AD-LANGUAGE" not in rule_ids(position(case, language_justification="Clients"))
    assert "AD-LANGUAGE" in rule_ids(position(case, language_justification="  "))


def test_an_ad_requiring_another_language():
    case = change_ad(low_wage_case(), 2, languages=("English", "Tagalog"))

    assert subjects(case, "AD-LANGUAGE") == ["recruitment[2]"]


@pytest.mark.parametrize(
    "name", ["English", "FRENCH", "anglais", "Français", "francais", "en", "FR", " English "]
)
def test_english_and_french_are_recognised_in_any_spelling_given(name):
    assert "AD-LANGUAGE" not in rule_ids(with_languages(low_wage_case(), name))


@pytest.mark.parametrize("name", ["Spanish", "eng", "Francais canadien", ""])
def test_anything_else_is_another_language(name):
    assert "AD-LANGUAGE" in rule_ids(with_languages(low_wage_case(), name))


def test_language_rule_skips_agriculture_but_not_global_talent():
    assert "AD-LANGUAGE" not in rule_ids(with_languages(agricultural_case(), "Spanish"))
    assert "AD-LANGUAGE" in rule_ids(with_languages(global_talent_case(), "Spanish"))


# --- AD-CONSISTENT -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "fires"),
    [
        ("Line Cook", True),
        ("Co-ok", True),
        ("  cook. ", False),
        ("COOK", False),
        ("Cóok", False),
        ("«Cook»", False),
    ],
)
def test_the_ad_title_must_be_the_position_title(title, fires):
    case = change_ad(low_wage_case(), 0, title=title)

    assert (("AD-CONSISTENT", "recruitment[0]") in found(case)) is fires


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Mississauga, ON", True),
        ("412 Queen St W, TORONTO", False),
        ("Downtown toronto", False),
        ("Torono", True),
    ],
)
def test_the_ad_location_must_name_the_city(text, fires):
    case = change_ad(low_wage_case(), 1, work_location=text)

    assert (("AD-CONSISTENT", "recruitment[1]") in found(case)) is fires


def test_city_names_compare_without_accents():
    case = location(low_wage_case(), city="Montréal", province="QC")
    case = change_ad(case, 0, work_location="Montreal, QC", published_languages=("fr",))

    assert ("AD-CONSISTENT", "recruitment[0]") not in found(case)


def test_both_problems_in_one_finding_with_the_values():
    case = change_ad(low_wage_case(), 0, title="Chef", work_location="Ottawa")

    assert one(case, "AD-CONSISTENT").message == (
        'The Job Bank ad does not match the position: its title "Chef" differs from the '
        'position\'s "Cook"; its work location "Ottawa" does not name Toronto.'
    )


def test_missing_title_or_location_is_left_to_ad_fields():
    case = change_ad(low_wage_case(), 0, title=None, work_location=None)

    assert "AD-CONSISTENT" not in rule_ids(case)
    assert "AD-FIELDS" in rule_ids(case)


def test_consistency_is_checked_even_when_exempt():
    case = position(change_ad(low_wage_case(), 0, title="Chef"), advertising_variation="Academics")

    assert "AD-CONSISTENT" in rule_ids(case)


# --- AD-DUTIES -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duties", "fires"),
    [
        ("Prepare meals, wash floors", False),  # 2 of 4 = 0.5
        ("Prepare meals, wash floors, greet", True),  # 2 of 5 < 0.5
        ("Prepare meals, wash floors, greet guests", True),  # 2 of 6
        ("PREPARE Meals wash floors", False),  # case ignored
        ("Prepare meals; prepare MEALS; wash floors", False),  # distinct words
        ("Mop, cut, fry, 1234", False),  # no word of 4 letters: silent
        ("", False),
    ],
)
def test_at_least_half_the_ad_duty_words_come_from_the_position(duties, fires):
    case = change_ad(low_wage_case(), 0, duties=duties)

    assert (("AD-DUTIES", "recruitment[0]") in found(case)) is fires


def test_duties_message_gives_the_counts():
    case = change_ad(low_wage_case(), 0, duties="Prepare meals, wash floors, greet")

    finding = one(case, "AD-DUTIES")

    assert finding.severity == "warning"
    assert finding.message.startswith(
        "Only 2 of the 5 distinct words in the duties of the Job Bank"
    )


# --- AD-CG-LIVEIN --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caregiver", "live_in", "fires"),
    [(True, True, True), (True, False, False), (True, None, False), (False, True, False)],
)
def test_caregivers_cannot_be_required_to_live_in(caregiver, live_in, fires):
    case = position(low_wage_case(), caregiver=caregiver, live_in_required=live_in)

    assert (("AD-CG-LIVEIN", "position") in found(case)) is fires


# --- AD-QC-FRENCH --------------------------------------------------------------------------------


def in_quebec(case):
    return location(case, province="QC", city="Toronto")  # city kept so AD-CONSISTENT stays quiet


@pytest.mark.parametrize(
    ("published", "fires"),
    [(("en",), True), (None, True), ((), True), (("en", "fr"), False), (("fr",), False)],
)
def test_quebec_ads_must_be_published_in_french(published, fires):
    case = change_ad(in_quebec(low_wage_case()), 1, published_languages=published)

    assert (("AD-QC-FRENCH", "recruitment[1]") in found(case)) is fires


def test_every_ad_is_checked_and_the_message_names_the_languages():
    case = in_quebec(low_wage_case())

    assert subjects(case, "AD-QC-FRENCH") == ["recruitment[0]", "recruitment[1]", "recruitment[2]"]
    only_first = change_ad(
        change_ad(case, 1, published_languages=("fr",)), 2, published_languages=("en", "fr")
    )
    assert one(only_first, "AD-QC-FRENCH").message == (
        "The Job Bank ad was not published in French (published in English)."
    )
    unrecorded = change_ad(only_first, 0, published_languages=None)
    finding = one(unrecorded, "AD-QC-FRENCH")
    assert finding.message == (
        'The Job Bank ad was not published in French (nothing is ticked under "Ad published in").'
    )
    assert finding.fix.endswith('tick French under "Ad published in".')


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [(date(2022, 5, 31), False), (date(2022, 6, 1), True), (date(2022, 6, 2), True)],
)
def test_quebec_french_rule_starts_2022_06_01(submitted, fires):
    case = at(in_quebec(low_wage_case()), submitted)

    assert ("AD-QC-FRENCH" in rule_ids(case)) is fires


def test_outside_quebec_french_is_not_required():
    assert "AD-QC-FRENCH" not in rule_ids(low_wage_case())
