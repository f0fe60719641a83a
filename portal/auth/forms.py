from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from portal.auth.locales import language_choices
from portal.auth.passwords import MAX_LENGTH
from portal.forms import SelectField, new_password_fields, options


def email_field():
    return EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )


class SignupForm(FlaskForm):
    full_name = StringField(
        _l("Your full name"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password, confirm = new_password_fields()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ResetRequestForm(FlaskForm):
    email = email_field()


class UnlockRequestForm(FlaskForm):
    email = email_field()


class ConfirmEmailForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("The password you chose when you signed up."),
        render_kw={"autocomplete": "current-password"},
    )


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields(_l("New password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields(_l("New password"))


class PreferencesForm(FlaskForm):
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=200)])
    # Only languages the portal can show (portal.auth.locales); set per request.
    locale = SelectField(_l("Language"))
    # Issue 10, deadlines: the days the deadlines page, calendar and reminders use.
    time_zone = SelectField(_l("Time zone"), validate_choice=True)
    reminder_days_before = IntegerField(
        _l("Reminder e-mails, days before each deadline"),
        validators=[Optional(), NumberRange(min=0, max=60, message=_l("A number from 0 to 60."))],
        description=_l("0 to 60 (0: on the day). Leave empty for no reminder e-mails."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = options(language_choices())
        from portal.deadlines.services import portal_zone, zone_names

        default = _("The portal's (%(zone)s)", zone=portal_zone())
        self.time_zone.choices = options([("", default)] + [(name, name) for name in zone_names()])
        self.time_zone.description = _("Deadlines are listed and sent as days where you are.")
        if self.time_zone.data is None:  # the portal's zone: the empty choice
            self.time_zone.data = ""


class TwoFactorCodeForm(FlaskForm):
    """The second step: a code from the app, or one of the recovery codes."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class TwoFactorEnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("The 6 digits the app shows for this account now."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TwoFactorOffForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("From your app, or a recovery code."),
        render_kw={"autocomplete": "one-time-code"},
    )
