"""The worker, offer-terms, signature and waiver forms."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from portal.cases.model import PURPOSES
from portal.forms import DateField, DecimalField, SelectField, options, submission_key_field
from portal.positions import labels
from portal.reference import PROVINCES

BLANK = ("", _l("Choose…"))
LANGUAGES = {"en": _l("English"), "fr": _l("French")}
PAY_FREQUENCIES = {
    "weekly": _l("Every week"),
    "biweekly": _l("Every two weeks"),
    "semi_monthly": _l("Twice a month"),
    "monthly": _l("Every month"),
}
EMPLOYER_PAID = {
    "round_trip_travel": _l("Round-trip travel to and from Canada"),
    "health_insurance": _l("Private health insurance until provincial coverage starts"),
    "workplace_safety_insurance": _l("Workplace safety insurance (e.g. WSIB, CNESST)"),
    "housing": _l("Housing"),
}
DEDUCTION_PURPOSES = {
    "statutory": _l("Statutory (tax, CPP/QPP, EI)"),
    "housing": _l("Housing"),
    "health_insurance": _l("Health insurance"),
    "travel": _l("Travel"),
    "training": _l("Training"),
    "loan_repayment": _l("Loan repayment"),
    "recruitment_fee": _l("Recruitment fee"),
    "placement_fee": _l("Placement fee"),
    "lmia_fee": _l("LMIA fee"),
    "representative_fee": _l("Representative fee"),
    "processing_fee": _l("Processing fee"),
    "job_offer": _l("Job offer"),
    "other": _l("Other"),
}
# Every purpose the case format knows, in the order above, then any other it has.
_PURPOSE_ORDER = [p for p in DEDUCTION_PURPOSES if p in PURPOSES] + [
    p for p in PURPOSES if p not in DEDUCTION_PURPOSES
]


def _choices(names: dict, blank=True):
    return options(([BLANK] if blank else []) + list(names.items()))


def _money(label, required=False, **kwargs):
    validators = [InputRequired()] if required else [Optional()]
    return DecimalField(
        label,
        places=2,
        validators=[*validators, NumberRange(min=0, max=9_999_999)],
        render_kw={"inputmode": "decimal"},
        **kwargs,
    )


class WorkerForm(FlaskForm):
    submission = submission_key_field()
    name = StringField(_l("Name as on the passport"), validators=[DataRequired(), Length(max=200)])
    country = StringField(_l("Country of citizenship"), validators=[Optional(), Length(max=100)])
    email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address.")),
        ],
        render_kw={"type": "email", "autocomplete": "off"},
    )
    language = SelectField(
        _l("Preferred language of the agreement"),
        choices=_choices(LANGUAGES, blank=False),
    )
    english_requested_on = DateField(
        _l("Date the worker asked in writing for English"),
        validators=[Optional()],
        description=_l(
            "Québec: the agreement is in French unless the worker asks otherwise (Charter of "
            "the French language)."
        ),
    )
    planned_start_date = DateField(_l("Planned start date"), validators=[Optional()])

    # Set by the view: the position's province decides whether English needs a request.
    quebec = False

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        field = self.english_requested_on
        if self.quebec and self.language.data == "en" and not field.errors:
            if field.data is None:
                field.errors.append(
                    _l(
                        "For a Québec position, an agreement in English needs the date the "
                        "worker asked for it in writing."
                    )
                )
                valid = False
            elif field.data > date.today():
                field.errors.append(_l("The date is in the future."))
                valid = False
        return valid


class DeductionRow(Form):
    purpose = SelectField(
        _l("Purpose"),
        choices=options([BLANK] + [(p, DEDUCTION_PURPOSES.get(p, p)) for p in _PURPOSE_ORDER]),
        validators=[Optional()],
    )
    amount = _money(_l("Amount"))
    per = SelectField(_l("per"), choices=options([(k, v) for k, v in labels.WAGE_UNITS.items()]))
    remove = BooleanField(_l("Remove"))

    @property
    def blank(self) -> bool:
        return not self.purpose.data and self.amount.data is None


class OfferForm(FlaskForm):
    offer_date = DateField(_l("Date of the offer"), validators=[Optional()])
    # The job (copied from the position; a different value here is checked against it)
    title = StringField(_l("Job title"), validators=[DataRequired(), Length(max=200)])
    noc = StringField(
        _l("NOC 2021 code"),
        validators=[
            DataRequired(),
            Regexp(r"^\d{5}$", message=_l("A NOC 2021 code has 5 digits.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 5},
    )
    duties = TextAreaField(_l("Duties"), validators=[DataRequired(), Length(max=10000)])
    work_street = StringField(_l("Work address"), validators=[DataRequired(), Length(max=200)])
    work_city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    work_province = SelectField(
        _l("Province or territory"),
        choices=options([BLANK] + sorted(PROVINCES.items(), key=lambda item: item[1])),
        validators=[DataRequired(message=_l("Choose a province."))],
    )
    work_postal_code = StringField(_l("Postal code"), validators=[DataRequired(), Length(max=7)])
    # Pay and hours
    wage_amount = _money(_l("Wage"), required=True)
    wage_per = SelectField(
        _l("per"), choices=options([(k, v) for k, v in labels.WAGE_UNITS.items()])
    )
    pay_frequency = SelectField(_l("Paid"), choices=_choices(PAY_FREQUENCIES))
    hours_per_week = DecimalField(
        _l("Hours per week"),
        places=2,
        validators=[InputRequired(), NumberRange(min=1, max=168)],
        render_kw={"inputmode": "decimal"},
    )
    schedule = StringField(
        _l("Schedule"),
        validators=[Optional(), Length(max=500)],
        description=_l("e.g. Tuesday to Saturday, 10:00 to 18:30, 30-minute unpaid break"),
    )
    overtime = TextAreaField(_l("Overtime"), validators=[Optional(), Length(max=2000)])
    vacation = TextAreaField(_l("Vacation"), validators=[Optional(), Length(max=2000)])
    statutory_holidays = TextAreaField(
        _l("Statutory holidays"), validators=[Optional(), Length(max=2000)]
    )
    benefits = TextAreaField(_l("Benefits"), validators=[Optional(), Length(max=5000)])
    # Term
    start_date = DateField(_l("Start date"), validators=[Optional()])
    duration_months = IntegerField(
        _l("Duration (months)"), validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    probation = StringField(
        _l("Probation"),
        validators=[Optional(), Length(max=500)],
        description=_l("e.g. 3 months"),
    )
    termination_notice = StringField(
        _l("Termination notice"), validators=[Optional(), Length(max=500)]
    )
    # Money in and out
    deductions = FieldList(
        FormField(DeductionRow), label=_l("Deductions"), min_entries=0, max_entries=30
    )
    employer_paid = SelectMultipleField(
        _l("The employer pays"),
        choices=options(list(EMPLOYER_PAID.items())),
        validators=[Optional()],
    )
    housing_terms = TextAreaField(_l("Housing terms"), validators=[Optional(), Length(max=2000)])
    housing_rent_monthly = _money(_l("Rent charged to the worker, per month"))
    states_no_fees = BooleanField(
        _l(
            "The agreement states that no recruitment, LMIA or representative fee is or will "
            "be charged or recovered"
        )
    )
    # Filing references
    lmia_number = StringField(_l("LMIA number"), validators=[Optional(), Length(max=50)])
    employer_portal_offer_number = StringField(
        _l("Employer Portal offer number (LMIA-exempt hire)"),
        validators=[Optional(), Length(max=50)],
    )
    rights_information_given_on = DateField(
        _l("Worker rights information given on"), validators=[Optional()]
    )
    version = HiddenField()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for row in self.deductions:
            if row.remove.data or row.blank:
                continue
            if not row.purpose.data:
                row.purpose.errors = [*row.purpose.errors, _l("Choose the purpose.")]
                valid = False
            if row.amount.data is None and not row.amount.errors:
                row.amount.errors = [*row.amount.errors, _l("Enter the amount.")]
                valid = False
        return valid

    @property
    def errors(self):
        # A row's messages show on its own fields; the summary names the list once.
        errors = dict(super().errors)
        if "deductions" in errors:
            errors["deductions"] = [str(_l("Check the deduction rows below."))]
        return errors

    def kept_deductions(self) -> list[dict]:
        return [
            {"purpose": row.purpose.data, "amount": row.amount.data, "per": row.per.data}
            for row in self.deductions
            if not row.remove.data and not row.blank
        ]


class SignaturesForm(FlaskForm):
    employer_name = StringField(
        _l("Signed for the employer by (name as typed)"),
        validators=[Optional(), Length(max=200)],
    )
    employer_on = DateField(_l("Employer signed on"), validators=[Optional()])
    worker_name = StringField(
        _l("Signed by the worker (name as typed)"), validators=[Optional(), Length(max=200)]
    )
    worker_on = DateField(_l("Worker signed on"), validators=[Optional()])

    # Set by the view: the day the version was issued.
    issued_on: date | None = None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        today = date.today()
        pairs = ((self.employer_name, self.employer_on), (self.worker_name, self.worker_on))
        if not any(name.data or on.data for name, on in pairs):
            self.employer_name.errors.append(_l("Enter at least one signature."))
            return False
        for name, on in pairs:
            if (name.data or "").strip() and on.data is None and not on.errors:
                on.errors.append(_l("Enter the date it was signed."))
                valid = False
            if on.data is not None and not (name.data or "").strip():
                name.errors.append(_l("Enter the name as typed on the signature."))
                valid = False
            if on.data is not None and on.data > today:
                on.errors.append(_l("The date is in the future."))
                valid = False
            if on.data is not None and self.issued_on and on.data < self.issued_on:
                on.errors.append(_l("The date is before the agreement was issued."))
                valid = False
        return valid


class OfferWaiverForm(FlaskForm):
    rule_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    subject = HiddenField(validators=[DataRequired(), Length(max=100)])
    reason = TextAreaField(
        _l("Why this finding is acceptable"), validators=[DataRequired(), Length(min=10, max=5000)]
    )
