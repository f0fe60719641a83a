"""Outgoing mail: real SMTP when configured, else the outbox table and the log."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/outbox")

from portal.mail import views  # noqa: E402,F401
from portal.mail.text import link_urls  # noqa: E402

bp.add_app_template_filter(link_urls, "link_urls")


@bp.app_context_processor
def mail_kept_here():
    """Whether mail stays on this machine (development without SMTP): every page says so."""
    from portal.mail.services import mail_is_kept_here

    return {"mail_kept_here": mail_is_kept_here()}
