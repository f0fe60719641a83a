from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit import record_event
from portal.auth import bp, devices, services, throttle, two_factor
from portal.auth.forms import (
    ChangePasswordForm,
    ConfirmEmailForm,
    LoginForm,
    PreferencesForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
    UnlockRequestForm,
)
from portal.auth.locales import COMING_NOTE, coming_languages
from portal.auth.sessions import end_current_session, passed_second_step, start_session
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.mail.deferred import after_response
from portal.tenancy import PUBLIC, SIGNED_IN, SIGNED_IN_FIRST_STEP, policy, two_factor_required
from portal.tokens import InvalidLink
from portal.web import safe_next


def _safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the dashboard (no open redirect)."""
    return safe_next(target, url_for("dashboard.index"))


def _throttled(error: throttle.TooManyAttempts, template: str, **context):
    message = _("Too many attempts. Try again in %(minutes)d minutes.", minutes=error.minutes)
    flash(message, "error")
    response = render_template(template, throttled=message, **context)
    return response, 429, {"Retry-After": str(error.retry_after_seconds)}


@bp.route("/signup", methods=["GET", "POST"])
@policy(PUBLIC)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignupForm()
    if request.method == "GET":
        return render_template("auth/signup.html", form=form)
    try:
        throttle.check("signup")
    except throttle.TooManyAttempts as error:
        return _throttled(error, "auth/signup.html", form=form)
    throttle.count_attempt("signup")
    if not form.validate():
        return render_template("auth/signup.html", form=form), 422
    # The same answer, and the same work in the request, whether or not the address has an
    # account: the account (or a note to its owner) is made after the response has gone.
    services.request_signup(
        form.full_name.data, form.email.data, form.password.data, locale=str(get_locale())
    )
    return redirect(url_for("auth.check_email", about="signup"))


CHECK_EMAIL_ABOUT = ("signup", "reset", "unlock")


@bp.get("/check-email")
@policy(PUBLIC)
def check_email():
    """What to do next after sign-up, reset or unlock: the same page for every address."""
    about = request.args.get("about")
    return render_template(
        "auth/check_email.html", about=about if about in CHECK_EMAIL_ABOUT else "signup"
    )


def _invalid_confirmation(error: InvalidLink):
    reason = (
        _("This confirmation link has expired. Sign in to get a new one.")
        if error.expired
        else _(
            "This confirmation link is not valid, or the account is already confirmed. "
            "Try signing in."
        )
    )
    return render_template("auth/confirm_invalid.html", reason=reason), 400


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def confirm_email(token: str):
    """The link mailed at sign-up: the password proves this is the person who signed up, the
    link that they own the address. Both together confirm the account and sign in."""
    try:
        user = services.user_for_confirmation_token(token)
    except InvalidLink as error:
        return _invalid_confirmation(error)
    form = ConfirmEmailForm()
    context = {"form": form, "email": user.email}
    if request.method == "GET":
        return render_template("auth/confirm_email.html", **context)
    if not form.validate():
        return render_template("auth/confirm_email.html", **context), 422
    try:
        throttle.check("login", user.email, known_device=devices.is_known(user))
    except throttle.TooManyAttempts as error:
        return _throttled(error, "auth/confirm_email.html", **context)
    if services.check_password(user, form.password.data) is None:
        throttle.count_attempt("login", user.email)
        record_event(db.session, "user.login_failed", changes={"email": user.email})
        db.session.commit()
        form.password.errors.append(_("This is not the password you chose at sign-up."))
        return render_template("auth/confirm_email.html", **context), 401
    services.confirm_email(user)
    services.sign_in(user)
    db.session.commit()
    flash(_("Your email address is confirmed. Welcome!"), "success")
    return devices.remember(redirect(url_for("dashboard.index")), user)


@bp.route("/login", methods=["GET", "POST"])
@policy(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate():
        return render_template("auth/login.html", form=form), 422
    email = services.normalise_email(form.email.data)
    account = services.find_user(email)
    try:
        throttle.check("login", email, known_device=devices.is_known(account))
    except throttle.TooManyAttempts as error:
        record_event(db.session, "user.login_throttled", changes={"email": email})
        db.session.commit()
        return _throttled(error, "auth/login.html", form=form, unlock_form=_unlock_form(email))
    user = services.check_password(account, form.password.data)
    if user is None:
        throttle.count_attempt("login", email)
        record_event(db.session, "user.login_failed", changes={"email": email})
        db.session.commit()
        form.password.errors.append(_("The email or the password is not right."))
        return render_template("auth/login.html", form=form), 401
    if user.email_confirmed_at is None:
        # Only someone who knows the password gets here, so saying so reveals nothing new.
        try:
            throttle.check("confirm-resend", email)
            throttle.count_attempt("confirm-resend", email)
            after_response(services.resend_confirmation_after_response, user.id)
        except throttle.TooManyAttempts:
            pass  # the links already sent still work
        db.session.commit()  # a rehashed password
        flash(
            _(
                "Confirm your email address first: open the link we sent to %(email)s. "
                "We have just sent a new one.",
                email=user.email,
            ),
            "error",
        )
        return render_template("auth/login.html", form=form, unconfirmed=True), 403
    services.sign_in(user)
    db.session.commit()
    return devices.remember(redirect(_safe_next(request.args.get("next"))), user)


def _unlock_form(email: str) -> UnlockRequestForm:
    form = UnlockRequestForm(formdata=None)
    form.email.data = email
    return form


@bp.route("/unlock", methods=["GET", "POST"])
@policy(PUBLIC)
def request_unlock():
    """Ask for a link that lets this browser sign in to an account others have locked."""
    return _ask_for_a_mailed_link(
        UnlockRequestForm(), "auth/unlock_request.html", "unlock", services.request_unlock
    )


def _ask_for_a_mailed_link(form, template: str, kind: str, ask) -> ResponseReturnValue:
    """Asking for a reset or unlock link: throttled per address, and the same answer and the
    same work whether or not the account exists (``ask`` looks it up and mails after the
    response), so neither the page nor its timing can probe emails."""
    if request.method == "GET":
        return render_template(template, form=form)
    if not form.validate():
        return render_template(template, form=form), 422
    email = services.normalise_email(form.email.data)
    try:
        throttle.check(kind, email)
    except throttle.TooManyAttempts as error:
        return _throttled(error, template, form=form)
    throttle.count_attempt(kind, email)
    ask(email)
    return redirect(url_for("auth.check_email", about=kind))


@bp.route("/unlock/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def unlock(token: str):
    """The e-mailed unlock link: this browser becomes one the account signs in from."""
    try:
        user = services.user_for_unlock_token(token)
    except InvalidLink as error:
        reason = (
            _("This unlock link has expired. Ask for a new one.")
            if error.expired
            else _("This unlock link is not valid.")
        )
        return render_template("auth/unlock_invalid.html", reason=reason), 400
    form = ConfirmForm()
    if request.method == "GET" or not form.validate():
        return render_template("auth/unlock.html", form=form, email=user.email)
    record_event(db.session, "user.device_unlocked", entity=user, actor_id=user.id)
    db.session.commit()
    flash(_("This browser can sign in to your account now. Sign in below."), "success")
    return devices.remember(redirect(url_for("auth.login")), user)


@bp.post("/logout")
@policy(SIGNED_IN_FIRST_STEP)
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        record_event(db.session, "user.logout", entity=current_user._get_current_object())
        end_current_session("logout")
        db.session.commit()
        flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@policy(PUBLIC)
def request_reset():
    return _ask_for_a_mailed_link(
        ResetRequestForm(), "auth/request_reset.html", "reset", services.request_reset
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
@policy(PUBLIC)
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except InvalidLink as error:
        reason = (
            _("This reset link has expired.")
            if error.expired
            else _("This reset link is not valid or was already used.")
        )
        return render_template("auth/reset_invalid.html", reason=reason), 400
    form = ResetPasswordForm()
    if request.method == "GET":
        return render_template("auth/reset_password.html", form=form)
    if not form.validate():
        return render_template("auth/reset_password.html", form=form), 422
    services.change_password(user, form.password.data, reason="password_reset")
    services.confirm_email(user)  # the link came to the address
    db.session.commit()
    flash(_("Your password is changed. Sign in with the new one."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/", methods=["GET", "POST"])
@policy(SIGNED_IN)
def account():
    user = current_user._get_current_object()
    preferences = PreferencesForm(obj=user)
    password_form = ChangePasswordForm()
    if request.method == "POST":
        if not preferences.validate():
            context = _account_context(preferences, password_form)
            return render_template("auth/account.html", **context), 422
        user.full_name = preferences.full_name.data.strip()
        user.locale = preferences.locale.data
        # Deadline settings (issue 10): only when the form carried them, so an older form
        # (or a client that posts the language alone) leaves them as they were.
        if "time_zone" in request.form:
            user.time_zone = preferences.time_zone.data or None
        if "reminder_days_before" in request.form:
            user.reminder_days_before = preferences.reminder_days_before.data
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", **_account_context(preferences, password_form))


def _account_context(preferences, password_form) -> dict:
    coming = coming_languages()
    return {
        "preferences": preferences,
        "password_form": password_form,
        "languages_note": COMING_NOTE % {"languages": ", ".join(coming)} if coming else None,
        "two_factor_on": two_factor.is_enabled(current_user),
        "two_factor_required": two_factor_required(current_user.id),
    }


@bp.post("/password")
@policy(SIGNED_IN)
def change_password():
    user = current_user._get_current_object()
    preferences = PreferencesForm(obj=user, formdata=None)
    password_form = ChangePasswordForm()
    status = 422
    try:
        # A stolen session must not become a free password-guessing oracle.
        throttle.check("password-change", user.email)
    except throttle.TooManyAttempts as error:
        context = _account_context(preferences, password_form)
        return _throttled(error, "auth/account.html", **context)
    if password_form.validate():
        if services.hashing().verify(user.password_hash, password_form.current_password.data):
            services.change_password(user, password_form.password.data, reason="password_change")
            # This browser stays signed in (and keeps its second step); every other one is out.
            start_session(user, second_factor=passed_second_step())
            db.session.commit()
            flash(_("Your password is changed. Other devices were signed out."), "success")
            # This browser proved the new password; devices known before are forgotten.
            return devices.remember(redirect(url_for("auth.account")), user)
        throttle.count_attempt("password-change", user.email)
        password_form.current_password.errors.append(_("The current password is not right."))
        status = 401
    context = _account_context(preferences, password_form)
    return render_template("auth/account.html", **context), status
