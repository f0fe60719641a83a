from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit import record_event
from portal.auth import bp, services, throttle
from portal.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    PreferencesForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from portal.auth.sessions import end_current_session, start_session
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.mail.services import send_mail
from portal.tenancy import PUBLIC, SIGNED_IN, policy
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
    try:
        user = services.register_user(form.full_name.data, form.email.data, form.password.data)
    except services.EmailTaken:
        form.email.errors.append(
            _("An account already uses this email. Sign in, or reset your password.")
        )
        return render_template("auth/signup.html", form=form), 409
    services.sign_in(user)
    db.session.commit()
    flash(_("Welcome! Your account is ready."), "success")
    return redirect(url_for("dashboard.index"))


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
    try:
        throttle.check("login", email)
    except throttle.TooManyAttempts as error:
        record_event(db.session, "user.login_throttled", changes={"email": email})
        db.session.commit()
        return _throttled(error, "auth/login.html", form=form)
    user = services.authenticate(email, form.password.data)
    if user is None:
        throttle.count_attempt("login", email)
        record_event(db.session, "user.login_failed", changes={"email": email})
        db.session.commit()
        form.password.errors.append(_("The email or the password is not right."))
        return render_template("auth/login.html", form=form), 401
    services.sign_in(user)
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@policy(SIGNED_IN)
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
    form = ResetRequestForm()
    if request.method == "GET":
        return render_template("auth/request_reset.html", form=form)
    if not form.validate():
        return render_template("auth/request_reset.html", form=form), 422
    email = services.normalise_email(form.email.data)
    try:
        throttle.check("reset", email)
    except throttle.TooManyAttempts as error:
        return _throttled(error, "auth/request_reset.html", form=form)
    throttle.count_attempt("reset", email)
    user = services.find_user(email)
    if user is not None and user.is_active:
        link = url_for("auth.reset_password", token=services.reset_link_token(user), _external=True)
        send_mail(
            user.email, _("Reset your LMIA Portal password"), "password_reset", user=user, link=link
        )
        record_event(db.session, "user.reset_requested", entity=user, actor_id=user.id)
        db.session.commit()
    # Same answer whether or not the account exists, so the page cannot be used to probe emails.
    flash(
        _(
            "If an account uses that email, we sent it a link to reset the password. "
            "The link works once, for one hour."
        ),
        "success",
    )
    return redirect(url_for("auth.login"))


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
            return render_template(
                "auth/account.html", preferences=preferences, password_form=password_form
            ), 422
        user.full_name = preferences.full_name.data.strip()
        user.locale = preferences.locale.data
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", preferences=preferences, password_form=password_form
    )


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
        return _throttled(
            error, "auth/account.html", password_form=password_form, preferences=preferences
        )
    if password_form.validate():
        if services.hashing().verify(user.password_hash, password_form.current_password.data):
            services.change_password(user, password_form.password.data, reason="password_change")
            start_session(user)  # this browser stays signed in; every other one is signed out
            db.session.commit()
            flash(_("Your password is changed. Other devices were signed out."), "success")
            return redirect(url_for("auth.account"))
        throttle.count_attempt("password-change", user.email)
        password_form.current_password.errors.append(_("The current password is not right."))
        status = 401
    return render_template(
        "auth/account.html", preferences=preferences, password_form=password_form
    ), status
