"""Reminder mail, one user at a time: the job "reminders.send" (``portal.queue``).

``flask send-reminders`` queues one job per user who asked for reminders when Redis is
configured (a worker sends them), and runs the same function for each user in turn otherwise.
Safe to run twice, or twice at once: each deadline is claimed by its ``ReminderSent`` row before
the mail is written (``services.remind``), so no reminder goes out twice; a job that fails
leaves nothing claimed, and the next run sends it.

Links in the mail point at ``PORTAL_BASE_URL`` (default ``http://127.0.0.1:5000``): a job has
no request to take the site's address from.
"""

from __future__ import annotations

import os
from datetime import date

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.deadlines import collect, ics, services
from portal.extensions import db
from portal.models import User
from portal.queue import job
from portal.web import in_page_language

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    return os.environ.get("PORTAL_BASE_URL", DEFAULT_BASE_URL)


def url_of(deadline) -> str | None:
    from portal.deadlines.views import url_of

    return url_of(deadline, external=True)


@job("reminders.send")
def send_user_reminders(user_id: int, today: str | None = None) -> int:
    """Mail user ``user_id`` about the deadlines due within their reminder days not reminded of
    yet (``today``: ISO date, default today in their time zone); how many the mail listed."""
    user = db.session.scalar(select(User).where(User.id == user_id))
    asking = user is not None and user.reminder_days_before is not None
    if not (asking and user.is_active and user.email_confirmed_at is not None):
        return 0  # gone, or stopped asking, since the job was queued (users_with_reminders)
    day = date.fromisoformat(today) if today else services.today_for(user)
    with current_app.test_request_context(base_url=base_url()):
        collected = services.deadlines_of_user(user.id, day)
        due = collect.due_for_reminder(collected.deadlines, day, user.reminder_days_before)
        names = collected.worker_names
        return services.remind(user, due, day, lambda u, d, t: _send(u, d, t, names))


def _send(user: User, deadlines: list, today: date, worker_names: dict) -> None:
    """One mail listing the deadlines; workers named by first name and initial (mail leaves the
    portal, like the calendar)."""
    from portal.mail.services import send_mail

    def title(deadline) -> str:
        return ics.without_names(deadline.title, worker_names.values())

    count = len(deadlines)
    first_title = title(deadlines[0])
    subject = (
        # The title goes into the subject in the recipient's language, when it is rendered.
        _l("Reminder: %(title)s", title=LazyString(lambda: in_page_language(first_title)))
        if count == 1
        else _l(
            "Reminder: %(count)d deadlines from %(day)s",
            count=count,
            day=deadlines[0].due_on.isoformat(),
        )
    )
    send_mail(
        user.email,
        subject,
        "reminder",
        locale=user.locale,
        user=user,
        today=today,
        zone=services.zone_of(user),
        items=[
            {
                "deadline": d,
                "title": title(d),
                "days_left": (d.due_on - today).days,
                "what_to_do": collect.WHAT_TO_DO.get(d.kind, d.title),
                "url": url_of(d),
            }
            for d in deadlines
        ],
        deadlines_url=f"{base_url().rstrip('/')}/deadlines",
    )
