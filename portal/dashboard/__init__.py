"""The home page: a landing page for visitors, the list of one's employers or clients otherwise."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from portal.dashboard import views  # noqa: E402,F401
