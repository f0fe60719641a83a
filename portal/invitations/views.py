from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import devices, throttle
from portal.auth import services as accounts
from portal.extensions import db
from portal.invitations import bp
from portal.invitations.forms import acceptance_form_class
from portal.invitations.services import (
    InvitationProblem,
    RepresentativeLicence,
    accept_invitation,
    invitation_for_token,
    waiting_invitation_for_token,
)
from portal.models import Role
from portal.tenancy import PUBLIC, SIGNED_IN, policy
from portal.tokens import InvalidLink


def _licence_from(form) -> RepresentativeLicence | None:
    if not hasattr(form, "cicc_number"):
        return None
    return RepresentativeLicence(
        cicc_number=form.cicc_number.data or None,
        law_society=form.law_society.data or None,
        law_society_number=(form.law_society_number.data or "").strip() or None,
    )


@bp.route("/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def accept(token: str):
    """Show an invitation and let the invitee accept it, creating their account if needed."""
    try:
        throttle.check("invitation")
        invitation = invitation_for_token(token)
    except throttle.TooManyAttempts as error:
        message = _("Too many attempts. Try again in %(minutes)d minutes.", minutes=error.minutes)
        return (
            render_template("invitations/invalid.html", reason=message),
            429,
            {"Retry-After": str(error.retry_after_seconds)},
        )
    except InvalidLink as error:
        if request.method == "POST":
            throttle.count_attempt("invitation")
        reason = (
            _("This invitation has expired. Ask the employer to send a new one.")
            if error.expired
            else _("This invitation link is not valid, was cancelled, or was already used.")
        )
        return render_template("invitations/invalid.html", reason=reason), 400

    signed_in = current_user.is_authenticated
    existing_account = accounts.find_user(invitation.email)
    context = {"invitation": invitation, "token": token}
    if signed_in and current_user.email != invitation.email:
        return render_template("invitations/wrong_account.html", **context), 403
    # An account never confirmed may have been made by anyone who typed this address; the link
    # came to the address, so whoever holds it sets the name and password.
    unconfirmed = existing_account is not None and existing_account.email_confirmed_at is None
    pending_account = existing_account if unconfirmed else None
    if not signed_in and existing_account is not None and pending_account is None:
        return render_template("invitations/sign_in_first.html", **context)
    return _accept(invitation, context, signed_in=signed_in, pending_account=pending_account)


@bp.route("/waiting/<token>", methods=["GET", "POST"])
@policy(SIGNED_IN)
def accept_waiting(token: str):
    """Accept an invitation listed on the home page: addressed to the signed-in, confirmed email.

    The link is signed for this user (not a bare id), so it names no employer's row to anyone
    else, and a link copied to another account is a 404.
    """
    invitation = waiting_invitation_for_token(token, current_user._get_current_object())
    if invitation is None:
        abort(404)
    return _accept(invitation, {"invitation": invitation}, signed_in=True)


def _accept(invitation, context: dict, *, signed_in: bool, pending_account=None):
    is_representative = invitation.role == Role.REPRESENTATIVE
    form = acceptance_form_class(is_representative, needs_account=not signed_in)()
    context["form"] = form
    if request.method == "GET":
        return render_template("invitations/accept.html", **context)
    if not form.validate():
        return render_template("invitations/accept.html", **context), 422

    if signed_in:
        user = current_user._get_current_object()
    elif pending_account is not None:
        user = pending_account
        accounts.claim_pending_account(user, form.full_name.data, form.password.data)
    else:
        user = accounts.register_user(
            form.full_name.data, invitation.email, form.password.data, locale=str(get_locale())
        )
    g.audit_actor_id = user.id  # a new account is not signed in yet when the rows flush
    try:
        accept_invitation(invitation, user, _licence_from(form))
    except InvitationProblem as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return render_template("invitations/accept.html", **context), 409
    if not signed_in:
        accounts.sign_in(user)
    db.session.commit()
    flash(
        _("You now have access to %(employer)s.", employer=invitation.employer.display_name),
        "success",
    )
    response = redirect(url_for("employers.overview", employer_id=invitation.employer_id))
    return devices.remember(response, user) if not signed_in else response
