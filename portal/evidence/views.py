from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from portal import open_items, reviews
from portal.evidence import bp, bundles, services
from portal.evidence.forms import (
    CATEGORY_NAMES,
    BundleForm,
    CommentForm,
    FindingCommentForm,
    FindingReviewForm,
    RetentionForm,
    ReviewForm,
    SignOffForm,
    UploadForm,
)
from portal.extensions import db
from portal.forms import ConfirmForm, options
from portal.models import BundleJob, Position
from portal.offers import services as offer_services
from portal.positions import compliance
from portal.positions.services import applicants_of, child_of
from portal.recruitment.evidence_checklist import checklist, due_now_and_missed, snapshots_due
from portal.tenancy import can, current_employer, get_scoped_or_404, policy


def _targets(position: Position):
    pairs = [
        ("position", _("The position as a whole")),
        ("employer", _("The employer (shared by all its positions)")),
    ]
    pairs += [
        (f"activity-{a.id}", f"{a.case_key} · {a.platform or a.method}")
        for a in position.activities
    ]
    pairs += [
        (f"applicant-{a.id}", _("Applicant: %(name)s", name=a.name))
        for a in applicants_of(position)
    ]
    return options(pairs)


def _workers(position: Position):
    pairs = [("", _("None"))]
    pairs += [(str(w.id), w.name or f"#{w.id}") for w in position.workers]
    return options(pairs)


def _replaceable(position: Position, evidence=None):
    """The files an upload may replace; ``evidence``: the position's files when already read."""
    pairs = [("", _("Nothing (a new piece of evidence)"))]
    if evidence is None:
        evidence = services.evidence_of(position)
    pairs += [(str(e.id), f"#{e.id} · {e.original_filename}") for e in evidence]
    return options(pairs)


# A file over EVIDENCE_MAX_BYTES is refused by the upload view itself (413), on a form that keeps
# what was typed; werkzeug cuts off only a body past this many times that limit, unread.
UPLOAD_BODY_FACTOR = 2


def _upload_body_limit():
    if request.endpoint == "evidence.upload":
        hard = UPLOAD_BODY_FACTOR * current_app.config["EVIDENCE_MAX_BYTES"] + 64 * 1024
        request.max_content_length = max(hard, current_app.config["MAX_CONTENT_LENGTH"] or 0)


@bp.record_once
def _raise_upload_body_limit(state):
    # First of the app's hooks: CSRFProtect's hook reads the form, so the limit must be set before.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_body_limit)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """A body over even the upload route's limit: say so on the file field (nothing was read)."""
    position = get_scoped_or_404(Position, request.view_args["position_id"])
    form = _with_choices(UploadForm(formdata=None), position)
    limit_mb = current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024)
    form.file.errors = [
        _("The file is larger than %(mb)d MB.", mb=limit_mb),
        _("It was too large to read at all, so fill in the other fields again."),
    ]
    return _upload_page(position, form, 413)


def _with_choices(form: UploadForm, position: Position) -> UploadForm:
    form.attach_to.choices = _targets(position)
    form.replaces.choices = _replaceable(position)
    form.worker_id.choices = _workers(position)
    return form


def _preset(form: UploadForm) -> UploadForm:
    """Choose in advance what the link says (a checklist item's "Add the proof"), each value
    only where it is one of its field's choices."""
    for chosen, value in (
        (form.category, request.args.get("category")),
        (form.attach_to, request.args.get("attach_to")),
        (form.worker_id, request.args.get("worker_id")),
    ):
        if value and value in {choice.value for choice in chosen.choices}:
            chosen.data = value
    form.is_snapshot.data = request.args.get("is_snapshot") == "1"
    return form


def _upload_page(position: Position, form: UploadForm, status: int = 200):
    """The "Add a file" page; a refused upload comes back on it with what was typed."""
    return render_template(
        "evidence/new.html", employer=current_employer(), position=position, form=form
    ), status


