from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.mail import bp
from portal.mail.services import mail_is_kept_here
from portal.models import OutboxMessage
from portal.tenancy import SIGNED_IN, policy


@bp.get("/")
@policy(SIGNED_IN)
def outbox():
    """Show the mail addressed to the signed-in user that this machine kept instead of sending."""
    if not mail_is_kept_here():
        abort(404)
    # Only the proven owner of the address may read its mail: an account whose address was
    # never confirmed could have been made by anyone who typed it (an invitee's, for one).
    confirmed = current_user.email_confirmed_at is not None
    messages = (
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == current_user.email)
            .order_by(OutboxMessage.id.desc())
            .limit(50)
        )
        if confirmed
        else []
    )
    return render_template("mail/outbox.html", messages=list(messages), confirmed=confirmed)
