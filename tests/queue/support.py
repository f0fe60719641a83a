"""A position with evidence whose bundle goes to the job queue, and the worker as a person
starts it: ``flask --app portal worker`` in a subprocess, on the test's database (the SQLite
file or PostgreSQL), evidence store and Redis."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import time
import zipfile
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import BundleJob
from tests.cli.support import FLASK, require_executables, user_environment
from tests.evidence_views.support import make_locker

WAIT = 90  # seconds: a ceiling on a loaded machine, never a timing assertion


def queued_locker(database_url, tmp_path: Path, redis_url: str, files: int, **overrides):
    """An employer's position with ``files`` small text files (kept byte for byte in the
    bundle), whose bundles go to the queue on ``redis_url``."""
    locker = make_locker(
        database_url, tmp_path, BUNDLE_INLINE=False, REDIS_URL=redis_url, **overrides
    )
    for n in range(files):
        text = f"Job Bank ad {n}, posted for 30 days.\n".encode() * (n + 1)
        response = locker.upload(text, f"ad-{n:03d}.txt", description=f"Job Bank ad {n}")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return locker


def start_build(locker) -> int:
    """Press "Build the filing bundle"; the id of the job it queued."""
    response = locker.post("/bundles", {})
    assert response.status_code == 302
    return int(re.search(r"/bundles/(\d+)$", response.headers["Location"]).group(1))


def job_row(locker, bundle_id: int) -> BundleJob:
    with locker.app.app_context():
        row = db.session.scalar(select(BundleJob).where(BundleJob.id == bundle_id))
        db.session.expunge(row)
        return row


def worker_environment(locker, database_url: str, redis_url: str, **extra) -> dict[str, str]:
    env = user_environment(locker.instance.parent)
    env.update(
        PORTAL_DATABASE_URL=database_url,
        PORTAL_REDIS_URL=redis_url,
        PORTAL_STORAGE_DIR=str(locker.store),
        PORTAL_INSTANCE_PATH=str(locker.instance),
        PORTAL_FIELD_KEYS=os.environ["PORTAL_FIELD_KEYS"],
        **extra,
    )
    return env


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    """``flask --app portal worker ARGS``, its output in a file beside the database."""
    require_executables()
    log = open(Path(env["PORTAL_INSTANCE_PATH"]).parent / "worker.log", "ab")  # noqa: SIM115
    return subprocess.Popen(
        [str(FLASK), "--app", "portal", "worker", *args],
        cwd=Path(env["PORTAL_INSTANCE_PATH"]).parent,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def worker_log(env: dict[str, str]) -> str:
    path = Path(env["PORTAL_INSTANCE_PATH"]).parent / "worker.log"
    return path.read_text(errors="replace") if path.exists() else ""


def wait_for(condition, what: str, env: dict[str, str], timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not after {timeout} s\n{worker_log(env)}")


def check_bundle(locker, row: BundleJob) -> dict[str, bytes]:
    """Open the stored ZIP: its SHA-256 is the row's, SHA256SUMS holds for every member, and
    every evidence file is there byte for byte. Returns the members."""
    data = (locker.store / row.storage_key[:2] / row.storage_key).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row.sha256
    assert len(data) == row.size_bytes
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        members = {name: archive.read(name) for name in archive.namelist()}
    sums = dict(
        reversed(line.split("  ", 1)) for line in members["SHA256SUMS"].decode().splitlines()
    )
    assert set(sums) == set(members) - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(members[name]).hexdigest() == digest, name
    evidence = locker.rows()
    texts = [content for name, content in members.items() if name.endswith(".txt")]
    assert sorted(hashlib.sha256(t).hexdigest() for t in texts) == sorted(
        e.sha256 for e in evidence
    )
    return members
