"""Issue 13: a page shows a finding's message in the page's language through the templates'
``phrase`` filter. The French catalogue is compiled into a folder of the test's own, so the
portal's own translations folder (English only until French is turned on) is left alone."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale

from portal.extensions import babel
from portal.rules.wording import field
from tests.conftest import build_app
from tests.rules.builders import hourly, low_wage_case, one, position

SOURCE = Path(__file__).resolve().parent.parent / "portal" / "translations"


@pytest.fixture
def french_app(database_url, tmp_path):
    """The app with the real French catalogue compiled; the process forgets it afterwards."""
    app = _french_app(database_url, tmp_path)
    yield app
    with app.app_context():
        babel.domain_instance.cache.clear()


def _french_app(database_url, tmp_path):
    folder = tmp_path / "translations" / "fr_CA" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(SOURCE / "fr_CA" / "LC_MESSAGES" / "messages.po", folder / "messages.po")
    with open(folder / "messages.po", "rb") as source, open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, read_po(source, locale="fr_CA"))
    app = build_app(database_url, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "translations"))
    # Flask-Babel keeps the catalogues it loaded, per locale, for the whole process: forget any
    # French an earlier app loaded (from folders without this one's .mo).
    with app.app_context():
        babel.domain_instance.cache.clear()
    return app


def test_the_phrase_filter_writes_the_finding_in_the_pages_language(french_app):
    app = french_app
    finding = one(position(low_wage_case(), wage=hourly("17.99")), "WAGE-PREVAILING")
    page = "{{ finding.message|phrase }} | {{ finding.fix|phrase }} | {{ label|phrase }}"
    with app.test_request_context("/"):
        english = render_template_string(page, finding=finding, label=field("invited_on"))
        with force_locale("fr_CA"):
            french = render_template_string(page, finding=finding, label=field("invited_on"))
    assert english == (
        "The offered wage is $17.99 an hour, below the prevailing wage of $18.00 (the Job Bank "
        "median for NOC 63200). | Raise the wage to at least $18.00 an hour. | "
        "&#34;Invited to apply on&#34;"
    )
    assert french == (
        "Le salaire offert est de 17,99\u00a0$ l&#39;heure, sous le salaire en vigueur de "
        "18,00\u00a0$ (le salaire médian du Guichet-Emplois pour la CNP 63200). | Augmentez le "
        "salaire à au moins 18,00\u00a0$ l&#39;heure. | « Invité à postuler le »"
    )
    # Text a user typed stays escaped: the filter never marks its output safe.
    with app.test_request_context("/"), force_locale("fr_CA"):
        typed = render_template_string("{{ text|phrase }}", text="<b>x</b>")
    assert typed == "&lt;b&gt;x&lt;/b&gt;"


def test_not_a_phrase_passes_through(french_app):
    app = french_app
    with app.test_request_context("/"), force_locale("fr_CA"):
        shown = render_template_string(
            "{{ a|phrase }} {{ b|phrase }}", a=Decimal("2.50"), b=date(2026, 1, 5)
        )
    assert shown == "2.50 2026-01-05"


def test_a_deadline_title_keeps_its_language_once_names_are_shortened(french_app):
    from portal.deadlines.ics import without_names
    from portal.rules.phrase import phrase

    title = phrase("%(who)s: work permit expires", who=phrase("worker %(number)s", number=7))
    named = phrase("%(who)s: work permit expires", who="Amadou Diallo")
    shortened = without_names(named, ["Amadou Diallo"])
    assert shortened == "Amadou D.: work permit expires"
    app = french_app
    with app.test_request_context("/"), force_locale("fr_CA"):
        shown = render_template_string(
            "{{ a|phrase }} | {{ b|phrase }}", a=shortened, b=without_names(title, [])
        )
    assert shown == (
        "Amadou D. : expiration du permis de travail | "
        "travailleur 7 : expiration du permis de travail"
    )
