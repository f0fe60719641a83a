"""Form pieces shared by several capabilities."""

from decimal import Decimal

import flask_wtf.i18n
import wtforms
from babel import support
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, EqualTo, ValidationError

from portal.auth.passwords import MAX_LENGTH, password_problem
from portal.edits import new_submission_key
from portal.limits import RECORD_FIRST, RECORD_LAST, record_date_in_range

# WTForms' own messages in the request's language. Flask-WTF reads and parses the catalogue
# file anew for every request that builds a form (about 1 ms, an eighth of a page's cost); the
# catalogues do not change while the process runs, so each is read once per locale.
_WTFORMS_CATALOGUES: dict[str, support.Translations] = {}


def _wtforms_catalogue():
    if not request:
        return None
    locale = get_locale()
    key = str(locale)
    if key not in _WTFORMS_CATALOGUES:
        _WTFORMS_CATALOGUES[key] = support.Translations.load(
            messages_path(), [locale], domain="wtforms"
        )
    return _WTFORMS_CATALOGUES[key]


flask_wtf.i18n._get_translations = _wtforms_catalogue


def options(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options."""
    return [SelectChoice(value, label) for value, label in pairs]


class DecimalField(wtforms.DecimalField):
    """A decimal that is a number: "NaN", "sNaN" and "Infinity" are refused like any other
    non-number (wtforms' NumberRange crashes on a signalling NaN)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class DateField(wtforms.DateField):  # noqa: TID251 - the one subclass the ban points to
    """A date the portal can compute with: years outside 1900–2099 are refused with the field's
    message (9999-12-31 was accepted, then overflowed the deadlines page adding days to it)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not record_date_in_range(self.data):
            self.data = None
            raise ValueError(
                _l("Enter a date from %(first)s to %(last)s.", first=RECORD_FIRST, last=RECORD_LAST)
            )


class ConfirmForm(FlaskForm):
    """A button that changes state: carries only the CSRF token."""


def acceptable_password(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def new_password_fields(label=None):
    """Return (password, confirmation) fields enforcing the portal's password policy."""
    password = PasswordField(
        label or _l("Password"),
        validators=[DataRequired(), acceptable_password],
        description=_l("At least 12 characters. A short sentence works well."),
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )
    return password, confirm


def submission_key_field():
    """A create form's one-time key: the same form posted twice makes one record
    (portal.web.first_submission)."""
    return HiddenField(default=new_submission_key)
