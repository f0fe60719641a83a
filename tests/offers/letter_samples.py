"""Letters for the tests and the README image: a complete line-cook agreement (low-wage,
Toronto; every optional fact filled), the same letter with hostile text in every free-text field,
and the demo cases' own letters (portal/demo/*.json, through ``letter_inputs``).

``python -m tests.offers.letter_samples`` regenerates portal/static/docs/offer-letter-fr-page1.png
(the first page of the demo line cook's French letter, rendered with pypdfium2).
"""

from __future__ import annotations

import dataclasses
import io
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from portal.offers.letter import (
    CAP_30_PERCENT_OF_GROSS,
    LetterAddress,
    LetterDeduction,
    LetterInputs,
)

ROOT = Path(__file__).resolve().parents[2]
PNG = ROOT / "portal/static/docs/offer-letter-fr-page1.png"
DEMOS = {
    "line_cook": ROOT / "portal/demo/line_cook_findings.json",
    "chef": ROOT / "portal/demo/chef_compliant.json",
}

HOSTILE = (
    "<script>alert(1)</script> <b>x</b> { MERGEFIELD x } "
    '{ DDEAUTO c:\\windows\\system32\\cmd.exe } &amp; "quoted"'
)

TORONTO = LetterAddress(
    street="412 Queen Street West", city="Toronto", province="ON", postal_code="M5V 2A9"
)


def line_cook(language: str = "fr", **changes) -> LetterInputs:
    """The demo line cook's agreement (low-wage, Toronto, $17.50 an hour, 40 hours)."""
    inputs = LetterInputs(
        language=language,
        offer_date=date(2026, 12, 10),
        employer_legal_name="Marchetti Hospitality Inc.",
        employer_operating_name="Maple Leaf Bistro",
        employer_address=TORONTO,
        business_number="871234563",
        worker_name="María Fernanda López",
        worker_country="Mexique" if language == "fr" else "Mexico",
        title="Cuisinier ou cuisinière" if language == "fr" else "Line cook",
        noc="63200",
        noc_title="Cuisiniers/cuisinières" if language == "fr" else "Cooks",
        duties=(
            "Préparer et cuire des repas complets et des plats individuels.\n"
            "Nettoyer la cuisine et les aires de travail."
            if language == "fr"
            else "Prepare and cook complete meals and individual dishes.\n"
            "Clean the kitchen and work areas."
        ),
        work_location=TORONTO,
        province="ON",
        employment_standards_act=(
            "Loi de 2000 sur les normes d'emploi de l'Ontario"
            if language == "fr"
            else "Employment Standards Act, 2000 (Ontario)"
        ),
        stream="low_wage",
        lmia_number="A1234567",
        wage_amount=Decimal("17.50"),
        wage_per="hour",
        pay_frequency="biweekly",
        hourly_wage=Decimal("17.50"),
        annual_wage=Decimal("36400.00"),
        hours_per_week=Decimal("40"),
        schedule=(
            "Du mardi au samedi, de 14 h à 22 h"
            if language == "fr"
            else "Tuesday to Saturday, 2 pm to 10 pm"
        ),
        overtime=(
            "une fois et demie le taux horaire au-delà de 44 heures par semaine"
            if language == "fr"
            else "one and a half times the hourly wage after 44 hours a week"
        ),
        vacation=(
            "deux semaines par année, indemnité de 4 %"
            if language == "fr"
            else "two weeks a year, 4% vacation pay"
        ),
        statutory_holidays=(
            "les neuf jours fériés de l'Ontario, payés"
            if language == "fr"
            else "Ontario's nine public holidays, paid"
        ),
        benefits="Repas fournis pendant les quarts" if language == "fr" else "Meals during shifts",
        start_date=date(2027, 1, 15),
        duration_months=12,
        duration_limit_months=12,
        probation="trois mois" if language == "fr" else "three months",
        termination_notice=(
            "selon la Loi de 2000 sur les normes d'emploi"
            if language == "fr"
            else "as the Employment Standards Act, 2000 requires"
        ),
        deductions=(
            LetterDeduction(purpose="housing", amount=Decimal("300.00"), per="month"),
            LetterDeduction(purpose="meals", amount=Decimal("25.00"), per="week"),
        ),
        employer_paid=(
            "round_trip_travel",
            "health_insurance",
            "workplace_safety_insurance",
        ),
        housing_terms=(
            "Studio meublé au 58, rue Bathurst, Toronto"
            if language == "fr"
            else "Furnished studio at 58 Bathurst Street, Toronto"
        ),
        housing_rent_monthly=Decimal("300.00"),
        housing_cap=CAP_30_PERCENT_OF_GROSS,
        housing_cap_amount=Decimal("910.00"),
        rights_information_given_on=date(2026, 12, 10),
        rights_information_language=language,
        signed_by_employer_name="Luca Marchetti",
        signed_by_employer_on=date(2026, 12, 11),
        signed_by_worker_name="María Fernanda López",
        signed_by_worker_on=date(2026, 12, 14),
    )
    return dataclasses.replace(inputs, **changes)


FREE_TEXT_FIELDS = (
    "employer_legal_name",
    "employer_operating_name",
    "business_number",
    "worker_name",
    "worker_country",
    "title",
    "noc_title",
    "duties",
    "employment_standards_act",
    "lmia_number",
    "schedule",
    "overtime",
    "vacation",
    "statutory_holidays",
    "benefits",
    "probation",
    "termination_notice",
    "housing_terms",
    "signed_by_employer_name",
    "signed_by_worker_name",
)


def hostile(language: str = "en") -> LetterInputs:
    """The line cook's letter with ``HOSTILE`` in every free-text field and address part."""
    address = LetterAddress(street=HOSTILE, city=HOSTILE, province="ON", postal_code=HOSTILE)
    return line_cook(
        language,
        employer_address=address,
        work_location=address,
        **{
            **dict.fromkeys(FREE_TEXT_FIELDS, HOSTILE),
            # printed only when it differs from the legal name
            "employer_operating_name": "Trading as " + HOSTILE,
        },
    )


def first_page_png(pdf: bytes, scale: float = 1.5) -> bytes:
    """The first page of ``pdf`` as a PNG (pypdfium2)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def demo_case(name: str):
    from portal.cases import parse_case

    return parse_case(DEMOS[name].read_text())


def demo_letter(name: str, language: str | None = None) -> LetterInputs:
    """The demo case's first worker's letter, the NOC title from the packaged NOC table."""
    from portal.offers.letter import letter_inputs
    from portal.reference.labour_market import LabourMarketData

    case = demo_case(name)
    worker = case.workers[0]
    chosen = language or worker.language or "en"
    unit = LabourMarketData.packaged().noc(worker.offer.noc or case.position.noc)
    title = None if unit is None else (unit.title_fr if chosen == "fr" else unit.title_en)
    return letter_inputs(case, 0, noc_title=title, language=language)


def letter_app():
    """An app for rendering only: letters need its Jinja environment, not its database."""
    from portal import create_app
    from tests.conftest import TEST_CONFIG

    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def readme_pdf() -> bytes:
    """The demo line cook's French letter as seeded: a draft, since the checks catch its
    wage ($17.00 against the ad's $17.50)."""
    from portal.offers.render import letter_pdf

    with letter_app().app_context():
        return letter_pdf(demo_letter("line_cook"), draft=True)


def regenerate_png(path: Path = PNG) -> Path:
    """Write the README image: page 1 of :func:`readme_pdf`."""
    pdf = readme_pdf()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(first_page_png(pdf))
    return path


if __name__ == "__main__":
    sys.stdout.write(f"{regenerate_png()}\n")
