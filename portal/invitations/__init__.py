"""Invitations: an owner invites staff or a representative by email; the link grants access."""

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

from portal.invitations import views  # noqa: E402,F401
