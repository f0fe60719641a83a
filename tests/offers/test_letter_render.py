"""The letter as PDF and DOCX: every required item with the inputs' own values, in both
languages; the two formats agree clause by clause; DRAFT on every page of a draft; user text
stays text (no markup, no Word field)."""

import io
import re
import zipfile
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from portal.offers.render import letter_docx, letter_html, letter_pdf
from tests.offers.letter_samples import (
    HOSTILE,
    demo_case,
    demo_letter,
    hostile,
    letter_app,
    line_cook,
)

LANGUAGES = ["en", "fr"]
MARK = {"en": "DRAFT", "fr": "ÉBAUCHE"}


@pytest.fixture(scope="module")
def app():
    return letter_app()


@pytest.fixture(scope="module")
def pdfs(app):
    """(language, draft) → PDF bytes; rendered once for the module."""
    with app.app_context():
        return {
            (language, draft): letter_pdf(line_cook(language), draft=draft)
            for language in LANGUAGES
            for draft in (True, False)
        }


def docx_module():
    return pytest.importorskip("portal.documents.docx", reason="the documents layer's DOCX")


def squash(text: str) -> str:
    """Text without any whitespace (line breaks, no-break spaces): layouts wrap differently."""
    return re.sub(r"\s+", "", text)


# -- text extraction ----------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


PAGE_FURNITURE = re.compile(r"^(?:DRAFT|ÉBAUCHE|Page \d+ (?:of|sur) \d+|[•◦▪‣\u2022]\s*)$", re.M)


def pdf_body(pdf: bytes) -> str:
    """The PDF's text without what the page margins and list markers add."""
    return PAGE_FURNITURE.sub("", "\n".join(pdf_pages(pdf)))


def docx_body(data: bytes) -> str:
    from docx import Document
    from docx.table import Table

    document = Document(io.BytesIO(data))
    out = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = []
                for cell in row.cells:  # a merged cell repeats: count it once
                    if cell._tc not in seen:
                        seen.append(cell._tc)
                        out.append(cell.text)
        else:
            out.append(block.text)
    return "\n".join(out)


def docx_headings(data: bytes, level: int = 2) -> list[str]:
    from docx import Document

    document = Document(io.BytesIO(data))
    return [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name == f"Heading {level}"
    ]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.headings, self._in_h2, self._skip = [], [], False, 0

    def handle_starttag(self, tag, attrs):
        if self._skip or ("data-docx", "skip") in attrs:
            self._skip += 1
        if tag == "h2":
            self._in_h2 = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._in_h2:
            self.headings[-1] += data


def html_text(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts), parser.headings


def clauses(text: str, headings: list[str]) -> list[tuple[str, str]]:
    """Split ``text`` at each heading in turn (its number, "12.", dropped if printed); the part
    before the first is the parties block."""
    parts, rest, previous = [], squash(text), "(parties)"
    for number, heading in enumerate(headings, start=1):
        match = re.search(rf"(?:{number}\.)?" + re.escape(squash(heading)), rest)
        assert match, f"heading {heading!r} not found after {previous!r}"
        parts.append((previous, rest[: match.start()]))
        rest, previous = rest[match.end() :], heading
    parts.append((previous, rest))
    return parts


# -- required items -----------------------------------------------------------------------------


