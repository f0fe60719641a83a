from flask import abort, current_app, render_template
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.mail import bp
from portal.mail.services import smtp_configured
from portal.models import OutboxMessage
from portal.tenancy import SIGNED_IN, policy


@bp.get("/")
@policy(SIGNED_IN)
def outbox():
    """Show the mail addressed to the signed-in user that this machine kept instead of sending."""
    if smtp_configured() or current_app.config["PORTAL_ENV"] == "production":
        abort(404)
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == current_user.email)
        .order_by(OutboxMessage.id.desc())
        .limit(50)
    )
    return render_template("mail/outbox.html", messages=list(messages))
