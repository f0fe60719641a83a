"""Outgoing mail: real SMTP when configured, else the outbox table and the log."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/outbox")

from portal.mail import views  # noqa: E402,F401
