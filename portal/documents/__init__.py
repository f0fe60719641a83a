"""Documents rendered from templates: the same output from a page, a background job or a shell.

A document (the filing bundle's index and timeline, a job offer letter) is not a page. Flask's
``render_template`` runs the page context processors (the signed-in user's memberships for the
navigation) and the locale selector reads the request; neither exists in ``flask bundle`` run
from a shell, and neither belongs in a filing. So a document is rendered through the app's Jinja
environment itself (same filters, autoescape and gettext) without the page context, and its
labels are taken in the language the document is written in, whoever asked for it. Needs an app
context, never a request.

The layer has three parts, each usable on its own:

- here: :func:`render_document` (template → HTML string) and :func:`document_locale`;
- :mod:`portal.documents.pdf`: ``html_to_pdf`` (WeasyPrint, nothing fetched from outside the
  packaged static files);
- :mod:`portal.documents.docx`: ``html_to_docx`` (python-docx, a small HTML subset mapped to real
  Word headings, numbered clauses and tables, user text inserted as text only).

The PDF and DOCX modules are not imported here: a caller that only renders HTML does not load
WeasyPrint or python-docx; and Flask is imported only when a template is rendered, so the bundle
(plain Python) can use ``portal.documents.pdf`` without it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

# A document's language unless it says otherwise: a bundle passes the language chosen for its
# index, a letter its worker's locale ("fr_CA").
DOCUMENT_LOCALE = "en_CA"


@contextmanager
def document_locale(locale: str = DOCUMENT_LOCALE) -> Iterator[None]:
    """Translate (lazy labels, ``_()`` in templates) in the document's language, not the
    reader's. Also a decorator: ``@document_locale()``."""
    from flask_babel import force_locale

    with force_locale(locale):
        yield


def render_document(template_name: str, /, *, locale: str = DOCUMENT_LOCALE, **context) -> str:
    """Render ``template_name`` with ``context`` only (no page context processors), its
    ``_()`` strings and Babel formats in ``locale``."""
    from flask import current_app

    with document_locale(locale):
        return current_app.jinja_env.get_template(template_name).render(context)
