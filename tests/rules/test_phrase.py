"""Issue 13: a finding's message and fix in the reader's language. The rules speak English
(``Phrase`` is a ``str``); the page looks the message id up in the French catalogue and puts
the same values in."""

import copy
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency
from babel.support import Translations

from portal.rules.phrase import Label, Money, Phrase, in_language, phrase
from portal.rules.text import money
from portal.rules.wording import field
from tests.rules.builders import at, employer, findings_of, hourly, low_wage_case, one, position
from tests.rules.builders import offer as change_offer

CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "portal"
    / "translations"
    / "fr_CA"
    / "LC_MESSAGES"
    / "messages.po"
)


class French:
    """The French catalogue as the portal would load it once compiled (``.mo``), and dollars
    the Canadian French way (what ``portal.web`` gives a French page)."""

    def __init__(self):
        with open(CATALOGUE, "rb") as source:
            catalogue = read_po(source)
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        translations = Translations(compiled)
        self.gettext, self.ngettext = translations.ugettext, translations.ungettext

    def money(self, amount, exact):
        shown = format_currency(amount, "CAD", locale="fr_CA", decimal_quantization=exact)
        return shown if exact else f"environ {shown}"


def french():
    return French()


def test_a_phrase_is_its_english_text_everywhere_a_string_goes():
    text = phrase("The position is %(hours)s hours a week.", hours=Decimal("20"))
    assert text == "The position is 20 hours a week." and isinstance(text, str)
    assert json.dumps({"message": text}) == '{"message": "The position is 20 hours a week."}'
    for kept in (copy.copy(text), copy.deepcopy(text)):
        assert isinstance(kept, Phrase) and kept.msgid == text.msgid and kept == text
    assert in_language("plain text", french()) == "plain text"


def test_a_value_that_is_a_phrase_is_translated_with_it():
    class Fake:
        words = {"Offer at least %(needed)s hours a week.": "<< %(needed)s >>", "thirty": "30"}

        def gettext(self, msgid):
            return self.words.get(msgid, msgid)

    text = phrase("Offer at least %(needed)s hours a week.", needed=phrase("thirty"))
    assert text == "Offer at least thirty hours a week."
    assert in_language(text, Fake()) == "<< 30 >>"


def test_dollars_and_form_labels_are_written_the_readers_way():
    assert money(Decimal("1234.5")) == "$1,234.50" and isinstance(money(Decimal("1")), Money)
    assert money(Decimal("18.50125")) == "about $18.5012"
    assert in_language(money(Decimal("1234.5")), french()) == "1\u00a0234,50\u00a0$"
    assert in_language(money(Decimal("18.50125")), french()) == "environ 18,5012\u00a0$"

    quoted = field("prevailing_wage_amount")  # "Prevailing wage you rely on (optional)"
    assert quoted == '"Prevailing wage you rely on"'
    assert isinstance(quoted.values["label"], Label)
    assert in_language(quoted, french()) == "« Salaire en vigueur sur lequel vous vous appuyez »"


def test_the_position_rules_read_in_french_with_their_values():
    gettext = french()
    hours = one(position(low_wage_case(), hours_per_week=Decimal("20")), "POS-FULLTIME")
    assert hours.message == "The position is 20 hours a week; at least 30 are needed."
    assert in_language(hours.message, gettext) == (
        "Le poste compte 20 heures par semaine; il en faut au moins 30."
    )
    assert in_language(hours.fix, gettext) == "Offrez au moins 30 heures par semaine."

    noc = one(position(low_wage_case(), noc="6320"), "POS-NOC")
    assert in_language(noc.message, gettext).startswith("« 6320 » n'est pas l'un des 516")
    assert in_language(noc.fix, gettext).startswith("Choisissez le groupe de base")

    number = one(employer(low_wage_case(), business_number="12345"), "POS-BN")
    assert in_language(number.message, gettext) == (
        "Le numéro d'entreprise « 12345 » n'a pas 9 chiffres."
    )


def test_the_wage_rules_read_in_french_with_dollars_the_french_way():
    case = position(
        low_wage_case(),
        wage=hourly("19.99"),
        prevailing_wage=hourly("20"),
        prevailing_wage_source="convention collective",
    )
    finding = one(case, "WAGE-PREVAILING")
    assert in_language(finding.message, french()) == (
        "Le salaire offert est de 19,99\u00a0$ l'heure, sous le salaire en vigueur de "
        "20,00\u00a0$ (le montant indiqué dans le dossier (convention collective), plus élevé "
        "que le salaire médian du Guichet-Emplois pour la CNP 63200 (18,00\u00a0$))."
    )
    assert in_language(finding.fix, french()) == (
        "Augmentez le salaire à au moins 20,00\u00a0$ l'heure."
    )


def test_the_offer_rules_read_in_french_with_their_lists():
    case = change_offer(low_wage_case(), signed_by_worker_on=None, signed_by_employer_on=None)
    signed = one(case, "OFFER-SIGNED", as_of=date(2026, 7, 1))
    assert "the employer and the worker have not signed" in signed.message
    assert in_language(signed.message, french()).startswith(
        "Le contrat de travail n'est pas conforme : le travail a commencé le 2026-"
    )
    assert "l'employeur et le travailleur n'ont pas signé" in in_language(signed.message, french())

    missing = one(change_offer(low_wage_case(), duties=None, vacation=None), "OFFER-CORE")
    assert missing.message == "The offer is missing: duties and vacation."
    assert in_language(missing.message, french()) == (
        "L'offre ne précise pas : fonctions et vacances."
    )


def test_a_fee_charged_to_the_worker_reads_in_french():
    from tests.rules.test_fees import pay, paying

    case = paying(low_wage_case(), pay("worker", "recruiter", "3000", "recruitment_fee"))
    finding = one(case, "FEE-NO-RECOVERY")
    assert finding.message == (
        "$3,000.00 for a recruitment fee was paid by the worker on 2026-01-15 to a recruiter; "
        "this cost may not be charged to the worker."
    )
    assert in_language(finding.message, french()) == (
        "3\u00a0000,00\u00a0$ pour des frais de recrutement a été payé par le travailleur le "
        "2026-01-15 à un recruteur; ce coût ne peut pas être exigé du travailleur."
    )


def test_a_short_posting_reads_in_french_with_its_days_counted_the_french_way():
    case = low_wage_case()
    start = min(a.start for a in case.recruitment if a.kind == "posting")
    for days, french_days in ((1, "1 jour"), (10, "10 jours")):
        short = at(case, start + timedelta(days=days))
        finding = findings_of(short, "REC-DURATION-4W", as_of=start + timedelta(days=days))[0]
        shown = in_language(finding.message, french())
        assert shown.startswith("L'annonce") and f"pendant {french_days} avant le" in shown
        assert "%(" not in shown and "ad ran" not in shown
