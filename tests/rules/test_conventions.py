"""The conventions every rule uses: D, window W, inclusive days, names, languages, money text."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from portal.rules.context import Context
from portal.rules.text import (
    duty_words,
    is_official_language,
    listing,
    money,
    norm_name,
    percent,
    same_name,
)
from tests.rules.builders import (
    REFERENCE,
    activity,
    agricultural_case,
    at,
    day,
    global_talent_case,
    high_wage_case,
    low_wage_case,
    posting,
    pr_only_case,
)


def context(case, as_of=date(2026, 3, 2)):
    return Context(case, as_of, REFERENCE)


@pytest.mark.parametrize(
    ("submitted", "first_day"),
    [
        ("2026-03-02", "2025-12-02"),
        ("2026-05-31", "2026-02-28"),
        ("2026-03-31", "2025-12-31"),
        ("2024-05-31", "2024-02-29"),
        ("2026-01-01", "2025-10-01"),
    ],
)
def test_window_starts_three_calendar_months_before_d(submitted, first_day):
    ctx = context(at(low_wage_case(), day(submitted)))

    assert ctx.window_start == day(first_day)
    assert ctx.day_before == day(submitted) - (day("2026-01-02") - day("2026-01-01"))


def test_d_is_the_submission_date_else_the_as_of_date():
    assert context(low_wage_case(), as_of=date(2030, 1, 1)).d == date(2026, 3, 2)
    assert context(at(low_wage_case(), None), as_of=date(2030, 1, 1)).d == date(2030, 1, 1)


@pytest.mark.parametrize(
    ("start", "end", "ran", "in_window"),
    [
        ("2026-01-05", None, 56, 56),  # running: counts to D - 1 = 2026-03-01
        ("2026-03-01", None, 1, 1),
        ("2026-03-02", None, 0, 0),
        ("2026-01-05", "2026-01-05", 1, 1),  # E - S + 1
        ("2025-11-01", "2025-12-02", 32, 1),  # only 2025-12-02 is in W
        ("2025-11-01", "2025-12-01", 31, 0),
        ("2026-02-01", "2026-06-30", 29, 29),  # end after D: up to D - 1
    ],
)
def test_inclusive_day_counts(start, end, ran, in_window):
    item = posting("x", "newspaper", start, end)
    ctx = context(low_wage_case())

    assert ctx.days_ran(item) == ran
    assert ctx.days_in_window(item) == in_window


def test_additional_methods_and_local_applicants():
    ctx = context(activity(low_wage_case(), 1, method="job_bank"))

    assert [i for i, _ in ctx.additional] == [2]
    assert [i for i, _ in ctx.job_bank_postings] == [0, 1]
    assert [i for i, _ in ctx.local_applicants] == [0, 1]  # the third is foreign


@pytest.mark.parametrize(
    ("make", "group"),
    [
        (high_wage_case, "HW"),
        (pr_only_case, "HW"),
        (low_wage_case, "LW"),
        (agricultural_case, "AG"),
        (global_talent_case, "GTS"),
    ],
)
def test_stream_groups(make, group):
    assert context(make()).group == group


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Montreal", "Montréal", True),
        ("Cook.", "cook", True),
        ("  Toronto  ", "TORONTO", True),
        ("«Laval»", "laval", True),
        ("St. John's", "St Johns", False),  # inner characters count
        ("Co-ok", "Cook", False),
        ("Saint-Jérôme", "saint-jerome", True),
        ("ﬁsh", "fish", True),  # NFKD compatibility
    ],
)
def test_names_compare_ignoring_case_accents_and_edge_punctuation(left, right, same):
    assert same_name(left, right) is same


def test_norm_name_keeps_inner_characters():
    assert norm_name(" St. John's! ") == "st.-john's"


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Belleville – Quinte West", "Belleville-Quinte West", True),  # ESDC's spaced en dash
        ("Belleville — Quinte West", "Belleville-Quinte West", True),  # em dash
        ("Belleville\u2010Quinte West", "Belleville-Quinte West", True),  # Unicode hyphen
        ("Kitchener - Cambridge - Waterloo", "Kitchener-Cambridge-Waterloo", True),
        ("Saint Jean sur Richelieu", "Saint-Jean-sur-Richelieu", True),
        ("Line  cook", "Line cook", True),
        ("Line cook", "Linecook", False),
        ("Belleville-Quinte West", "BellevilleQuinte West", False),
        ("St. John's", "St John's", False),
    ],
)
def test_inner_runs_of_spaces_and_dashes_read_as_one_hyphen(left, right, same):
    """Corrected 2026-12-04 (rules.md, Names)."""
    assert same_name(left, right) is same


@pytest.mark.parametrize(
    "name",
    [
        "Belleville – Quinte West",
        " St. John\u2019s ",
        "Montre\u0301al",
        "Kitchener - Cambridge - Waterloo",
        "«Québec»",
        "Ottawa — Gatineau",
        "Saint  John",
    ],
)
def test_rules_and_reference_data_read_names_alike(name):
    from portal.reference.loaders import normalise_name

    assert norm_name(name) == normalise_name(name)


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("English", True),
        ("french", True),
        ("ANGLAIS", True),
        ("français", True),
        ("Francais", True),
        ("en", True),
        ("FR", True),
        ("Punjabi", False),
        ("eng", False),
        ("English and French", False),
    ],
)
def test_languages_recognised_as_english_or_french(name, official):
    assert is_official_language(name) is official


def test_duty_words_are_distinct_words_of_four_letters_or_more():
    assert duty_words("Cook, COOK and bake 2024 cakes; fry") == {"cook", "bake", "cakes"}
    assert duty_words(None) == frozenset()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("36"), "$36.00"),
        (Decimal("1014.01"), "$1,014.01"),
        (Fraction(36000, 2080), "about $17.3076"),
        (Fraction(3380), "$3,380.00"),
    ],
)
def test_money_in_messages(value, text):
    assert money(value) == text


def test_percent_and_listing():
    assert percent(Fraction(1, 10)) == "10%"
    assert percent(Fraction(3, 29)) == "10.3%"
    assert listing(["a"]) == "a"
    assert listing(["a", "b", "c"]) == "a, b and c"
    assert listing([str(n) for n in range(8)], limit=3) == "0, 1, 2 and 5 more"
