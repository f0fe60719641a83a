"""The letter as HTML (on screen), PDF (WeasyPrint) and DOCX (python-docx), from one template.

The PDF is the on-screen fragment inside a printable shell (``offers/letter/document.html``);
the DOCX is the same fragment converted element by element, so both carry the same clauses.
A draft says so on every page: the PDF in a page-margin box, the DOCX in the page header.
Needs an app context (the app's Jinja environment, its autoescaping), never a request.
"""

from __future__ import annotations

from markupsafe import Markup

from portal.documents import render_document
from portal.offers.letter import LetterInputs

DRAFT_MARK = {"en": "DRAFT", "fr": "ÉBAUCHE"}


def _render(template: str, inputs: LetterInputs, draft: bool) -> str:
    # A document, not a page: no page context, no request, and the letter's own locale.
    return render_document(
        template, locale=inputs.locale, letter=inputs, draft=draft, mark=DRAFT_MARK[inputs.language]
    )


def template_name(inputs: LetterInputs) -> str:
    """The letter's template for its language (pages ``{% include %}`` the same one)."""
    return f"offers/letter/{inputs.language}.html"


def letter_html(inputs: LetterInputs, *, draft: bool) -> Markup:
    """The letter as an HTML fragment (escaped by the template), with a DRAFT banner if draft."""
    html = _render(template_name(inputs), inputs, draft)
    # nosemgrep: no-markup-of-non-literal - rendered by the autoescaping document environment
    return Markup(html)  # noqa: S704  # nosec B704 # autoescaped by its template


def document_html(inputs: LetterInputs, *, draft: bool) -> str:
    """The whole printable HTML document the PDF is made from."""
    return _render("offers/letter/document.html", inputs, draft)


def letter_pdf(inputs: LetterInputs, *, draft: bool) -> bytes:
    from portal.documents.pdf import html_to_pdf

    return html_to_pdf(document_html(inputs, draft=draft))


def letter_docx(inputs: LetterInputs, *, draft: bool) -> bytes:
    from portal.documents.docx import html_to_docx

    header = DRAFT_MARK[inputs.language] if draft else None
    # The fragment without its on-screen banner: Word shows the mark in every page's header.
    return html_to_docx(
        str(letter_html(inputs, draft=False)),
        header=header,
        language=f"{inputs.language}-CA",
    )
