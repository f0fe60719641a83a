"""Sign-up, sign-in, sign-out, password reset and the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from portal.auth import language_views, two_factor_views, views  # noqa: E402,F401
from portal.auth.locales import page_language  # noqa: E402

bp.add_app_template_global(page_language, "page_language")
from portal.tenancy import pending_second_step  # noqa: E402

# The navigation of a browser that has not passed the second step offers only signing out.
bp.add_app_template_global(pending_second_step, "second_step_pending")
from portal.auth.language_views import language_switch  # noqa: E402

# The switch in every page's header (base.html).
bp.add_app_template_global(language_switch, "language_switch")
