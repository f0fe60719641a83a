"""The letter templates: their field lists are what they use, and the French is typeset French."""

import re
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from jinja2 import nodes

from portal.offers.letter import LetterInputs
from portal.offers.render import letter_html
from tests.offers.letter_samples import letter_app, line_cook

TEMPLATES = Path(__file__).resolve().parents[2] / "templates/offers/letter"
FORMATTERS = {"money", "number", "date"}  # LetterInputs methods, not facts
PROPERTIES = {"teer"}
NOT_PRINTED = {"language", "caregiver"}  # the template itself is the language; live_in is printed


@pytest.fixture(scope="module")
def app():
    return letter_app()


def declared_fields(source: str) -> set[str]:
    match = re.match(r"\{#-?(.*?)-?#\}", source, re.S)
    assert match, "the template must begin with a Jinja comment"
    listed = re.search(r"fields:(.*?)\n[A-Z]", match.group(1), re.S)
    assert listed, "the comment must list the fields after 'fields:'"
    return {name.strip() for name in listed.group(1).split(",") if name.strip()}


def used_fields(env, source: str) -> set[str]:
    tree = env.parse(source)
    used = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name == "letter":
            assert isinstance(node, nodes.Getattr), "use letter.FIELD, not letter[...]"
            used.add(node.attr)
    # ``letter`` itself is only ever read through its attributes
    for name in tree.find_all(nodes.Name):
        if name.name == "letter":
            assert name.ctx == "load"
    return used - FORMATTERS


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_field_list_is_exactly_what_the_template_uses(app, language):
    source = (TEMPLATES / f"{language}.html").read_text()
    used = used_fields(app.jinja_env, source)
    assert declared_fields(source) == used
    known = {f.name for f in fields(LetterInputs)} | PROPERTIES
    assert used <= known, used - known
    # Every fact is printed somewhere (or deliberately not: NOT_PRINTED)
    assert known - used == NOT_PRINTED


def test_the_field_list_check_can_fail(app):
    source = (TEMPLATES / "en.html").read_text().replace("worker_name\n", "worker_nme\n", 1)
    assert declared_fields(source) != used_fields(app.jinja_env, source)


def test_both_languages_print_the_same_facts(app):
    en = used_fields(app.jinja_env, (TEMPLATES / "en.html").read_text())
    fr = used_fields(app.jinja_env, (TEMPLATES / "fr.html").read_text())
    assert en == fr


def text_of(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    return (
        text.replace("&#39;", "'").replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">")
    ).replace("&amp;", "&")


def test_french_typography(app):
    with app.app_context():
        html = str(letter_html(line_cook("fr"), draft=False))
    text = text_of(html)
    assert "Offre d’emploi et contrat de travail" in text
    assert "17,50\u00a0$ l’heure" in text
    assert "36\u00a0400,00\u00a0$ par année" in text
    assert "15 janvier 2027" in text and "10 décembre 2026" in text
    assert line_cook("fr").date(date(2027, 2, 1)) == "1er février 2027"
    assert line_cook("en").date(date(2027, 2, 1)) == "February 1, 2027"
    assert "La semaine normale de travail est de 40\u00a0heures" in text
    assert "40\u00a0heures par semaine" in text
    assert "«\u00a0Cuisiniers/cuisinières\u00a0»" in text
    assert "30\u00a0% du salaire mensuel brut" in text
    # No ordinary (breakable) space before high punctuation; a colon follows a no-break space.
    assert not re.search(r" [:;!?»]|« ", text), re.findall(r".{20} [:;!?»]", text)
    assert re.search("Date\u00a0: 10 décembre 2026", text)
    assert "\u202f;" in text  # the narrow no-break space before a semicolon
    assert "'" not in re.sub(r"l'Ontario|normes d'emploi", "", text)  # typographic apostrophes


