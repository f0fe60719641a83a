from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.forms import DateField, SelectField, options

CATEGORY_NAMES = {
    "ad_proof": _l("Ad proof (screenshot or PDF of the ad)"),
    "invoice": _l("Invoice or receipt for an ad"),
    "job_match_record": _l("Job Match invitation record"),
    "resume": _l("Résumé"),
    "interview_notes": _l("Interview notes"),
    "business_document": _l("Business document"),
    "signed_offer": _l("Signed job offer"),
    "other": _l("Other"),
}


class UploadForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[DataRequired(message=_l("Choose a file."))],
        description=_l("PDF, PNG, JPEG, DOCX or TXT, up to 20 MB."),
    )
    category = SelectField(_l("What it is"), choices=options(CATEGORY_NAMES.items()))
    attach_to = SelectField(
        _l("What it proves"),
        validate_choice=False,
        validators=[
            DataRequired(),
            Regexp(
                r"^(position|employer|activity-\d{1,12}|applicant-\d{1,12})$",
                message=_l("Choose from the list."),
            ),
        ],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    evidence_date = DateField(_l("Date the evidence shows"), validators=[Optional()])
    is_snapshot = BooleanField(_l("This is a capture of the ad as it appears online today"))
    # A signed employment agreement names its worker (the worker page posts it).
    worker_id = SelectField(
        _l("Worker (for a signed agreement)"),
        validate_choice=False,
        validators=[
            Optional(),
            Regexp(r"^\d{1,12}$", message=_l("Choose a worker from the list.")),
        ],
    )
    replaces = SelectField(
        _l("It replaces"),
        validate_choice=False,
        validators=[Optional(), Regexp(r"^\d{1,12}$", message=_l("Choose a file from the list."))],
        description=_l("The replaced file is archived and its change requests are closed."),
    )


class ReviewForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=options([("accepted", _l("Accepted")), ("changes_requested", _l("Needs changes"))]),
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


class FindingReviewForm(FlaskForm):
    rule_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    subject = HiddenField(validators=[DataRequired(), Length(max=100)])
    decision = SelectField(
        _l("Decision"),
        choices=options([("accepted", _l("Accepted")), ("changes_requested", _l("Needs changes"))]),
    )
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=5000)])


class SignOffForm(FlaskForm):
    note = TextAreaField(_l("Note for the file"), validators=[Optional(), Length(max=5000)])
    # Asked only when errors, files or requests are open (portal/open_items.py decides).
    confirm_open = BooleanField(_l("I sign off although these items are open"))
    confirmation_reason = TextAreaField(
        _l("Why you sign off with these items open (kept on record)"),
        validators=[Optional(), Length(max=2000)],
    )
    # The open items the page showed: a confirmation covers those, not later ones.
    open_fingerprint = HiddenField(validators=[Optional(), Length(max=64)])


def _plausible_first_day(form, field) -> None:
    # Retention runs 6 years from this day: a year like 9999 would overflow the calendar.
    if field.data is not None and not date(2000, 1, 1) <= field.data <= date(2099, 12, 31):
        raise ValidationError(_l("Enter a date between 2000 and 2099."))


class RetentionForm(FlaskForm):
    first_work_day = DateField(
        _l("Worker's first day of work"), validators=[Optional(), _plausible_first_day]
    )
    legal_hold = BooleanField(_l("Legal hold (keep everything, whatever the date)"))


class FindingCommentForm(FlaskForm):
    rule_id = HiddenField(validators=[DataRequired(), Length(max=40)])
    subject = HiddenField(validators=[DataRequired(), Length(max=100)])
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


# A bundle's index language, named in itself (as the header's language switch names them).
BUNDLE_LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


class BundleForm(FlaskForm):
    """The filing bundle's button: the index's language (offered languages only), the page's
    language by default."""

    language = SelectField(_l("Index in"))

    def __init__(self, *args, **kwargs):
        from portal.auth.locales import offered_locales, page_language

        super().__init__(*args, **kwargs)
        offered = [code.split("_")[0] for code in offered_locales()]
        self.language.choices = options(
            (code, BUNDLE_LANGUAGE_NAMES.get(code, code)) for code in offered
        )
        if not self.language.raw_data:  # nothing sent (one language offered): the page's
            self.language.data = page_language()


def bundle_form() -> BundleForm:
    """The form drawn under the bundle's button (a template global)."""
    return BundleForm(formdata=None)
