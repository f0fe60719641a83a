"""The worker as a person starts it (``flask --app portal worker``), on Redis and the test's
database: a bundle pressed in the browser is built by it, a job delivered twice to two workers
is built once, and a worker killed (SIGKILL) in the middle of a bundle leaves no half file and
its job is built again, correctly, when a worker starts again.

SQLite, and PostgreSQL when PORTAL_TEST_DATABASE_URL is set; Redis from PORTAL_TEST_REDIS_URL.
"""

from __future__ import annotations

import os
import signal

from portal import maintenance
from portal.commands.maintenance import run_sweep, work_dir
from portal.evidence.services import evidence_storage
from portal.extensions import db
from portal.queue import enqueue, queue_of
from portal.storage import TEMP_PREFIX
from tests.queue.support import (
    WAIT,
    check_bundle,
    job_row,
    queued_locker,
    start_build,
    start_worker,
    wait_for,
    worker_environment,
    worker_log,
)

FILES = 20


def stored_temp_files(locker) -> list:
    return [p for p in locker.stored() if p.name.startswith(TEMP_PREFIX)]


def bundle_objects(locker) -> set[str]:
    """Stored objects that are no evidence file: bundles (and nothing half-written)."""
    return {p.name for p in locker.stored()} - {e.storage_key for e in locker.rows()}


def test_a_bundle_is_built_by_the_worker_and_once_by_two_workers(database_url, tmp_path, redis_url):
    locker = queued_locker(database_url, tmp_path, redis_url, files=3)
    bundle_id = start_build(locker)
    status = f"{locker.base}/bundles/{bundle_id}"
    page = locker.client().get(status).get_data(as_text=True)
    assert job_row(locker, bundle_id).stage == "queued"  # on the queue, waiting for a worker
    assert "Waiting for a free builder" in page
    with locker.app.app_context():
        enqueue("bundle.build", bundle_id=bundle_id)  # delivered twice, as a retry may
        assert len(queue_of(locker.app).job_ids) == 2

    env = worker_environment(locker, database_url, redis_url)
    workers = [start_worker(env, "--burst", "--name", f"w{n}") for n in range(2)]
    for worker in workers:
        assert worker.wait(WAIT) == 0, worker_log(env)

    row = job_row(locker, bundle_id)
    assert (row.status, row.attempts, row.done_steps, row.total_steps) == ("done", 1, 3, 3)
    check_bundle(locker, row)
    assert bundle_objects(locker) == {row.storage_key}
    assert locker.client().head(status).status_code == 200
    page = locker.client().get(status).get_data(as_text=True)
    assert f"/bundles/{bundle_id}/download" in page
    download = locker.client().get(f"{status}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"


def test_a_worker_killed_mid_bundle_leaves_no_half_file_and_the_job_is_built_again(
    database_url, tmp_path, redis_url
):
    locker = queued_locker(database_url, tmp_path, redis_url, files=FILES)
    bundle_id = start_build(locker)
    # A pause after each file (tests only) keeps the build going long enough to be killed.
    env = worker_environment(
        locker, database_url, redis_url, PORTAL_BUNDLE_STEP_PAUSE_SECONDS="0.1"
    )
    worker = start_worker(env)
    try:
        building = wait_for(
            lambda: (row := job_row(locker, bundle_id)).done_steps >= 3 and row,
            "the worker converting files",
            env,
        )
        horse = building.owner_pid  # RQ's worker forks a child per job: kill both, as a
        assert horse != worker.pid  # machine that dies would
        os.kill(horse, signal.SIGKILL)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(WAIT)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(WAIT)

    killed = job_row(locker, bundle_id)
    assert killed.status == "running" and killed.claim == building.claim
    assert 3 <= killed.done_steps < FILES  # killed half-way
    assert bundle_objects(locker) == set()  # no half bundle in the store
    assert stored_temp_files(locker) == []

    # A worker again: it finds the build whose worker died, queues it again and builds it.
    env.pop("PORTAL_BUNDLE_STEP_PAUSE_SECONDS")
    again = start_worker(env, "--burst")
    assert again.wait(WAIT) == 0, worker_log(env)

    row = job_row(locker, bundle_id)
    assert (row.status, row.attempts, row.error) == ("done", 2, None), worker_log(env)
    assert (row.done_steps, row.total_steps) == (FILES, FILES)
    members = check_bundle(locker, row)
    assert len([name for name in members if name.endswith(".txt")]) == FILES
    assert bundle_objects(locker) == {row.storage_key}
    assert stored_temp_files(locker) == []
    page = locker.client().get(f"{locker.base}/bundles/{bundle_id}").get_data(as_text=True)
    assert f"/bundles/{bundle_id}/download" in page
    # The killed build's work folder (in instance/tmp, never in the store) goes with the
    # scheduled sweep (``flask sweep``), which then finds nothing amiss.
    with locker.app.app_context():
        run_sweep(0)
        with db.engine.connect() as connection:
            checked = maintenance.check(connection, evidence_storage(), work_dir())
    assert locker.temp_files() == []
    assert checked.ok, checked.lines()
