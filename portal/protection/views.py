"""The "Money & recruiters" pages: the employer's and each position's recruiters and
representatives (with what their record lacks), the position's money ledger (entered or imported
from CSV) and who holds which worker's documents, each record beside its fee and fraud findings.
"""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models import Position
from portal.models.protection import DocumentCustody, Payment, ThirdParty
from portal.protection import forms as protection_forms
from portal.protection import ledger_csv, licensing, services
from portal.protection.forms import (
    CustodyForm,
    ImportLedgerForm,
    PaymentForm,
    ThirdPartyForm,
    yes_no,
)
from portal.reference import PROVINCES
from portal.tenancy import current_employer, get_scoped_or_404, policy
from portal.web import as_of_date, create_once, first_submission, refuse_stale_edit

bp = Blueprint("protection", __name__, url_prefix="/employers/<int:employer_id>")
MONEY = "/positions/<int:position_id>/money"


def _names() -> dict:
    """Label dictionaries the templates show codes with."""
    return {
        "roles": protection_forms.ROLES,
        "parties": protection_forms.PARTY_NAMES,
        "purposes": protection_forms.PURPOSE_NAMES,
        "vias": protection_forms.VIA_NAMES,
        "documents": protection_forms.DOCUMENT_NAMES,
        "holders": protection_forms.HOLDER_NAMES,
        "provinces": PROVINCES,
    }


def _party_rows(parties, work_province):
    on = as_of_date()
    return [(party, services.hints(party, work_province, on)) for party in parties]


# --- The employer's own third parties ----------------------------------------------------------


@bp.get("/third-parties/")
@policy("view")
def third_parties(employer_id: int):
    return render_template(
        "protection/third_parties.html",
        employer=current_employer(),
        rows=_party_rows(services.employer_third_parties(), None),
        licensing=licensing.LICENSING,
        cicc_register=licensing.CICC_REGISTER,
        **_names(),
    )


def _third_party_page(form, party, position, status=200):
    on = as_of_date()
    hints = services.hints(party, position.province if position else None, on) if party else []
    return render_template(
        "protection/third_party_form.html",
        employer=current_employer(),
        form=form,
        party=party,
        position=position,
        hints=hints,
        contract=services.evidence_file(party.contract_evidence_id) if party else None,
        licensing=licensing.LICENSING,
        cicc_register=licensing.CICC_REGISTER,
        **_names(),
    ), status


def _prepare_third_party_form(form: ThirdPartyForm) -> None:
    form.contract_evidence_id.choices = services.evidence_choices(_("None on file"))


def _third_parties_url(employer_id: int, position_id: int | None) -> str:
    if position_id is None:
        return url_for("protection.third_parties", employer_id=employer_id)
    return url_for(
        "protection.position_third_parties", employer_id=employer_id, position_id=position_id
    )


def _save_third_party(form, party, position):
    """Validate and save; answer the page again with its errors (4xx) or redirect."""
    _prepare_third_party_form(form)
    if not form.validate():
        return _third_party_page(form, party, position, 422)
    position_id = position.id if position else None
    if party is None and not first_submission(form):
        flash(_("This form was sent twice; it is saved once."), "info")
        return redirect(_third_parties_url(current_employer().id, position_id))
    try:
        saved = services.save_third_party(
            party or ThirdParty(),
            form.data,
            employer_id=current_employer().id,
            position_id=position_id,
        )
        db.session.commit()
    except (services.StaleEdit, StaleDataError):
        db.session.rollback()
        party = get_scoped_or_404(ThirdParty, party.id)
        refuse_stale_edit(
            form,
            party,
            form.version.data,
            _("Someone else changed this record while you were editing."),
            current={
                "paid": yes_no(party.paid),
                "contract_forbids_worker_fees": yes_no(party.contract_forbids_worker_fees),
                "contract_evidence_id": str(party.contract_evidence_id or ""),
            },
        )
        return _third_party_page(form, party, position, 409)
    flash(_("%(name)s is saved.", name=saved.name), "success")
    return redirect(_third_parties_url(current_employer().id, saved.position_id))


@bp.route("/third-parties/new", methods=["GET", "POST"])
@policy("edit")
def add_third_party(employer_id: int):
    form = ThirdPartyForm()
    if request.method == "GET":
        _prepare_third_party_form(form)
        return _third_party_page(form, None, None)
    return _save_third_party(form, None, None)


