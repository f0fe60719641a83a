"""Issue 7, U7: a language is offered only where the portal is translated, and pages carry the
lang of the language their text is really in.

Before: Français was offered with no French catalogue, and choosing it marked English pages
lang="fr".
"""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from portal.extensions import babel, db
from tests.accounts._support import field_error, page_text, post_form, text_of
from tests.conftest import build_app
from tests.factories import Factories

ROOT = Path(__file__).resolve().parents[2]
_LANG = re.compile(r'<html lang="([^"]+)">')


def _lang(response) -> str:
    return _LANG.search(text_of(response)).group(1)


def _choices(response) -> list[str]:
    select = text_of(response).split('<select id="locale"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option[^>]*value="([^"]+)"', select)


@pytest.fixture
def english_only(database_url, tmp_path):
    """The app as it runs where the French catalogue is not compiled (no ``make``): English only."""
    (tmp_path / "translations").mkdir()
    app = build_app(database_url, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "translations"))
    with _fresh_catalogues():
        yield Factories(app)
    with app.app_context():
        db.engine.dispose()


def test_the_portal_as_built_offers_english_and_french(make, client):
    """``make`` compiles the French catalogue (``make test`` too), so French is offered."""
    page = make.signed_in_client(make.user()).get("/account/")

    assert _choices(page) == ["en_CA", "fr_CA"]
    assert "Coming later" not in page_text(page)
    french = client.get("/account/login", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert _lang(french) == "fr"
    assert "Se connecter" in page_text(french)


def test_only_english_is_offered_while_french_is_not_translated(english_only):
    client = english_only.signed_in_client(english_only.user())

    page = client.get("/account/")

    assert _choices(page) == ["en_CA"]
    assert "Coming later: Français (Canada)." in page_text(page)


def test_choosing_an_untranslated_language_is_refused_on_the_field(english_only):
    client = english_only.signed_in_client(english_only.user())

    response = post_form(client, "/account/", {"full_name": "Ana", "locale": "fr_CA"})

    assert response.status_code == 422
    assert field_error(response, "locale").startswith("Language:")


def test_a_user_who_chose_french_before_gets_pages_marked_english(english_only):
    user = english_only.user(locale="fr_CA")
    client = english_only.signed_in_client(user)

    for path in ("/", "/account/"):
        assert _lang(client.get(path)) == "en"


def test_a_french_browser_gets_english_pages_marked_english(english_only):
    client = english_only.app.test_client()
    page = client.get("/account/login", headers={"Accept-Language": "fr-CA,fr;q=0.9"})

    assert _lang(page) == "en"
    assert "Sign in" in page_text(page)


@contextmanager
def _fresh_catalogues():
    """Flask-Babel caches catalogues per locale on the one Babel object of the process, for
    every app: an app with other translation folders must not meet another app's French."""
    babel.domain_instance.cache.clear()
    yield
    babel.domain_instance.cache.clear()


def _app_with_catalogue(database_url, tmp_path, catalog):
    """The app with ``catalog`` compiled as its only French."""
    folder = tmp_path / "translations" / "fr_CA" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    app = build_app(database_url, BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "translations"))
    with _fresh_catalogues():
        yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_with_french(database_url, tmp_path):
    """The app with a (tiny) compiled French catalogue, as `make messages` will one day give."""
    catalog = Catalog(locale="fr_CA")
    catalog.add("Sign in", "Se connecter")
    catalog.add("Your account", "Votre compte")
    catalog.add("Reset your LMIA Portal password", "Réinitialisez votre mot de passe")
    catalog.add("Reminder: %(title)s", "Rappel : %(title)s")
    yield from _app_with_catalogue(database_url, tmp_path, catalog)


def test_a_compiled_catalogue_makes_french_offered_and_used(app_with_french):
    make = Factories(app_with_french)
    client = make.signed_in_client(make.user())
    assert _choices(client.get("/account/")) == ["en_CA", "fr_CA"]
    assert "Coming later" not in page_text(client.get("/account/"))

    response = post_form(client, "/account/", {"full_name": "Ana", "locale": "fr_CA"})
    assert response.status_code == 302
    page = client.get("/account/")

    assert _lang(page) == "fr"
    assert "Votre compte" in page_text(page)
    anonymous = app_with_french.test_client().get(
        "/account/login", headers={"Accept-Language": "fr"}
    )
    assert _lang(anonymous) == "fr"
    assert "Se connecter" in page_text(anonymous)


