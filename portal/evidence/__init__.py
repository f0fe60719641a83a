"""The evidence locker: uploads checked by content, the lawyer's review, sign-off and the
filing bundle."""

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/employers/<int:employer_id>/positions")

from portal.evidence import views  # noqa: E402,F401
