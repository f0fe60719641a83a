"""Crash safety (security bar 2(i)): the real server is killed with SIGKILL in the middle of an
evidence upload, a case import, an offer-letter render and a bundle build, over and over;
after a restart, the integrity check and the sweep leave no half record, no orphan file, no
temp file and no job stuck "running". And the scheduled command (``send-reminders``) sweeps
what is stale and leaves what is young.

SQLite, and PostgreSQL when PORTAL_TEST_DATABASE_URL is set (a database of its own).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import json
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import create_engine, text

from portal import maintenance
from portal.auth.sessions import _token_hash
from portal.models import Base, UserSession, utcnow
from tests.cli.support import new_shell, ok
from tests.conftest import POSTGRES_URL
from tests.evidence.corpus import _content_stream, raw_pdf

SERVER = Path(__file__).with_name("crash_server.py")
SECRET_KEY = "crash-test-secret-key-not-for-production"
# Kills per database: 50 in a CI run (both databases), the bar's floor; each kill lands while
# up to four operations are in flight.
LIVES = 25
SEED = 20261121
OWNER = "owner@maple-bistro.example"


# --- a large real PDF, different each time (the locker refuses the same file twice) ---------


def large_pdf(label: str, width: int = 2000, height: int = 1500) -> bytes:
    """A 9 MB one-page PDF with a gradient image (no byte pattern a hidden-file check flags)."""
    row = bytes(x % 256 for x in range(width * 3))
    pixels = b"".join(row[i % 256 :] + row[: i % 256] for i in range(height))
    content = b"BT /F1 18 Tf 72 720 Td (Job ad %s) Tj ET q 468 351 0 0 72 300 cm /Im1 Do Q" % (
        label.encode()
    )
    image = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
        b" /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(pixels), pixels)
    )
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        _content_stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        image,
    )


# --- the installation: a shell, its database, a server that forks a fresh life per start ----


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Installation:
    def __init__(self, shell, url: str):
        self.shell, self.url = shell, url
        self.engine = create_engine(url)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**shell.env, "PORTAL_SECRET_KEY": SECRET_KEY, "PYTHONPATH": str(SERVER.parents[2])}
        self.zygote = subprocess.Popen(
            [sys.executable, str(SERVER), str(self.port)],
            cwd=shell.home,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(shell.home / "server.log", "ab"),  # noqa: SIM115 - closed with the process
            text=True,
        )
        self.pid = None

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(text(sql), params))

    def start(self, http: requests.Session) -> None:
        self.zygote.stdin.write("start\n")
        self.zygote.stdin.flush()
        self.pid = int(self.zygote.stdout.readline())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                http.get(f"{self.base}/account/login", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("the server did not answer within 60 s")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        # Reaped by the zygote (SIGCHLD ignored); wait until the pid is gone.
        for _ in range(200):
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)

    def close(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.zygote.kill()
        self.zygote.wait(timeout=30)
        self.engine.dispose()


def signed_in(installation: Installation) -> requests.Session:
    """A browser signed in as the demo owner: a server-side session row and its cookie (as a
    sign-in makes them; a second factor counts as passed)."""
    token = secrets.token_urlsafe(32)
    user_id = installation.rows("SELECT id FROM users WHERE email = :e", e=OWNER)[0][0]
    now = utcnow()
    values = {
        "user_id": user_id,
        "token_hash": _token_hash(token),
        "last_seen_at": now,
        "created_at": now,
    }
    if "second_factor_at" in UserSession.__table__.c:
        values["second_factor_at"] = now
    with installation.engine.begin() as connection:
        connection.execute(UserSession.__table__.insert().values(**values))
    signer = Flask("cookie")
    signer.secret_key = SECRET_KEY
    cookie = signer.session_interface.get_signing_serializer(signer).dumps(
        {"_user_id": token, "_fresh": True}
    )
    http = requests.Session()
    http.cookies.set("portal_session", cookie, domain="127.0.0.1", path="/")
    return http


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return _CSRF.search(page.text).group(1)


def slow_post(base: str, path: str, cookie: str, fields: dict, file: tuple, seconds: float):
    """A multipart POST whose body goes out in pieces over ``seconds`` (a slow connection)."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), k.encode(), str(v).encode())
        for k, v in fields.items()
    )
    name, data, field = file
    head += (
        b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
        b"Content-Type: application/pdf\r\n\r\n"
        % (boundary.encode(), field.encode(), name.encode())
    )
    body = head + data + b"\r\n--%s--\r\n" % boundary.encode()
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(body)))
    connection.putheader("Cookie", f"portal_session={cookie}")
    connection.endheaders()
    pieces = 20
    step = len(body) // pieces + 1
    for start in range(0, len(body), step):
        connection.send(body[start : start + step])
        time.sleep(seconds / pieces)
    return connection.getresponse().status


