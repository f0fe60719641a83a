"""``flask --app portal deadlines`` and ``send-reminders`` as a user runs them: subprocesses on
a migrated, seeded database (SQLite; and PostgreSQL when PORTAL_TEST_DATABASE_URL is set, in a
database of its own made for the test)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import uuid
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from tests.cli.support import FLASK, new_shell, ok
from tests.conftest import POSTGRES_URL


def _deadlines(shell, *args) -> list[dict]:
    return json.loads(ok(shell.flask("deadlines", "--format", "json", *args)).stdout)


def test_deadlines_json_lists_every_deadline_soonest_first(shell):
    rows = _deadlines(shell)
    assert rows, "the demo has recruitment deadlines"
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    assert len({r["key"] for r in rows}) == len(rows)
    kinds = {r["kind"] for r in rows}
    assert {"job_match_day_30", "planned_filing", "ad_capture"} <= kinds
    today = date.today().isoformat()
    assert all(r["past_due"] == (r["due_on"] < today) for r in rows)
    assert all(r["url"].startswith("http://127.0.0.1:5000/employers/") for r in rows if r["url"])
    # A window of N days: due up to today + N (past-due ones of the last 30 days stay).
    last = (date.today() + timedelta(days=10)).isoformat()
    first = (date.today() - timedelta(days=30)).isoformat()
    window = _deadlines(shell, "--days", "10")
    assert window and all(first <= r["due_on"] <= last for r in window)
    assert {r["key"] for r in window} <= {r["key"] for r in rows}
    # One employer; one user's view (the owner of the bistro sees the bistro's).
    employer = rows[0]["employer"]
    assert {r["employer"] for r in _deadlines(shell, "--employer", str(employer))} == {employer}
    owner = _deadlines(shell, "--user", "owner@maple-bistro.example")
    assert owner and {r["employer"] for r in owner} == {employer}
    prairie = _deadlines(shell, "--user", "owner@prairie-greens.example")
    assert employer not in {r["employer"] for r in prairie}


def test_deadlines_text_and_usage_errors(shell):
    text = ok(shell.flask("deadlines", "--days", "400")).stdout
    assert "Job Match: last day of the first 30 days" in text
    for args in (
        ("--employer", "999999"),
        ("--user", "nobody@example.com"),
        ("--days", "0"),
        ("--format", "pdf"),
    ):
        result = shell.flask("deadlines", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr


def test_deadlines_ics_parses_with_all_day_events_and_stable_uids(shell):
    first = ok(shell.flask("deadlines", "--format", "ics")).stdout
    calendar = Calendar.from_ical(first)
    assert str(calendar["X-WR-TIMEZONE"]) == "America/Toronto"
    events = list(calendar.walk("VEVENT"))
    keys = {r["key"] for r in _deadlines(shell)}
    uids = [str(e["UID"]) for e in events]
    assert {uid.removesuffix("@lmia-portal") for uid in uids} == keys
    assert all(type(e.decoded("DTSTART")) is date for e in events)
    again = Calendar.from_ical(ok(shell.flask("deadlines", "--format", "ics")).stdout)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


# --- send-reminders ---------------------------------------------------------------------------


class Rows:
    """Counts in the command's database (SQLite file or PostgreSQL)."""

    def __init__(self, url: str):
        self.url = url

    def query(self, sql: str) -> list[tuple]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(_libpq(self.url)) as connection:
            return connection.execute(sql).fetchall()

    def mails(self) -> int:
        return self.query("SELECT count(*) FROM outbox_messages WHERE subject LIKE 'Reminder:%'")[
            0
        ][0]

    def reminders(self) -> int:
        return self.query("SELECT count(*) FROM reminders_sent")[0][0]

    def listed_in_mails(self) -> int:
        """Deadlines listed in the reminder mails (one "- YYYY-MM-DD (" line each)."""
        bodies = self.query("SELECT body FROM outbox_messages WHERE subject LIKE 'Reminder:%'")
        return sum(len(re.findall(r"^- \d{4}-\d{2}-\d{2} \(", b, re.M)) for (b,) in bodies)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _check_twice_and_concurrently(shell, rows: Rows) -> None:
    # Run twice: the second sends nothing.
    first = ok(shell.flask("send-reminders"))
    mails, reminders = rows.mails(), rows.reminders()
    assert mails >= 1 and reminders >= mails, first.stdout
    assert f"{mails} mails, {reminders} reminders sent" in first.stdout
    # Issue 13: the same run re-captures online ads (the demo captured none through the portal).
    assert "\n0 ad captures taken or tried\n" in first.stdout
    assert rows.listed_in_mails() == reminders
    second = ok(shell.flask("send-reminders"))
    assert "0 mails, 0 reminders sent" in second.stdout
    assert (rows.mails(), rows.reminders()) == (mails, reminders)
    # Two runs at once, on a later day (new deadlines due): each reminder is mailed once.
    later = (date.today() + timedelta(days=21)).isoformat()
    runs = [
        subprocess.Popen(
            [str(FLASK), "--app", "portal", "send-reminders", "--today", later],
            cwd=shell.home,
            env=shell.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, out + err
        assert "Traceback" not in err, err
    assert rows.reminders() > reminders, "nothing new was due on the later day"
    assert rows.listed_in_mails() == rows.reminders()  # no deadline in two mails
    sent = [int(re.search(r"(\d+) reminders sent", out).group(1)) for out, _ in outputs]
    assert sum(sent) == rows.reminders() - reminders
    after = rows.mails()
    ok(shell.flask("send-reminders", "--today", later))
    assert rows.mails() == after


def test_send_reminders_twice_sends_each_once_on_sqlite(seeded):
    shell, _ = seeded
    _check_twice_and_concurrently(shell, Rows(shell.env["PORTAL_DATABASE_URL"]))


def test_send_reminders_rejects_a_bad_day(shell):
    result = shell.flask("send-reminders", "--today", "2026-02-30")
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.fixture
def postgres_shell(tmp_path):
    """A shell on a brand-new PostgreSQL database (on PORTAL_TEST_DATABASE_URL's server),
    migrated and seeded; dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not set: PostgreSQL not tested here")
    import psycopg

    name = f"portal_cli_{uuid.uuid4().hex[:12]}"
    admin = _libpq(POSTGRES_URL)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    shell = new_shell(tmp_path / "pg-shell")
    shell.env["PORTAL_DATABASE_URL"] = url
    try:
        ok(shell.flask("db", "upgrade"))
        ok(shell.flask("seed-demo"))
        yield shell, url
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_send_reminders_twice_sends_each_once_on_postgresql(postgres_shell):
    shell, url = postgres_shell
    _check_twice_and_concurrently(shell, Rows(url))
