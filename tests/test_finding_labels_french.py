"""What a finding is about (``portal.finding_labels``) reads in the reader's language: each label
is a phrase that stays its English text everywhere a string goes (tests, exports, stored keys)
and renders in French through a catalogue, names, dates and amounts put in the French way."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.messages.pofile import read_po
from babel.numbers import format_currency

from portal.cases import Deduction, DocumentCustody, Payment, ThirdParty
from portal.finding_labels import CaseRecords, SubjectLabeller
from portal.rules.phrase import Fragment, in_language
from tests.rules.builders import replace, two_workers, worker_offer

CATALOGUE = (
    Path(__file__).resolve().parent.parent
    / "portal"
    / "translations"
    / "fr_CA"
    / "LC_MESSAGES"
    / "messages.po"
)
# The labels' own words, as the French catalogue receives them (the rest, the forms' labels and
# the fee rules' words, are in the catalogue already).
LABEL_WORDS = {
    "Recruitment (all activities)": "Recrutement (toutes les activités)",
    "Position: %(title)s": "Poste : %(title)s",
    "Payment %(number)s: %(payer)s → %(payee)s, %(amount)s, %(purpose)s": (
        "Paiement %(number)s : %(payer)s → %(payee)s, %(amount)s, %(purpose)s"
    ),
    "recruitment fee": "frais de recrutement",
    "Worker: %(name)s": "Travailleur : %(name)s",
    "job offer": "offre d'emploi",
    "worker's signature date": "date de signature du travailleur",
    "%(name)s's %(document)s, held by %(holder)s": "%(name)s : %(document)s détenu par %(holder)s",
    "deduction %(number)s (%(purpose)s, %(amount)s %(per)s)": (
        "retenue %(number)s (%(purpose)s, %(amount)s %(per)s)"
    ),
}


class French:
    """The French catalogue with the labels' words, and dollars the Canadian French way."""

    def __init__(self):
        with open(CATALOGUE, "rb") as source:
            catalogue = read_po(source, locale="fr_CA")
        self.words = {m.id: m.string for m in catalogue if isinstance(m.id, str) and m.string}
        self.words.update({k: v for k, v in LABEL_WORDS.items() if k not in self.words})

    def gettext(self, msgid):
        return self.words.get(msgid, msgid)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)

    def money(self, amount, exact):
        shown = format_currency(amount, "CAD", locale="fr_CA", decimal_quantization=exact)
        return shown if exact else f"environ {shown}"


def _case():
    """The low-wage cook with two workers; Ana Cruz paid a recruiter, who holds her passport."""
    return replace(
        two_workers(),
        third_parties=(ThirdParty(name="Global Kitchen Staffing", role="recruiter"),),
        payments=(
            Payment(
                date=date(2026, 11, 19),
                payer="worker",
                payee="recruiter",
                amount=Decimal(3000),
                purpose="recruitment_fee",
                worker=1,
                third_party=0,
            ),
        ),
        document_custody=(DocumentCustody(document="passport", held_by="recruiter", worker=1),),
    )


LABELS = [
    ("applicants[0]", "Applicant: Anna Roy", "Candidat : Anna Roy"),
    ("recruitment", "Recruitment (all activities)", "Recrutement (toutes les activités)"),
    ("position.wage", "Position: Cook · Wage offered", "Poste : Cook · Salaire offert"),
    (
        "payments[0]",
        "Payment 1: Ana Cruz → Global Kitchen Staffing, $3,000.00, recruitment fee, 2026-11-19",
        "Paiement 1 : Ana Cruz → Global Kitchen Staffing, 3\u00a0000,00\u00a0$, frais de "
        "recrutement, 2026-11-19",
    ),
    ("workers[1].offer", "Worker: Ana Cruz · job offer", "Travailleur : Ana Cruz · offre d'emploi"),
    (
        "workers[1].offer.signed_by_worker_on",
        "Worker: Ana Cruz · job offer · Worker's signature date",
        "Travailleur : Ana Cruz · offre d'emploi · Date de signature du travailleur",
    ),
    (
        "document_custody[0]",
        "Ana Cruz's passport, held by a recruiter",
        "Ana Cruz : passeport détenu par un recruteur",
    ),
]


def test_a_label_reads_in_french_and_stays_english_as_a_string():
    labeller = SubjectLabeller(_case(), CaseRecords(workers=(7, 8), payments=(41,)))
    french = French()
    for subject, english, expected in LABELS:
        label = labeller(subject)
        assert str(label.text) == english and label.text == english and str(label) == english
        assert isinstance(label.text, Fragment), subject
        assert in_language(label.text, french) == expected, subject


def test_a_deduction_reads_its_amount_and_period_the_french_way():
    case = worker_offer(
        two_workers(), 0, deductions=(Deduction(purpose="housing", amount=Decimal(50), per="week"),)
    )
    label = SubjectLabeller(case)("workers[0].offer.deductions[0]")
    assert label.text == "Worker: Amadou Diallo · job offer · deduction 1 (housing, $50.00 a week)"
    assert in_language(label.text, French()) == (
        "Travailleur : Amadou Diallo · offre d'emploi · retenue 1 (le logement, 50,00\u00a0$ par "
        "semaine)"
    )
