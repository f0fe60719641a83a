"""The pay-period form (deductions as purpose + amount rows) and the import form."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.forms import DateField, SelectField, options
from portal.limits import AS_OF_FIRST, AS_OF_LAST
from portal.models.protection import PAYMENT_PURPOSES
from portal.protection.forms import PURPOSE_NAMES
from portal.protection.ledger_csv import parse_amount
from portal.road.payroll import PayDeduction, PayPeriod, parse_hours

BLANK = ("", _l("Choose…"))
# Statutory first: the deduction every payroll has.
_ORDER = ["statutory"] + [p for p in PAYMENT_PURPOSES if p != "statutory"]


def _in_range(form, field):
    if field.data is not None and not AS_OF_FIRST <= field.data <= AS_OF_LAST:
        raise ValidationError(
            _l("Enter a date from %(first)s to %(last)s.", first=AS_OF_FIRST, last=AS_OF_LAST)
        )


def _amount(form, field):
    if not (field.data or "").strip():
        return
    try:
        field.exact = parse_amount(field.data)
    except ValueError:
        raise ValidationError(
            _l("Enter dollars and cents, e.g. 1400.00 ($ and thousands commas are fine).")
        ) from None


class DeductionRow(Form):
    purpose = SelectField(
        _l("Deduction for"),
        choices=options([BLANK] + [(p, PURPOSE_NAMES[p]) for p in _ORDER]),
        validators=[Optional()],
    )
    amount = StringField(
        _l("Amount"), validators=[Optional(), _amount], render_kw={"inputmode": "decimal"}
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    remove = BooleanField(_l("Remove"))

    @property
    def blank(self) -> bool:
        return not self.purpose.data and not (self.amount.data or "").strip()


class PeriodForm(FlaskForm):
    period_start = DateField(
        _l("Period from"), validators=[DataRequired(_l("Enter the first day.")), _in_range]
    )
    period_end = DateField(
        _l("Period to"), validators=[DataRequired(_l("Enter the last day.")), _in_range]
    )
    paid_on = DateField(_l("Paid on"), validators=[Optional(), _in_range])
    hours = StringField(
        _l("Hours paid"),
        validators=[DataRequired(_l("Enter the hours paid."))],
        description=_l("Regular and overtime hours together, e.g. 80 or 86.67."),
        render_kw={"inputmode": "decimal"},
    )
    gross = StringField(
        _l("Gross pay (CAD)"),
        validators=[DataRequired(_l("Enter the gross pay.")), _amount],
        description=_l("Before deductions, e.g. 1400.00."),
        render_kw={"inputmode": "decimal"},
    )
    deductions = FieldList(FormField(DeductionRow), min_entries=0, max_entries=30)

    def validate_hours(self, field):
        try:
            self.exact_hours: Decimal = parse_hours(field.data or "")
        except ValueError:
            raise ValidationError(
                _l("Enter hours as a number with at most 2 decimals, e.g. 80.5.")
            ) from None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for row in self.deductions:
            if row.remove.data or row.blank:
                continue
            if not row.purpose.data:
                row.purpose.errors = [*row.purpose.errors, _l("Choose what it is for.")]
                valid = False
            if not (row.amount.data or "").strip() and not row.amount.errors:
                row.amount.errors = [*row.amount.errors, _l("Enter the amount.")]
                valid = False
        return valid

    @property
    def errors(self):
        errors = dict(super().errors)
        if "deductions" in errors:
            errors["deductions"] = [str(_l("Check the deduction rows below."))]
        return errors

    def kept_deductions(self) -> list[PayDeduction]:
        kept = []
        for row in self.deductions:
            if row.remove.data or row.blank:
                continue
            amount = row.amount.exact
            if amount:
                kept.append(
                    PayDeduction(row.purpose.data, amount, (row.note.data or "").strip() or None)
                )
        return kept

    def period(self) -> PayPeriod:
        return PayPeriod(
            period_start=self.period_start.data,
            period_end=self.period_end.data,
            paid_on=self.paid_on.data,
            hours=self.exact_hours,
            gross=self.gross.exact,
            deductions=tuple(self.kept_deductions()),
        )


class ImportPayrollForm(FlaskForm):
    file = FileField(
        _l("Payroll file (CSV or XLSX)"),
        validators=[DataRequired(message=_l("Choose a CSV or XLSX file."))],
    )
