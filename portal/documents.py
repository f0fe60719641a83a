"""Documents rendered from templates: the same output from a page, a background job or a shell.

A document (the filing bundle's index and timeline) is not a page. Flask's ``render_template``
runs the page context processors (the signed-in user's memberships for the navigation) and the
locale selector reads the request; neither exists in ``flask bundle`` run from a shell, and
neither belongs in a filing. So a document is rendered through the app's Jinja environment
itself (same filters, autoescape and gettext) without the page context, and its labels are
taken in the language documents are written in, whoever asked for them. Needs an app context,
never a request.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale

# The bundle is written in English, as the filing to ESDC is (the bundle index has no French).
DOCUMENT_LOCALE = "en_CA"


@contextmanager
def document_locale() -> Iterator[None]:
    """Translate (lazy labels, ``_()`` in templates) in the documents' language, not the
    reader's. Also a decorator: ``@document_locale()``."""
    with force_locale(DOCUMENT_LOCALE):
        yield


def render_document(template_name: str, /, **context) -> str:
    """Render ``template_name`` with ``context`` only: no page context processors."""
    with document_locale():
        return current_app.jinja_env.get_template(template_name).render(context)
