"""Employment standards by province: the table, the lookup by date and the prefill sentences."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.offers import standards as standards_module
from portal.offers.standards import (
    COLUMNS,
    PROVINCE_EN,
    StandardsDataError,
    default_terms,
    employment_standards,
    parse_table,
    table,
)

TODAY = date.today()
KEYS = {"overtime", "vacation", "statutory_holidays"}


def csv_text(*rows: dict) -> str:
    """A CSV with the real header and rows based on Ontario's, overridden per row."""
    base = next(r for r in table() if r.province == "ON")
    template = {
        "province": "ON",
        "effective_from": "2018-01-01",
        "effective_to": "",
        "act_en": base.act_en,
        "act_fr": base.act_fr,
        "act_fr_official": "yes",
        "act_url": base.act_url,
        "overtime_rule": "weekly",
        "overtime_daily_hours": "",
        "overtime_weekly_hours": "44",
        "overtime_rate": "1.5",
        "overtime_basis": "regular",
        "overtime_double_daily_hours": "",
        "vacation_weeks": "2",
        "vacation_pay": "4",
        "vacation_step_years": "5",
        "vacation_step_weeks": "3",
        "vacation_step_pay": "6",
        "holiday_term_en": "public holidays",
        "holiday_term_fr": "jours fériés",
        "holiday_other_act_en": "",
        "holiday_other_act_fr": "",
        "holidays_en": "New Year's Day|Christmas Day",
        "holidays_fr": "le jour de l'An|Noël",
        "unconfirmed": "",
    }
    lines = [",".join(COLUMNS)]
    for override in rows:
        row = {**template, **override}
        lines.append(",".join(f'"{row[c]}"' for c in COLUMNS))
    return "\n".join(lines) + "\n"


def test_every_province_and_territory_has_a_row_in_force_today():
    assert len(PROVINCE_EN) == 13
    for code in PROVINCE_EN:
        row = employment_standards(code, TODAY)
        assert row is not None, code
        assert row.province == code
        assert row.act_url.startswith("https://")


def test_the_lookup_takes_lower_case_and_refuses_unknown_codes():
    assert employment_standards("on", TODAY).province == "ON"
    for bad in ("XX", "", "Ontario", None):
        with pytest.raises(ValueError):
            employment_standards(bad, TODAY)


def test_known_figures():
    on = employment_standards("ON", TODAY)
    assert (on.overtime_rule, on.overtime_weekly_hours, on.overtime_rate) == (
        "weekly",
        Decimal(44),
        Decimal("1.5"),
    )
    assert (on.vacation_weeks, on.vacation_step_years, on.vacation_step_weeks) == (2, 5, 3)
    assert len(on.holidays_en) == 9 and "Boxing Day" in on.holidays_en
    bc = employment_standards("BC", TODAY)
    assert (bc.overtime_daily_hours, bc.overtime_weekly_hours) == (Decimal(8), Decimal(40))
    assert bc.overtime_double_daily_hours == Decimal(12)
    ab = employment_standards("AB", TODAY)
    assert (ab.overtime_rule, ab.overtime_daily_hours, ab.overtime_weekly_hours) == (
        "greater",
        Decimal(8),
        Decimal(44),
    )
    qc = employment_standards("QC", TODAY)
    assert (qc.overtime_weekly_hours, qc.vacation_step_years) == (Decimal(40), 3)
    assert qc.act_fr == "Loi sur les normes du travail" and qc.act_fr_official
    assert (
        employment_standards("ON", TODAY).act("fr")
        == "Loi de 2000 sur les normes d'emploi de l'Ontario"
    )
    sk = employment_standards("SK", TODAY)
    assert (sk.vacation_weeks, sk.vacation_pay, sk.vacation_step_pay) == (3, "3/52", "4/52")
    assert employment_standards("NB", TODAY).overtime_basis == "minimum"


@pytest.mark.parametrize("code", sorted(PROVINCE_EN))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_sentence_names_the_act(code, language):
    row = employment_standards(code, TODAY)
    terms = default_terms(code, TODAY, language)
    assert set(terms) == KEYS
    act = row.act(language)
    for key, sentence in terms.items():
        assert act in sentence, (key, sentence)
        assert sentence.endswith("."), sentence
        assert "  " not in sentence and "the The" not in sentence and "at at" not in sentence
    if language == "fr":
        assert row.act_fr in act
        if not row.act_fr_official:  # an English-only Act: its real title is cited too
            assert f"({row.act_en})" in act


def test_english_and_french_sentences_for_ontario():
    english = default_terms("ON", TODAY, "en")
    french = default_terms("ON", TODAY, "fr_CA")
    assert english["overtime"] == (
        "Overtime is paid at 1.5 times the regular hourly wage for hours worked beyond 44 hours "
        "in a week, in accordance with the Employment Standards Act, 2000 (Ontario)."
    )
    assert french["overtime"] == (
        "Les heures supplémentaires sont rémunérées à 150\u00a0% du salaire horaire habituel "
        "au-delà de 44 heures par semaine, conformément à la Loi de 2000 sur les normes "
        "d'emploi de l'Ontario."
    )
    assert (
        "after 5 years of employment, to at least 3 weeks and 6% of gross wages"
        in (english["vacation"])
    )
    assert (
        "après 5 ans de service, à au moins 3 semaines et à 6\u00a0% du salaire brut"
        in (french["vacation"])
    )
    assert english["statutory_holidays"].startswith(
        "The worker is entitled to the 9 public holidays under the Employment Standards Act, "
        "2000 (Ontario): New Year's Day, Family Day,"
    )
    assert "Noël et le lendemain de Noël" in french["statutory_holidays"]
    assert french != english