# --- the scenario ----------------------------------------------------------------------------


class Scenario:
    """The demo owner's employer and its first position with a worker's offer."""

    def __init__(self, installation: Installation):
        self.i = installation
        position = installation.rows(
            "SELECT p.id, p.employer_id FROM positions p JOIN workers w "
            "ON w.position_id = p.id JOIN memberships m ON m.employer_id = p.employer_id "
            "JOIN users u ON u.id = m.user_id WHERE u.email = :e AND m.role = 'owner' "
            "AND w.offer IS NOT NULL ORDER BY p.id LIMIT 1",
            e=OWNER,
        )[0]
        self.position_id, self.employer_id = position
        self.path = f"/employers/{self.employer_id}/positions"
        self.prefix = installation.base + self.path
        self.http = signed_in(installation)
        self.case = None
        self.pool: list[int] = []  # workers with an offer and no letter yet
        self.imports = 0

    @property
    def cookie(self) -> str:
        return self.http.cookies.get("portal_session")

    def prepare(self, renders: int) -> None:
        """Tokens, the case file (exported from the chef's position), and imported positions
        whose workers' letters the lives will render."""
        self.token = csrf(self.http, f"{self.prefix}/{self.position_id}/evidence")
        exported = self.http.get(f"{self.prefix}/{self.position_id}/case.json", timeout=30)
        assert exported.status_code == 200
        self.case = json.loads(exported.text)
        assert self.case.get("workers"), "the chef's case names a worker with an offer"
        while len(self.pool) < renders:
            assert self.import_case(f"Crash pool {len(self.pool)}") in (302, 303)
            self.pool = [
                row[0]
                for row in self.i.rows(
                    "SELECT w.id FROM workers w JOIN positions p ON p.id = w.position_id "
                    "WHERE p.title LIKE 'Crash pool%' AND w.offer IS NOT NULL AND NOT EXISTS "
                    "(SELECT 1 FROM offer_versions v WHERE v.worker_id = w.id) ORDER BY w.id"
                )
            ]

    def case_file(self, title: str) -> bytes:
        document = json.loads(json.dumps(self.case))
        document["position"]["title"] = title
        return json.dumps(document).encode()

    # Each operation returns the HTTP status, or raises when the server died under it.

    def upload(self, life: int) -> int:
        data = large_pdf(f"life {life}")
        fields = {"csrf_token": self.token, "category": "ad_proof", "attach_to": "position"}
        return slow_post(
            self.i.base,
            f"{self.path}/{self.position_id}/evidence",
            self.cookie,
            fields,
            (f"ad-{life}.pdf", data, "file"),
            seconds=0.6,
        )

    def import_case(self, title: str) -> int:
        self.imports += 1
        return self.http.post(
            f"{self.prefix}/import",
            data={"csrf_token": self.token},
            files={"file": ("case.json", self.case_file(title), "application/json")},
            allow_redirects=False,
            timeout=60,
        ).status_code

    def render(self, worker_id: int) -> int:
        position_id = self.i.rows("SELECT position_id FROM workers WHERE id = :w", w=worker_id)
        return self.http.post(
            f"{self.prefix}/{position_id[0][0]}/workers/{worker_id}/versions",
            data={"csrf_token": self.token},
            allow_redirects=False,
            timeout=60,
        ).status_code

    def bundle(self) -> int:
        return self.http.post(
            f"{self.prefix}/{self.position_id}/bundles",
            data={"csrf_token": self.token},
            allow_redirects=False,
            timeout=60,
        ).status_code


