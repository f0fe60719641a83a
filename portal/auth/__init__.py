"""Sign-up, sign-in, sign-out, password reset and the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from portal.auth import views  # noqa: E402,F401
