"""Two-factor pages: enrolment, the second step at sign-in, recovery codes, turning it off.

The gate that sends a half-signed-in browser here is ``portal.tenancy.guard_request``; these
pages are ``SIGNED_IN_FIRST_STEP`` (reachable before the second step) except the management
ones, which need it passed.
"""

import hashlib

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.audit import record_event
from portal.auth import bp, services, throttle
from portal.auth import two_factor as totp
from portal.auth.forms import TwoFactorCodeForm, TwoFactorEnrolForm, TwoFactorOffForm
from portal.auth.sessions import (
    end_all_sessions,
    passed_second_step,
    restart_after_second_step,
    start_session,
)
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.mail.deferred import after_response
from portal.models import User, utcnow
from portal.tenancy import SIGNED_IN, SIGNED_IN_FIRST_STEP, policy, two_factor_required
from portal.web import safe_next

THROTTLE_SCOPE = "two-factor"
# Which browser started the enrolment: a digest of the pending secret, kept in its session. A
# key started elsewhere (by someone else holding the password, say) is never shown here.
_PENDING = "two_factor_pending"


def _next() -> str:
    return safe_next(request.args.get("next"), url_for("dashboard.index"))


def _pending_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def _throttled(error: throttle.TooManyAttempts, template: str, **context):
    message = _("Too many attempts. Try again in %(minutes)d minutes.", minutes=error.minutes)
    flash(message, "error")
    response = render_template(template, throttled=message, **context)
    return response, 429, {"Retry-After": str(error.retry_after_seconds)}


def _check_code(user: User, code: str) -> str | None:
    """A code from the app or an unused recovery code: "totp", "recovery" or None. Using a
    recovery code is audited and mailed to the user (it may be someone else's doing)."""
    if totp.is_totp_shaped(code):
        return "totp" if totp.accept_code(user, code) else None
    if not totp.use_recovery_code(user, code):
        return None
    left = totp.recovery_codes_left(user)
    record_event(
        db.session,
        "user.recovery_code_used",
        entity=user,
        actor_id=user.id,
        changes={"recovery_codes_left": left},
    )
    after_response(mail_recovery_code_used, user.id, left)
    return "recovery"


def mail_recovery_code_used(user_id: int, left: int) -> None:
    from portal.mail.services import send_mail

    user = db.session.get(User, user_id)
    if user is None:
        return
    send_mail(
        user.email,
        _l("A recovery code was used on your LMIA Portal account"),
        "recovery_code_used",
        locale=user.locale,
        user=user,
        left=left,
        account_link=url_for("auth.two_factor", _external=True),
        reset_link=url_for("auth.request_reset", _external=True),
    )


def _failed(user: User, where: str) -> None:
    throttle.count_attempt(THROTTLE_SCOPE, user.email)
    record_event(
        db.session, "user.two_factor_failed", entity=user, actor_id=user.id, changes={"at": where}
    )
    db.session.commit()


# The second step at sign-in -------------------------------------------------------------------


@bp.route("/two-factor/code", methods=["GET", "POST"])
@policy(SIGNED_IN_FIRST_STEP)
def two_factor_code():
    user = current_user._get_current_object()
    if passed_second_step() or not totp.is_enabled(user):
        return redirect(_next())
    form = TwoFactorCodeForm()
    if request.method == "GET":
        return render_template("auth/two_factor_code.html", form=form)
    if not form.validate():
        return render_template("auth/two_factor_code.html", form=form), 422
    try:
        throttle.check(THROTTLE_SCOPE, user.email)
    except throttle.TooManyAttempts as error:
        record_event(db.session, "user.two_factor_throttled", entity=user, actor_id=user.id)
        db.session.commit()
        return _throttled(error, "auth/two_factor_code.html", form=form)
    method = _check_code(user, form.code.data)
    if method is None:
        _failed(user, "sign_in")
        form.code.errors.append(
            _("This code is not right, or was already used. Type the code your app shows now.")
        )
        return render_template("auth/two_factor_code.html", form=form), 401
    restart_after_second_step(user)
    record_event(
        db.session, "user.two_factor_passed", entity=user, actor_id=user.id, changes={"by": method}
    )
    db.session.commit()
    if method == "recovery":
        flash(
            _(
                "You used a recovery code; %(left)d left. Make new ones on the two-factor page.",
                left=totp.recovery_codes_left(user),
            ),
            "success",
        )
    return redirect(_next(), 303)


# Enrolment -----------------------------------------------------------------------------------


def _enrol_context(user: User, form) -> dict:
    secret = user.totp_secret
    shown = bool(secret) and session.get(_PENDING) == _pending_digest(secret)
    context = {"form": form, "start_form": ConfirmForm(), "shown": shown}
    if shown:
        uri = totp.provisioning_uri(user, secret)
        context |= {"qr_code": totp.qr_code_data_uri(uri), "secret": totp.grouped(secret)}
    context["required"] = two_factor_required(user.id)
    return context


