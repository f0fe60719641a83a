from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.employers.validation import is_cicc_number
from portal.forms import SelectField, new_password_fields, options
from portal.reference import LAW_SOCIETIES


class AcceptForm(FlaskForm):
    """Accepting as a signed-in user: only the button (and CSRF)."""


class RepresentativeFields(FlaskForm):
    cicc_number = StringField(
        _l("CICC licence number"),
        validators=[Optional(), Length(max=7)],
        description=_l("For licensed immigration consultants: R and 6 digits, e.g. R712345."),
    )
    law_society = SelectField(
        _l("Law society"),
        choices=options(
            [("", _l("Not a lawyer / notary"))] + [(name, name) for name in LAW_SOCIETIES]
        ),
        validators=[Optional()],
    )
    law_society_number = StringField(
        _l("Law society member number"), validators=[Optional(), Length(max=30)]
    )

    def validate_cicc_number(self, field):
        if field.data:
            if not is_cicc_number(field.data):
                raise ValidationError(_l("A CICC number is the letter R and 6 digits."))
            field.data = field.data.strip().upper()

    def validate(self, extra_validators=None):
        # Cross-field rules live here: Optional() stops a field's own inline validators.
        valid = super().validate(extra_validators)
        number = (self.law_society_number.data or "").strip()
        if self.law_society.data and not number:
            self.law_society_number.errors.append(
                _l("Enter your member number with the law society.")
            )
            valid = False
        if number and not self.law_society.data:
            self.law_society.errors.append(_l("Choose the law society that issued this number."))
            valid = False
        if valid and not (self.cicc_number.data or self.law_society.data):
            self.cicc_number.errors.append(
                _l("Enter your CICC licence number, or choose your law society below.")
            )
            valid = False
        return valid


class NewAccountFields(FlaskForm):
    full_name = StringField(
        _l("Your full name"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = new_password_fields()


class NewRepresentativeAccountForm(NewAccountFields, RepresentativeFields):
    pass


class NewMemberAccountForm(NewAccountFields):
    pass


class RepresentativeAcceptForm(RepresentativeFields):
    pass


def acceptance_form_class(is_representative: bool, needs_account: bool) -> type[FlaskForm]:
    if needs_account:
        return NewRepresentativeAccountForm if is_representative else NewMemberAccountForm
    return RepresentativeAcceptForm if is_representative else AcceptForm