def test_quebec_french_uses_its_own_words_and_the_national_holiday_act():
    terms = default_terms("QC", TODAY, "fr")
    assert terms["vacation"].startswith(
        "Après chaque année de service, la personne salariée a droit"
    )
    assert "congé annuel" in terms["vacation"]
    assert "et la Loi sur la fête nationale" in terms["statutory_holidays"]
    assert "la Fête nationale du Québec (24 juin)" in terms["statutory_holidays"]


def test_daily_weekly_double_time_and_minimum_wage_rules_are_worded():
    bc = default_terms("BC", TODAY, "en")["overtime"]
    assert "beyond 8 hours in a day or 40 hours in a week" in bc
    assert "twice the regular hourly wage beyond 12 hours in a day" in bc
    assert "200\u00a0%" in default_terms("BC", TODAY, "fr")["overtime"]
    assert "whichever gives more overtime hours" in default_terms("AB", TODAY, "en")["overtime"]
    nb = default_terms("NB", TODAY, "en")["overtime"]
    assert "no less than 1.5 times the minimum wage" in nb
    assert (
        "à au moins 150\u00a0% du salaire minimum" in default_terms("NB", TODAY, "fr")["overtime"]
    )
    assert "3/52 of wages" in default_terms("SK", TODAY, "en")["vacation"]


def test_unconfirmed_figures_stay_general():
    nu = employment_standards("NU", TODAY)
    assert {"vacation_step", "holidays"} <= nu.unconfirmed
    terms = default_terms("NU", TODAY, "en")
    assert terms["statutory_holidays"] == (
        "The worker is entitled to the general holidays set by the Labour Standards Act "
        "(Nunavut), with holiday pay as that law provides."
    )
    assert not any(ch.isdigit() for ch in terms["statutory_holidays"])
    assert "any longer vacation" in terms["vacation"]
    assert "ancienneté" in default_terms("NU", TODAY, "fr")["vacation"]


def test_a_date_before_a_rows_effective_from_finds_the_earlier_row_or_none():
    for code in PROVINCE_EN:
        row = employment_standards(code, TODAY)
        day_before = row.effective_from - timedelta(days=1)
        earlier = employment_standards(code, day_before)
        assert earlier is None or earlier.effective_to == day_before
        assert employment_standards(code, row.effective_from) == row
        assert default_terms(code, day_before, "en") is None or earlier is not None

    rows = parse_table(
        csv_text(
            {"effective_from": "2010-01-01", "effective_to": "2019-12-31", "vacation_weeks": "1"},
            {"effective_from": "2020-01-01", "vacation_weeks": "2"},
        )
    )
    assert employment_standards("ON", date(2009, 12, 31), rows=rows) is None
    assert employment_standards("ON", date(2010, 1, 1), rows=rows).vacation_weeks == 1
    assert employment_standards("ON", date(2019, 12, 31), rows=rows).vacation_weeks == 1
    assert employment_standards("ON", date(2020, 1, 1), rows=rows).vacation_weeks == 2
    assert (
        "at least 1 week of paid vacation"
        in default_terms("ON", date(2015, 6, 1), "en", rows=rows)["vacation"]
    )
    assert default_terms("ON", date(2009, 6, 1), "en", rows=rows) is None


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"province": "ZZ"}, "province"),
        ({"effective_from": "2020-13-01"}, "effective_from"),
        ({"effective_to": "2000-01-01"}, "effective_to"),
        ({"overtime_rule": "monthly"}, "overtime_rule"),
        ({"overtime_rule": "either"}, "overtime_daily_hours"),
        ({"overtime_weekly_hours": "-4"}, "overtime_weekly_hours"),
        ({"vacation_pay": "3/0"}, "vacation_pay"),
        ({"vacation_step_weeks": ""}, "vacation_step_years"),
        ({"holidays_fr": "Noël"}, "holidays_fr"),
        ({"holidays_en": "", "holidays_fr": ""}, "holidays_en"),
        ({"unconfirmed": "wages"}, "unconfirmed"),
        ({"act_url": "http://example.com"}, "act_url"),
        ({"act_fr_official": "maybe"}, "act_fr_official"),
    ],
)
def test_a_malformed_row_is_refused_naming_the_column(override, message):
    with pytest.raises(StandardsDataError, match=message):
        parse_table(csv_text(override))


def test_overlapping_periods_and_wrong_columns_are_refused():
    with pytest.raises(StandardsDataError, match="overlap"):
        parse_table(csv_text({"effective_from": "2010-01-01"}, {"effective_from": "2020-01-01"}))
    with pytest.raises(StandardsDataError, match="columns"):
        parse_table("province,effective_from\nON,2020-01-01\n")


def test_the_shipped_table_reads_cleanly_and_has_a_source_file():
    assert len(table()) >= 13
    source = standards_module.CSV_PATH.with_name("employment_standards.SOURCE.md")
    text = source.read_text(encoding="utf-8")
    assert "As of" in text and "Not confirmed" in text
    for code in PROVINCE_EN:
        assert f"| {code} |" in text


def test_the_module_imports_no_flask():
    import subprocess
    import sys

    code = "import sys, portal.offers.standards; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bad_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        default_terms("ON", TODAY, "de")
