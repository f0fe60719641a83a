"""Employer profiles, work locations, members, invitations and the employer's audit log."""

from flask import Blueprint

bp = Blueprint("employers", __name__, url_prefix="/employers")

from portal.employers import views  # noqa: E402,F401
