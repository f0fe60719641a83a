"""render_document: templates rendered outside any request, in the document's own locale."""

from datetime import date

import pytest
from flask_babel import get_locale
from jinja2 import ChoiceLoader, DictLoader

from portal.documents import DOCUMENT_LOCALE, document_locale, render_document

TEMPLATES = {
    "test_doc/when.html": "{{ day|date('long') }}|{{ _('Page') }}|{{ name }}",
}


@pytest.fixture
def doc_app(app):
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])
    app.jinja_env.cache.clear()
    return app


def test_the_default_locale_is_english(doc_app):
    with doc_app.app_context():
        text = render_document("test_doc/when.html", day=date(2026, 12, 4), name="x")
    assert DOCUMENT_LOCALE == "en_CA"
    assert text.startswith("December 4, 2026|Page|")


def test_a_french_document_is_rendered_in_fr_ca_even_inside_an_english_request(doc_app):
    with doc_app.test_request_context("/", headers={"Accept-Language": "en-CA"}):
        text = render_document(
            "test_doc/when.html", locale="fr_CA", day=date(2026, 12, 4), name="x"
        )
        # The reader's own locale is back once the document is done.
        assert str(get_locale()) != "fr_CA"
    assert text.startswith("4 décembre 2026|")


def test_context_values_are_escaped(doc_app):
    with doc_app.app_context():
        text = render_document("test_doc/when.html", day=date(2026, 1, 1), name="<b>&</b>")
    assert text.endswith("&lt;b&gt;&amp;&lt;/b&gt;")


def test_document_locale_is_a_context_manager_and_a_decorator(doc_app):
    @document_locale("fr_CA")
    def locale_inside():
        return str(get_locale())

    with doc_app.app_context():
        with document_locale("fr_CA"):
            assert str(get_locale()) == "fr_CA"
        assert locale_inside() == "fr_CA"
        with document_locale():
            assert str(get_locale()) == "en_CA"


def test_the_package_does_not_load_pdf_or_docx_libraries_or_flask_until_used():
    import subprocess
    import sys

    code = (
        "import sys, portal.documents, portal.documents.pdf;"
        "print(sorted(m for m in ('flask', 'docx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
