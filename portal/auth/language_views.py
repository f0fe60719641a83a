"""The language switch on every page (issue 13): a signed-in user's choice is saved on their
account (e-mails follow it too); a visitor's is kept in a cookie, which wins over the browser's
Accept-Language."""

from dataclasses import dataclass

from flask import abort, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from portal.auth import bp
from portal.auth.locales import LANGUAGE_COOKIE, language_choices
from portal.extensions import db
from portal.forms import SelectField, options
from portal.tenancy import PUBLIC, policy
from portal.web import safe_next

SWITCH_LABELS = {"en_CA": "English", "fr_CA": "Français"}
# A visitor's choice is kept for a year; it holds a language code and nothing about them.
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


class LanguageForm(FlaskForm):
    """The switch: the language wanted and the page to come back to."""

    locale = SelectField()
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = options(language_choices())


@bp.post("/language")
@policy(PUBLIC)
def switch_language():
    form = LanguageForm()
    back = safe_next(form.next.data, url_for("dashboard.index"))
    if not form.validate():
        # An unknown language: say which field and what it may be (a stale token is the CSRF
        # handler's 400 before this runs).
        codes = ", ".join(code for code, _name in language_choices())
        abort(400, description=_("locale: one of %(codes)s.", codes=codes))
    response = redirect(back, 303)
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    else:
        response.set_cookie(
            LANGUAGE_COOKIE,
            form.locale.data,
            max_age=LANGUAGE_COOKIE_SECONDS,
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


@dataclass(frozen=True)
class LanguageSwitch:
    """What the header's switch draws: the other languages and the page to come back to. Not a
    form object: every page draws it, and the POST is checked by ``LanguageForm``."""

    others: list[tuple[str, str]]
    next: str


def language_switch() -> LanguageSwitch | None:
    """The header's switch (None while only one language exists)."""
    choices = language_choices()
    if len(choices) < 2:
        return None
    current = str(get_locale())
    # Each language named in itself, short enough for a phone's header.
    others = [(code, SWITCH_LABELS.get(code, name)) for code, name in choices if code != current]
    back = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return LanguageSwitch(others, back)
