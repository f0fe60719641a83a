"""portal.queue: jobs run inline without Redis, go through a real RQ worker with it (in an app
context, arguments as JSON), every job module is known to the worker, and two builders taking
the same bundle job at the same moment build it once."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app, g, has_app_context
from sqlalchemy import select

from portal import queue
from portal.evidence import bundles
from portal.extensions import db
from portal.models import AuditEvent, BundleJob, utcnow
from portal.queue import enqueue, job, queue_of
from portal.queue.registry import JOB_MODULES
from tests.evidence_views.support import make_locker
from tests.queue.support import check_bundle, job_row, start_build

PORTAL = Path(__file__).resolve().parents[2] / "portal"


@job("test.write-down")
def write_down(path: str, word: str) -> None:
    """Writes where it ran: in an app context of the portal, with a fresh ``g``."""
    seen = {
        "word": word,
        "app_context": has_app_context(),
        "app": current_app.name if has_app_context() else None,
        "g_was_empty": not hasattr(g, "left_over"),
    }
    g.left_over = True
    Path(path).write_text(json.dumps(seen))


def test_without_redis_a_job_runs_now_in_the_asking_process(app, tmp_path):
    out = tmp_path / "ran.json"
    with app.app_context():
        assert app.config["REDIS_URL"] is None
        assert enqueue("test.write-down", path=str(out), word="inline") is None
    assert json.loads(out.read_text())["word"] == "inline"


def test_an_unknown_job_is_refused(app):
    with app.app_context(), pytest.raises(KeyError):
        enqueue("no.such-job")


def test_with_redis_the_job_waits_for_a_worker_that_runs_it_in_an_app_context(
    app, redis_url, tmp_path
):
    from rq.serializers import JSONSerializer

    from portal.queue.worker import AppWorker

    app.config["REDIS_URL"] = redis_url
    out = [tmp_path / f"ran-{n}.json" for n in range(2)]
    with app.app_context():
        ids = [
            enqueue("test.write-down", path=str(path), word=f"queued {n}")
            for n, path in enumerate(out)
        ]
        waiting = queue_of(app)
        assert waiting.job_ids == ids  # on Redis, not run
        assert not any(o.exists() for o in out)
        assert json.loads(waiting.fetch_job(ids[0]).data)  # JSON, not a pickle
        worker = AppWorker(
            [waiting], connection=queue.redis_of(app), serializer=JSONSerializer, app=app
        )
        assert worker.work(burst=True)
        assert waiting.job_ids == []
        for n, path in enumerate(out):
            seen = json.loads(path.read_text())
            assert seen == {
                "word": f"queued {n}",
                "app_context": True,
                "app": app.name,
                "g_was_empty": True,  # each job its own context
            }
            assert waiting.fetch_job(ids[n]).get_status() == "finished"


def test_every_module_that_registers_a_job_is_imported_by_the_worker():
    registering = {
        ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts)
        for path in PORTAL.rglob("*.py")
        if re.search(r"^@job\(", path.read_text(), re.M)
    }
    assert registering, "no job found: the scan is broken"
    assert registering <= set(JOB_MODULES), registering - set(JOB_MODULES)


def test_two_builders_taking_the_same_bundle_job_at_once_build_it_once(
    database_url, tmp_path, monkeypatch
):
    """As when a job is delivered twice and two workers pick it up at the same moment: both
    reach the claim together; one builds, the other leaves it."""
    locker = make_locker(database_url, tmp_path, BUNDLE_INLINE=False)
    for n in range(3):
        assert locker.upload(f"ad {n}\n".encode(), f"ad-{n}.txt").status_code == 302
    # Queue the job without building it: the dispatch is what the workers do below.
    monkeypatch.setattr(bundles, "_dispatch", lambda *args: None)
    bundle_id = start_build(locker)
    together = threading.Barrier(2, timeout=30)
    real_claim = bundles.claim
    claims = []

    def claim_together(job_id):
        together.wait()
        token = real_claim(job_id)
        claims.append(token)
        return token

    monkeypatch.setattr(bundles, "claim", claim_together)

    def worker():
        with locker.app.app_context():
            bundles.build_queued(bundle_id=bundle_id)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(claims) == 2 and sum(token is not None for token in claims) == 1
    row = job_row(locker, bundle_id)
    assert (row.status, row.attempts) == ("done", 1)
    check_bundle(locker, row)
    bundle_objects = {p.name for p in locker.stored()} - {e.storage_key for e in locker.rows()}
    assert bundle_objects == {row.storage_key}  # one ZIP stored, not two
    with locker.app.app_context():
        ended = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "bundle_jobs.update", AuditEvent.entity_id == bundle_id
            )
        ).all()
    assert len(ended) == 1  # recorded done once


def test_a_builder_whose_job_was_taken_over_stops_without_touching_it(
    database_url, tmp_path, monkeypatch
):
    """A builder silent past the lease loses the job to another; its later writes (progress,
    the end) match nothing, so it stops and the new builder's work stands."""
    locker = make_locker(database_url, tmp_path, BUNDLE_INLINE=False)
    assert locker.upload(b"ad\n", "ad.txt").status_code == 302
    monkeypatch.setattr(bundles, "_dispatch", lambda *args: None)
    bundle_id = start_build(locker)
    with locker.app.test_request_context():
        first = bundles.claim(bundle_id)
        assert bundles.claim(bundle_id) is None  # held, within its lease
        db.session.execute(
            BundleJob.__table__.update()
            .where(BundleJob.id == bundle_id)
            .values(heartbeat_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        second = bundles.claim(bundle_id)  # the first fell silent: taken over
        assert second not in (None, first)
        bundles.record_failure(bundle_id, locker.employer_id, "late", claim=first)  # no-op
    row = job_row(locker, bundle_id)
    assert (row.status, row.claim, row.attempts) == ("running", second, 2)


def test_the_worker_command_says_redis_is_needed_without_it(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "PORTAL_REDIS_URL is not set" in result.output


def test_a_builder_left_a_zombie_counts_as_gone():
    """A build's process killed while its parent does not reap it (a worker killed with the
    child it forked is handed to a PID 1 that reaps only now and then, as in a container) keeps
    its pid but runs nothing: the build is over, and the next worker queues it again."""
    import os
    import signal
    import subprocess
    import sys

    from portal.evidence.bundles import _process_alive

    # The parent never waits for its child: the killed child stays a zombie while it lives.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, time\npid = os.fork()\nif pid == 0:\n    time.sleep(60)\n"
            "else:\n    print(pid, flush=True)\n    time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        child = int(parent.stdout.readline())
        assert _process_alive(child)
        os.kill(child, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _process_alive(child):
            assert time.monotonic() < deadline, "a killed builder still counts as alive"
            time.sleep(0.05)
        assert os.path.exists(f"/proc/{child}"), "the zombie holds its pid"
        assert _process_alive(os.getpid())
    finally:
        parent.kill()
        parent.wait(30)
        parent.stdout.close()