@bp.route("/third-parties/<int:third_party_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit_third_party(employer_id: int, third_party_id: int):
    party = get_scoped_or_404(ThirdParty, third_party_id)
    position = get_scoped_or_404(Position, party.position_id) if party.position_id else None
    if request.method == "GET":
        form = ThirdPartyForm(obj=party)
        form.paid.data = yes_no(party.paid)
        form.contract_forbids_worker_fees.data = yes_no(party.contract_forbids_worker_fees)
        form.contract_evidence_id.data = str(party.contract_evidence_id or "")
        form.province.data = party.province or ""
        form.version.data = str(party.version)
        _prepare_third_party_form(form)
        return _third_party_page(form, party, position)
    return _save_third_party(ThirdPartyForm(), party, position)


@bp.post("/third-parties/<int:third_party_id>/delete")
@policy("edit")
def delete_third_party(employer_id: int, third_party_id: int):
    party = get_scoped_or_404(ThirdParty, third_party_id)
    position_id = party.position_id
    services.delete_third_party(party)
    db.session.commit()
    flash(_("The record is deleted; payments that named it keep their amounts."), "success")
    return redirect(_third_parties_url(employer_id, position_id))


# --- A position's money and recruiters -----------------------------------------------------------


def _position_context(position: Position) -> dict:
    return {
        "employer": current_employer(),
        "position": position,
        "findings": services.record_findings(position, as_of_date()),
        "confirm_form": ConfirmForm(formdata=None),
        **_names(),
    }


@bp.get(MONEY + "/")
@policy("view")
def ledger(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    payments = services.payments_of(position)
    return render_template(
        "protection/ledger.html",
        payments=payments,
        total=sum((p.amount for p in payments), start=0),
        **_position_context(position),
    )


@bp.get(MONEY + "/third-parties")
@policy("view")
def position_third_parties(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    return render_template(
        "protection/position_third_parties.html",
        employer_rows=_party_rows(services.employer_third_parties(), position.province),
        rows=_party_rows(services.position_third_parties(position), position.province),
        licensing=licensing.LICENSING,
        cicc_register=licensing.CICC_REGISTER,
        **_position_context(position),
    )


@bp.route(MONEY + "/third-parties/new", methods=["GET", "POST"])
@policy("edit")
def add_position_third_party(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = ThirdPartyForm()
    if request.method == "GET":
        form.province.data = position.province or ""
        _prepare_third_party_form(form)
        return _third_party_page(form, None, position)
    return _save_third_party(form, None, position)


# --- Payments ----------------------------------------------------------------------------------


def _prepare_payment_form(form: PaymentForm, position: Position) -> None:
    form.worker_id.choices = services.worker_choices(position, _("Not about one worker"))
    form.third_party_id.choices = services.third_party_choices(position, _("None"))


def _payment_page(form, position, payment, status=200):
    _prepare_payment_form(form, position)
    return render_template(
        "protection/payment_form.html",
        employer=current_employer(),
        position=position,
        payment=payment,
        form=form,
    ), status


def _ledger_url(employer_id: int, position_id: int) -> str:
    return url_for("protection.ledger", employer_id=employer_id, position_id=position_id)


def _save_payment(form, position, payment):
    _prepare_payment_form(form, position)
    if not form.validate():
        return _payment_page(form, position, payment, 422)

    def save():
        services.save_payment(position, payment or Payment(), form.data, form.exact_amount)
        db.session.commit()
        flash(_("The payment is saved."), "success")

    if payment is None:
        create_once(form, save)
    else:
        save()
    return redirect(_ledger_url(current_employer().id, position.id))


@bp.route(MONEY + "/payments/new", methods=["GET", "POST"])
@policy("edit")
def add_payment(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = PaymentForm()
    if request.method == "GET":
        return _payment_page(form, position, None)
    return _save_payment(form, position, None)


@bp.route(MONEY + "/payments/<int:payment_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit_payment(employer_id: int, position_id: int, payment_id: int):
    position = get_scoped_or_404(Position, position_id)
    payment = services.child_of(position, Payment, payment_id)
    if request.method == "GET":
        form = PaymentForm(obj=payment)
        form.amount.data = f"{payment.amount:.2f}"
        form.via.data = payment.via or ""
        form.worker_id.data = str(payment.worker_id or "")
        form.third_party_id.data = str(payment.third_party_id or "")
        return _payment_page(form, position, payment)
    return _save_payment(PaymentForm(), position, payment)


@bp.post(MONEY + "/payments/<int:payment_id>/delete")
@policy("edit")
def delete_payment(employer_id: int, position_id: int, payment_id: int):
    position = get_scoped_or_404(Position, position_id)
    db.session.delete(services.child_of(position, Payment, payment_id))
    db.session.commit()
    flash(_("The payment is deleted."), "success")
    return redirect(_ledger_url(employer_id, position_id))


@bp.get(MONEY + "/payments/template.csv")
@policy("view")
def ledger_template(employer_id: int, position_id: int):
    get_scoped_or_404(Position, position_id)
    return Response(
        ledger_csv.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=ledger-template.csv"},
    )


@bp.route(MONEY + "/payments/import", methods=["GET", "POST"])
@policy("edit")
def import_ledger(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = ImportLedgerForm()
    workers = services.workers_of(position)
    parties = services.case_third_parties(position)
    context = {
        "form": form,
        "position": position,
        "employer": current_employer(),
        "problems": [],
        "columns": ledger_csv.COLUMNS,
        "required": ledger_csv.REQUIRED,
        "code_lists": [
            ("payer", _("Paid by"), protection_forms.PARTY_NAMES),
            ("payee", _("Paid to"), protection_forms.PARTY_NAMES),
            ("purpose", _("What for"), protection_forms.PURPOSE_NAMES),
            ("via", _("How"), protection_forms.VIA_NAMES),
        ],
        "workers": workers,
        "parties": parties,
    }
    if request.method == "GET":
        return render_template("protection/import_ledger.html", **context)
    if not form.validate():
        return render_template("protection/import_ledger.html", **context), 422
    rows, problems = ledger_csv.parse_ledger(
        form.file.data.read(),
        [(w.id, w.name) for w in workers],
        [(p.id, p.name) for p in parties],
    )
    if problems:
        form.file.errors.append(_("Nothing was imported: fix the rows below and upload again."))
        context["problems"] = problems
        return render_template("protection/import_ledger.html", **context), 422
    services.import_ledger_rows(position, rows)
    db.session.commit()
    flash(_("%(count)d payments imported.", count=len(rows)), "success")
    return redirect(_ledger_url(employer_id, position_id))


# --- Document custody --------------------------------------------------------------------------


def _prepare_custody_form(form: CustodyForm, position: Position) -> None:
    form.worker_id.choices = services.worker_choices(position, _("Not recorded"))


def _custody_page(form, position, custody, status=200):
    _prepare_custody_form(form, position)
    return render_template(
        "protection/custody_form.html",
        employer=current_employer(),
        position=position,
        custody=custody,
        form=form,
    ), status


def _custody_url(employer_id: int, position_id: int) -> str:
    return url_for("protection.custody", employer_id=employer_id, position_id=position_id)


@bp.get(MONEY + "/custody")
@policy("view")
def custody(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    return render_template(
        "protection/custody.html", rows=services.custody_of(position), **_position_context(position)
    )


def _save_custody(form, position, custody):
    _prepare_custody_form(form, position)
    if not form.validate():
        return _custody_page(form, position, custody, 422)
    services.save_custody(position, custody or DocumentCustody(), form.data)
    db.session.commit()
    flash(_("Saved: who holds the document."), "success")
    return redirect(_custody_url(current_employer().id, position.id))


@bp.route(MONEY + "/custody/new", methods=["GET", "POST"])
@policy("edit")
def add_custody(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = CustodyForm()
    if request.method == "GET":
        return _custody_page(form, position, None)
    return _save_custody(form, position, None)


@bp.route(MONEY + "/custody/<int:custody_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit_custody(employer_id: int, position_id: int, custody_id: int):
    position = get_scoped_or_404(Position, position_id)
    row = services.child_of(position, DocumentCustody, custody_id)
    if request.method == "GET":
        form = CustodyForm(obj=row)
        form.worker_id.data = str(row.worker_id or "")
        return _custody_page(form, position, row)
    return _save_custody(CustodyForm(), position, row)


@bp.post(MONEY + "/custody/<int:custody_id>/delete")
@policy("edit")
def delete_custody(employer_id: int, position_id: int, custody_id: int):
    position = get_scoped_or_404(Position, position_id)
    db.session.delete(services.child_of(position, DocumentCustody, custody_id))
    db.session.commit()
    flash(_("The record is deleted."), "success")
    return redirect(_custody_url(employer_id, position_id))