@bp.route("/two-factor/enrol", methods=["GET", "POST"])
@policy(SIGNED_IN_FIRST_STEP)
def two_factor_enrol():
    user = current_user._get_current_object()
    if totp.is_enabled(user):
        # Enrolled already: never a second enrolment from a browser that has not passed it.
        target = "auth.two_factor" if passed_second_step() else "auth.two_factor_code"
        return redirect(url_for(target, next=request.args.get("next")))
    form = TwoFactorEnrolForm()
    if request.method == "GET":
        return render_template("auth/two_factor_enrol.html", **_enrol_context(user, form))
    if not form.validate():
        return render_template("auth/two_factor_enrol.html", **_enrol_context(user, form)), 422
    try:
        throttle.check(THROTTLE_SCOPE, user.email)
    except throttle.TooManyAttempts as error:
        return _throttled(error, "auth/two_factor_enrol.html", **_enrol_context(user, form))
    context = _enrol_context(user, form)
    if not context["shown"] or not totp.accept_code(user, form.code.data):
        _failed(user, "enrolment")
        form.code.errors.append(
            _("This code is not right. Type the 6 digits the app shows now for this account.")
            if context["shown"]
            else _("Show the key first, then type the code the app makes from it.")
        )
        return render_template("auth/two_factor_enrol.html", **context), 401
    user.totp_enabled_at = utcnow()
    codes = totp.new_recovery_codes(user)
    # Sessions made before enrolment end (one may be a thief's); this browser gets a new one.
    end_all_sessions(user.id, "two_factor_enrolled")
    start_session(user, second_factor=True)
    record_event(db.session, "user.two_factor_enabled", entity=user, actor_id=user.id)
    db.session.commit()
    return render_template(
        "auth/two_factor_recovery_codes.html", codes=codes, continue_to=_next(), enrolled=True
    )


@bp.post("/two-factor/enrol/start")
@policy(SIGNED_IN_FIRST_STEP)
def two_factor_start():
    """Make a new secret (stored encrypted at once) and show it to this browser only."""
    user = current_user._get_current_object()
    form = ConfirmForm()
    if totp.is_enabled(user) or not form.validate():
        return redirect(url_for("auth.two_factor_enrol", next=request.args.get("next")), 303)
    secret = totp.start_enrolment(user)
    session[_PENDING] = _pending_digest(secret)
    record_event(db.session, "user.two_factor_enrolment_started", entity=user, actor_id=user.id)
    db.session.commit()
    return redirect(url_for("auth.two_factor_enrol", next=request.args.get("next")), 303)


# Managing it once signed in -------------------------------------------------------------------


def _manage_context(user: User, code_form=None, off_form=None) -> dict:
    return {
        "enabled": totp.is_enabled(user),
        "required": two_factor_required(user.id),
        "codes_left": totp.recovery_codes_left(user) if totp.is_enabled(user) else 0,
        "code_form": code_form or TwoFactorCodeForm(formdata=None),
        "off_form": off_form or TwoFactorOffForm(formdata=None),
    }


@bp.get("/two-factor/")
@policy(SIGNED_IN)
def two_factor():
    user = current_user._get_current_object()
    return render_template("auth/two_factor.html", **_manage_context(user))


@bp.post("/two-factor/recovery-codes")
@policy(SIGNED_IN)
def two_factor_new_codes():
    """Ten new recovery codes (the old ones stop working); needs a current code."""
    user = current_user._get_current_object()
    form = TwoFactorCodeForm()
    if not totp.is_enabled(user):
        return redirect(url_for("auth.two_factor_enrol"), 303)
    if not form.validate():
        return render_template("auth/two_factor.html", **_manage_context(user, form)), 422
    try:
        throttle.check(THROTTLE_SCOPE, user.email)
    except throttle.TooManyAttempts as error:
        return _throttled(error, "auth/two_factor.html", **_manage_context(user, form))
    if _check_code(user, form.code.data) is None:
        _failed(user, "recovery_codes")
        form.code.errors.append(_("This code is not right, or was already used."))
        return render_template("auth/two_factor.html", **_manage_context(user, form)), 401
    codes = totp.new_recovery_codes(user)
    record_event(db.session, "user.recovery_codes_renewed", entity=user, actor_id=user.id)
    db.session.commit()
    return render_template(
        "auth/two_factor_recovery_codes.html",
        codes=codes,
        continue_to=url_for("auth.two_factor"),
        enrolled=False,
    )


@bp.post("/two-factor/off")
@policy(SIGNED_IN)
def two_factor_off():
    """Turn two-factor off: only for those who do not need it; password and a code."""
    user = current_user._get_current_object()
    form = TwoFactorOffForm()
    if not totp.is_enabled(user):
        return redirect(url_for("auth.two_factor"), 303)
    if two_factor_required(user.id):
        flash(_("Your account needs two-factor sign-in: it cannot be turned off."), "error")
        return render_template("auth/two_factor.html", **_manage_context(user, None, form)), 403
    if not form.validate():
        return render_template("auth/two_factor.html", **_manage_context(user, None, form)), 422
    try:
        throttle.check(THROTTLE_SCOPE, user.email)
    except throttle.TooManyAttempts as error:
        return _throttled(error, "auth/two_factor.html", **_manage_context(user, None, form))
    if not services.hashing().verify(user.password_hash, form.password.data):
        _failed(user, "turn_off")
        form.password.errors.append(_("The password is not right."))
        return render_template("auth/two_factor.html", **_manage_context(user, None, form)), 401
    if _check_code(user, form.code.data) is None:
        _failed(user, "turn_off")
        form.code.errors.append(_("This code is not right, or was already used."))
        return render_template("auth/two_factor.html", **_manage_context(user, None, form)), 401
    totp.turn_off(user)
    record_event(db.session, "user.two_factor_disabled", entity=user, actor_id=user.id)
    db.session.commit()
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("auth.two_factor"), 303)
