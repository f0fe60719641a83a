"""Form pieces shared by several capabilities."""

from decimal import Decimal

import flask_wtf.i18n
import wtforms
from babel import support
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
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


class Select(wtforms.widgets.Select):
    """wtforms' select with each plain option written at once, the same HTML: a select of 40
    applicants cost a page a millisecond through ``html_params`` and the signature check
    wtforms makes for every select it draws."""

    @classmethod
    def _dispatch_render_option(cls):
        return cls.render_option

    @classmethod
    def render_option(cls, choice, **kwargs):
        value = choice.value
        if kwargs or choice.render_kw or isinstance(value, bool) or value is None:
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or value)
        if choice.selected:
            return Markup('<option selected value="%s">%s</option>') % (value, label)
        return Markup('<option value="%s">%s</option>') % (value, label)


class SelectField(wtforms.SelectField):  # noqa: TID251 - the one subclass the ban points to
    """A select drawn by ``Select`` above."""

    widget = Select()


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


# --- Rendering a field -------------------------------------------------------------------------


def render_field(f, class_: str = "") -> Markup:
    """One field with its label, hint and errors tied to it for screen readers: the ``field``
    of ``templates/_macros/forms.html``. In Python because every form page draws 3 to 15 of
    them and wtforms with a Jinja macro cost several times as much (README, "Performance").
    Escaped as the template would: every value through ``markupsafe``."""
    if f.type in ("HiddenField", "CSRFTokenField"):
        return f()
    hint_id = f"{f.id}-hint"
    error_id = f"{f.id}-error"
    described = " ".join(([hint_id] if f.description else []) + ([error_id] if f.errors else []))
    parts = [Markup('<div class="field%s %s">\n') % (" field-invalid" if f.errors else "", class_)]
    if f.type == "BooleanField":
        control = f(**{"aria-describedby": described or False})
        parts.append(Markup('  <label class="check">%s %s</label>\n') % (control, f.label.text))
    else:
        parts.append(Markup("  %s\n") % f.label())
        if f.description:
            parts.append(Markup('  <p class="hint" id="%s">%s</p>\n') % (hint_id, f.description))
        control = f(
            **{
                "aria-describedby": described or False,
                "aria-invalid": "true" if f.errors else False,
                "required": f.flags.required or False,
            }
        )
        parts.append(Markup("  %s\n") % control)
    if f.errors:
        parts.append(
            Markup('  <p class="error" id="%s">%s: %s</p>\n')
            % (error_id, f.label.text, Markup(" ").join(f.errors))
        )
    parts.append(Markup("</div>\n"))
    return Markup("").join(parts)