def test_wtforms_messages_follow_the_locale_and_each_catalogue_is_read_once(app, monkeypatch):
    """WTForms' own messages come in the request's language; each catalogue file is read once
    per process (Flask-WTF read it again for every request that built a form)."""
    import flask_wtf.i18n
    from flask_babel import force_locale

    from portal import forms

    loads = []
    read = forms.support.Translations.load

    def counting_read(*args, **kwargs):
        loads.append(str(args[1][0]))
        return read(*args, **kwargs)

    monkeypatch.setattr(forms, "_WTFORMS_CATALOGUES", {})
    monkeypatch.setattr(forms.support.Translations, "load", counting_read)
    messages = flask_wtf.i18n.translations
    for _request in range(2):
        with app.test_request_context():
            with force_locale("fr_CA"):
                assert messages.gettext("This field is required.") == "Ce champ est requis."
            assert messages.gettext("This field is required.") == "This field is required."
    assert sorted(loads) == ["en_CA", "fr_CA"]


# --- Issue 13: the switch on every page -------------------------------------------------------


def _switch(response) -> list[str]:
    """The languages the header's switch offers (empty when there is no switch)."""
    page = text_of(response)
    if 'class="inline language-switch"' not in page:
        return []
    form = page.split('class="inline language-switch"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'name="locale" value="([^"]+)"', form)


def _token(response) -> str:
    return text_of(response).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_no_switch_while_english_is_the_only_language(english_only):
    assert _switch(english_only.app.test_client().get("/account/login")) == []
    assert _switch(english_only.signed_in_client(english_only.user()).get("/account/")) == []


def test_the_switch_is_on_every_page_of_the_portal_as_built(make, client):
    assert _switch(client.get("/account/login")) == ["fr_CA"]
    assert _switch(make.signed_in_client(make.user()).get("/account/")) == ["fr_CA"]


