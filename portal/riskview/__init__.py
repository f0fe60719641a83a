"""The risk view: every fee and fraud finding with the records behind it, per position and, for
a representative, across all their clients (``portal.risk`` builds the list)."""

from flask import Blueprint

bp = Blueprint("risk", __name__)

from portal.riskview import views  # noqa: E402,F401