def required_items(language: str) -> dict[str, str]:
    """Each item of lmia-domain.md §6.1/§6.2 and the issue's "also on every agreement", as the
    letter must print it with line_cook()'s own values."""
    common = {
        "employer legal name": "Marchetti Hospitality Inc.",
        "employer operating name": "Maple Leaf Bistro",
        "employer address": "412 Queen Street West",
        "business number": "871234563",
        "worker": "María Fernanda López",
        "NOC code": "63200",
        "work location city": "Toronto",
        "postal code": "M5V 2A9",
        "LMIA number": "A1234567",
        "tip line": "1-866-602-9448",
        "tip form": "https://www.canada.ca/"
        + (
            "fr/emploi-developpement-social/services/travailleurs-etrangers/signaler-abus.html"
            if language == "fr"
            else "en/employment-social-development/services/foreign-workers/report-abuse.html"
        ),
        "rights (English)": "https://www.canada.ca/en/employment-social-development/services/"
        "foreign-workers/protected-rights.html",
        "rights (French)": "https://www.canada.ca/fr/emploi-developpement-social/services/"
        "travailleurs-etrangers/droits-proteges.html",
        "employer signatory": "Luca Marchetti",
    }
    if language == "en":
        return common | {
            "title": "Line cook",
            "worker country": "Mexico",
            "NOC title": "Cooks",
            "TEER": "TEER 3",
            "duties": "Prepare and cook complete meals and individual dishes.",
            "hourly wage": "$17.50 an hour",
            "annual wage": "$36,400.00 a year",
            "pay frequency": "Every two weeks",
            "hours": "40 hours",
            "schedule": "Tuesday to Saturday, 2 pm to 10 pm",
            "overtime": "one and a half times the hourly wage after 44 hours a week",
            "employment standards act": "Employment Standards Act, 2000 (Ontario)",
            "vacation": "two weeks a year, 4% vacation pay",
            "statutory holidays": "Ontario's nine public holidays, paid",
            "benefits": "Meals during shifts",
            "start date": "January 15, 2027",
            "duration": "lasts 12 months",
            "duration limit": "may last at most 12 months",
            "probation": "three months",
            "termination notice": "as the Employment Standards Act, 2000 requires",
            "deduction: housing": "Housing (rent) $300.00 a month",
            "deduction: meals": "Meals $25.00 a week",
            "round-trip travel": "(round trip)",
            "health insurance": "private health insurance covering emergency medical care",
            "workplace safety": "workplace safety insurance",
            "housing terms": "Furnished studio at 58 Bathurst Street, Toronto",
            "rent": "$300.00 a month",
            "housing cap": "may not exceed 30% of the worker's gross monthly pay ($910.00 a month)",
            "stream": "Low-wage",
            "no fees": "No recruitment fee, LMIA fee or representative's fee has been or will be "
            "charged to the worker or recovered from the worker, directly or indirectly",
            "work permit condition": "depends on the worker obtaining a work permit and being "
            "allowed to enter Canada",
            "rights information given": "on December 10, 2026, in English, their chosen "
            "official language",
            "same as the LMIA": "are the same as those of the LMIA",
            "offer date": "Date: December 10, 2026",
            "employer signed on": "December 11, 2026",
            "worker signed on": "December 14, 2026",
        }
    return common | {
        "title": "Cuisinier ou cuisinière",
        "worker country": "Mexique",
        "NOC title": "Cuisiniers/cuisinières",
        "TEER": "catégorie FEER 3",
        "duties": "Préparer et cuire des repas complets et des plats individuels.",
        "hourly wage": "17,50 $ l’heure",
        "annual wage": "36 400,00 $ par année",
        "pay frequency": "Toutes les deux semaines",
        "hours": "La semaine normale de travail est de 40 heures",
        "schedule": "Du mardi au samedi, de 14 h à 22 h",
        "overtime": "une fois et demie le taux horaire au-delà de 44 heures par semaine",
        "employment standards act": "(Loi de 2000 sur les normes d'emploi de l'Ontario)",
        "vacation": "deux semaines par année, indemnité de 4 %",
        "statutory holidays": "les neuf jours fériés de l'Ontario, payés",
        "benefits": "Repas fournis pendant les quarts",
        "start date": "15 janvier 2027",
        "duration": "dure 12 mois",
        "duration limit": "ne peut durer plus de 12 mois",
        "probation": "trois mois",
        "termination notice": "selon la Loi de 2000 sur les normes d'emploi",
        "deduction: housing": "Logement (loyer) 300,00 $ par mois",
        "deduction: meals": "Repas 25,00 $ par semaine",
        "round-trip travel": "(aller-retour)",
        "health insurance": "une assurance maladie privée couvrant les soins médicaux d’urgence",
        "workplace safety": "l’assurance contre les accidents du travail",
        "housing terms": "Studio meublé au 58, rue Bathurst, Toronto",
        "rent": "300,00 $ par mois",
        "housing cap": "ne peut dépasser 30 % du salaire mensuel brut de la personne salariée "
        "(910,00 $ par mois)",
        "stream": "postes à bas salaire",
        "no fees": "Aucuns frais de recrutement, frais relatifs à l’EIMT ni honoraires de "
        "représentant n’ont été ou ne seront exigés de la personne salariée ni récupérés auprès "
        "d’elle, directement ou indirectement",
        "work permit condition": "conditionnel à l’obtention d’un permis de travail par la "
        "personne salariée et à son entrée au Canada",
        "rights information given": "le 10 décembre 2026, en français, la langue officielle de "
        "son choix",
        "same as the LMIA": "sont les mêmes que ceux de l’EIMT",
        "offer date": "Date : 10 décembre 2026",
        "employer signed on": "11 décembre 2026",
        "worker signed on": "14 décembre 2026",
    }