def test_a_visitor_switches_to_french_and_back_and_it_is_remembered(app_with_french):
    visitor = app_with_french.test_client()
    login = visitor.get("/account/login")
    assert _switch(login) == ["fr_CA"]
    assert 'name="next" value="/account/login"' in text_of(login)

    response = visitor.post(
        "/account/language",
        data={"locale": "fr_CA", "next": "/account/login", "csrf_token": _token(login)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/login"
    assert "portal_language=fr_CA" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    # The cookie wins over the browser's English.
    french = visitor.get("/account/login", headers={"Accept-Language": "en-CA,en"})
    assert _lang(french) == "fr"
    assert "Se connecter" in page_text(french)
    assert _switch(french) == ["en_CA"]

    visitor.post(
        "/account/language",
        data={"locale": "en_CA", "next": "/account/login", "csrf_token": _token(french)},
    )
    assert _lang(visitor.get("/account/login", headers={"Accept-Language": "fr"})) == "en"


def test_a_signed_in_user_switch_is_saved_on_the_account(app_with_french):
    from portal.models import User

    make = Factories(app_with_french)
    user = make.user()
    client = make.signed_in_client(user)
    page = client.get("/account/")
    assert _switch(page) == ["fr_CA"]

    response = client.post(
        "/account/language",
        data={"locale": "fr_CA", "next": "/account/", "csrf_token": _token(page)},
    )
    assert response.status_code == 303
    assert "portal_language" not in response.headers.get("Set-Cookie", "")
    with app_with_french.app_context():
        assert db.session.get(User, user.id).locale == "fr_CA"
    assert "Votre compte" in page_text(client.get("/account/"))


@pytest.mark.parametrize("locale", ["de_DE", "", "fr_CA<script>"])
def test_an_unknown_language_is_a_400_naming_the_field(app_with_french, locale):
    visitor = app_with_french.test_client()
    token = _token(visitor.get("/account/login"))
    response = visitor.post(
        "/account/language", data={"locale": locale, "next": "/", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "locale: one of en_CA, fr_CA." in page_text(response)
    assert "portal_language" not in response.headers.get("Set-Cookie", "")


def test_the_switch_never_sends_anyone_off_the_site(app_with_french):
    visitor = app_with_french.test_client()
    token = _token(visitor.get("/account/login"))
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = visitor.post(
            "/account/language", data={"locale": "fr_CA", "next": target, "csrf_token": token}
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/"


def test_mail_goes_in_the_recipients_language_whoever_causes_it(app_with_french):
    """A reset asked from an English browser reaches a French user in French, and the other
    way round; a language the portal does not offer falls back to English."""
    from portal.auth import services
    from portal.models import OutboxMessage

    make = Factories(app_with_french)
    french = make.user(locale="fr_CA")
    english = make.user(locale="en_CA")
    unknown = make.user(locale="de_DE")
    for user, accept in ((french, "en"), (english, "fr"), (unknown, "fr")):
        with app_with_french.test_request_context("/", headers={"Accept-Language": accept}):
            services.reset_after_response(user.email)
            db.session.commit()
    with app_with_french.app_context():
        subjects = {mail.recipient: mail.subject for mail in db.session.query(OutboxMessage).all()}
    assert subjects[french.email] == "Réinitialisez votre mot de passe"
    assert subjects[english.email] == "Reset your LMIA Portal password"
    assert subjects[unknown.email] == "Reset your LMIA Portal password"


@pytest.fixture
def app_with_the_french_catalogue(database_url, tmp_path):
    """The app with the real French catalogue compiled (as French will be offered)."""
    from babel.messages.pofile import read_po

    source = ROOT / "portal" / "translations" / "fr_CA" / "LC_MESSAGES" / "messages.po"
    with open(source, "rb") as po:
        catalog = read_po(po, locale="fr_CA")
    yield from _app_with_catalogue(database_url, tmp_path, catalog)


def test_the_daily_pages_render_in_french_with_the_real_catalogue(app_with_the_french_catalogue):
    """Every translated string formats with its values (a wrong placeholder would be a 500)."""
    from portal.models import User
    from tests.security.support import seed_world

    app = app_with_the_french_catalogue
    world = seed_world(app, with_b=False)
    a = world.a
    for name in ("a_owner", "a_rep"):
        with app.app_context():
            db.session.get(User, world.users[name].id).locale = "fr_CA"
            db.session.commit()
    base = f"/employers/{a.employer_id}/positions/{a.position_id}"
    pages = {
        "/": "Tableau de bord",
        "/account/": "Votre compte",
        "/deadlines": "Échéances",
        f"/employers/{a.employer_id}/": "Aperçu",
        f"/employers/{a.employer_id}/positions/": "Postes",
        f"{base}/": "Activités de recrutement",
        f"{base}/compliance": "Vérification de conformité",
        f"{base}/applicants": "Candidats",
        f"{base}/evidence": "Liste de contrôle",
        f"{base}/risk": "Signes de frais et de fraude",
    }
    for name in ("a_owner", "a_rep"):
        client = world.pool.client(world.users[name])
        for path, words in pages.items():
            response = client.get(path)
            assert response.status_code == 200, (name, path, response.status_code)
            assert _lang(response) == "fr", (name, path)
            assert words in page_text(response), (name, path, words)
        assert _switch(client.get("/")) == ["en_CA"]


def test_findings_deadlines_and_the_sign_off_page_read_in_french(app_with_the_french_catalogue):
    """Issue 13: a finding's title, message and fix come from the catalogue too (the rules'
    phrases), on the compliance page and the sign-off page; none is left in English."""
    from datetime import date

    from flask import g
    from flask_babel import force_locale

    from portal.models import Employer, Position, User
    from portal.positions import compliance
    from portal.web import in_page_language
    from tests.security.support import seed_world

    app = app_with_the_french_catalogue
    world = seed_world(app, with_b=False)
    a = world.a
    with app.app_context():
        db.session.get(User, world.users["a_rep"].id).locale = "fr_CA"
        db.session.commit()
    base = f"/employers/{a.employer_id}/positions/{a.position_id}"
    client = world.pool.client(world.users["a_rep"])
    compliance_page = page_text(client.get(f"{base}/compliance"))
    signing_page = page_text(client.get(f"{base}/sign-off"))
    with app.test_request_context("/"), force_locale("fr_CA"):
        g.employer = db.session.get(Employer, a.employer_id)  # the request's tenant
        report = compliance.check(db.session.get(Position, a.position_id), date.today())
        shown = [item for _area, items in report.groups for item in items]
        assert shown, "the seeded position has findings"
        for item in shown:
            finding = item.finding
            for english in (item.title, finding.message, finding.fix):
                french = in_page_language(english)
                assert french != english, english
                assert _words(french) in _words(compliance_page), french
            if finding.severity == "error" and not item.waiver:
                assert _words(in_page_language(finding.message)) in _words(signing_page)


def _words(text: str) -> str:
    """Text as the page's words, whatever the spaces (dollars are written with no-break ones)."""
    return " ".join(text.split())


def test_an_account_starts_in_the_language_it_was_signed_up_in(app, client):
    """A visitor who chose French signs up: the confirmation mail is French, and so are the
    pages once signed in (the account keeps the sign-up page's language)."""
    from portal.models import User
    from tests.accounts._support import confirm_signup, outbox, rows, signup

    client.set_cookie("portal_language", "fr_CA")
    signup(client, "lea@example.com")

    [mail] = outbox(app, "lea@example.com")
    assert mail.subject == "Confirmez votre compte du Portail EIMT"
    [user] = rows(app, User, User.email == "lea@example.com")
    assert user.locale == "fr_CA"
    confirm_signup(app, client, "lea@example.com")
    client.delete_cookie("portal_language")
    assert _lang(client.get("/")) == "fr"


def test_an_account_signed_up_in_english_stays_english(app, client):
    from portal.models import User
    from tests.accounts._support import rows, signup

    signup(client, "sam@example.com")

    [user] = rows(app, User, User.email == "sam@example.com")
    assert user.locale == "en_CA"
