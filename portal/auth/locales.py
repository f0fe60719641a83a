"""Which languages the portal can really show: English, plus each one with a compiled catalogue.

Offering French before its catalogue exists marked pages lang="fr" over English text. A
language is offered (and used) only once ``portal/translations/<locale>/LC_MESSAGES`` holds a
compiled ``.mo``; until then the account page says it is coming.
"""

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.extensions import babel

# A visitor's choice from the header's switch (portal.auth.language_views).
LANGUAGE_COOKIE = "portal_language"

# Every language the portal is meant to offer, in the order the account page lists them.
LANGUAGES = [("en_CA", "English (Canada)"), ("fr_CA", "Français (Canada)")]


def default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def offered_locales() -> list[str]:
    """The locales a user may choose: the default (the text's own language) and translated ones.
    Found once per app: the compiled catalogues are deployed with the code (every page asked
    twice, each time listing the translation folders)."""
    found = current_app.extensions.get(_OFFERED)
    if found is None:
        translated = {str(locale) for locale in babel.list_translations()}
        translated |= {code.split("_")[0] for code in translated}
        found = current_app.extensions[_OFFERED] = [
            code
            for code, _name in LANGUAGES
            if code == default_locale() or code in translated or code.split("_")[0] in translated
        ]
    return list(found)


_OFFERED = "portal.offered_locales"


def usable_locale(code: str | None) -> str:
    """``code`` if the portal offers it, else the default (a mail to a user who chose a
    language that is not compiled here)."""
    return code if code in offered_locales() else default_locale()


def language_choices() -> list[tuple[str, str]]:
    offered = offered_locales()
    return [(code, name) for code, name in LANGUAGES if code in offered]


def coming_languages() -> list[str]:
    offered = offered_locales()
    return [name for code, name in LANGUAGES if code not in offered]


def page_language() -> str:
    """The ``lang`` of the page: the language its text is actually in."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


COMING_NOTE = _l("Coming later: %(languages)s. The portal's text is not translated yet.")
