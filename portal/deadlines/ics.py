"""A user's deadlines as an iCalendar feed (RFC 5545, the ``icalendar`` library; plain Python).

One all-day event per deadline: DTSTART is the due day (``VALUE=DATE``), DTEND the next day,
the UID comes from the deadline's stable key, so a calendar app updates an event instead of
adding a second one when the feed is fetched again. The feed leaves the portal (calendar apps,
their sync servers): it names positions, never a worker's full name, passport or permit
details: a worker appears as a first name and an initial, an applicant by initials.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from portal.deadlines.collect import WHAT_TO_DO
from portal.rules.phrase import Phrase

PRODID = "-//LMIA Compliance Portal//Deadlines//EN"
UID_DOMAIN = "lmia-portal"


def short_name(name: str | None) -> str:
    """ "Marco Bellini" -> "Marco B." (what a calendar outside the portal may show)."""
    parts = (name or "").split()
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0].upper()}."


def without_names(text: str, names: Iterable[str]) -> str:
    """``text`` with each worker's name shortened; a phrase stays a phrase (its values are
    shortened), so a page or a mail can still write it in the reader's language."""
    names = sorted({n for n in names if n}, key=len, reverse=True)
    if isinstance(text, Phrase):
        return Phrase(
            text.msgid,
            **{
                key: without_names(value, names) if type(value) in (str, Phrase) else value
                for key, value in text.values.items()
            },
        )
    for name in names:
        text = text.replace(name, short_name(name))
    return text


def uid_of(key: str) -> str:
    return f"{key}@{UID_DOMAIN}"


def calendar_of(
    deadlines: Iterable,
    *,
    name: str,
    zone: str,
    now: datetime,
    url_of: Callable[[object], str | None],
    titles: dict[int, str] | None = None,
    worker_names: dict[int, str] | None = None,
) -> Calendar:
    """The feed: ``url_of(deadline)`` gives each event's page; ``titles`` the positions'
    titles; ``worker_names`` the full names the text must not carry (shortened instead)."""
    titles = titles or {}
    names = (worker_names or {}).values()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    for deadline in deadlines:
        event = Event()
        event.add("uid", uid_of(deadline.key))
        event.add("dtstamp", now)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + timedelta(days=1))
        event.add("summary", without_names(deadline.title, names))
        lines = []
        position = titles.get(deadline.position_id)
        if position:
            lines.append(f"Position: {position}")
        lines.append(without_names(WHAT_TO_DO.get(deadline.kind, deadline.title), names))
        if deadline.citation:
            lines.append(f"Source: {deadline.citation}")
        url = url_of(deadline)
        if url:
            lines.append(url)
            event.add("url", url)
        event.add("description", "\n".join(lines))
        event.add("categories", [deadline.kind])
        event.add("transp", "TRANSPARENT")  # a deadline does not make the user busy
        calendar.add_component(event)
    return calendar


def feed_bytes(deadlines, **kwargs) -> bytes:
    return calendar_of(deadlines, **kwargs).to_ical()
