"""The "Workers & offers" pages of a position: its named workers, each worker's offer terms,
the checks on them, the letter's preview, its versions, issuing and signatures."""

import dataclasses
import logging
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.edits import is_stale
from portal.evidence import bundles
from portal.evidence.forms import UploadForm
from portal.evidence.services import forget_stored
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models import Position, Worker
from portal.offers import services
from portal.offers.forms import (
    DEDUCTION_PURPOSES,
    EMPLOYER_PAID,
    LANGUAGES,
    PAY_FREQUENCIES,
    OfferForm,
    OfferWaiverForm,
    SignaturesForm,
    WorkerForm,
)
from portal.positions import compliance, labels
from portal.positions import services as position_services
from portal.queue import enqueue
from portal.tenancy import current_employer, get_scoped_or_404, identity_number, policy
from portal.web import as_of_date, create_once, refuse_stale_edit

URL_PREFIX = "/employers/<int:employer_id>/positions/<int:position_id>/workers"
bp = Blueprint("offers", __name__, url_prefix=URL_PREFIX)

log = logging.getLogger("portal.offers")


def _ui_language() -> str:
    locale = get_locale()
    return "fr" if locale is not None and locale.language == "fr" else "en"


def _worker_url(employer_id: int, position_id: int, worker_id: int, **extra) -> str:
    return url_for(
        "offers.worker",
        employer_id=employer_id,
        position_id=position_id,
        worker_id=worker_id,
        **extra,
    )


def _load(position_id: int, worker_id: int | None = None):
    position = get_scoped_or_404(Position, position_id)
    if worker_id is None:
        return position, None
    return position, services.worker_of(position, worker_id)


# --- Workers ---------------------------------------------------------------------------------


@bp.get("/")
@policy("view")
def workers(employer_id: int, position_id: int):
    position, _none = _load(position_id)
    case = compliance.case_of(position) if position.workers else None
    rows = []
    for worker in position.workers:
        status, version = services.offer_status(position, worker, case=case)
        rows.append((worker, status, version))
    return render_template(
        "offers/workers.html",
        employer=current_employer(),
        position=position,
        rows=rows,
        can_add=services.can_add_worker(position),
        languages=LANGUAGES,
    )


