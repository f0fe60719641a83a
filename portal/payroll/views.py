"""A worker's payroll: its pay periods with the checks against the issued offer, the import of a
payroll file (CSV or XLSX), its template, and one period's form."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models import PayrollPeriod, Position
from portal.offers import services as offer_services
from portal.payroll import services
from portal.payroll.forms import ImportPayrollForm, PeriodForm
from portal.positions import labels
from portal.protection.forms import PURPOSE_NAMES
from portal.road import payroll as payroll_file
from portal.tenancy import current_employer, get_scoped_or_404, policy
from portal.web import as_of_date

URL_PREFIX = "/employers/<int:employer_id>/positions/<int:position_id>/workers/<int:worker_id>"
bp = Blueprint("payroll", __name__, url_prefix=URL_PREFIX + "/payroll")


def _load(position_id: int, worker_id: int):
    position = get_scoped_or_404(Position, position_id)
    return position, offer_services.worker_of(position, worker_id)


def _payroll_url(employer_id: int, position_id: int, worker_id: int) -> str:
    return url_for(
        "payroll.worker", employer_id=employer_id, position_id=position_id, worker_id=worker_id
    )


def _context(position, worker) -> dict:
    return {
        "employer": current_employer(),
        "position": position,
        "worker": worker,
        "purposes": PURPOSE_NAMES,
    }


@bp.get("/")
@policy("view")
def worker(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    as_of = as_of_date()
    return render_template(
        "payroll/worker.html",
        payroll=services.payroll_of(position, worker, as_of),
        as_of=as_of,
        wage_units=labels.WAGE_UNITS,
        severities=labels.SEVERITIES,
        confirm_form=ConfirmForm(formdata=None),
        **_context(position, worker),
    )


@bp.get("/template.csv")
@policy("view")
def template(employer_id: int, position_id: int, worker_id: int):
    _load(position_id, worker_id)
    return Response(
        payroll_file.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=payroll-template.csv"},
    )


@bp.route("/import", methods=["GET", "POST"])
@policy("edit")
def import_file(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    form = ImportPayrollForm()
    context = {
        "form": form,
        "problems": [],
        "columns": payroll_file.BASE_COLUMNS,
        "required": payroll_file.REQUIRED,
        "deduction_columns": payroll_file.DEDUCTION_COLUMNS,
        **_context(position, worker),
    }
    if request.method == "GET":
        return render_template("payroll/import.html", **context)
    if not form.validate():
        return render_template("payroll/import.html", **context), 422
    periods, problems, kind = payroll_file.parse_payroll(
        form.file.data.read(), services.saved_spans(worker)
    )
    if problems:
        form.file.errors.append(_("Nothing was imported: fix the rows below and upload again."))
        context["problems"] = problems
        return render_template("payroll/import.html", **context), 422
    count = services.import_periods(position, worker, periods, kind)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone saved a period with the same start meanwhile: nothing of the file is kept.
        db.session.rollback()
        form.file.errors.append(
            _("A period was saved meanwhile with the same start: nothing was imported, try again.")
        )
        return render_template("payroll/import.html", **context), 409
    flash(_("%(count)d pay periods imported.", count=count), "success")
    return redirect(_payroll_url(employer_id, position_id, worker_id))


def _period_page(form, position, worker, period, status=200):
    return render_template(
        "payroll/period_form.html", form=form, period=period, **_context(position, worker)
    ), status


def _save(form, position, worker, period):
    if "add_deduction" in request.form:
        # No script needed: the button posts the form back with one more blank row.
        form.deductions.append_entry()
        return _period_page(form, position, worker, period)
    if not form.validate():
        return _period_page(form, position, worker, period, 422)
    data = form.period()
    problems = services.form_problems(
        worker,
        period.id if period else None,
        data.period_start,
        data.period_end,
        data.hours,
        data.gross,
        data.deductions,
    )
    if problems:
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        return _period_page(form, position, worker, period, 422)
    services.save_period(position, worker, period or PayrollPeriod(), data)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.period_start.errors = [_("A period with this start was saved meanwhile.")]
        return _period_page(form, position, worker, period, 409)
    flash(_("The pay period is saved."), "success")
    return redirect(_payroll_url(current_employer().id, position.id, worker.id))


@bp.route("/new", methods=["GET", "POST"])
@policy("edit")
def add_period(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    form = PeriodForm()
    if request.method == "GET":
        form.deductions.append_entry({"purpose": "statutory"})
        form.deductions.append_entry()
        return _period_page(form, position, worker, None)
    return _save(form, position, worker, None)


@bp.route("/<int:period_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit_period(employer_id: int, position_id: int, worker_id: int, period_id: int):
    position, worker = _load(position_id, worker_id)
    period = services.period_of(worker, period_id)
    if request.method == "GET":
        form = PeriodForm(
            data={
                "period_start": period.period_start,
                "period_end": period.period_end,
                "paid_on": period.paid_on,
                "hours": f"{period.hours:.2f}",
                "gross": f"{period.gross:.2f}",
                "deductions": [
                    {"purpose": d["purpose"], "amount": d["amount"], "note": d.get("note") or ""}
                    for d in period.deductions or ()
                ],
            }
        )
        form.deductions.append_entry()
        return _period_page(form, position, worker, period)
    return _save(PeriodForm(), position, worker, period)


@bp.post("/<int:period_id>/delete")
@policy("edit")
def delete_period(employer_id: int, position_id: int, worker_id: int, period_id: int):
    _position, worker = _load(position_id, worker_id)
    services.delete_period(services.period_of(worker, period_id))
    db.session.commit()
    flash(_("The pay period is deleted."), "success")
    return redirect(_payroll_url(employer_id, position_id, worker_id))
