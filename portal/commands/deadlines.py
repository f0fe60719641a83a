"""``flask --app portal deadlines [--employer ID] [--days N] [--format text|json|ics]
[--user EMAIL]`` and ``flask --app portal send-reminders [--today YYYY-MM-DD]``.

``deadlines`` lists every deadline of every live position (or one employer's) for the
operator, or one user's (``--user``) as their deadlines page shows them. ``send-reminders`` is
meant for a scheduler (cron, a systemd timer), e.g. daily at 06:00 (it also runs the sweep of
``flask sweep``: stale temp files, orphan stored files, bundle builds left running)::

    0 6 * * *  cd /srv/portal && .venv/bin/flask --app portal send-reminders

It mails each user who asked for reminders about each deadline due within their reminder days
(in their time zone), once: a second run, or two at the same time, send nothing twice. With
Redis configured it queues one job per user ("reminders.send", ``portal.deadlines.reminders``)
for the worker to send; without, it sends them itself.

Links in the output and the mail point at ``PORTAL_BASE_URL`` (default
``http://127.0.0.1:5000``): a command has no request to take the site's address from.
"""

from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.deadlines import collect, ics, services
from portal.deadlines.reminders import base_url, send_user_reminders, url_of
from portal.extensions import db
from portal.limits import as_of_in_range
from portal.models import Employer, User, utcnow
from portal.queue import enqueue

EXIT_OK, EXIT_USAGE = 0, 2
_base_url = base_url
_url_of = url_of


@click.command("deadlines")
@click.option("--employer", "employer_id", type=int, default=None, help="Only this employer.")
@click.option(
    "--days",
    type=click.IntRange(1, collect.MAX_WINDOW_DAYS),
    default=None,
    help="Only deadlines due within N days (past-due ones of the last 30 days included).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "ics"]),
    default="text",
    show_default=True,
    help="One deadline a line, a JSON list, or an iCalendar file.",
)
@click.option("--user", "email", default=None, help="Only this user's deadlines (their view).")
@with_appcontext
def list_deadlines(employer_id: int | None, days: int | None, output: str, email: str | None):
    """List deadlines, soonest first: every employer's, or one user's."""
    user = None
    if email is not None:
        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.UsageError(f"no user {email}")
    today = services.today_for(user)
    with current_app.test_request_context(base_url=_base_url()):
        if user is not None:
            collected = services.deadlines_of_user(user.id, today)
            if employer_id is not None and employer_id not in collected.employers:
                raise click.UsageError(f"{email} is not a member of employer {employer_id}")
        else:
            query = select(Employer).order_by(Employer.id)
            if employer_id is not None:
                query = query.where(Employer.id == employer_id)
            employers = list(db.session.scalars(query))
            if employer_id is not None and not employers:
                raise click.UsageError(f"no employer {employer_id}")
            collected = services.deadlines_of_employers(employers, today)
        deadlines = collected.deadlines
        if employer_id is not None:
            deadlines = [d for d in deadlines if d.employer_id == employer_id]
        if days is not None:
            deadlines = [item.deadline for item in collect.in_window(deadlines, today, days)]
        if output == "ics":
            click.echo(
                ics.feed_bytes(
                    deadlines,
                    name="LMIA Portal deadlines",
                    zone=services.zone_of(user),
                    now=utcnow(),
                    url_of=_url_of,
                    titles=collected.titles,
                    worker_names=collected.worker_names,
                ).decode("utf-8"),
                nl=False,
            )
            return
        rows = [
            {
                "key": d.key,
                "due_on": d.due_on.isoformat(),
                "past_due": d.due_on < today,
                "kind": d.kind,
                "title": d.title,
                "employer": d.employer_id,
                "position": d.position_id,
                "worker": d.worker_id,
                "url": _url_of(d),
                "citation": d.citation,
            }
            for d in deadlines
        ]
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        flag = "  PAST DUE" if row["past_due"] else ""
        click.echo(
            f"{row['due_on']}  employer {row['employer']}  position {row['position']}  "
            f"{row['title']}{flag}  [{row['key']}]"
        )
    if not rows:
        click.echo("No deadline.")


@click.command("send-reminders")
@click.option(
    "--today",
    "today_option",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this day (default: today in each user's time zone).",
)
@with_appcontext
def send_reminders(today_option) -> None:
    """Mail each user about the deadlines due within their reminder days, each once."""
    fixed = today_option.date() if today_option else None
    if fixed is not None and not as_of_in_range(fixed):
        raise click.UsageError(f"--today {fixed.isoformat()} is outside the dates covered.")
    users = mails = reminders = failed = queued = 0
    on_queue = bool(current_app.config.get("REDIS_URL"))
    day = fixed.isoformat() if fixed else None
    for user_id in [user.id for user in services.users_with_reminders()]:
        users += 1
        if on_queue:  # a worker sends it (portal.queue); a failed job is sent by the next run
            enqueue("reminders.send", user_id=user_id, today=day)
            queued += 1
            continue
        try:
            sent = send_user_reminders(user_id, day)
        except Exception as error:  # noqa: BLE001 - one user's mail must not stop the rest
            db.session.rollback()
            failed += 1
            click.echo(f"user {user_id}: reminder not sent ({type(error).__name__})", err=True)
            continue
        if sent:
            mails += 1
            reminders += sent
    db.session.remove()
    if on_queue:
        click.echo(f"{users} users with reminders, {queued} reminder jobs queued")
    else:
        click.echo(
            f"{users} users with reminders, {mails} mails, {reminders} reminders sent"
            + (f", {failed} failed (left for the next run)" if failed else "")
        )
    # Issue 13: each online ad captured through the portal is captured again weekly while it
    # runs (portal.capture), queued here like the reminders.
    from portal.capture.services import queue_recaptures

    captures = queue_recaptures(fixed or date.today())
    click.echo(f"{captures} ad captures {'queued' if on_queue else 'taken or tried'}")
    # The scheduled command also clears what crashed processes left (portal.maintenance).
    from portal.commands.maintenance import run_sweep

    for line in run_sweep().lines():
        click.echo(line)
    if failed:
        click.get_current_context().exit(1)


__all__ = ["list_deadlines", "send_reminders"]
