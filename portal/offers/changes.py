"""What changed between two versions of a letter, in words: one line per changed fact.

``describe_changes(old, new)`` takes two ``LetterInputs.to_json()`` dicts (as stored with each
generated version) and says, e.g. "wage: $17.50 → $18.00 an hour", "work location: Toronto →
Mississauga", "deduction added: housing $300.00 a month". Figures derived from others (the hourly
and annual wage, the housing cap, the province) are not repeated: the fact they come from is
named. The dicts are read leniently (``.get``), so a version stored by an older portal still
compares. Plain Python.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from portal.crypto import mask
from portal.offers.letter import LetterInputs

ARROW = " → "
LONG_TEXT = 80  # longer (or multi-line) text is reported as changed, not quoted

_L = {
    "en": {
        "none": "none",
        "yes": "yes",
        "no": "no",
        "changed": "changed",
        "deduction added": "deduction added",
        "deduction removed": "deduction removed",
        "deduction changed": "deduction changed",
        "paid added": "employer now pays",
        "paid removed": "employer no longer pays",
        "months": "{} months",
        "hours": "{} hours",
        "colon": ": ",
    },
    "fr": {
        "none": "aucun",
        "yes": "oui",
        "no": "non",
        "changed": "modifié",
        "deduction added": "retenue ajoutée",
        "deduction removed": "retenue supprimée",
        "deduction changed": "retenue modifiée",
        "paid added": "désormais à la charge de l’employeur",
        "paid removed": "n’est plus à la charge de l’employeur",
        "months": "{}\u00a0mois",
        "hours": "{}\u00a0heures",
        "colon": "\u00a0: ",
    },
}

_PERIODS = {
    "en": {"hour": "an hour", "week": "a week", "month": "a month", "year": "a year"},
    "fr": {"hour": "l’heure", "week": "par semaine", "month": "par mois", "year": "par année"},
}
_FREQUENCIES = {
    "en": {
        "weekly": "every week",
        "biweekly": "every two weeks",
        "semi_monthly": "twice a month",
        "monthly": "once a month",
    },
    "fr": {
        "weekly": "chaque semaine",
        "biweekly": "toutes les deux semaines",
        "semi_monthly": "deux fois par mois",
        "monthly": "une fois par mois",
    },
}
_STREAMS = {
    "en": {
        "high_wage": "high-wage",
        "low_wage": "low-wage",
        "global_talent": "Global Talent",
        "agricultural": "agricultural",
        "pr_only": "permanent residence only",
    },
    "fr": {
        "high_wage": "postes à haut salaire",
        "low_wage": "postes à bas salaire",
        "global_talent": "Volet des talents mondiaux",
        "agricultural": "volet agricole",
        "pr_only": "résidence permanente seulement",
    },
}
_PURPOSES = {
    "en": {
        "housing": "housing",
        "meals": "meals",
        "utilities": "utilities",
        "travel": "travel",
        "health_insurance": "health insurance",
        "statutory": "deductions required by law",
        "loan_repayment": "loan repayment",
        "recruitment_fee": "recruitment fee",
        "placement_fee": "placement fee",
        "lmia_fee": "LMIA fee",
        "representative_fee": "representative's fee",
        "processing_fee": "processing fee",
        "training": "training",
        "other": "other",
    },
    "fr": {
        "housing": "logement",
        "meals": "repas",
        "utilities": "services (électricité, chauffage, eau)",
        "travel": "transport",
        "health_insurance": "assurance maladie",
        "statutory": "retenues prévues par la loi",
        "loan_repayment": "remboursement de prêt",
        "recruitment_fee": "frais de recrutement",
        "placement_fee": "frais de placement",
        "lmia_fee": "frais relatifs à l’EIMT",
        "representative_fee": "honoraires de représentant",
        "processing_fee": "frais de traitement",
        "training": "formation",
        "other": "autre",
    },
}
_PAID = {
    "en": {
        "round_trip_travel": "round-trip travel",
        "health_insurance": "private health insurance until provincial coverage",
        "workplace_safety_insurance": "workplace safety insurance",
        "housing": "housing",
    },
    "fr": {
        "round_trip_travel": "le transport aller-retour",
        "health_insurance": "l’assurance maladie privée jusqu’à la couverture provinciale",
        "workplace_safety_insurance": "l’assurance contre les accidents du travail",
        "housing": "le logement",
    },
}
_LANGUAGE_NAMES = {
    "en": {"en": "English", "fr": "French"},
    "fr": {"en": "anglais", "fr": "français"},
}

# (field, English label, French label, kind) in the order the letter prints them.
_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("language", "language of the agreement", "langue du contrat", "language"),
    ("offer_date", "offer date", "date de l’offre", "date"),
    ("employer_legal_name", "employer's legal name", "dénomination sociale", "text"),
    ("employer_operating_name", "operating name", "nom commercial", "text"),
    ("employer_address", "employer's address", "adresse de l’employeur", "address"),
    ("business_number", "business number", "numéro d’entreprise", "text"),
    ("worker_name", "worker", "personne salariée", "text"),
    ("worker_country", "worker's country", "pays", "text"),
    ("title", "job title", "titre du poste", "text"),
    ("noc", "NOC code", "code CNP", "text"),
    ("noc_title", "NOC title", "titre CNP", "text"),
    ("duties", "duties", "fonctions", "text"),
    ("work_location", "work location", "lieu de travail", "address"),
    ("employment_standards_act", "employment standards act", "loi sur les normes", "text"),
    ("stream", "stream", "volet", "stream"),
    ("caregiver", "caregiver", "aide familiale", "bool"),
    ("live_in", "live-in caregiver", "aide familiale résidante", "bool"),
    ("lmia_number", "LMIA number", "numéro d’EIMT", "identity"),
    (
        "employer_portal_offer_number",
        "Employer Portal offer number",
        "numéro d’offre (Portail des employeurs)",
        "identity",
    ),
    ("wage", "wage", "salaire", "wage"),
    ("pay_frequency", "pay frequency", "fréquence de la paie", "frequency"),
    ("hours_per_week", "hours per week", "heures par semaine", "hours"),
    ("schedule", "schedule", "horaire", "text"),
    ("overtime", "overtime", "heures supplémentaires", "text"),
    ("vacation", "vacation", "vacances", "text"),
    ("statutory_holidays", "statutory holidays", "jours fériés", "text"),
    ("benefits", "benefits", "avantages sociaux", "text"),
    ("start_date", "start date", "date d’entrée en fonction", "date"),
    ("duration_months", "duration", "durée", "months"),
    ("duration_limit_months", "duration limit", "durée maximale", "months"),
    ("probation", "probation", "période d’essai", "text"),
    ("termination_notice", "termination notice", "préavis de fin d’emploi", "text"),
    ("deductions", "deductions", "retenues", "deductions"),
    ("employer_paid", "employer-paid costs", "frais à la charge de l’employeur", "paid"),
    ("housing_terms", "housing", "logement", "text"),
    ("housing_rent_monthly", "rent", "loyer", "rent"),
    (
        "rights_information_given_on",
        "rights information given on",
        "information sur les droits remise le",
        "date",
    ),
    (
        "rights_information_language",
        "rights information language",
        "langue de l’information sur les droits",
        "language",
    ),
    ("signed_by_employer_name", "employer signatory", "signataire de l’employeur", "text"),
    ("signed_by_employer_on", "employer signed on", "signé par l’employeur le", "date"),
    ("signed_by_worker_name", "worker's signature name", "nom signé par la personne", "text"),
    ("signed_by_worker_on", "worker signed on", "signé par la personne salariée le", "date"),
)

# Facts computed from others (the wage and hours, the stream, the work location) or folded into
# the "wage" line: reported through the fact they come from.
DERIVED = frozenset(
    {
        "wage_amount",
        "wage_per",
        "hourly_wage",
        "annual_wage",
        "housing_cap",
        "housing_cap_amount",
        "province",
    }
)
DESCRIBED = frozenset(name for name, *_ in _FIELDS) - {"wage"} | {"wage_amount", "wage_per"}


def describe_changes(old: dict[str, Any], new: dict[str, Any], language: str = "en") -> list[str]:
    """One line per fact that differs between two ``LetterInputs.to_json()`` dicts, in
    ``language`` ("en" or "fr"), in the order the letter prints them; ``[]`` when equal."""
    if language not in _L:
        raise ValueError(f"language: {language!r} is not 'en' or 'fr'")
    fmt = LetterInputs(language=language)
    words = _L[language]
    lines: list[str] = []
    for name, label_en, label_fr, kind in _FIELDS:
        label = label_en if language == "en" else label_fr
        describe = _DESCRIBERS[kind]
        lines.extend(describe(name, label, old, new, fmt, words))
    return lines


# -- one describer per kind of fact ---------------------------------------------------------------

Describer = Callable[[str, str, dict, dict, LetterInputs, dict], list[str]]


def _line(label: str, words: dict, before: str, after: str) -> str:
    return f"{label}{words['colon']}{before}{ARROW}{after}"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _simple(show: Callable[[Any, LetterInputs], str]) -> Describer:
    def describe(name, label, old, new, fmt, words):
        before, after = old.get(name), new.get(name)
        if before == after:
            return []
        return [
            _line(
                label,
                words,
                words["none"] if before is None else show(before, fmt),
                words["none"] if after is None else show(after, fmt),
            )
        ]

    return describe


def _text(name, label, old, new, fmt, words):
    before, after = old.get(name), new.get(name)
    if before == after:
        return []
    if any(v is not None and (len(v) > LONG_TEXT or "\n" in v) for v in (before, after)):
        return [f"{label}{words['colon']}{words['changed']}"]
    return _simple(lambda value, _fmt: value)(name, label, old, new, fmt, words)


def _address_text(value: dict) -> str:
    parts = [value.get("street"), value.get("city"), value.get("province")]
    text = ", ".join(part for part in parts if part)
    return f"{text} {value['postal_code']}" if value.get("postal_code") else text


def _address(name, label, old, new, fmt, words):
    before, after = old.get(name), new.get(name)
    if before == after:
        return []
    if before and after and before.get("city") != after.get("city"):
        # Another city is the news ("Toronto → Mississauga"); the street goes with it.
        return [_line(label, words, before.get("city") or "", after.get("city") or "")]
    return [
        _line(
            label,
            words,
            _address_text(before) if before else words["none"],
            _address_text(after) if after else words["none"],
        )
    ]


def _wage(name, label, old, new, fmt, words):
    periods = _PERIODS[fmt.language]
    before = (_decimal(old.get("wage_amount")), old.get("wage_per"))
    after = (_decimal(new.get("wage_amount")), new.get("wage_per"))
    if before == after:
        return []

    def money(amount):
        return words["none"] if amount is None else fmt.money(amount)

    if before[1] == after[1] and before[1] is not None:
        # "$17.50 → $18.00 an hour"
        return [_line(label, words, money(before[0]), money(after[0])) + f" {periods[after[1]]}"]

    def full(amount, per):
        if amount is None:
            return words["none"]
        return f"{fmt.money(amount)} {periods.get(per, per or '')}".strip()

    return [_line(label, words, full(*before), full(*after))]


def _deduction_text(item: dict, fmt: LetterInputs) -> str:
    purpose = _PURPOSES[fmt.language].get(item["purpose"], item["purpose"])
    per = _PERIODS[fmt.language].get(item["per"], item["per"])
    return f"{purpose} {fmt.money(_decimal(item['amount']))} {per}"


def _deductions(name, label, old, new, fmt, words):
    before = [dict(item) for item in old.get(name) or ()]
    after = [dict(item) for item in new.get(name) or ()]

    def same(a, b):
        return (
            a["purpose"] == b["purpose"]
            and a["per"] == b["per"]
            and _decimal(a["amount"]) == _decimal(b["amount"])
        )

    for item in list(before):  # unchanged deductions cancel out
        match = next((other for other in after if same(item, other)), None)
        if match is not None:
            before.remove(item)
            after.remove(match)
    lines = []
    for item in list(before):  # same purpose on both sides: changed, not removed and added
        match = next((other for other in after if other["purpose"] == item["purpose"]), None)
        if match is None:
            continue
        before.remove(item)
        after.remove(match)
        purpose = _PURPOSES[fmt.language].get(item["purpose"], item["purpose"])
        periods = _PERIODS[fmt.language]
        old_amount, new_amount = (
            fmt.money(_decimal(item["amount"])),
            fmt.money(_decimal(match["amount"])),
        )
        if item["per"] == match["per"]:
            change = f"{old_amount}{ARROW}{new_amount} {periods.get(match['per'], match['per'])}"
        else:
            change = (
                f"{old_amount} {periods.get(item['per'], item['per'])}{ARROW}"
                f"{new_amount} {periods.get(match['per'], match['per'])}"
            )
        lines.append(f"{words['deduction changed']}{words['colon']}{purpose} {change}")
    lines.extend(
        f"{words['deduction removed']}{words['colon']}{_deduction_text(item, fmt)}"
        for item in before
    )
    lines.extend(
        f"{words['deduction added']}{words['colon']}{_deduction_text(item, fmt)}" for item in after
    )
    return lines


def _paid(name, label, old, new, fmt, words):
    before, after = list(old.get(name) or ()), list(new.get(name) or ())
    labels = _PAID[fmt.language]
    lines = [
        f"{words['paid added']}{words['colon']}{labels.get(item, item)}"
        for item in after
        if item not in before
    ]
    lines += [
        f"{words['paid removed']}{words['colon']}{labels.get(item, item)}"
        for item in before
        if item not in after
    ]
    return lines


def _rent(name, label, old, new, fmt, words):
    before, after = _decimal(old.get(name)), _decimal(new.get(name))
    if before == after:
        return []
    per = _PERIODS[fmt.language]["month"]

    def show(value):
        return words["none"] if value is None else fmt.money(value)

    return [_line(label, words, show(before), show(after)) + f" {per}"]


def _hours(name, label, old, new, fmt, words):
    before, after = _decimal(old.get(name)), _decimal(new.get(name))
    if before == after:
        return []
    return [
        _line(
            label,
            words,
            words["none"] if before is None else fmt.number(before),
            words["none"] if after is None else fmt.number(after),
        )
    ]


_DESCRIBERS: dict[str, Describer] = {
    "text": _text,
    # Identity numbers: what changed is shown to anyone who reads the offer, masked (•••567).
    "identity": _simple(lambda value, _fmt: mask(value)),
    "address": _address,
    "wage": _wage,
    "deductions": _deductions,
    "paid": _paid,
    "rent": _rent,
    "hours": _hours,
    "date": _simple(lambda value, fmt: fmt.date(_date(value))),
    "months": _simple(lambda value, fmt: _L[fmt.language]["months"].format(value)),
    "bool": _simple(lambda value, fmt: _L[fmt.language]["yes" if value else "no"]),
    "language": _simple(lambda value, fmt: _LANGUAGE_NAMES[fmt.language].get(value, value)),
    "stream": _simple(lambda value, fmt: _STREAMS[fmt.language].get(value, value)),
    "frequency": _simple(lambda value, fmt: _FREQUENCIES[fmt.language].get(value, value)),
}