def missing(text: str, language: str) -> list[str]:
    body = squash(text)
    return [name for name, value in required_items(language).items() if squash(value) not in body]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_has_every_required_item(pdfs, language):
    assert missing(pdf_body(pdfs[language, False]), language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_docx_has_every_required_item(app, language):
    docx_module()
    with app.app_context():
        data = letter_docx(line_cook(language), draft=False)
    assert missing(docx_body(data), language) == []


def test_a_missing_item_is_noticed(app):
    with app.app_context():
        html = str(letter_html(line_cook("en", lmia_number=None, hourly_wage=None), draft=False))
    assert set(missing(html_text(html)[0], "en")) == {"LMIA number", "hourly wage"}


DEMO_VALUES = {
    # the demo line cook's French offer: the $17.00 the checks catch, printed as offered
    "line_cook": (
        "fr",
        [
            "17,00 $ l’heure",
            "35 360,00 $ par année",
            "1er février 2027",
            "catégorie FEER 3",
            "« Cuisiniers/cuisinières »",
            "en français, la langue officielle de son choix",
            "le 27 novembre 2026",
        ],
    ),
    "chef": (
        "en",
        [
            "$38.50 an hour",
            "$80,080.00 a year",
            "TEER 2",
            "(Chefs)",
            "Date: November 26, 2026",
            "March 1, 2027",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(DEMO_VALUES))
def test_the_demo_letters_print_their_cases_own_values(app, name):
    language, formatted = DEMO_VALUES[name]
    case = demo_case(name)
    worker, offer = case.workers[0], case.workers[0].offer
    inputs = demo_letter(name)
    assert inputs.language == language
    with app.app_context():
        pdf_text = squash(pdf_body(letter_pdf(inputs, draft=True)))
        docx_text = squash(docx_body(letter_docx(inputs, draft=True)))
    straight_from_the_case = [
        worker.name,
        offer.title,
        offer.noc,
        offer.duties,
        offer.work_location.street,
        offer.work_location.city,
        offer.work_location.postal_code,
        offer.schedule,
        offer.overtime,
        offer.vacation,
        offer.statutory_holidays,
        offer.benefits,
        offer.probation,
        offer.termination_notice,
        offer.business_number,
        case.employer.legal_name,
        "1-866-602-9448",
    ]
    for value in straight_from_the_case + formatted:
        assert squash(value) in pdf_text, value
        assert squash(value) in docx_text, value


# -- the formats agree --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_and_screen_agree_clause_by_clause(app, pdfs, language):
    with app.app_context():
        text, headings = html_text(str(letter_html(line_cook(language), draft=False)))
    assert len(headings) == 14  # 13 numbered clauses and the signatures
    assert clauses(pdf_body(pdfs[language, False]), headings) == clauses(text, headings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_and_docx_agree_clause_by_clause(app, pdfs, language):
    docx_module()
    with app.app_context():
        data = letter_docx(line_cook(language), draft=False)
        _, screen_headings = html_text(str(letter_html(line_cook(language), draft=False)))
    headings = docx_headings(data)
    assert headings == screen_headings
    from docx import Document

    assert [p.text for p in Document(io.BytesIO(data)).paragraphs if p.style.name == "Heading 1"]
    pdf_parts = clauses(pdf_body(pdfs[language, False]), headings)
    docx_parts = clauses(docx_body(data), headings)
    assert [h for h, _ in pdf_parts] == [h for h, _ in docx_parts]
    for (heading, in_pdf), (_, in_docx) in zip(pdf_parts, docx_parts, strict=True):
        assert in_pdf == in_docx, heading


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_structure_headings_numbering_and_tables(app, language):
    docx_module()
    from docx import Document

    with app.app_context():
        document = Document(io.BytesIO(letter_docx(line_cook(language), draft=False)))
    numbered = [
        p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None
    ]
    assert numbered, "clauses are Word numbered paragraphs"
    assert len(document.tables) >= 2  # pay, deductions
    rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert len(rows) == 3  # a header and one row per deduction


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_clause_headings_are_numbered_word_headings(app, language):
    docx_module()
    from docx import Document

    with app.app_context():
        document = Document(io.BytesIO(letter_docx(line_cook(language), draft=False)))
    headings = [p for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == 14
    numbered = [p.text for p in headings if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert numbered == [p.text for p in headings[:13]]  # the signatures are not a clause


# -- DRAFT --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_draft_on_every_pdf_page_and_on_none_when_not(pdfs, language):
    drafted = pdf_pages(pdfs[language, True])
    final = pdf_pages(pdfs[language, False])
    assert len(drafted) >= 2 and len(final) >= 2
    assert all(MARK[language] in page for page in drafted)
    assert not any(MARK[language] in page for page in final)


@pytest.mark.parametrize("language", LANGUAGES)
def test_draft_in_the_docx_header_only_when_draft(app, language):
    docx_module()
    from docx import Document

    with app.app_context():
        drafted = Document(io.BytesIO(letter_docx(line_cook(language), draft=True)))
        final = Document(io.BytesIO(letter_docx(line_cook(language), draft=False)))

    def headers(document):
        return " ".join(p.text for s in document.sections for p in s.header.paragraphs)

    assert MARK[language] in headers(drafted)
    assert MARK[language] not in headers(final) + docx_body_of(final)


def docx_body_of(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("language", LANGUAGES)
def test_draft_banner_on_screen_only_when_draft(app, language):
    with app.app_context():
        assert MARK[language] in str(letter_html(line_cook(language), draft=True))
        assert MARK[language] not in str(letter_html(line_cook(language), draft=False))


# -- escaping -----------------------------------------------------------------------------------

ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt; { MERGEFIELD x } "
    "{ DDEAUTO c:\\windows\\system32\\cmd.exe } &amp;amp; &#34;quoted&#34;"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_user_text_is_escaped_on_screen(app, language):
    with app.app_context():
        html = str(letter_html(hostile(language), draft=True))
    assert "<script>" not in html and "<b>x" not in html
    # every free-text field (20) and address part (2 × 3) is there, escaped
    assert html.count(ESCAPED) >= 26


@pytest.mark.parametrize("language", LANGUAGES)
def test_user_text_is_literal_in_the_pdf(app, language):
    with app.app_context():
        pdf = letter_pdf(hostile(language), draft=False)
    body = squash(pdf_body(pdf))
    assert body.count(squash(HOSTILE)) >= 26


@pytest.mark.parametrize("language", LANGUAGES)
def test_user_text_is_literal_in_the_docx_and_makes_no_field(app, language):
    docx_module()
    with app.app_context():
        data = letter_docx(hostile(language), draft=True)
    assert squash(docx_body(data)).count(squash(HOSTILE)) >= 26
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "fldSimple" not in xml and "instrText" not in xml, name
                assert "<script" not in xml and "<b>" not in xml, name
