"""Forms of the road pages: the position's LMIA decision and one worker's road."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from portal.forms import DateField, SelectField, options

DECISIONS = {
    "": _l("Waiting for the decision"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}
YES_NO = {"": _l("Not known yet"), "yes": _l("Yes"), "no": _l("No")}


def _tri(value):
    """'yes' / 'no' / '' from the form, True / False / None in the row (and back)."""
    if value in (True, "yes"):
        return True
    if value in (False, "no"):
        return False
    return None


class TriSelectField(SelectField):
    def process_data(self, value):
        self.data = {True: "yes", False: "no"}.get(value, "")

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""

    def pre_validate(self, form):
        if self.data not in YES_NO:
            raise ValidationError(_l("Not a valid choice."))


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class DecisionForm(FlaskForm):
    lmia_decision = SelectField(
        _l("Decision"), choices=options(DECISIONS.items()), validate_choice=True
    )
    lmia_number = StringField(
        _l("LMIA number"),
        filters=[_upper],
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[A-Z0-9-]+$", message=_l("Letters, digits and dashes only.")),
        ],
    )
    lmia_decided_on = DateField(_l("Date of the decision letter"), validators=[Optional()])
    lmia_positions_approved = IntegerField(
        _l("Positions approved"), validators=[Optional(), NumberRange(min=1, max=10_000)]
    )
    lmia_valid_until = DateField(
        _l("Valid until (as the letter states)"),
        validators=[Optional()],
        description=_l("Leave empty to count 6 months from the decision."),
    )
    version = HiddenField()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        decision = self.lmia_decision.data or ""
        if decision and not self.lmia_decided_on.data:
            self.lmia_decided_on.errors.append(_l("Enter the date of the decision letter."))
            valid = False
        if decision == "approved" and not self.lmia_number.data:
            self.lmia_number.errors.append(_l("Enter the LMIA number from the letter."))
            valid = False
        if (
            self.lmia_valid_until.data
            and self.lmia_decided_on.data
            and self.lmia_valid_until.data < self.lmia_decided_on.data
        ):
            self.lmia_valid_until.errors.append(_l("The validity ends after the decision."))
            valid = False
        return valid

    @property
    def cleaned(self) -> dict:
        data = dict(self.data)
        data["lmia_decision"] = data["lmia_decision"] or None
        return data


class RoadForm(FlaskForm):
    offer_of_employment_number = StringField(
        _l("Employer Portal offer of employment number"),
        filters=[_upper],
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^[A-Z0-9-]+$", message=_l("Letters, digits and dashes only.")),
        ],
    )
    offer_of_employment_submitted_on = DateField(
        _l("Offer of employment submitted on"), validators=[Optional()]
    )
    compliance_fee_paid_on = DateField(
        _l("Employer compliance fee paid on"), validators=[Optional()]
    )
    permit_applied_on = DateField(_l("Work-permit application filed on"), validators=[Optional()])
    ircc_reference = StringField(
        _l("IRCC application number"),
        filters=[_upper],
        validators=[Optional(), Length(max=40)],
        render_kw={"autocomplete": "off"},
    )
    visa_required = TriSelectField(_l("Visitor visa needed?"), choices=options(YES_NO.items()))
    visa_issued_on = DateField(_l("Visitor visa issued on"), validators=[Optional()])
    caq_required = TriSelectField(_l("Québec CAQ needed?"), choices=options(YES_NO.items()))
    caq_issued_on = DateField(_l("CAQ issued on"), validators=[Optional()])
    permit_number = StringField(
        _l("Permit number"),
        filters=[_upper],
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "off"},
    )
    permit_issued_on = DateField(_l("Permit issued on"), validators=[Optional()])
    permit_expires_on = DateField(_l("Permit expires on"), validators=[Optional()])
    permit_employer = StringField(
        _l("Employer as printed on the permit"), validators=[Optional(), Length(max=200)]
    )
    permit_occupation = StringField(
        _l("Occupation as printed"), validators=[Optional(), Length(max=200)]
    )
    permit_location = StringField(
        _l("Location as printed"), validators=[Optional(), Length(max=200)]
    )
    arrived_on = DateField(_l("Arrived in Canada on"), validators=[Optional()])
    first_day_on = DateField(_l("First day of work"), validators=[Optional()])
    renewal_started_on = DateField(
        _l("Renewal started on (new LMIA or extension)"), validators=[Optional()]
    )
    records_deletion_requested_on = DateField(
        _l("Deletion of the worker's records requested on"), validators=[Optional()]
    )
    version = HiddenField()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        pairs = (
            (
                self.permit_expires_on,
                self.permit_issued_on,
                _l("The permit expires after it is issued."),
            ),
            (
                self.permit_issued_on,
                self.permit_applied_on,
                _l("The permit is issued after the application."),
            ),
        )
        for later, earlier, message in pairs:
            if later.data and earlier.data and later.data < earlier.data:
                later.errors.append(message)
                valid = False
        if self.visa_issued_on.data and self.visa_required.data == "no":
            self.visa_issued_on.errors.append(_l("A visa date needs “Visitor visa needed?” Yes."))
            valid = False
        if self.caq_issued_on.data and self.caq_required.data == "no":
            self.caq_issued_on.errors.append(_l("A CAQ date needs “Québec CAQ needed?” Yes."))
            valid = False
        if self.permit_issued_on.data and not self.permit_expires_on.data:
            self.permit_expires_on.errors.append(_l("Enter the expiry date printed on the permit."))
            valid = False
        return valid

    @property
    def cleaned(self) -> dict:
        data = dict(self.data)
        data["visa_required"] = _tri(data["visa_required"])
        data["caq_required"] = _tri(data["caq_required"])
        return data
