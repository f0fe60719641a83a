from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from portal import reviews, spreadsheet_exports
from portal.cases import CaseError, case_to_json, parse_case
from portal.extensions import db
from portal.models import (
    Applicant,
    JobMatchEntry,
    Position,
    RecruitmentActivity,
    Waiver,
    utcnow,
)
from portal.positions import bp, compliance, labels, services
from portal.positions.forms import (
    ActivityForm,
    ApplicantForm,
    ImportApplicantsForm,
    ImportCaseForm,
    JobMatchForm,
    JobMatchModeForm,
    MissedCaptureForm,
    PositionForm,
    WaiverForm,
)
from portal.positions.reference import (
    economic_region_choices,
    hourly_equivalent_of,
    labour_market,
    noc_suggestions,
    wage_context,
)
from portal.recruitment import applicant_csv, evidence_checklist
from portal.recruitment.consistency import case_problems, noc_problem
from portal.recruitment.timeline import for_phone
from portal.spreadsheets import workbook_bytes
from portal.tenancy import current_employer, get_scoped_or_404, policy
from portal.web import as_of_date, create_once, page_number, refuse_stale_edit, xlsx_download


@bp.app_template_filter("timeline_for_phone")
def timeline_for_phone(timeline):
    """The timeline's layout for the phone list (templates/positions/_timeline_list.html)."""
    return for_phone(timeline)


def _position_form_page(form, position, status=200):
    context = {
        "form": form,
        "position": position,
        "employer": current_employer(),
        "noc_suggestions": noc_suggestions(),
    }
    return render_template("positions/edit.html", **context), status


def _prepare_position_form(form: PositionForm) -> None:
    form.economic_region.choices = economic_region_choices()


@bp.get("/")
@policy("view")
def index(employer_id: int):
    return render_template(
        "positions/index.html",
        employer=current_employer(),
        positions=services.positions_of_employer(),
        labels=labels,
    )


@bp.route("/new", methods=["GET", "POST"])
@policy("edit")
def create(employer_id: int):
    employer = current_employer()
    form = PositionForm()
    _prepare_position_form(form)
    if request.method == "GET":
        location = employer.work_locations[0] if employer.work_locations else None
        if location is not None:
            form.street_address.data = location.street_address
            form.city.data = location.city
            form.province.data = location.province
            form.postal_code.data = location.postal_code
            form.employees_at_location.data = location.employee_count
        return _position_form_page(form, None)
    if not form.validate():
        return _position_form_page(form, None, 422)
    position = services.save_position(Position(employer_id=employer.id), form.data)
    db.session.commit()
    flash(_("The position is saved. Next: record your recruitment activities."), "success")
    return redirect(url_for("positions.show", employer_id=employer_id, position_id=position.id))


