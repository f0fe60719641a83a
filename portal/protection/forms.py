"""Forms of the worker-protection pages. Choices that depend on the employer (evidence files,
workers, third parties) are set by the view before validating, so a posted id of another
employer's row is not a valid choice."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.forms import DateField, SelectField, options, submission_key_field
from portal.models.protection import (
    CUSTODY_DOCUMENTS,
    CUSTODY_HOLDERS,
    PARTIES,
    PAYMENT_PURPOSES,
    PAYMENT_VIAS,
    THIRD_PARTY_ROLES,
)
from portal.protection.ledger_csv import parse_amount
from portal.protection.licensing import CICC_NUMBER
from portal.reference import PROVINCES

BLANK = ("", _l("Choose…"))
UNKNOWN = ("", _l("Not known"))

ROLES = {"recruiter": _l("Recruiter"), "representative": _l("Representative")}
PARTY_NAMES = {
    "employer": _l("The employer"),
    "owner": _l("An owner of the employer"),
    "worker": _l("The worker"),
    "worker_family": _l("The worker's family"),
    "recruiter": _l("A recruiter"),
    "representative": _l("A representative"),
    "government": _l("A government"),
    "other": _l("Someone else"),
}
PURPOSE_NAMES = {
    "recruitment_fee": _l("Recruitment fee"),
    "placement_fee": _l("Placement fee"),
    "lmia_fee": _l("LMIA fee"),
    "representative_fee": _l("Representative's fee"),
    "processing_fee": _l("Processing fee"),
    "job_offer": _l("Buying the job offer"),
    "travel": _l("Travel"),
    "health_insurance": _l("Health insurance"),
    "housing": _l("Housing"),
    "wages": _l("Wages"),
    "wages_returned": _l("Wages handed back"),
    "loan": _l("Loan"),
    "loan_repayment": _l("Loan repayment"),
    "training": _l("Training"),
    "statutory": _l("Statutory deduction (tax, CPP/QPP, EI)"),
    "other": _l("Other"),
    "utilities": _l("Utilities"),
    "meals": _l("Meals"),
    "government_agent": _l("Government agent (e.g. SAWP liaison)"),
}
VIA_NAMES = {
    "transfer": _l("Bank transfer"),
    "cash": _l("Cash"),
    "cheque": _l("Cheque"),
    "deduction": _l("Deduction from pay"),
    "card": _l("Card"),
    "other": _l("Other"),
}
DOCUMENT_NAMES = {
    "passport": _l("Passport"),
    "work_permit": _l("Work permit"),
    "other": _l("Other identity document"),
}
HOLDER_NAMES = {
    "employer": _l("The employer"),
    "owner": _l("An owner of the employer"),
    "recruiter": _l("A recruiter"),
    "other": _l("Someone else"),
}
YES_NO = [UNKNOWN, ("yes", _l("Yes")), ("no", _l("No"))]


def _pairs(values, names, blank=BLANK):
    return options(([blank] if blank else []) + [(value, names[value]) for value in values])


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def from_yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class ThirdPartyForm(FlaskForm):
    submission = submission_key_field()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=_pairs(THIRD_PARTY_ROLES, ROLES),
        validators=[DataRequired(message=_l("Choose recruiter or representative."))],
    )
    province = SelectField(
        _l("Province where it operates"),
        choices=options([BLANK] + sorted(PROVINCES.items(), key=lambda item: item[1])),
        default="",
        description=_l("Empty: the work province decides which licence it needs."),
    )
    paid = SelectField(_l("Paid by the employer"), choices=options(YES_NO), default="")
    licence_number = StringField(
        _l("Provincial recruiter licence number"), validators=[Optional(), Length(max=60)]
    )
    cicc_number = StringField(
        _l("CICC licence number"),
        validators=[Optional(), Length(max=20)],
        description=_l("An immigration consultant's number: R and 6 digits, e.g. R512345."),
    )
    law_society = StringField(
        _l("Law society (for a lawyer, paralegal or notary)"),
        validators=[Optional(), Length(max=200)],
    )
    contract_evidence_id = SelectField(
        _l("Contract on file"),
        choices=[],
        default="",
        description=_l("The signed contract, uploaded to the evidence locker."),
    )
    contract_forbids_worker_fees = SelectField(
        _l("The contract forbids charging the workers any fee"),
        choices=options(YES_NO),
        default="",
    )
    version = HiddenField()

    def validate_cicc_number(self, field):
        number = (field.data or "").strip().upper()
        if number and not CICC_NUMBER.match(number):
            raise ValidationError(_l("A CICC number is R followed by 6 digits, e.g. R512345."))
        field.data = number or None


class PaymentForm(FlaskForm):
    submission = submission_key_field()
    paid_on = DateField(_l("Date paid"), validators=[Optional()])
    payer = SelectField(
        _l("Paid by"),
        choices=_pairs(PARTIES, PARTY_NAMES),
        validators=[DataRequired(message=_l("Choose who paid."))],
    )
    payee = SelectField(
        _l("Paid to"),
        choices=_pairs(PARTIES, PARTY_NAMES),
        validators=[DataRequired(message=_l("Choose who was paid."))],
    )
    amount = StringField(
        _l("Amount (CAD)"),
        validators=[DataRequired(message=_l("Enter the amount."))],
        description=_l("Dollars and cents, e.g. 3000.00."),
        render_kw={"inputmode": "decimal"},
    )
    purpose = SelectField(
        _l("What for"),
        choices=_pairs(PAYMENT_PURPOSES, PURPOSE_NAMES),
        validators=[DataRequired(message=_l("Choose what the payment was for."))],
    )
    via = SelectField(
        _l("How"),
        choices=_pairs(PAYMENT_VIAS, VIA_NAMES, blank=UNKNOWN),
        default="",
        description=_l("A payroll deduction is a payment made by deduction from pay."),
    )
    worker_id = SelectField(_l("The worker it concerns"), choices=[], default="")
    third_party_id = SelectField(_l("The recruiter or representative"), choices=[], default="")
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def validate_amount(self, field):
        try:
            self.exact_amount: Decimal = parse_amount(field.data or "")
        except ValueError:
            raise ValidationError(
                _l("Enter dollars and cents, e.g. 3000.00 ($ and thousands commas are fine).")
            ) from None

    def validate_payee(self, field):
        if field.data and field.data != "other" and field.data == self.payer.data:
            raise ValidationError(_l("The payer and the payee are the same."))


class CustodyForm(FlaskForm):
    worker_id = SelectField(_l("Worker"), choices=[], default="")
    document = SelectField(
        _l("Document"),
        choices=_pairs(CUSTODY_DOCUMENTS, DOCUMENT_NAMES),
        validators=[DataRequired(message=_l("Choose the document."))],
    )
    held_by = SelectField(
        _l("Held by"),
        choices=_pairs(CUSTODY_HOLDERS, HOLDER_NAMES),
        validators=[DataRequired(message=_l("Choose who holds it."))],
    )
    since = DateField(_l("Held since"), validators=[Optional()])


class ImportLedgerForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet (CSV or XLSX)"),
        validators=[DataRequired(message=_l("Choose a CSV or XLSX file."))],
    )