def _in_thread(results: dict, name: str, delay: float, operation) -> threading.Thread:
    def run():
        time.sleep(delay)
        try:
            results[name] = operation()
        except Exception as error:  # noqa: BLE001 - the server died under it: that is the point
            results[name] = type(error).__name__

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _installation(kind: str, tmp_path: Path):
    shell = new_shell(tmp_path / "home")
    admin = None
    if kind == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PORTAL_TEST_DATABASE_URL is not set: PostgreSQL not tested here")
        import psycopg

        name = f"portal_crash_{uuid.uuid4().hex[:12]}"
        admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        shell.env["PORTAL_DATABASE_URL"] = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    ok(shell.flask("db", "upgrade"))
    ok(shell.flask("seed-demo"))
    url = shell.env["PORTAL_DATABASE_URL"]
    if kind == "postgresql":
        with create_engine(url).begin() as connection:  # the check runs bt_index_check too
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))

    def drop():
        if admin:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return shell, url, drop


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_kill_minus_nine_leaves_no_half_record(kind, tmp_path, figure):
    shell, url, drop = _installation(kind, tmp_path)
    installation = Installation(shell, url)
    rng = random.Random(f"{SEED}-{kind}")
    in_flight = {"upload": 0, "import": 0, "render": 0, "bundle": 0}
    try:
        scenario = Scenario(installation)
        installation.start(scenario.http)
        scenario.prepare(renders=LIVES)
        for life in range(LIVES):
            if life:
                installation.start(scenario.http)
            kill_at = rng.uniform(0.3, 3.0)
            results: dict = {}
            worker_id = scenario.pool[life]
            operations = {
                "upload": (0.0, lambda life=life: scenario.upload(life)),
                # An import takes a fraction of a second: start it just before the kill.
                "import": (
                    max(0.0, kill_at - rng.uniform(0, 0.3)),
                    lambda life=life: scenario.import_case(f"Crash import {life}"),
                ),
                "render": (rng.uniform(0, kill_at), lambda w=worker_id: scenario.render(w)),
                "bundle": (rng.uniform(0, kill_at), scenario.bundle),
            }
            threads = [
                _in_thread(results, name, delay, operation)
                for name, (delay, operation) in operations.items()
            ]
            time.sleep(kill_at)
            answered = set(results)
            installation.kill()
            for thread in threads:
                thread.join(timeout=60)
            for name in ("upload", "import", "render"):
                in_flight[name] += name not in answered
            in_flight["bundle"] += bool(
                installation.rows("SELECT 1 FROM bundle_jobs WHERE status = 'running'")
            )

        # Restart on what the kills left; check, sweep, check again.
        before = _integrity(installation)
        assert not before.missing and not before.mismatched, before.lines()
        swept = ok(shell.flask("sweep", "--grace-minutes", "0")).stdout
        assert "swept" in swept
        after = ok(shell.flask("check-integrity"))
        assert "integrity: ok" in after.stdout, after.stdout
        final = _integrity(installation)
        half_positions = _half_made_positions(installation, scenario)
        installation.start(scenario.http)
        _finish_a_bundle(installation, scenario)
        half_served = _half_served_bundles(installation, scenario)
        current = ok(shell.flask("db", "current")).stdout
    finally:
        installation.close()
        drop()

    half = len(final.missing) + len(final.mismatched) + half_positions + half_served
    orphans = len(final.orphans) + len(final.temp_files)
    stuck = len(final.running_jobs)
    figure(
        "crash safety",
        f"{kind}: {LIVES} kills over 4 operations: {half} half records, {orphans} orphan "
        f"files, {stuck} stuck jobs",
    )
    assert (half, orphans, stuck) == (0, 0, 0), final.lines()
    assert final.database == "ok"
    assert "(head)" in current, current
    # The kills did land in the middle of each operation, not only between them.
    assert all(count >= 3 for count in in_flight.values()), in_flight
    assert before.orphans or before.temp_files or before.running_jobs, "nothing was interrupted"


def _integrity(installation: Installation) -> maintenance.Integrity:
    from portal.storage import LocalStorage

    storage = LocalStorage(installation.shell.env["PORTAL_STORAGE_DIR"])
    work = Path(installation.shell.env["PORTAL_INSTANCE_PATH"]) / "tmp"
    with installation.engine.connect() as connection:
        return maintenance.check(connection, storage, work)


def _half_made_positions(installation: Installation, scenario: Scenario) -> int:
    """Imported positions missing any of the case's activities, applicants or workers."""
    case = scenario.case
    expected = (
        len(case.get("recruitment") or []),
        len(case.get("applicants") or []),
        len(case.get("workers") or []),
    )
    half = 0
    rows = installation.rows(
        "SELECT p.id, (SELECT count(*) FROM recruitment_activities a WHERE a.position_id = p.id),"
        " (SELECT count(*) FROM applicants a WHERE a.position_id = p.id),"
        " (SELECT count(*) FROM workers w WHERE w.position_id = p.id)"
        " FROM positions p WHERE p.title LIKE 'Crash %'"
    )
    assert len(rows) >= LIVES // 2, "too few imports completed to say anything"
    for _id, *counts in rows:
        half += tuple(counts) != expected
    return half


