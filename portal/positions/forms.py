from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
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
    ValidationError,
)

from portal.cases.model import (
    APPLICANT_STATUSES,
    CHANNELS,
    METHODS,
    REASON_CODES,
    TARGET_GROUPS,
)
from portal.forms import DateField, DecimalField, SelectField, options, submission_key_field
from portal.positions import labels
from portal.positions.reference import labour_market
from portal.recruitment import consistency
from portal.reference import PROVINCES

BLANK = ("", _l("Choose…"))


def _choices(values, names, blank=True):
    pairs = [(value, names.get(value, value)) for value in values]
    return options(([BLANK] if blank else []) + pairs)


def _money(label, required=True, **kwargs):
    validators = [InputRequired()] if required else [Optional()]
    return DecimalField(
        label,
        places=2,
        validators=[*validators, NumberRange(min=0, max=9_999_999)],
        render_kw={"inputmode": "decimal"},
        **kwargs,
    )


def _add_problems(form, problems: dict[str, str]) -> bool:
    """Put each consistency problem on its field; True when there were none."""
    for name, message in problems.items():
        form[name].errors = [*form[name].errors, message]
    return not problems


class PositionForm(FlaskForm):
    title = StringField(
        _l("Job title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Exactly as it appears in your ads."),
    )
    noc_code = StringField(
        _l("NOC 2021 code"),
        validators=[
            DataRequired(),
            Regexp(r"^\d{5}$", message=_l("A NOC 2021 code has 5 digits.")),
        ],
        description=_l("Type a code or words of the title, e.g. 63200 or cook."),
        render_kw={
            "list": "noc-codes",
            "inputmode": "numeric",
            "maxlength": 5,
            "autocomplete": "off",
        },
    )
    stream = SelectField(
        _l("Stream"),
        choices=_choices(labels.STREAMS, labels.STREAMS),
        validators=[DataRequired(message=_l("Choose a stream."))],
    )
    # Only for the agricultural stream: what a worker may pay differs by program (§7.4).
    program = SelectField(
        _l("Agricultural program"),
        choices=_choices(labels.PROGRAMS, labels.PROGRAMS),
        default="",
        # Checked in validate_program: a form without the field (or a position saved before
        # it existed, None) means no program.
        validate_choice=False,
        description=_l("Only for the agricultural stream: SAWP or the Agricultural Stream."),
    )
    is_caregiver = BooleanField(_l("In-home caregiver position"))
    is_seasonal = BooleanField(_l("Seasonal (270 days or less)"))
    quebec_facilitated = BooleanField(_l("On Québec's facilitated-process list"))
    advertising_variation = StringField(
        _l("ESDC variation to minimum advertising (if any)"),
        validators=[Optional(), Length(max=200)],
    )
    street_address = StringField(_l("Work address"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    province = SelectField(
        _l("Province or territory"),
        choices=options([BLANK] + sorted(PROVINCES.items(), key=lambda item: item[1])),
        validators=[DataRequired(message=_l("Choose a province."))],
    )
    postal_code = StringField(_l("Postal code"), validators=[DataRequired(), Length(max=7)])
    economic_region = SelectField(
        _l("Economic region (Job Bank)"),
        validate_choice=False,
        validators=[Optional(), Regexp(r"^ER\d{2,4}$", message=_l("Choose a region."))],
    )
    cma = StringField(
        _l("Census metropolitan area (CMA)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Leave empty if the workplace is outside any CMA."),
    )
    admin_region = StringField(
        _l("Québec administrative region"), validators=[Optional(), Length(max=100)]
    )
    wage_amount = _money(_l("Wage offered"))
    wage_per = SelectField(
        _l("per"), choices=_choices(labels.WAGE_UNITS, labels.WAGE_UNITS, blank=False)
    )
    hours_per_week = DecimalField(
        _l("Hours per week"), places=2, validators=[InputRequired(), NumberRange(min=1, max=168)]
    )
    positions = IntegerField(
        _l("Number of workers"), validators=[InputRequired(), NumberRange(min=1, max=1000)]
    )
    duration_months = IntegerField(
        _l("Duration (months)"), validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    duties = TextAreaField(_l("Duties"), validators=[DataRequired(), Length(max=10000)])
    education = StringField(_l("Education required"), validators=[Optional(), Length(max=300)])
    experience = StringField(_l("Experience required"), validators=[Optional(), Length(max=300)])
    experience_years = DecimalField(
        _l("Years of experience"), places=1, validators=[Optional(), NumberRange(min=0, max=50)]
    )
    languages = StringField(
        _l("Languages required"),
        validators=[Optional(), Length(max=200)],
        description=_l("Separate with commas, e.g. English, French."),
    )
    language_justification = TextAreaField(
        _l("Why another language is needed"), validators=[Optional(), Length(max=5000)]
    )
    benefits = TextAreaField(_l("Benefits"), validators=[Optional(), Length(max=5000)])
    terms = StringField(
        _l("Terms of employment"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. full-time, permanent"),
    )
    prevailing_wage_amount = _money(
        _l("Prevailing wage you rely on (optional)"),
        required=False,
        description=_l("Leave empty to use the Job Bank median."),
    )
    prevailing_wage_per = SelectField(
        _l("per"), choices=_choices(labels.WAGE_UNITS, labels.WAGE_UNITS, blank=False)
    )
    prevailing_wage_source = StringField(
        _l("Source of that figure"), validators=[Optional(), Length(max=300)]
    )
    incumbent_wage_amount = _money(
        _l("Wage paid to current employees in this job (optional)"), required=False
    )
    incumbent_wage_per = SelectField(
        _l("per"), choices=_choices(labels.WAGE_UNITS, labels.WAGE_UNITS, blank=False)
    )
    live_in_required = BooleanField(
        _l("Caregiver must live in (not allowed)"),
        description=_l("For in-home caregiver positions: whether the caregiver lives in."),
    )
    employees_at_location = IntegerField(
        _l("Employees at this work location today"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000)],
    )
    low_wage_tfws_at_location = IntegerField(
        _l("Low-wage temporary foreign workers there now"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000)],
    )
    planned_submission_date = DateField(_l("Planned submission date"), validators=[Optional()])
    # IRCC's exemption codes (e.g. C10, T13, A75): an exempt position's road starts with the
    # Employer Portal offer of employment instead of the LMIA.
    lmia_exemption_code = StringField(
        _l("LMIA exemption code"),
        filters=[lambda value: value.strip().upper() if value else value],
        validators=[
            Optional(),
            Regexp(
                r"^[A-Z]\d{2}$",
                message=_l("An exemption code is a letter and two digits, e.g. C10."),
            ),
        ],
        description=_l("Only if the hire is LMIA-exempt: the code from IRCC's exemption list."),
    )
    job_bank_alternative_rationale = TextAreaField(
        _l("Reason for not using Job Bank (rare)"), validators=[Optional(), Length(max=5000)]
    )
    version = HiddenField()

    def validate_program(self, field):
        if field.data and field.data not in labels.PROGRAMS:
            raise ValidationError(_l("Not a valid choice."))
        if field.data and self.stream.data != "agricultural":
            raise ValidationError(_l("A program applies only to the agricultural stream."))

    def validate_noc_code(self, field):
        problem = consistency.noc_problem(field.data, labour_market())
        if problem:
            raise ValidationError(problem)

    def validate_languages(self, field):
        names = [name.strip() for name in (field.data or "").split(",") if name.strip()]
        if len(names) > 10:
            raise ValidationError(_l("List at most 10 languages."))
        field.data = ", ".join(names)


class ActivityForm(FlaskForm):
    submission = submission_key_field()
    method = SelectField(
        _l("Method"),
        choices=_choices(METHODS, labels.METHODS),
        validators=[DataRequired(message=_l("Choose how you recruited."))],
    )
    kind = SelectField(
        _l("Kind"), choices=_choices(("posting", "event"), labels.KINDS, blank=False)
    )
    start_date = DateField(_l("Posted on"), validators=[Optional()])
    end_date = DateField(
        _l("Taken down on"),
        validators=[Optional()],
        description=_l("Leave empty while the ad is still running."),
    )
    event_date = DateField(_l("Event date"), validators=[Optional()])
    platform = StringField(
        _l("Where (site, newspaper, organisation)"), validators=[Optional(), Length(max=200)]
    )
    is_national = BooleanField(_l("National in scope (seen anywhere in Canada)"))
    target_groups = SelectMultipleField(
        _l("Under-represented groups targeted"),
        choices=_choices(TARGET_GROUPS, labels.TARGET_GROUPS, blank=False),
        validators=[Optional()],
    )
    reference = StringField(_l("Job number or link"), validators=[Optional(), Length(max=500)])
    direct_apply = BooleanField(_l("Job Bank Direct Apply enabled for the whole posting"))
    ad_title = StringField(_l("Title in the ad"), validators=[Optional(), Length(max=200)])
    ad_operating_name = StringField(
        _l("Business name in the ad"), validators=[Optional(), Length(max=200)]
    )
    ad_business_address = StringField(
        _l("Business address in the ad"), validators=[Optional(), Length(max=300)]
    )
    ad_work_location = StringField(
        _l("Work location in the ad"), validators=[Optional(), Length(max=300)]
    )
    ad_duties = TextAreaField(_l("Duties in the ad"), validators=[Optional(), Length(max=10000)])
    ad_terms = StringField(_l("Terms in the ad"), validators=[Optional(), Length(max=300)])
    ad_wage_min = _money(_l("Wage in the ad (or lowest of a range)"), required=False)
    ad_wage_max = _money(_l("Highest of the range (if a range)"), required=False)
    ad_wage_per = SelectField(
        _l("per"), choices=_choices(labels.WAGE_UNITS, labels.WAGE_UNITS, blank=False)
    )
    ad_benefits = TextAreaField(_l("Benefits in the ad"), validators=[Optional(), Length(max=5000)])
    ad_contact = StringField(_l("How to apply (contact)"), validators=[Optional(), Length(max=300)])
    ad_education = StringField(_l("Education in the ad"), validators=[Optional(), Length(max=300)])
    ad_experience = StringField(
        _l("Experience in the ad"), validators=[Optional(), Length(max=300)]
    )
    ad_languages = StringField(
        _l("Languages the ad requires"), validators=[Optional(), Length(max=200)]
    )
    ad_published_languages = SelectMultipleField(
        _l("Ad published in"),
        choices=options([("en", _l("English")), ("fr", _l("French"))]),
        validators=[Optional()],
    )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.kind.data == "posting":
            if not self.start_date.data:
                self.start_date.errors.append(_l("Enter the date the ad was posted."))
                valid = False
            elif self.end_date.data and self.end_date.data < self.start_date.data:
                self.end_date.errors.append(_l("The end date is before the start date."))
                valid = False
        elif not self.event_date.data:
            self.event_date.errors.append(_l("Enter the date of the event."))
            valid = False
        if (
            self.ad_wage_max.data is not None
            and self.ad_wage_min.data is not None
            and self.ad_wage_max.data < self.ad_wage_min.data
        ):
            self.ad_wage_max.errors.append(_l("The highest wage is below the lowest."))
            valid = False
        return valid


class ApplicantForm(FlaskForm):
    submission = submission_key_field()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    status = SelectField(
        _l("Status in Canada"),
        choices=_choices(APPLICANT_STATUSES, labels.APPLICANT_STATUSES),
        validators=[DataRequired(message=_l("Choose a status."))],
    )
    source_activity_id = SelectField(
        _l("Found the job through"),
        validate_choice=False,
        validators=[Optional(), Regexp(r"^\d{1,12}$", message=_l("Choose an activity."))],
    )
    channel = SelectField(
        _l("Applied by"), choices=_choices(CHANNELS, labels.CHANNELS), validators=[Optional()]
    )
    applied_on = DateField(
        _l("Applied on"), validators=[InputRequired(message=_l("Enter the date they applied."))]
    )
    resume_downloaded_on = DateField(
        _l("Résumé downloaded on (Direct Apply)"), validators=[Optional()]
    )
    interviewed_on = DateField(_l("Interviewed on"), validators=[Optional()])
    offered = BooleanField(_l("Offered the job"))
    hired = BooleanField(_l("Hired"))
    reason_code = SelectField(
        _l("Why not hired"),
        choices=_choices(REASON_CODES, labels.REASON_CODES),
        validators=[Optional()],
    )
    reason_detail = TextAreaField(
        _l("The reason in your words"), validators=[Optional(), Length(max=5000)]
    )
    # The version the applicant was loaded at: a save over someone else's is refused (409).
    version = HiddenField()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.reason_code.data == "other" and not (self.reason_detail.data or "").strip():
            self.reason_detail.errors.append(_l("Explain the reason when you choose 'other'."))
            valid = False
        problems = consistency.applicant_problems(
            self.applied_on.data,
            self.interviewed_on.data,
            self.offered.data,
            self.hired.data,
            self.resume_downloaded_on.data,
        )
        return _add_problems(self, problems) and valid


class JobMatchForm(FlaskForm):
    first_seen = DateField(
        _l("First seen on"),
        validators=[InputRequired(message=_l("Enter the date the match first appeared."))],
    )
    stars = IntegerField(_l("Stars"), validators=[InputRequired(), NumberRange(min=1, max=5)])
    invited_on = DateField(_l("Invited to apply on"), validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        problems = consistency.job_match_problems(self.first_seen.data, self.invited_on.data)
        return _add_problems(self, problems) and valid


class JobMatchModeForm(FlaskForm):
    mode = SelectField(
        _l("Job Match setting"),
        choices=options([("default", _l("Default")), ("strict", _l("Strict"))]),
    )


class ImportApplicantsForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        validators=[DataRequired(message=_l("Choose a CSV or XLSX file."))],
    )


class ImportCaseForm(FlaskForm):
    file = FileField(
        _l("Case file (lmia-case/1 JSON)"),
        validators=[DataRequired(message=_l("Choose a case file."))],
    )


class WaiverForm(FlaskForm):
    rule_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    subject = HiddenField(validators=[DataRequired(), Length(max=100)])
    reason = TextAreaField(
        _l("Why this finding is acceptable"), validators=[DataRequired(), Length(min=10, max=5000)]
    )


class MissedCaptureForm(FlaskForm):
    activity_id = SelectField(_l("Ad"), validators=[DataRequired(message=_l("Choose the ad."))])
    due_from = DateField(
        _l("First missing capture (due on)"),
        validators=[InputRequired(message=_l("Enter the date the first missing capture was due."))],
    )
    due_until = DateField(
        _l("Last missing capture (due on)"),
        validators=[Optional()],
        description=_l("Leave empty for one capture."),
    )
    reason = TextAreaField(
        _l("Why they are missing"),
        validators=[DataRequired(), Length(min=10, max=2000)],
        description=_l("e.g. I took over the file on 2026-05-04; earlier captures were not kept."),
    )