def _locker_page(position: Position):
    """The evidence page: what the representative asked for, the checklist, the ad captures
    and the files. Signing off, the bundle and retention have a page of their own."""
    evidence = services.evidence_of(position)
    report = compliance.check(position, date.today())
    # The position's open requests, read once: a request about a finding since fixed or waived
    # is settled, so both lists keep only those the open items still count.
    requests = reviews.to_do_all(position)
    still_open = {
        r.id for r in services.open_items_of(position, report, evidence, requests).requests
    }
    return render_template(
        "evidence/index.html",
        employer=current_employer(),
        position=position,
        evidence=evidence,
        checklist=checklist(
            position.activities,
            evidence,
            bool(position.job_matches),
            offer_services.issued_workers(position),
        ),
        snapshots=due_now_and_missed(
            snapshots_due(position.activities, evidence, date.today()), date.today()
        ),
        to_do=[r for r in requests if reviews.from_representative(r) and r.id in still_open],
        asked_by_client=[
            r for r in requests if not reviews.from_representative(r) and r.id in still_open
        ],
        report=report,
        category_names=CATEGORY_NAMES,
    )


def _signing_page(
    position: Position,
    status: int = 200,
    *,
    sign_off_form=None,
    retention_form=None,
):
    """Sign-off, the filing bundle and retention; a refused form comes back with its input."""
    evidence = services.evidence_of(position)
    report = compliance.check(position, date.today())
    sign_off = services.latest_sign_off(position)
    open_now = services.open_items_of(position, report, evidence)
    sign_off_form = sign_off_form or SignOffForm(formdata=None)
    if not sign_off_form.open_fingerprint.data:
        sign_off_form.open_fingerprint.data = open_now.fingerprint()
    counts = open_now.counts()
    sign_off_form.confirm_open.label.text = _(
        "I sign off although these items are open: %(errors)d errors, %(files)d files not "
        "accepted, %(requests)d requests",
        errors=counts["errors"],
        files=counts["files_awaiting_review"] + counts["files_changes_requested"],
        requests=counts["requests"],
    )
    return render_template(
        "evidence/signing.html",
        employer=current_employer(),
        position=position,
        report=report,
        open_now=open_now,
        sign_off=sign_off,
        # The case file is serialised only to compare with a sign-off's hash.
        sign_off_current=bool(sign_off)
        and sign_off.content_hash
        == services.content_hash(compliance.case_json(position, report), evidence),
        # Display-only forms: their own endpoints read what is posted to them.
        sign_off_form=sign_off_form,
        retention_form=retention_form or RetentionForm(formdata=None, obj=position),
        bundle=_latest_bundle_swept(position),
    ), status


def _latest_bundle_swept(position: Position) -> BundleJob | None:
    """The position's latest bundle; if it shows running, the employer's builds left running by
    a dead process are ended (or queued again) first, so the page never shows a dead build as
    running. Nothing to sweep otherwise: the page shows no other build."""
    bundle = bundles.latest_bundle(position)
    if (
        bundle is not None
        and bundle.status == "running"
        and bundles.sweep_employer(position.employer_id)
    ):
        db.session.expire(bundle)
    return bundle


@bp.get("/<int:position_id>/evidence")
@policy("view")
def locker(employer_id: int, position_id: int):
    return _locker_page(get_scoped_or_404(Position, position_id))