def _finish_a_bundle(installation: Installation, scenario: Scenario) -> None:
    """On a busy machine every build may have been killed before it finished; build one on the
    restarted server, so the download check below always has a bundle to read."""
    done = "SELECT 1 FROM bundle_jobs WHERE status = 'done' AND position_id = :p"
    if installation.rows(done, p=scenario.position_id):
        return
    assert scenario.bundle() in (302, 303), "the restarted server did not start a bundle"
    deadline = time.monotonic() + 180
    while not installation.rows(done, p=scenario.position_id):
        assert time.monotonic() < deadline, "a bundle started after the restart never finished"
        time.sleep(0.5)


def _half_served_bundles(installation: Installation, scenario: Scenario) -> int:
    """Every finished bundle downloads whole: its SHA-256 is the row's and the ZIP reads."""
    half = 0
    jobs = installation.rows(
        "SELECT id, sha256 FROM bundle_jobs WHERE status = 'done' AND position_id = :p",
        p=scenario.position_id,
    )
    assert jobs, "no bundle build finished: the kills came too early for every one"
    for job_id, digest in jobs:
        response = scenario.http.get(
            f"{scenario.prefix}/{scenario.position_id}/bundles/{job_id}/download", timeout=60
        )
        whole = response.status_code == 200
        whole = whole and hashlib.sha256(response.content).hexdigest() == digest
        if whole:
            whole = zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
        half += not whole
    return half


# --- the sweeper on its schedule -------------------------------------------------------------


def test_every_stored_key_column_is_known_to_the_sweeper():
    """A new column naming a stored object must join STORED_OBJECTS, or the sweep would delete
    its files as orphans."""
    listed = {(t, k) for t, k, _sha, _size in maintenance.STORED_OBJECTS}
    not_stored = {("worker_roads", "deadline_key"), ("reminders_sent", "deadline_key")}
    not_stored |= {("recruitment_activities", "case_key"), ("applicants", "case_key")}
    found = {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("_key")
    }
    assert found - not_stored == listed, found - not_stored - listed


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_send_reminders_sweeps_stale_leftovers_and_keeps_young_ones(tmp_path):
    shell = new_shell(tmp_path / "home")
    ok(shell.flask("db", "upgrade"))
    store = Path(shell.env["PORTAL_STORAGE_DIR"])
    work = Path(shell.env["PORTAL_INSTANCE_PATH"]) / "tmp"
    work.mkdir(parents=True)
    made = {}
    for age, label in ((2 * 3600, "old"), (60, "young")):
        key = uuid.uuid4().hex
        (store / key[:2]).mkdir(parents=True, exist_ok=True)
        made[f"{label} orphan"] = store / key[:2] / key
        made[f"{label} storage temp"] = store / key[:2] / f".tmp-{label}.part"
        made[f"{label} upload spool"] = work / f"upload-{label}"
        bundle_work = work / f"tmp{label}"
        (bundle_work / "members").mkdir(parents=True)
        (bundle_work / "members" / "01.pdf").write_bytes(b"%PDF-1.4")
        made[f"{label} bundle work"] = bundle_work
        for path in made.values():
            if not path.exists():
                path.write_bytes(b"left by a crash")
        for name, path in made.items():
            if name.startswith(label):
                for inner in [path, *path.rglob("*")] if path.is_dir() else [path]:
                    _age(inner, age)
    # Create-form claims (portal.edits): one two days old, forgotten; one young, kept.
    database = shell.env["PORTAL_DATABASE_URL"].removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as connection, connection:
        for digest, age in (("old" * 16, timedelta(days=2)), ("new" * 16, timedelta(minutes=1))):
            claimed = (datetime.now(UTC) - age).strftime("%Y-%m-%d %H:%M:%S.%f")
            connection.execute("INSERT INTO submission_claims VALUES (?, ?)", (digest, claimed))
    result = ok(shell.flask("send-reminders"))
    assert "users with reminders" in result.stdout  # the reminders' own line stays
    assert "swept 3 stale temp files, 1 orphan stored files" in result.stdout, result.stdout
    assert "forgot 1 create-form claims older than a day" in result.stdout, result.stdout
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT digest FROM submission_claims").fetchall() == [
            ("new" * 16,)
        ]
    left = {name for name, path in made.items() if path.exists()}
    assert left == {name for name in made if name.startswith("young")}
    again = ok(shell.flask("send-reminders"))
    assert "swept 0 stale temp files, 0 orphan stored files" in again.stdout
    integrity = shell.flask("check-integrity")
    assert integrity.returncode == 1 and "orphan files: 1" in integrity.stdout
    assert "temp files: 3" in integrity.stdout, integrity.stdout
