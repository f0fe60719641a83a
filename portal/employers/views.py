from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.employers import bp, services
from portal.employers.forms import (
    EmployerProfileForm,
    InvitationForm,
    NewEmployerForm,
    WorkLocationForm,
)
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.invitations.services import InvitationProblem, issue_invitation, pending_invitations
from portal.models import AuditEvent, Invitation, Membership, User, WorkLocation, utcnow
from portal.protection import services as protection_services
from portal.reference import PROVINCES, common_naics_codes
from portal.tenancy import (
    SIGNED_IN,
    can,
    current_employer,
    get_scoped_or_404,
    policy,
    scoped_select,
)
from portal.web import page_number, refuse_stale_edit

AUDIT_PAGE_SIZE = 50


def _profile_of(form) -> dict:
    return {field: getattr(form, field).data for field in services.PROFILE_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@policy(SIGNED_IN)
def create():
    form = NewEmployerForm()
    context = {"form": form, "naics_codes": common_naics_codes()}
    if request.method == "GET":
        return render_template("employers/create.html", **context)
    if not form.validate():
        return render_template("employers/create.html", **context), 422
    employer = services.create_employer(
        current_user._get_current_object(), _profile_of(form), form.employees_at_address.data
    )
    db.session.commit()
    flash(
        _(
            "%(name)s is set up. Next: invite your lawyer or consultant.",
            name=employer.display_name,
        ),
        "success",
    )
    return redirect(url_for("employers.members", employer_id=employer.id))


@bp.get("/<int:employer_id>/")
@policy("view")
def overview(employer_id: int):
    employer = current_employer()
    return render_template(
        "employers/overview.html",
        employer=employer,
        members=services.current_members(),
        provinces=PROVINCES,
        third_parties=protection_services.employer_third_parties(),
    )


@bp.route("/<int:employer_id>/profile", methods=["GET", "POST"])
@policy("manage_employer")
def edit_profile(employer_id: int):
    employer = current_employer()
    form = EmployerProfileForm(obj=employer)
    context = {"form": form, "employer": employer, "naics_codes": common_naics_codes()}
    if request.method == "GET":
        form.version.data = str(employer.version)
        return render_template("employers/edit_profile.html", **context)
    if not form.validate():
        return render_template("employers/edit_profile.html", **context), 422
    try:
        services.update_employer(employer, _profile_of(form), form.version.data)
        db.session.commit()
    except (services.StaleEdit, StaleDataError):
        db.session.rollback()
        # Keep what the user typed; show them what someone else saved first.
        refuse_stale_edit(
            form,
            current_employer(),
            form.version.data,
            _("Someone else changed this profile while you were editing."),
        )
        return render_template("employers/edit_profile.html", **context), 409
    flash(_("The employer profile is saved."), "success")
    return redirect(url_for("employers.overview", employer_id=employer.id))


@bp.route("/<int:employer_id>/locations/new", methods=["GET", "POST"])
@policy("manage_employer")
def add_location(employer_id: int):
    form = WorkLocationForm()
    context = {"form": form, "employer": current_employer(), "location": None}
    if request.method == "GET":
        return render_template("employers/location.html", **context)
    if not form.validate():
        return render_template("employers/location.html", **context), 422
    services.save_work_location(WorkLocation(employer_id=current_employer().id), form.data)
    db.session.commit()
    flash(_("The work location is added."), "success")
    return redirect(url_for("employers.overview", employer_id=employer_id))


@bp.route("/<int:employer_id>/locations/<int:location_id>", methods=["GET", "POST"])
@policy("manage_employer")
def edit_location(employer_id: int, location_id: int):
    location = get_scoped_or_404(WorkLocation, location_id)
    form = WorkLocationForm(obj=location)
    context = {
        "form": form,
        "employer": current_employer(),
        "location": location,
    }
    if request.method == "GET":
        return render_template("employers/location.html", **context)
    if not form.validate():
        return render_template("employers/location.html", **context), 422
    services.save_work_location(location, form.data)
    db.session.commit()
    flash(_("The work location is saved."), "success")
    return redirect(url_for("employers.overview", employer_id=employer_id))


@bp.post("/<int:employer_id>/locations/<int:location_id>/remove")
@policy("manage_employer")
def remove_location(employer_id: int, location_id: int):
    location = get_scoped_or_404(WorkLocation, location_id)
    try:
        services.remove_work_location(current_employer(), location)
    except services.MembershipRuleBroken:
        flash(_("An employer needs at least one work location."), "error")
        form = WorkLocationForm(obj=location)
        context = {"form": form, "employer": current_employer(), "location": location}
        return render_template("employers/location.html", **context), 409
    db.session.commit()
    flash(_("The work location is removed."), "success")
    return redirect(url_for("employers.overview", employer_id=employer_id))


def _members_page(form: InvitationForm, status: int = 200):
    return render_template(
        "employers/members.html",
        employer=current_employer(),
        members=services.current_members(),
        invitations=pending_invitations() if can("manage_members") else [],
        form=form,
        confirm_form=ConfirmForm(),
    ), status


@bp.get("/<int:employer_id>/members")
@policy("view")
def members(employer_id: int):
    return _members_page(InvitationForm())


@bp.post("/<int:employer_id>/members/invite")
@policy("manage_members")
def invite(employer_id: int):
    form = InvitationForm()
    if not form.validate():
        return _members_page(form, 422)
    try:
        invitation = issue_invitation(
            current_employer(), current_user._get_current_object(), form.email.data, form.role.data
        )
    except InvitationProblem as problem:
        form.email.errors.append(str(problem))
        return _members_page(form, 409)
    db.session.commit()
    flash(
        _("Invitation sent to %(email)s. The link works once, for 7 days.", email=invitation.email),
        "success",
    )
    return redirect(url_for("employers.members", employer_id=employer_id))


@bp.post("/<int:employer_id>/members/<int:membership_id>/revoke")
@policy("manage_members")
def revoke_member(employer_id: int, membership_id: int):
    membership = get_scoped_or_404(Membership, membership_id)
    try:
        services.revoke_membership(
            current_employer(), membership, current_user._get_current_object()
        )
    except services.MembershipRuleBroken:
        flash(_("An employer needs at least one owner. Invite another owner first."), "error")
        return _members_page(InvitationForm(), 409)
    db.session.commit()
    flash(_("%(name)s no longer has access.", name=membership.user.full_name), "success")
    if membership.user_id == current_user.id:
        return redirect(url_for("dashboard.index"))
    return redirect(url_for("employers.members", employer_id=employer_id))


@bp.post("/<int:employer_id>/invitations/<int:invitation_id>/cancel")
@policy("manage_members")
def cancel_invitation(employer_id: int, invitation_id: int):
    invitation = get_scoped_or_404(Invitation, invitation_id)
    if invitation.is_pending:
        invitation.revoked_at = utcnow()
        db.session.commit()
        flash(_("The invitation to %(email)s is cancelled.", email=invitation.email), "success")
    return redirect(url_for("employers.members", employer_id=employer_id))


@bp.get("/<int:employer_id>/audit")
@policy("read_audit")
def audit_log(employer_id: int):
    events = db.paginate(
        scoped_select(AuditEvent).order_by(AuditEvent.id.desc()),
        page=page_number(),
        per_page=AUDIT_PAGE_SIZE,
        error_out=False,
    )
    actor_ids = {event.actor_id for event in events.items if event.actor_id}
    actors = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    return render_template(
        "employers/audit_log.html", employer=current_employer(), events=events, actors=actors
    )