@bp.get("/<int:position_id>/evidence/new")
@policy("edit")
def new_file(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = _preset(_with_choices(UploadForm(formdata=None), position))
    return _upload_page(position, form)


@bp.get("/<int:position_id>/sign-off")
@policy("view")
def signing(employer_id: int, position_id: int):
    return _signing_page(get_scoped_or_404(Position, position_id))


def _to_signing(employer_id: int, position_id: int):
    return redirect(url_for("evidence.signing", employer_id=employer_id, position_id=position_id))


@bp.post("/<int:position_id>/evidence")
@policy("edit")
def upload(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = _with_choices(UploadForm(), position)
    if form.replaces.data and not can(services.REPLACE_PERMISSION):
        # Replacing archives the old file: only those who may archive may replace (S2).
        abort(403, description=_("Only an owner can replace a file: replacing archives it."))
    if not form.validate():
        return _upload_page(position, form, 422)
    row = None
    try:
        row = services.attach_evidence(position, form.file.data, form.data, current_user.id)
        if form.replaces.data:
            replaced = services.replace_evidence(position, int(form.replaces.data))
            reviews.resolve_requests(
                position,
                evidence_id=replaced.id,
                resolution="replaced",
                by_user_id=current_user.id,
            )
        db.session.commit()
    except services.UploadRefused as refusal:
        db.session.commit()  # keeps the audit event of the refusal, nothing else was added
        form.file.errors.append(str(refusal))
        too_large = getattr(refusal.__cause__, "code", None) == "too_large"
        return _upload_page(position, form, 413 if too_large else 422)
    except Exception:
        db.session.rollback()
        if row is not None:  # stored, but the row never made it: no object without a row
            services.forget_stored(row.storage_key)
        raise
    flash(
        _(
            "%(name)s is stored (SHA-256 %(hash)s…).",
            name=row.original_filename,
            hash=row.sha256[:12],
        ),
        "success",
    )
    if row.worker_id is not None:  # a signed agreement: back to its worker's page
        return redirect(
            url_for(
                "offers.worker",
                employer_id=employer_id,
                position_id=position_id,
                worker_id=row.worker_id,
                _anchor="signatures",
            )
        )
    return redirect(url_for("evidence.locker", employer_id=employer_id, position_id=position_id))


def _to_item(employer_id: int, position_id: int, evidence_id: int):
    return redirect(
        url_for(
            "evidence.item",
            employer_id=employer_id,
            position_id=position_id,
            evidence_id=evidence_id,
        )
    )


def _item_page(position, item, review_form=None, comment_form=None, status=200):
    comments = [c for c in reviews.comments_of(position) if c.evidence_id == item.id]
    return render_template(
        "evidence/item.html",
        employer=current_employer(),
        position=position,
        item=item,
        comments=comments,
        review_form=review_form or ReviewForm(),
        comment_form=comment_form or CommentForm(),
        category_names=CATEGORY_NAMES,
        confirm_form=ConfirmForm(),
        previewable=item.content_type in PREVIEWABLE,
    ), status


@bp.get("/<int:position_id>/evidence/<int:evidence_id>")
@policy("view")
def item(employer_id: int, position_id: int, evidence_id: int):
    position = get_scoped_or_404(Position, position_id)
    return _item_page(position, services.evidence_item(position, evidence_id))


@bp.get("/<int:position_id>/evidence/<int:evidence_id>/download")
@policy("view")
def download(employer_id: int, position_id: int, evidence_id: int):
    position = get_scoped_or_404(Position, position_id)
    evidence = services.evidence_item(position, evidence_id)
    stream = services.evidence_storage().open(evidence.storage_key)
    return bundles.attachment(stream, evidence.content_type, evidence.original_filename)


# Types a browser shows itself. The inspection guarantees the bytes are of this type (uploads
# are judged by content), and the sandbox below keeps anything active inert.
PREVIEWABLE = frozenset({"application/pdf", "image/png", "image/jpeg"})
SANDBOX = "sandbox; default-src 'none'; frame-ancestors 'none'"


@bp.get("/<int:position_id>/evidence/<int:evidence_id>/preview")
@policy("view")
def preview(employer_id: int, position_id: int, evidence_id: int):
    """Show a PDF or an image in the browser (``inline``), under the same sandboxing headers as
    a download; any other type is answered as the download it always is."""
    position = get_scoped_or_404(Position, position_id)
    evidence = services.evidence_item(position, evidence_id)
    stream = services.evidence_storage().open(evidence.storage_key)
    if evidence.content_type not in PREVIEWABLE:
        return bundles.attachment(stream, evidence.content_type, evidence.original_filename)
    response = send_file(
        stream,
        mimetype=evidence.content_type,
        as_attachment=False,
        download_name=evidence.original_filename,
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.post("/<int:position_id>/evidence/<int:evidence_id>/review")
@policy("review")
def review(employer_id: int, position_id: int, evidence_id: int):
    position = get_scoped_or_404(Position, position_id)
    evidence = services.evidence_item(position, evidence_id)
    form = ReviewForm()
    if not form.validate():
        return _item_page(position, evidence, review_form=form, status=422)
    services.review_evidence(
        position, evidence, form.decision.data, form.comment.data, current_user.id
    )
    if form.decision.data == "accepted":
        reviews.resolve_requests(position, evidence_id=evidence.id, by_user_id=current_user.id)
    db.session.commit()
    flash(_("Your review is recorded."), "success")
    return _to_item(employer_id, position_id, evidence_id)


@bp.post("/<int:position_id>/evidence/<int:evidence_id>/comments")
@policy("comment")
def comment(employer_id: int, position_id: int, evidence_id: int):
    position = get_scoped_or_404(Position, position_id)
    evidence = services.evidence_item(position, evidence_id)
    form = CommentForm()
    if not form.validate():
        return _item_page(position, evidence, comment_form=form, status=422)
    reviews.comment_in_thread(
        position, current_user.id, g.membership.role, form.body.data, evidence_id=evidence.id
    )
    db.session.commit()
    return _to_item(employer_id, position_id, evidence_id)


@bp.post("/<int:position_id>/evidence/<int:evidence_id>/archive")
@policy("manage_employer")
def archive(employer_id: int, position_id: int, evidence_id: int):
    position = get_scoped_or_404(Position, position_id)
    services.archive_evidence(services.evidence_item(position, evidence_id))
    db.session.commit()
    flash(_("The file is archived: kept, but out of the checklist and the bundle."), "success")
    return redirect(url_for("evidence.locker", employer_id=employer_id, position_id=position_id))


@bp.post("/<int:position_id>/evidence/<int:evidence_id>/delete")
@policy("delete_evidence")
def delete(employer_id: int, position_id: int, evidence_id: int):
    position = get_scoped_or_404(Position, position_id)
    evidence = services.evidence_item(position, evidence_id)
    try:
        key = services.delete_evidence(position, evidence, date.today())
    except services.DeletionRefused as refusal:
        flash(str(refusal), "error")
        return _item_page(position, evidence, status=409)
    db.session.commit()
    services.forget_stored(key)
    flash(_("The file is deleted."), "success")
    return redirect(url_for("evidence.locker", employer_id=employer_id, position_id=position_id))


@bp.post("/<int:position_id>/retention")
@policy("manage_employer")
def retention(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = RetentionForm()
    if not form.validate():
        return _signing_page(position, 422, retention_form=form)
    services.set_retention(position, form.first_work_day.data, form.legal_hold.data)
    db.session.commit()
    flash(_("Retention is saved."), "success")
    return _to_signing(employer_id, position_id)


@bp.post("/<int:position_id>/findings/review")
@policy("review")
def review_finding(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = FindingReviewForm()
    report = compliance.check(position, date.today())
    if not form.validate() or not report.has_finding(form.rule_id.data, form.subject.data):
        abort(422, description="rule_id/subject: no such finding")
    reviews.review_finding(
        position,
        form.rule_id.data,
        form.subject.data,
        form.decision.data,
        form.comment.data,
        current_user.id,
    )
    if form.decision.data == "accepted":
        reviews.resolve_requests(
            position,
            rule_id=form.rule_id.data,
            subject=form.subject.data,
            by_user_id=current_user.id,
        )
    db.session.commit()
    flash(_("Your review of %(rule)s is recorded.", rule=form.rule_id.data), "success")
    return redirect(
        url_for("positions.compliance_page", employer_id=employer_id, position_id=position_id)
    )


_SIGN_OFF_PROBLEMS = {
    open_items.NOT_CONFIRMED: (
        "confirm_open",
        _l(
            "Items are still open: waive each error with a reason on the compliance page, or "
            "confirm that you sign off although they are open."
        ),
    ),
    open_items.CHANGED: (
        "confirm_open",
        _l("What is open changed since the page was loaded: check the list again and confirm."),
    ),
    open_items.NO_REASON: (
        "confirmation_reason",
        _l(
            "Say why you sign off with these items open (at least %(n)d characters).",
            n=open_items.REASON_MIN_LENGTH,
        ),
    ),
}


@bp.post("/<int:position_id>/sign-off")
@policy("review")
def sign_off(employer_id: int, position_id: int):
    """Sign off as ready to file. With errors, files not accepted or requests open, only with
    the explicit confirmation of what the page showed and a reason, both kept on record."""
    position = get_scoped_or_404(Position, position_id)
    form = SignOffForm()
    if not form.validate():
        return _signing_page(position, 422, sign_off_form=form)
    evidence = services.evidence_of(position)
    report = compliance.check(position, date.today())
    open_now = services.open_items_of(position, report, evidence)
    problems = open_items.sign_off_problems(
        open_now,
        confirmed=form.confirm_open.data,
        reason=form.confirmation_reason.data,
        fingerprint=form.open_fingerprint.data,
    )
    if problems:
        for problem in sorted(problems):
            name, message = _SIGN_OFF_PROBLEMS[problem]
            form[name].errors.append(str(message))
        if open_items.CHANGED in problems:
            form.confirm_open.data = False
            form.open_fingerprint.data = open_now.fingerprint()  # what the page now shows
        flash(_("Not signed off: see the open items."), "error")
        return _signing_page(position, 422, sign_off_form=form)
    services.sign_off(
        position,
        compliance.case_json(position),
        evidence,
        report.verdict,
        form.note.data,
        current_user.id,
        open_now=open_now,
        confirmation_reason=form.confirmation_reason.data,
    )
    db.session.commit()
    if open_now.needs_confirmation:
        flash(
            _("You signed off this position as ready to file, with open items on record."),
            "success",
        )
    else:
        flash(_("You signed off this position as ready to file."), "success")
    return _to_signing(employer_id, position_id)


@bp.post("/<int:position_id>/bundles")
@policy("build_bundle")
def start_bundle(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = BundleForm()
    if not form.validate():
        # A language not offered: name the field and what it may be (a stale token is the
        # CSRF handler's 400 before this runs).
        codes = ", ".join(choice.value for choice in form.language.choices)
        abort(400, description=_("language: one of %(codes)s.", codes=codes))
    try:
        started = bundles.start(position, current_user.id, language=form.language.data)
    except bundles.BundleRefused as refusal:
        if refusal.reason == "running":
            message = _(
                "%(count)d bundles are being built for this employer already; start this one "
                "when one of them has finished.",
                count=refusal.count,
            )
        else:
            message = _(
                "%(count)d bundles were started for this employer in the last hour, the most "
                "allowed; the next can start in about %(minutes)d minutes.",
                count=refusal.count,
                minutes=(refusal.retry_after + 59) // 60,
            )
        flash(message, "error")
        page, status = _signing_page(position, 429)
        return page, status, {"Retry-After": str(refusal.retry_after)}
    if not started.new:
        flash(
            _("A bundle of this position is already being built: here is its progress."), "warning"
        )
    return redirect(
        url_for(
            "evidence.bundle_status",
            employer_id=employer_id,
            position_id=position_id,
            bundle_id=started.job.id,
        )
    )


@bp.get("/<int:position_id>/bundles/<int:bundle_id>")
@policy("view")
def bundle_status(employer_id: int, position_id: int, bundle_id: int):
    bundles.sweep_employer(employer_id)  # a build left running by a dead process shows failed
    position = get_scoped_or_404(Position, position_id)
    job = child_of(position, BundleJob, bundle_id)
    return render_template(
        "evidence/bundle.html",
        employer=current_employer(),
        position=position,
        job=job,
        bundle=bundles.latest_bundle(position),
    )


@bp.get("/<int:position_id>/bundles/<int:bundle_id>/download")
@policy("view")
def bundle_download(employer_id: int, position_id: int, bundle_id: int):
    position = get_scoped_or_404(Position, position_id)
    job = child_of(position, BundleJob, bundle_id)
    if job.status != "done":
        abort(409, description="The bundle is not ready yet.")
    stream = services.evidence_storage().open(job.storage_key)
    return bundles.attachment(stream, "application/zip", f"lmia-bundle-position-{position.id}.zip")


@bp.post("/<int:position_id>/findings/comments")
@policy("comment")
def comment_finding(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = FindingCommentForm()
    if not form.validate():
        abort(422, description="body: write a comment")
    reviews.comment_in_thread(
        position,
        current_user.id,
        g.membership.role,
        form.body.data,
        rule_id=form.rule_id.data,
        subject=form.subject.data,
    )
    db.session.commit()
    return redirect(
        url_for("positions.compliance_page", employer_id=employer_id, position_id=position_id)
    )
