from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from portal.employers.validation import (
    normalise_business_number,
    normalise_phone,
    normalise_postal_code,
)
from portal.forms import SelectField, options
from portal.models import Role
from portal.reference import PROVINCES


def _normalised_by(normalise, message):
    """Validator that rewrites the field to its normal form, or fails with ``message``."""

    def validate(form, field):
        value = normalise(field.data or "")
        if value is None:
            raise ValidationError(message)
        field.data = value

    return validate


def _province_field():
    return SelectField(
        _l("Province or territory"),
        choices=options(
            [("", _l("Choose…"))] + sorted(PROVINCES.items(), key=lambda item: item[1])
        ),
        validators=[DataRequired(message=_l("Choose a province or territory."))],
    )


def _postal_code_field():
    return StringField(
        _l("Postal code"),
        validators=[
            DataRequired(),
            _normalised_by(
                normalise_postal_code, _l("Enter a Canadian postal code, like K1A 0B1.")
            ),
        ],
        render_kw={"autocomplete": "postal-code", "maxlength": 7},
    )


def _employee_count_field(label):
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("Enter a whole number, 0 or more.")),
            NumberRange(min=0, max=1_000_000),
        ],
        render_kw={"inputmode": "numeric", "min": 0},
    )


class EmployerProfileForm(FlaskForm):
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("As registered with the Canada Revenue Agency."),
    )
    operating_name = StringField(
        _l("Operating name (if different)"), validators=[Optional(), Length(max=200)]
    )
    business_number = StringField(
        _l("CRA business number"),
        validators=[
            DataRequired(),
            _normalised_by(
                normalise_business_number,
                _l("Enter the 9-digit business number (the first 9 digits of your CRA account)."),
            ),
        ],
        description=_l("9 digits, e.g. 123456789."),
        render_kw={"inputmode": "numeric", "maxlength": 11},
    )
    street_address = StringField(
        _l("Business address"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "street-address"},
    )
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    province = _province_field()
    postal_code = _postal_code_field()
    phone = StringField(
        _l("Phone"),
        validators=[
            DataRequired(),
            _normalised_by(
                normalise_phone, _l("Enter a 10-digit phone number, e.g. 416-555-0199.")
            ),
        ],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    naics_code = StringField(
        _l("NAICS code (optional)"),
        validators=[Optional(), Regexp(r"^\d{6}$", message=_l("A NAICS code has 6 digits."))],
        description=_l("Type to search common codes, or enter any 6-digit code."),
        render_kw={"list": "naics-codes", "inputmode": "numeric", "maxlength": 6},
    )
    version = HiddenField()


class NewEmployerForm(EmployerProfileForm):
    employees_at_address = _employee_count_field(_l("Employees at this address"))


class WorkLocationForm(FlaskForm):
    street_address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    province = _province_field()
    postal_code = _postal_code_field()
    employee_count = _employee_count_field(_l("Employees at this location"))


INVITABLE_ROLES = [
    (Role.REPRESENTATIVE, _l("Lawyer or licensed consultant (representative)")),
    (Role.STAFF, _l("Staff: can edit recruitment records and evidence")),
    (Role.VIEWER, _l("Viewer: can read only")),
    (Role.OWNER, _l("Co-owner: can do everything, including managing people")),
]


class InvitationForm(FlaskForm):
    email = EmailField(
        _l("Their email"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), choices=options(INVITABLE_ROLES))
