"""Sign-up, sign-in, sign-out, password reset and the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from portal.auth import views  # noqa: E402,F401
from portal.auth.locales import page_language  # noqa: E402

bp.add_app_template_global(page_language, "page_language")
