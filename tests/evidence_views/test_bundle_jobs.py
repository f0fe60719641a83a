"""Filing-bundle builds are bounded and always end (issue 7, S1) and show progress (U7).

The probe's flood: a viewer posting the bundle form 20 times got 20 builds, 17 running at once;
some failed with "database is locked" and one stayed "running" for good. Here: 20 starts as a
viewer (all refused, no build), 20 concurrent starts as the owner (one build, every request
answered with it, and it ends), the employer's limits, builds left running by a dead process or
past the time limit, and a failure recorded although the first attempt to record it fails.
"""

import re
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from portal.evidence import bundles
from portal.extensions import db
from portal.models import AuditEvent, BundleJob, Role, utcnow
from tests.conftest import build_app
from tests.evidence_views.support import add_position, make_locker, png
from tests.helpers import form_token

WAIT = 60  # seconds: a ceiling for a background build, never a timing assertion


@pytest.fixture
def threaded(database_url, tmp_path):
    """A locker whose bundles are built by the app's background builders, as in production."""
    # 20 requests at once each hold a connection: a pool that size, so none waits for one.
    engine = {"pool_pre_ping": True, "pool_size": 25, "max_overflow": 5}
    locker = make_locker(
        database_url, tmp_path, BUNDLE_INLINE=False, SQLALCHEMY_ENGINE_OPTIONS=engine
    )
    for n in range(3):
        assert locker.upload(png(n), f"ad-{n}.png").status_code == 302
    yield locker
    with locker.app.app_context():
        db.engine.dispose()


