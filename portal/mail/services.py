"""Send a message: through SMTP when PORTAL_SMTP_HOST is set, else keep it in the outbox."""

import logging
import smtplib
from contextlib import nullcontext
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale

from portal.extensions import db
from portal.models import OutboxMessage

log = logging.getLogger("portal.mail")


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def mail_is_kept_here() -> bool:
    """True in development without SMTP: mail lands in the outbox table, not in a mailbox."""
    return not smtp_configured() and current_app.config["PORTAL_ENV"] != "production"


def send_mail(
    recipient: str,
    subject: str,
    template: str,
    *,
    locale: str | None = None,
    log_body: bool = True,
    **context,
) -> None:
    """Render ``templates/email/<template>.txt`` and deliver it to ``recipient``.

    ``locale``: the recipient's language (their account's), for the subject (pass it lazy:
    ``_l``) and the body; a language the portal does not offer falls back to English. Without
    it, the mail is in the language of whoever caused it (an invitation has no account yet).
    ``log_body=False``: the body holds a credential that must never reach a log (a worker's
    attestation link); the outbox still keeps it for delivery.
    """
    from portal.auth.locales import usable_locale  # the auth package imports this module

    language = force_locale(usable_locale(locale)) if locale is not None else nullcontext()
    with language:
        subject = str(subject)
        body = render_template(f"email/{template}.txt", **context)
    config = current_app.config
    if not smtp_configured():
        db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
        # The body carries sign-in links: only log it where mail stays on this machine.
        if log_body:
            log.info("outbox: to=%s subject=%s\n%s", recipient, subject, body)
        else:
            log.info("outbox: to=%s subject=%s (body not logged)", recipient, subject)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
    log.info("mail sent: to=%s subject=%s", recipient, subject)
