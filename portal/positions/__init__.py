"""Positions (LMIA files): the job, its recruitment activities, applicants, Job Match, and the
compliance page that runs the rules engine on them."""

from flask import Blueprint

bp = Blueprint("positions", __name__, url_prefix="/employers/<int:employer_id>/positions")

from portal.positions import views  # noqa: E402,F401
