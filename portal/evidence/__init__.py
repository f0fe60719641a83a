"""The evidence locker: uploads checked by content, the lawyer's review, sign-off and the
filing bundle."""

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/employers/<int:employer_id>/positions")

from portal.evidence import views  # noqa: E402,F401
from portal.evidence.forms import bundle_form  # noqa: E402

bp.add_app_template_global(bundle_form, "bundle_form")