@bp.get("/<int:position_id>/")
@policy("view")
def show(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    on = position.planned_submission_date or date.today()
    return render_template(
        "positions/show.html",
        employer=current_employer(),
        position=position,
        wage=wage_context(position, on),
        wage_findings=compliance.wage_findings(position, on),
        hourly=hourly_equivalent_of(position),
        labels=labels,
        applicant_count=services.applicant_count(position),
    )


@bp.route("/<int:position_id>/edit", methods=["GET", "POST"])
@policy("edit")
def edit(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = PositionForm(obj=position)
    _prepare_position_form(form)
    if request.method == "GET":
        form.version.data = str(position.version)
        form.languages.data = ", ".join(position.languages or [])
        # A code stored before the check (or imported) is flagged at once; saving needs a fix.
        problem = noc_problem(position.noc_code, labour_market())
        if problem:
            form.noc_code.errors = [problem]
        return _position_form_page(form, position)
    if not form.validate():
        return _position_form_page(form, position, 422)
    try:
        services.save_position(position, form.data, form.version.data)
        db.session.commit()
    except (services.StaleEdit, StaleDataError):
        db.session.rollback()
        position = get_scoped_or_404(Position, position_id)
        refuse_stale_edit(
            form,
            position,
            form.version.data,
            _("Someone else changed this position while you were editing."),
            current={"languages": ", ".join(position.languages or [])},
        )
        return _position_form_page(form, position, 409)
    flash(_("The position is saved."), "success")
    return redirect(url_for("positions.show", employer_id=employer_id, position_id=position_id))


# --- Recruitment activities ------------------------------------------------------------------


def _activity_page(form, position, activity, status=200):
    return render_template(
        "positions/activity.html",
        form=form,
        position=position,
        activity=activity,
        employer=current_employer(),
    ), status


@bp.route("/<int:position_id>/activities/new", methods=["GET", "POST"])
@policy("edit")
def add_activity(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = ActivityForm()
    if request.method == "GET":
        form.ad_title.data = position.title
        form.ad_operating_name.data = current_employer().display_name
        form.ad_wage_min.data = position.wage_amount
        form.ad_wage_per.data = position.wage_per
        return _activity_page(form, position, None)
    if not form.validate():
        return _activity_page(form, position, None, 422)

    def save():
        services.save_activity(position, RecruitmentActivity(), form.data)
        db.session.commit()
        flash(_("The recruitment activity is saved."), "success")

    create_once(form, save)
    return redirect(url_for("positions.show", employer_id=employer_id, position_id=position_id))


@bp.route("/<int:position_id>/activities/<int:activity_id>", methods=["GET", "POST"])
@policy("edit")
def edit_activity(employer_id: int, position_id: int, activity_id: int):
    position = get_scoped_or_404(Position, position_id)
    activity = services.child_of(position, RecruitmentActivity, activity_id)
    if request.method == "GET":
        form = ActivityForm(obj=activity, data=services.fields_from_ad(activity.ad))
        return _activity_page(form, position, activity)
    form = ActivityForm()
    if not form.validate():
        return _activity_page(form, position, activity, 422)
    services.save_activity(position, activity, form.data)
    db.session.commit()
    flash(_("The recruitment activity is saved."), "success")
    return redirect(url_for("positions.show", employer_id=employer_id, position_id=position_id))


@bp.post("/<int:position_id>/activities/<int:activity_id>/delete")
@policy("edit")
def delete_activity(employer_id: int, position_id: int, activity_id: int):
    position = get_scoped_or_404(Position, position_id)
    activity = services.child_of(position, RecruitmentActivity, activity_id)
    db.session.delete(activity)
    db.session.commit()
    flash(_("The recruitment activity is deleted."), "success")
    return redirect(url_for("positions.show", employer_id=employer_id, position_id=position_id))


# --- Applicants ------------------------------------------------------------------------------


def _applicant_page(form, position, applicant, status=200):
    form.source_activity_id.choices = services.activity_choices(position)
    return render_template(
        "positions/applicant.html",
        form=form,
        position=position,
        applicant=applicant,
        employer=current_employer(),
    ), status


@bp.get("/<int:position_id>/applicants")
@policy("view")
def applicants(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    return render_template(
        "positions/applicants.html",
        employer=current_employer(),
        position=position,
        applicants=services.applicant_page(position, page_number()),
        summary=services.applicants_summary(position),
        labels=labels,
    )


@bp.get("/<int:position_id>/applicants.xlsx")
@policy("view")
def applicants_xlsx(employer_id: int, position_id: int):
    """The whole applicant log in the import's columns and codes (it imports again as is)."""
    position = get_scoped_or_404(Position, position_id)
    today = date.today()
    sheets = spreadsheet_exports.applicant_log(
        services.applicants_in_log_order(position),
        {activity.id: activity.case_key for activity in position.activities},
        position.title,
        current_employer().display_name,
        today,
    )
    return xlsx_download(workbook_bytes(sheets, today), f"applicants-position-{position.id}.xlsx")


@bp.get("/<int:position_id>/applicants/<int:applicant_id>/row")
@policy("view")
def applicant_row(employer_id: int, position_id: int, applicant_id: int):
    """The applicant's row in the paged list (a finding's link for those who may not edit)."""
    position = get_scoped_or_404(Position, position_id)
    applicant = services.child_of(position, Applicant, applicant_id)
    return redirect(
        url_for(
            "positions.applicants",
            employer_id=employer_id,
            position_id=position_id,
            page=services.applicant_page_number(position, applicant),
            _anchor=f"applicant-{applicant.id}",
        )
    )


@bp.route("/<int:position_id>/applicants/new", methods=["GET", "POST"])
@policy("edit")
def add_applicant(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = ApplicantForm()
    if request.method == "GET":
        return _applicant_page(form, position, None)
    if not form.validate():
        return _applicant_page(form, position, None, 422)

    def save():
        services.save_applicant(position, Applicant(), form.data)
        db.session.commit()
        flash(_("The applicant is saved."), "success")

    create_once(form, save)
    return redirect(
        url_for("positions.applicants", employer_id=employer_id, position_id=position_id)
    )


@bp.route("/<int:position_id>/applicants/<int:applicant_id>", methods=["GET", "POST"])
@policy("edit")
def edit_applicant(employer_id: int, position_id: int, applicant_id: int):
    position = get_scoped_or_404(Position, position_id)
    applicant = services.child_of(position, Applicant, applicant_id)
    form = ApplicantForm(obj=applicant)
    if request.method == "GET":
        form.source_activity_id.data = str(applicant.source_activity_id or "")
        form.version.data = str(applicant.version)
        return _applicant_page(form, position, applicant)
    if not form.validate():
        return _applicant_page(form, position, applicant, 422)
    try:
        services.save_applicant(position, applicant, form.data, form.version.data)
        db.session.commit()
    except (services.StaleEdit, StaleDataError):
        db.session.rollback()
        applicant = services.child_of(position, Applicant, applicant_id)
        refuse_stale_edit(
            form,
            applicant,
            form.version.data,
            _("Someone else changed this applicant while you were editing."),
        )
        return _applicant_page(form, position, applicant, 409)
    flash(_("The applicant is saved."), "success")
    return redirect(
        url_for("positions.applicants", employer_id=employer_id, position_id=position_id)
    )


@bp.post("/<int:position_id>/applicants/<int:applicant_id>/delete")
@policy("edit")
def delete_applicant(employer_id: int, position_id: int, applicant_id: int):
    position = get_scoped_or_404(Position, position_id)
    db.session.delete(services.child_of(position, Applicant, applicant_id))
    db.session.commit()
    flash(_("The applicant is removed from the log."), "success")
    return redirect(
        url_for("positions.applicants", employer_id=employer_id, position_id=position_id)
    )


# --- Job Match -------------------------------------------------------------------------------


def _job_match_page(form, position, status=200):
    return render_template(
        "positions/job_match.html",
        employer=current_employer(),
        position=position,
        form=form,
        mode_form=JobMatchModeForm(mode=position.job_match_mode or "default"),
        pending=services.matches_needing_invitation(position),
    ), status


@bp.get("/<int:position_id>/job-match")
@policy("view")
def job_match(employer_id: int, position_id: int):
    return _job_match_page(JobMatchForm(), get_scoped_or_404(Position, position_id))


@bp.post("/<int:position_id>/job-match")
@policy("edit")
def add_job_match(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = JobMatchForm()
    if not form.validate():
        return _job_match_page(form, position, 422)
    services.save_job_match_entry(position, JobMatchEntry(), form.data)
    db.session.commit()
    flash(_("The Job Match candidate is recorded."), "success")
    return redirect(
        url_for("positions.job_match", employer_id=employer_id, position_id=position_id)
    )


@bp.post("/<int:position_id>/job-match/mode")
@policy("edit")
def set_job_match_mode(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = JobMatchModeForm()
    if not form.validate():
        return _job_match_page(JobMatchForm(), position, 422)
    position.job_match_mode = form.mode.data
    db.session.commit()
    return redirect(
        url_for("positions.job_match", employer_id=employer_id, position_id=position_id)
    )


@bp.route("/<int:position_id>/job-match/<int:entry_id>", methods=["GET", "POST"])
@policy("edit")
def edit_job_match(employer_id: int, position_id: int, entry_id: int):
    position = get_scoped_or_404(Position, position_id)
    entry = services.child_of(position, JobMatchEntry, entry_id)
    form = JobMatchForm(obj=entry)
    if request.method == "POST":
        if form.validate():
            services.save_job_match_entry(position, entry, form.data)
            db.session.commit()
            flash(_("The Job Match candidate is saved."), "success")
            return redirect(
                url_for("positions.job_match", employer_id=employer_id, position_id=position_id)
            )
        return render_template(
            "positions/job_match_entry.html",
            form=form,
            entry=entry,
            position=position,
            employer=current_employer(),
        ), 422
    return render_template(
        "positions/job_match_entry.html",
        form=form,
        entry=entry,
        position=position,
        employer=current_employer(),
    )


@bp.post("/<int:position_id>/job-match/<int:entry_id>/delete")
@policy("edit")
def delete_job_match(employer_id: int, position_id: int, entry_id: int):
    position = get_scoped_or_404(Position, position_id)
    db.session.delete(services.child_of(position, JobMatchEntry, entry_id))
    db.session.commit()
    return redirect(
        url_for("positions.job_match", employer_id=employer_id, position_id=position_id)
    )


# --- Applicant CSV ---------------------------------------------------------------------------


@bp.get("/<int:position_id>/applicants/template.csv")
@policy("view")
def applicants_template(employer_id: int, position_id: int):
    get_scoped_or_404(Position, position_id)
    return Response(
        applicant_csv.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=applicants-template.csv"},
    )


@bp.route("/<int:position_id>/applicants/import", methods=["GET", "POST"])
@policy("edit")
def import_applicants(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = ImportApplicantsForm()
    context = {
        "form": form,
        "position": position,
        "employer": current_employer(),
        "problems": [],
        "columns": applicant_csv.COLUMNS,
        "activity_keys": [a.case_key for a in position.activities],
        "code_lists": [
            ("status", _("Status in Canada"), labels.APPLICANT_STATUSES),
            ("channel", _("Applied by"), labels.CHANNELS),
            ("reason_code", _("Why not hired"), labels.REASON_CODES),
        ],
        "sources": [
            (a.case_key, a.platform or labels.METHODS.get(a.method, a.method))
            for a in position.activities
        ],
    }
    if request.method == "GET":
        return render_template("positions/import_applicants.html", **context)
    if not form.validate():
        return render_template("positions/import_applicants.html", **context), 422
    rows, problems = applicant_csv.parse_applicants(
        form.file.data.read(), {a.case_key for a in position.activities}
    )
    if problems:
        form.file.errors.append(_("Nothing was imported: fix the rows below and upload again."))
        context["problems"] = problems
        return render_template("positions/import_applicants.html", **context), 422
    services.import_applicant_rows(position, rows)
    db.session.commit()
    flash(_("%(count)d applicants imported.", count=len(rows)), "success")
    return redirect(
        url_for("positions.applicants", employer_id=employer_id, position_id=position_id)
    )


# --- Ad captures not taken ------------------------------------------------------------------


def _captures_page(position, form, status=200):
    """Every capture due for each online ad, taken or not, and the form for a reason."""
    from portal.evidence.services import evidence_of  # the locker's files, in the same scope

    postings = evidence_checklist.online_postings(position.activities)
    snapshots = evidence_checklist.snapshots_due(postings, evidence_of(position), date.today())
    return render_template(
        "positions/missed_captures.html",
        employer=current_employer(),
        position=position,
        form=form,
        postings=postings,
        by_activity={a.id: [s for s in snapshots if s.activity_id == a.id] for a in postings},
    ), status


def _missed_capture_form(position, **data) -> MissedCaptureForm:
    form = MissedCaptureForm(**data)
    form.activity_id.choices = [
        (str(a.id), f"{a.case_key} · {a.platform or labels.METHODS.get(a.method, a.method)}")
        for a in evidence_checklist.online_postings(position.activities)
    ]
    return form


@bp.get("/<int:position_id>/captures")
@policy("view")
def captures(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = _missed_capture_form(position, activity_id=request.args.get("activity", ""))
    return _captures_page(position, form)


@bp.post("/<int:position_id>/captures")
@policy("edit")
def record_missed_capture(employer_id: int, position_id: int):
    from portal.evidence.services import evidence_of

    position = get_scoped_or_404(Position, position_id)
    form = _missed_capture_form(position)
    if not form.validate():
        return _captures_page(position, form, 422)
    activity = services.child_of(position, RecruitmentActivity, int(form.activity_id.data))
    due_until = form.due_until.data or form.due_from.data
    snapshots = evidence_checklist.snapshots_due([activity], evidence_of(position), date.today())
    problems = evidence_checklist.reason_problems(snapshots, form.due_from.data, due_until)
    if problems:
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        return _captures_page(position, form, 422)
    services.record_missed_capture_reason(
        activity, form.due_from.data, due_until, form.reason.data, current_user.id
    )
    db.session.commit()
    flash(_("The reason is recorded: those captures no longer count as missing."), "success")
    return redirect(url_for("evidence.locker", employer_id=employer_id, position_id=position_id))


# --- Compliance ------------------------------------------------------------------------------

# Pages that name a finding's record link it through this (templates/_macros/findings.html).
bp.add_app_template_global(compliance.record_url, "record_url")
bp.add_app_template_global(compliance.finding_subject, "finding_subject")


def _as_of() -> date:
    """Checks run as of today unless the page asks for another day (?as_of=YYYY-MM-DD)."""
    return as_of_date()


def _compliance_page(position, report, waiver_form, status=200):
    threads: dict[tuple[str, str], list] = {}
    for comment in reviews.comments_of(position):
        if comment.rule_id:
            threads.setdefault((comment.rule_id, comment.subject), []).append(comment)
    return render_template(
        "positions/compliance.html",
        employer=current_employer(),
        position=position,
        report=report,
        labels=labels,
        waiver_form=waiver_form,
        area_names=labels.AREAS,
        finding_reviews=reviews.latest_finding_reviews(position),
        threads=threads,
    ), status


@bp.get("/<int:position_id>/compliance")
@policy("view")
def compliance_page(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    return _compliance_page(position, compliance.check(position, _as_of()), WaiverForm())


@bp.get("/<int:position_id>/findings.xlsx")
@policy("view")
def findings_xlsx(employer_id: int, position_id: int):
    """The compliance page's findings (as of the same day, ?as_of=) as a spreadsheet."""
    position = get_scoped_or_404(Position, position_id)
    report = compliance.check(position, _as_of())
    sheets = spreadsheet_exports.findings(report, position.title, current_employer().display_name)
    filename = f"findings-position-{position.id}-{report.verdict.as_of.isoformat()}.xlsx"
    return xlsx_download(workbook_bytes(sheets, report.verdict.as_of), filename)


@bp.post("/<int:position_id>/waivers")
@policy("review")
def waive_finding(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    form = WaiverForm()
    report = compliance.check(position, _as_of())
    problem = None
    if not form.validate():
        problem = _("A waiver needs a reason of at least 10 characters.")
    elif not report.has_finding(form.rule_id.data, form.subject.data):
        problem = _("There is no such finding to waive; reload the page and try again.")
    if problem:
        flash(problem, "error")
        return _compliance_page(position, report, form, 422)
    services.waive(
        position, form.rule_id.data, form.subject.data, form.reason.data, current_user.id
    )
    db.session.commit()
    flash(
        _("The finding %(rule)s is waived, with your reason on record.", rule=form.rule_id.data),
        "success",
    )
    return redirect(
        url_for("positions.compliance_page", employer_id=employer_id, position_id=position_id)
    )


@bp.post("/<int:position_id>/waivers/<int:waiver_id>/withdraw")
@policy("review")
def withdraw_waiver(employer_id: int, position_id: int, waiver_id: int):
    position = get_scoped_or_404(Position, position_id)
    waiver = services.child_of(position, Waiver, waiver_id)
    if waiver.withdrawn_at is None:
        waiver.withdrawn_at = utcnow()
        db.session.commit()
    flash(_("The waiver is withdrawn."), "success")
    return redirect(
        url_for("positions.compliance_page", employer_id=employer_id, position_id=position_id)
    )


# --- Case files ------------------------------------------------------------------------------


@bp.get("/<int:position_id>/case.json")
@policy("view")
def export_case(employer_id: int, position_id: int):
    position = get_scoped_or_404(Position, position_id)
    document = case_to_json(compliance.case_of(position))
    filename = f"lmia-case-position-{position.id}.json"
    return Response(
        document,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/import", methods=["GET", "POST"])
@policy("edit")
def import_case(employer_id: int):
    form = ImportCaseForm()
    context = {"form": form, "employer": current_employer(), "problems": []}
    if request.method == "GET":
        return render_template("positions/import_case.html", **context)
    if not form.validate():
        return render_template("positions/import_case.html", **context), 422
    raw = form.file.data.read()
    try:
        case = parse_case(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        form.file.errors.append(_("The file is not UTF-8 text."))
        return render_template("positions/import_case.html", **context), 422
    except CaseError as error:
        form.file.errors.append(
            _("This is not a valid lmia-case file: %(error)s", error=str(error))
        )
        return render_template("positions/import_case.html", **context), 422
    problems = case_problems(case, labour_market())
    if problems:
        form.file.errors.append(
            _("The file has facts that cannot all be true. Nothing was imported.")
        )
        context["problems"] = problems
        return render_template("positions/import_case.html", **context), 422
    try:
        position = services.import_case(current_employer(), case)
    except services.EmployerMismatch as mismatch:
        form.file.errors.append(_("The file describes another employer. Nothing was imported."))
        context["problems"] = mismatch.problems
        context["problems_are_differences"] = True
        return render_template("positions/import_case.html", **context), 409
    db.session.commit()
    flash(_("The case is imported: %(title)s.", title=position.title), "success")
    return redirect(
        url_for("positions.compliance_page", employer_id=employer_id, position_id=position.id)
    )