def test_english_formats(app):
    with app.app_context():
        text = text_of(str(letter_html(line_cook("en"), draft=False)))
    assert "$17.50 an hour" in text and "$36,400.00 a year" in text
    assert "January 15, 2027" in text
    assert "The normal work week is 40 hours (full time)." in text


@pytest.mark.parametrize(
    ("hours", "shown"),
    [(Decimal("37.5"), "37,5\u00a0heures"), (Decimal("40.00"), "40\u00a0heures")],
)
def test_french_hours_use_a_decimal_comma(app, hours, shown):
    with app.app_context():
        text = text_of(str(letter_html(line_cook("fr", hours_per_week=hours), draft=False)))
    assert f"La semaine normale de travail est de {shown}" in text


@pytest.mark.parametrize(("hours", "full_time"), [(Decimal("30"), True), (Decimal("29.5"), False)])
def test_full_time_from_thirty_hours(app, hours, full_time):
    with app.app_context():
        en = text_of(str(letter_html(line_cook("en", hours_per_week=hours), draft=False)))
        fr = text_of(str(letter_html(line_cook("fr", hours_per_week=hours), draft=False)))
    assert ("(full time)" in en) is full_time
    assert ("(temps plein)" in fr) is full_time


@pytest.mark.parametrize("language", ["en", "fr"])
def test_missing_facts_say_so_rather_than_vanish(app, language):
    with app.app_context():
        text = text_of(str(letter_html(LetterInputs(language=language), draft=False)))
    assert ("[not stated]" if language == "en" else "[non précisé]") in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_live_in_caregiver_room_and_meals(app, language):
    with app.app_context():
        live_in = text_of(str(letter_html(line_cook(language, live_in=True), draft=False)))
        not_live_in = text_of(str(letter_html(line_cook(language), draft=False)))
    phrase = "locks from the inside" if language == "en" else "se verrouille de l’intérieur"
    free = "charges nothing for the room or for meals" if language == "en" else "aucun paiement"
    assert phrase in live_in and free in live_in
    assert phrase not in not_live_in


@pytest.mark.parametrize("language", ["en", "fr"])
def test_agricultural_cap_and_exempt_portal_offer(app, language):
    inputs = line_cook(
        language,
        stream="agricultural",
        housing_cap="30_dollars_a_week",
        housing_cap_amount=Decimal("30.00"),
        duration_limit_months=None,
        lmia_number=None,
        employer_portal_offer_number="A0001234",
        rights_information_given_on=date(2026, 12, 1),
    )
    with app.app_context():
        text = text_of(str(letter_html(inputs, draft=False)))
    assert ("$30.00 a week" if language == "en" else "30,00\u00a0$ par semaine") in text
    assert "A0001234" in text
    assert ("Employer Portal" if language == "en" else "Portail des employeurs") in text
    # an LMIA-exempt hire's terms are compared with the Employer Portal offer, not an LMIA
    assert (
        "are the same as those of the offer of employment submitted in the Employer Portal"
        if language == "en"
        else "sont les mêmes que ceux de l’offre d’emploi présentée dans le Portail des employeurs"
    ) in text
    assert ("at most 12" if language == "en" else "plus de 12") not in text


@pytest.mark.parametrize(
    ("language", "chosen", "sentence"),
    [
        (
            "en",
            "en",
            "This agreement is written in English, the official language the worker chose.",
        ),
        (
            "en",
            "fr",
            "This agreement is written in English; the official language the worker "
            "chose is French.",
        ),
        (
            "fr",
            "fr",
            "Le présent contrat est rédigé en français, la langue officielle choisie par "
            "la personne salariée.",
        ),
        (
            "fr",
            "en",
            "Le présent contrat est rédigé en français\u202f; la langue officielle "
            "choisie par la personne salariée est l’anglais.",
        ),
    ],
)
def test_the_letter_never_claims_a_language_the_worker_did_not_choose(
    app, language, chosen, sentence
):
    inputs = line_cook(language, rights_information_language=chosen)
    with app.app_context():
        assert sentence in text_of(str(letter_html(inputs, draft=False)))