def _worker_form_page(form, position, worker, status=200):
    return render_template(
        "offers/worker_form.html",
        employer=current_employer(),
        position=position,
        worker=worker,
        form=form,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@policy("edit")
def add_worker(employer_id: int, position_id: int):
    position, _none = _load(position_id)
    if not services.can_add_worker(position):
        flash(
            _(
                "This position is approved for %(n)d workers and names %(n)d already: change the "
                "number of workers on the position, or remove a worker first.",
                n=position.positions,
            ),
            "error",
        )
        if request.method == "GET":
            return redirect(
                url_for("offers.workers", employer_id=employer_id, position_id=position_id)
            )
    form = WorkerForm()
    form.quebec = position.province == "QC"
    if request.method == "GET":
        form.language.data = "fr" if form.quebec else "en"
        return _worker_form_page(form, position, None)
    if not services.can_add_worker(position):
        return _worker_form_page(form, position, None, 409)
    if not form.validate():
        return _worker_form_page(form, position, None, 422)
    saved = []

    def save():
        saved.append(services.save_worker(position, Worker(), form.data))
        db.session.commit()
        flash(_("The worker is saved. Next: check the offer terms."), "success")

    if not create_once(form, save):
        return redirect(url_for("offers.workers", employer_id=employer_id, position_id=position_id))
    return redirect(_worker_url(employer_id, position_id, saved[0].id))


@bp.route("/<int:worker_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit_worker(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    form = WorkerForm(obj=worker)
    form.quebec = position.province == "QC"
    if request.method == "GET":
        form.language.data = worker.language or ("fr" if form.quebec else "en")
        return _worker_form_page(form, position, worker)
    if not form.validate():
        return _worker_form_page(form, position, worker, 422)
    services.save_worker(position, worker, form.data)
    db.session.commit()
    flash(_("The worker is saved."), "success")
    return redirect(_worker_url(employer_id, position_id, worker.id))


@bp.post("/<int:worker_id>/delete")
@policy("edit")
def delete_worker(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    try:
        keys = services.delete_worker(worker)
    except services.DeleteRefused as refused:
        if refused.reason == "payroll":
            message = _(
                "%(name)s has pay periods recorded, kept as evidence: "
                "the worker cannot be deleted.",
                name=worker.name,
            )
        elif refused.reason == "answered_attestation":
            message = _(
                "%(name)s has answered an attestation, kept as evidence: "
                "the worker cannot be deleted.",
                name=worker.name,
            )
        else:
            message = _(
                "%(name)s has an issued offer, kept as evidence: the worker cannot be deleted.",
                name=worker.name,
            )
        flash(message, "error")
        return _worker_page(position, worker, status=409)
    db.session.commit()
    for key in keys:
        forget_stored(key)
    flash(_("The worker is deleted."), "success")
    return redirect(url_for("offers.workers", employer_id=employer_id, position_id=position_id))


# --- The worker's page -----------------------------------------------------------------------


def _preview_language(worker: Worker) -> str:
    chosen = request.args.get("lang", "")
    if chosen and chosen not in LANGUAGES:
        abort(400, description=_("lang: en or fr."))
    return chosen or worker.language or (worker.offer or {}).get("language") or "en"


def _history(versions, language: str) -> list[tuple]:
    """Each version with what changed from the one before, in words."""
    rows = []
    previous = None
    for version in versions:
        changes = services.changes_between(previous, version.inputs, language) if previous else None
        rows.append((version, changes))
        previous = version
    return list(reversed(rows))


def _signed(offer: dict) -> dict:
    """Each side's recorded signature: (name as typed, date), or None."""
    signed = {}
    for side in ("employer", "worker"):
        on = offer.get(f"signed_by_{side}_on")
        signed[side] = (offer.get(f"signed_by_{side}_name"), date.fromisoformat(on)) if on else None
    return signed


def _worker_page(
    position, worker, *, status=200, signatures_form=None, waiver_form=None, issue_problem=None
):
    as_of = as_of_date()
    report = compliance.check(position, as_of)
    findings = services.worker_findings(position, worker, as_of, report)
    blocking = services.blocking_errors(position, worker, as_of, report)
    language = _preview_language(worker)
    case = compliance.case_of(position)
    # A worker imported without an offer has no letter yet: the offer form writes one.
    preview = own_language = None
    if worker.offer:
        preview = services.current_inputs(position, worker, language, case=case)
        own_language = services.current_inputs(position, worker, case=case)
        # The preview is a page: a viewer sees the identity numbers masked (the generated
        # letter, the filing document, states them as they are).
        preview = dataclasses.replace(
            preview,
            lmia_number=identity_number(preview.lmia_number),
            employer_portal_offer_number=identity_number(preview.employer_portal_offer_number),
        )
    versions = services.versions_overview(position, worker, case, own_language, _ui_language())
    signatures_form = signatures_form or SignaturesForm(formdata=None)
    if signatures_form.employer_name.data is None and not signatures_form.errors:
        offer = worker.offer or {}
        signatures_form.employer_name.data = offer.get("signed_by_employer_name")
        signatures_form.worker_name.data = offer.get("signed_by_worker_name") or worker.name
        for side in ("employer", "worker"):
            value = offer.get(f"signed_by_{side}_on")
            if value:
                signatures_form[f"{side}_on"].data = date.fromisoformat(value)
    upload_form = UploadForm(formdata=None)
    return render_template(
        "offers/worker.html",
        employer=current_employer(),
        position=position,
        worker=worker,
        index=services.worker_index(position, worker),
        findings=findings,
        blocking=blocking,
        preview=preview,
        draft=bool(blocking),
        preview_language=language,
        languages=LANGUAGES,
        latest=versions.latest,
        latest_is_current=versions.latest_is_current,
        issued=versions.issued,
        keeps_evidence=services.keeps_evidence(worker),
        out_of_date=versions.out_of_date,
        history=_history(worker.versions, _ui_language()),
        signatures_form=signatures_form,
        signed_copies=services.signed_copies(worker),
        upload_form=upload_form,
        waiver_form=waiver_form or OfferWaiverForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        issue_problem=issue_problem,
        labels=labels,
        offer=worker.offer or {},
        signed=_signed(worker.offer or {}),
        pay_frequencies=PAY_FREQUENCIES,
        employer_paid_names=EMPLOYER_PAID,
        purpose_names=DEDUCTION_PURPOSES,
    ), status


@bp.get("/<int:worker_id>/")
@policy("view")
def worker(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    return _worker_page(position, worker)


# --- Offer terms -----------------------------------------------------------------------------


def _offer_page(form, position, worker, status=200):
    return render_template(
        "offers/offer_form.html",
        employer=current_employer(),
        position=position,
        worker=worker,
        form=form,
    ), status


@bp.route("/<int:worker_id>/offer", methods=["GET", "POST"])
@policy("edit")
def offer_terms(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    if request.method == "GET":
        # An offer not written yet (a worker imported without one) starts from the position.
        offer = worker.offer or services.prefilled_offer(position, worker)
        form = OfferForm(data=services.offer_fields(worker, offer))
        form.version.data = str(worker.version)
        form.deductions.append_entry()  # a blank row to add one
        return _offer_page(form, position, worker)
    form = OfferForm()
    if "add_deduction" in request.form:
        # No script needed: the button posts the form back with one more blank row.
        form.deductions.append_entry()
        return _offer_page(form, position, worker)
    if not form.validate():
        return _offer_page(form, position, worker, 422)
    try:
        if is_stale(worker, form.version.data):
            raise StaleDataError()
        base = None if worker.offer else services.prefilled_offer(position, worker)
        services.save_offer(worker, form.data, form.kept_deductions(), base)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        worker = services.worker_of(position, worker_id)
        refuse_stale_edit(
            form,
            worker,
            form.version.data,
            _("Someone else changed this offer while you were editing."),
            current=services.offer_fields(worker, worker.offer or {}),
            aliases=services.OFFER_FIELD_OF_TERM,
        )
        return _offer_page(form, position, worker, 409)
    flash(_("The offer terms are saved."), "success")
    return redirect(_worker_url(employer_id, position_id, worker_id))


# --- Versions --------------------------------------------------------------------------------


@bp.post("/<int:worker_id>/versions")
@policy("edit")
def generate(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    if not worker.offer:
        flash(_("Write the offer terms first: there is no offer to generate."), "error")
        return _worker_page(position, worker, status=409)
    if current_app.config.get("REDIS_URL"):  # a worker renders it (portal.offers.jobs)
        return _queue_generation(position, worker)
    generated = services.generate(position, worker, current_user.id, as_of_date())
    try:
        db.session.commit()
    except IntegrityError:
        # Someone generated the same number at the same moment: theirs stands.
        db.session.rollback()
        for key in generated.stored_keys:
            forget_stored(key)
        flash(_("Another version was generated at the same moment; here it is."), "warning")
        return redirect(_worker_url(employer_id, position_id, worker_id, _anchor="versions"))
    except Exception:
        db.session.rollback()
        for key in generated.stored_keys:
            forget_stored(key)
        raise
    version = generated.version
    if not generated.new:
        flash(_("Version %(n)d already states these terms.", n=version.number), "warning")
    elif version.is_draft:
        flash(
            _(
                "Version %(n)d is generated. It says DRAFT on every page: errors stand.",
                n=version.number,
            ),
            "warning",
        )
    else:
        flash(_("Version %(n)d is generated.", n=version.number), "success")
    return redirect(_worker_url(employer_id, position_id, worker_id, _anchor="versions"))


def _queue_generation(position: Position, worker: Worker):
    arguments = {
        "position_id": position.id,
        "worker_id": worker.id,
        "user_id": current_user.id,
        "as_of": as_of_date().isoformat(),
    }
    try:
        enqueue("offers.render", **arguments)
    except Exception:  # noqa: BLE001 - Redis unreachable: say so, nothing was saved
        log.exception("offer letter of worker %s could not be queued", worker.id)
        flash(_("The letter could not be queued for generation; try again."), "error")
        return _worker_page(position, worker, status=503)
    flash(
        _("The letter is being generated; the new version appears below in a few seconds."),
        "success",
    )
    return redirect(_worker_url(position.employer_id, position.id, worker.id, _anchor="versions"))


@bp.post("/<int:worker_id>/versions/<int:version_id>/issue")
@policy("edit")
def issue(employer_id: int, position_id: int, worker_id: int, version_id: int):
    position, worker = _load(position_id, worker_id)
    version = services.version_of(worker, version_id)
    try:
        services.issue(version, current_user.id, as_of_date())
    except services.IssueRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _worker_page(position, worker, status=409, issue_problem=str(refusal))
    db.session.commit()
    flash(_("Version %(n)d is issued and frozen.", n=version.number), "success")
    return redirect(_worker_url(employer_id, position_id, worker_id, _anchor="versions"))


def _download(worker, version, kind: str):
    key, content_type = {
        "pdf": (version.pdf_key, services.PDF_TYPE),
        "docx": (version.docx_key, services.DOCX_TYPE),
    }[kind]
    # A name made of ids only: nothing a user typed goes into the header.
    filename = f"offer-worker-{worker.id}-v{version.number}-{version.language}.{kind}"
    return bundles.attachment(services.stream_of(key), content_type, filename)


@bp.get("/<int:worker_id>/versions/<int:version_id>/offer.pdf")
@policy("view")
def download_pdf(employer_id: int, position_id: int, worker_id: int, version_id: int):
    _position, worker = _load(position_id, worker_id)
    return _download(worker, services.version_of(worker, version_id), "pdf")


@bp.get("/<int:worker_id>/versions/<int:version_id>/offer.docx")
@policy("view")
def download_docx(employer_id: int, position_id: int, worker_id: int, version_id: int):
    _position, worker = _load(position_id, worker_id)
    return _download(worker, services.version_of(worker, version_id), "docx")


# --- Signatures and waivers ------------------------------------------------------------------


@bp.post("/<int:worker_id>/signatures")
@policy("edit")
def record_signatures(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    issued = services.issued_version(worker)
    form = SignaturesForm()
    if issued is None:
        form.employer_name.errors = [_("Issue a version first: signatures come after issuing.")]
        return _worker_page(position, worker, status=409, signatures_form=form)
    form.issued_on = issued.issued_at.date()
    if not form.validate():
        return _worker_page(position, worker, status=422, signatures_form=form)
    services.record_signatures(worker, form.data)
    db.session.commit()
    flash(_("The signatures are recorded."), "success")
    return redirect(_worker_url(employer_id, position_id, worker_id, _anchor="signatures"))


@bp.post("/<int:worker_id>/waivers")
@policy("review")
def waive(employer_id: int, position_id: int, worker_id: int):
    position, worker = _load(position_id, worker_id)
    form = OfferWaiverForm()
    findings = services.worker_findings(position, worker, as_of_date())
    known = {(item.finding.rule, item.finding.subject) for item in findings}
    problem = None
    if not form.validate():
        problem = _("A waiver needs a reason of at least 10 characters.")
    elif (form.rule_id.data, form.subject.data) not in known:
        problem = _("There is no such finding to waive; reload the page and try again.")
    if problem:
        form.reason.errors = [problem]
        flash(problem, "error")
        return _worker_page(position, worker, status=422, waiver_form=form)
    position_services.waive(
        position, form.rule_id.data, form.subject.data, form.reason.data, current_user.id
    )
    db.session.commit()
    flash(
        _("The finding %(rule)s is waived, with your reason on record.", rule=form.rule_id.data),
        "success",
    )
    return redirect(_worker_url(employer_id, position_id, worker_id, _anchor="checks"))