def jobs(locker) -> list[BundleJob]:
    with locker.app.app_context():
        rows = db.session.scalars(select(BundleJob).order_by(BundleJob.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def wait_until_ended(locker, timeout=WAIT) -> list[BundleJob]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = jobs(locker)
        if rows and all(row.status != "running" for row in rows):
            return rows
        time.sleep(0.1)
    raise AssertionError(f"builds still running after {timeout} s: {jobs(locker)}")


class Gate:
    """Holds the build after its first evidence file until released (so "running" is seen)."""

    def __init__(self, monkeypatch):
        self.reached, self.release = threading.Event(), threading.Event()
        real = bundles.build_bundle

        def held(out, context, files, progress, *stage):
            def progress_then_wait(done, total):
                progress(done, total)
                if done == 1:
                    self.reached.set()
                    assert self.release.wait(WAIT), "the test never released the build"

            return real(out, context, files, progress_then_wait, *stage)

        monkeypatch.setattr(bundles, "build_bundle", held)


def start_path(locker) -> str:
    return f"{locker.base}/bundles"


def test_a_viewer_cannot_start_builds(locker):
    client = locker.client(Role.VIEWER)
    token = form_token(client, locker.url)  # the sign-out form carries one on every page

    statuses = [
        client.post(start_path(locker), data={"csrf_token": token}).status_code for _ in range(20)
    ]

    assert statuses == [403] * 20
    assert jobs(locker) == []
    page = client.get(locker.url).get_data(as_text=True)
    assert "Build the filing bundle" not in page  # not offered either


def test_twenty_concurrent_starts_by_the_owner_run_one_build(threaded, monkeypatch):
    locker = threaded
    gate = Gate(monkeypatch)
    owner = locker.user(Role.OWNER)
    clients = [locker.make.signed_in_client(owner) for _ in range(20)]
    tokens = [form_token(client, locker.url) for client in clients]
    answers = [None] * 20

    def press(n):
        response = clients[n].post(start_path(locker), data={"csrf_token": tokens[n]})
        answers[n] = (response.status_code, response.headers.get("Location"))

    threads = [threading.Thread(target=press, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert gate.reached.wait(WAIT)

    (job,) = jobs(locker)  # one build, while it runs
    assert job.status == "running"
    location = f"{locker.base}/bundles/{job.id}"
    assert answers == [(302, location)] * 20  # every request answered with the running one
    page = clients[0].get(location).get_data(as_text=True)
    assert "Converting file 1 of 3" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    signing_page = clients[0].get(locker.signing_url).get_data(as_text=True)
    assert re.search(r"<button[^>]*disabled[^>]*>Building the bundle", signing_page)

    again = clients[1].post(start_path(locker), data={"csrf_token": tokens[1]})
    assert again.headers["Location"] == location and len(jobs(locker)) == 1
    gate.release.set()

    (ended,) = wait_until_ended(locker)
    assert ended.status == "done" and ended.sha256 and ended.stage is None
    done_page = clients[0].get(location).get_data(as_text=True)
    assert "Download the bundle" in done_page and "http-equiv" not in done_page


def test_quick_starts_by_the_owner_stop_at_the_hourly_limit(locker):
    """Inline builds (each ends before the next request): 10 an hour, then 429 with a time."""
    answers = [locker.post("/bundles", {}) for _ in range(20)]

    statuses = [answer.status_code for answer in answers]
    assert statuses == [302] * 10 + [429] * 10
    assert int(answers[10].headers["Retry-After"]) > 60 * 55
    assert "10 bundles were started for this employer in the last hour" in answers[10].get_data(
        as_text=True
    )
    rows = jobs(locker)
    assert len(rows) == 10 and {row.status for row in rows} == {"done"}


def test_the_hourly_limit_counts_the_last_hour_only(locker):
    with locker.app.app_context():
        for minutes in [61] * 5 + [59] * 9:  # 9 inside the hour, 5 just outside
            db.session.add(ended_job(locker, utcnow() - timedelta(minutes=minutes)))
        db.session.commit()

    assert locker.post("/bundles", {}).status_code == 302  # the 10th of the hour
    assert locker.post("/bundles", {}).status_code == 429  # the 11th


def ended_job(locker, created_at, position_id=None) -> BundleJob:
    return BundleJob(
        employer_id=locker.employer_id,
        position_id=position_id or locker.position_id,
        requested_by_id=locker.user(Role.OWNER).id,
        status="done",
        created_at=created_at,
    )


def running_job(locker, position_id=None, **fields) -> int:
    values = {
        "employer_id": locker.employer_id,
        "position_id": position_id or locker.position_id,
        "requested_by_id": locker.user(Role.OWNER).id,
        "status": "running",
        "stage": "converting",
        "owner_host": bundles.HOST,
        "owner_pid": bundles.os.getpid(),  # this process: alive
        **fields,
    }
    with locker.app.app_context():
        job = BundleJob(**values)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_two_builds_at_once_per_employer_then_429(locker):
    first = add_position(locker.app, locker.employer_id, "Baker")
    second = add_position(locker.app, locker.employer_id, "Server")
    running_job(locker, first)
    running_job(locker, second)

    refused = locker.post("/bundles", {})  # a third position of the same employer

    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "2 bundles are being built for this employer already" in refused.get_data(as_text=True)
    assert len(jobs(locker)) == 2


def test_a_second_request_is_shown_the_running_build(locker):
    job_id = running_job(locker, stage="queued")

    response = locker.post("/bundles", {})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/bundles/{job_id}")
    assert len(jobs(locker)) == 1
    page = locker.client().get(response.headers["Location"]).get_data(as_text=True)
    assert "already being built" in page and "Waiting for a free builder" in page


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()  # ended and reaped: no process has this id now
    return process.pid


def test_a_build_left_running_by_a_dead_process_is_marked_failed(locker):
    job_id = running_job(locker, owner_pid=dead_pid())
    alive_id = running_job(locker, add_position(locker.app, locker.employer_id, "Baker"))

    page = locker.client(Role.VIEWER).get(f"{locker.base}/bundles/{job_id}")

    text = page.get_data(as_text=True)
    assert "the process building it ended before it finished" in text
    assert "http-equiv" not in text
    by_id = {row.id: row for row in jobs(locker)}
    assert by_id[job_id].status == "failed" and by_id[job_id].finished_at is not None
    assert by_id[alive_id].status == "running"  # its process (this one) is alive
    assert locker.audit_count("bundle_jobs.update") == 1


def test_the_evidence_page_and_a_new_process_find_dead_builds_too(database_url, tmp_path):
    locker = make_locker(database_url, tmp_path)
    seen_on_page = running_job(locker, owner_pid=dead_pid())
    locker.client().get(locker.url)
    assert jobs(locker)[0].status == "failed"

    # Marked at a process's first request: a new app on the same database.
    left_behind = running_job(locker, owner_pid=dead_pid())
    restarted = build_app(database_url, BUNDLE_INLINE=True)
    assert restarted.test_client().get("/account/login").status_code == 200
    statuses = {row.id: row.status for row in jobs(locker)}
    assert statuses == {seen_on_page: "failed", left_behind: "failed"}
    with restarted.app_context():
        db.engine.dispose()
    with locker.app.app_context():
        db.engine.dispose()


def test_a_build_past_the_time_limit_is_marked_failed(locker):
    limit = bundles.DEFAULTS["BUNDLE_TIME_LIMIT_SECONDS"]
    now = utcnow()
    over = running_job(locker, created_at=now - timedelta(seconds=limit + 5))
    within = running_job(
        locker,
        add_position(locker.app, locker.employer_id, "Baker"),
        created_at=now - timedelta(seconds=limit - 30),
    )

    page = locker.client().get(f"{locker.base}/bundles/{over}").get_data(as_text=True)

    assert "took longer than 10 minutes" in page
    statuses = {row.id: row.status for row in jobs(locker)}
    assert statuses == {over: "failed", within: "running"}


def test_a_running_build_stops_at_its_time_limit(locker, monkeypatch):
    """The builder itself checks the limit as it goes, and records why it stopped."""
    monkeypatch.setitem(locker.app.config, "BUNDLE_TIME_LIMIT_SECONDS", 0)
    assert locker.upload(png(7), "ad.png").status_code == 302

    response = locker.post("/bundles", {})

    assert response.status_code == 302
    (job,) = jobs(locker)
    assert job.status == "failed" and "took longer than 0 minutes" in job.error
    assert locker.stored() and len(locker.stored()) == 1  # no ZIP kept, the upload only


def test_a_failure_is_recorded_although_the_first_attempt_fails(locker, monkeypatch):
    monkeypatch.setattr(bundles, "RECORD_FIRST_WAIT", 0.01, raising=False)

    def broken_build(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundles, "build_bundle", broken_build)
    refused_writes = []

    def database_busy(conn, cursor, statement, parameters, context, executemany):
        # The first write that would record the failure meets a locked database.
        recording = statement.startswith("UPDATE bundle_jobs") and "failed" in repr(parameters)
        if recording and not refused_writes:
            refused_writes.append(statement)
            raise OperationalError(
                statement, parameters, sqlite3.OperationalError("database is locked")
            )

    with locker.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", database_busy)
    try:
        response = locker.post("/bundles", {})
    finally:
        event.remove(engine, "before_cursor_execute", database_busy)

    assert refused_writes, "the first attempt was not made to fail"
    assert response.status_code == 302
    (job,) = jobs(locker)
    assert job.status == "failed" and job.finished_at is not None
    assert job.error == bundles.UNEXPECTED  # the page shows this; the details are in the log
    page = locker.client().get(response.headers["Location"]).get_data(as_text=True)
    assert "The bundle could not be built." in page and "disk full" not in page
    with locker.app.app_context():
        event_row = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "bundle_jobs.update")
        ).one()
        assert event_row.changes["status"] == {"before": "running", "after": "failed"}
