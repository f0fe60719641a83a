"""The portal at 1×, 10× and 100× data, served by gunicorn and driven by wrk (`make bench-scale`).

1. A throwaway PostgreSQL 15 cluster (or the database PORTAL_BENCH_DATABASE_URL names: its
   ``public`` schema is dropped and rebuilt), migrated by the portal's own migrations.
2. The data, per scale k (bulk inserts through SQLAlchemy Core, explicit ids):
   - ``max(200, 5k)`` employers, each with an owner, a staff member and a work location;
   - ``50k`` positions (round-robin over the employers), 4 recruitment activities, 40 applicants
     and 4 evidence records each, every tenth position with an LMIA number (a real Fernet token
     made with the configured keys, as the portal stores it);
   - one representative with 200 clients (two-factor on, as the portal requires of them), and
     other representatives with 50 clients each;
   - the measured position: the cook position of ``make bench`` (20 activities, 2,000
     applicants, built through the portal's own case import), the same at every scale, so the
     figures show what the size of the tables costs, not a bigger case.
   At 100×: 500 employers, 5,001 positions, 202,000 applicants, 20,000 evidence records.
3. gunicorn serves the portal (several sync workers) on 127.0.0.1; the representative's session
   is a server-side session row and its signed cookie (what the sign-in form would set).
4. wrk drives each page; a Lua script reports the requests per second and the 50th and 95th
   percentile latencies. The SQL queries per request come from the portal's X-Query-Count
   header, sent only when PORTAL_BENCH_COUNT_QUERIES=1 (off in normal use).

Figures only: nothing is asserted. ``--build-only --scale 0.01`` builds a tiny data set into
PORTAL_BENCH_DATABASE_URL and stops (the test suite runs it that way).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess  # nosec B404 # runs initdb, pg_ctl, gunicorn and wrk, fixed argument lists
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "scale_results.json"
WRK_SCRIPT = HERE / "scale_report.lua"

# A throwaway bench app and its fixture accounts: not secrets.
SECRET_KEY = "bench-scale-secret-key-not-for-production"  # noqa: S105  # nosec B105  # pragma: allowlist secret
PASSWORD = "bench scale password 2026"  # noqa: S105  # nosec B105  # pragma: allowlist secret
CLIENTS = 200  # the measured representative's clients, at every scale
APPLICANTS_PER_POSITION = 40
ACTIVITIES_PER_POSITION = 4
EVIDENCE_PER_POSITION = 4
BATCH = 10_000
MIN_REQUESTS = 5  # fewer in the wrk run: the page is timed sequentially instead
PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass
class Sizes:
    """How many rows of each kind a scale builds (the measured position apart)."""

    employers: int
    positions: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        positions = max(1, round(50 * scale))
        employers = max(min(CLIENTS, positions), round(5 * scale))
        if scale >= 1:
            employers = max(CLIENTS, employers)
        return cls(employers=employers, positions=positions)

    @property
    def applicants(self) -> int:
        return self.positions * APPLICANTS_PER_POSITION

    @property
    def evidence(self) -> int:
        return self.positions * EVIDENCE_PER_POSITION


@dataclass
class Built:
    """What a build made, and who and what the bench measures."""

    scale: float
    counts: dict
    representative_id: int
    employer_id: int
    position_id: int
    seconds: float
    extra: dict = field(default_factory=dict)


# --- The database ---------------------------------------------------------------------------


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayCluster:
    """A PostgreSQL 15 cluster in a temporary directory, stopped and removed on exit."""

    def __init__(self, port: int):
        self.port = free_port(port)
        self.directory = Path(tempfile.mkdtemp(prefix="portal-bench-pg-"))
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603  # nosec B603

    def __enter__(self) -> str:
        if not (PG_BIN / "initdb").exists():
            sys.exit(f"PostgreSQL 15 is needed ({PG_BIN}): apt-get install postgresql-15")
        if self.as_postgres:
            shutil.chown(self.directory, "postgres")
        data = self.directory / "data"
        self._run(
            str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E",
            "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
            "-c max_connections=50"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.directory / "log"), "-w",
            "-o", options, "start",
        )  # fmt: skip
        self._run(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "portal_bench",
        )  # fmt: skip
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/portal_bench"

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast",
                      "-w", "stop")  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)


def bench_environment(database_url: str, instance: Path, field_key: str) -> dict:
    """The settings of the bench app, the same for the builder and for gunicorn."""
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": SECRET_KEY,
        "PORTAL_FIELD_KEYS": field_key,
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_RATELIMIT_STORAGE_URL": "memory://",
        "PORTAL_BENCH_COUNT_QUERIES": "1",
    }


def make_app(environment: dict):
    """The portal configured as gunicorn will serve it, its schema migrated afresh."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    os.environ.update(environment)
    from portal import create_app
    from portal.extensions import db

    app = create_app({"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8192})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        # Alembic's logging config prints each migration to stderr; keep the report readable.
        with contextlib.redirect_stderr(io.StringIO()):
            upgrade()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app


# --- The data -------------------------------------------------------------------------------


def _insert(connection, table, rows: list[dict]) -> None:
    """Insert ``rows`` in batches. An executemany takes its columns from the first row, so rows
    are grouped by the columns they give (a representative's two-factor secret, say)."""
    from sqlalchemy import insert

    shapes: dict[tuple, list[dict]] = {}
    for row in rows:
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for same in shapes.values():
        for start in range(0, len(same), BATCH):
            connection.execute(insert(table), same[start : start + BATCH])


def _next_id(connection, table) -> int:
    from sqlalchemy import func, select

    return (connection.scalar(select(func.max(table.c.id))) or 0) + 1


def _lmia_number(n: int) -> str:
    return f"{8_000_000 + n:07d}"


def build(app, scale: float) -> Built:
    """Fill the migrated database of ``app`` with the data of ``scale``; return what the bench
    measures."""
    from flask import g
    from sqlalchemy import func, insert, select, text

    from bench.run import _day, case_document
    from portal.auth.services import register_user
    from portal.employers.services import create_employer
    from portal.extensions import db
    from portal.models import (
        Applicant,
        Employer,
        EvidenceFile,
        Membership,
        Position,
        RecruitmentActivity,
        Role,
        User,
        WorkLocation,
    )
    from portal.positions.case_bridge import rows_from_case

    started = time.perf_counter()
    sizes = Sizes.at(scale)
    document = case_document()
    now = datetime.now(UTC)
    with app.app_context():
        # The measured position, through the portal's own case import (as `make bench` does).
        owner = register_user("Bench Owner", "owner0@scale.example", PASSWORD)
        owner.email_confirmed_at = now
        db.session.flush()
        g.audit_actor_id = owner.id
        facts = document["employer"]
        employer = create_employer(
            owner,
            {
                "legal_name": facts["legal_name"],
                "operating_name": facts["operating_name"],
                "business_number": facts["business_number"],
                "street_address": facts["address"]["street"],
                "city": facts["address"]["city"],
                "province": facts["address"]["province"],
                "postal_code": facts["address"]["postal_code"],
                "phone": "+1 416-555-0100",
                "naics_code": facts["naics"],
            },
            facts["employees_at_location"],
        )
        db.session.flush()
        position, _ = rows_from_case(employer, {**document, "applicants": []})
        db.session.add(position)
        db.session.flush()
        keys = {activity.case_key: activity.id for activity in position.activities}
        db.session.execute(
            insert(Applicant),
            [
                {
                    "employer_id": employer.id,
                    "position_id": position.id,
                    "name": person["name"],
                    "status": person["status"],
                    "source_activity_id": keys.get(person.get("source")),
                    "channel": person.get("channel"),
                    "applied_on": date.fromisoformat(person["applied_on"]),
                    "resume_downloaded_on": _day(person.get("resume_downloaded_on")),
                    "interviewed_on": _day(person.get("interviewed_on")),
                    "hired": person.get("hired"),
                    "reason_code": person.get("reason_code"),
                }
                for person in document["applicants"]
            ],
        )
        db.session.commit()
        measured = {"employer_id": employer.id, "position_id": position.id, "owner_id": owner.id}
        template_position = {
            key: value
            for key, value in db.session.execute(
                select(Position.__table__).where(Position.id == position.id)
            )
            .mappings()
            .one()
            .items()
            if key not in ("id", "created_at", "version", "lmia_number")
        }
        template_activities = [
            {
                key: value
                for key, value in row.items()
                if key not in ("id", "created_at", "position_id", "employer_id")
            }
            for row in db.session.execute(
                select(RecruitmentActivity.__table__)
                .where(RecruitmentActivity.position_id == position.id)
                .order_by(RecruitmentActivity.id)
                .limit(ACTIVITIES_PER_POSITION)
            ).mappings()
        ]
        password_hash = owner.password_hash  # every account signs in with PASSWORD

    with app.app_context(), db.engine.begin() as connection:
        users, employers, locations, memberships = [], [], [], []
        user_id = _next_id(connection, User.__table__)
        employer_id = _next_id(connection, Employer.__table__)
        employer_ids = [measured["employer_id"]]
        for n in range(1, sizes.employers):
            employers.append(
                {
                    "id": employer_id,
                    "legal_name": f"Scale Employer {n:05d} Inc.",
                    "operating_name": f"Scale {n:05d}",
                    "business_number": f"{700_000_000 + n}",
                    "street_address": f"{n} King Street West",
                    "city": "Toronto",
                    "province": "ON",
                    "postal_code": "M5H 1A1",
                    "phone": "+1 416-555-0101",
                    "naics_code": "722511",
                }
            )
            locations.append(
                {
                    "employer_id": employer_id,
                    "street_address": f"{n} King Street West",
                    "city": "Toronto",
                    "province": "ON",
                    "postal_code": "M5H 1A1",
                    "employee_count": 25,
                }
            )
            employer_ids.append(employer_id)
            employer_id += 1
        for n, employer in enumerate(employer_ids):
            for role in (Role.OWNER, Role.STAFF):
                if n == 0 and role == Role.OWNER:
                    continue  # the measured employer's owner exists
                users.append(
                    {
                        "id": user_id,
                        "email": f"{role}{n}@scale.example",
                        "full_name": f"Scale {role.title()} {n}",
                        "password_hash": password_hash,
                        "email_confirmed_at": now,
                    }
                )
                memberships.append({"employer_id": employer, "user_id": user_id, "role": role})
                user_id += 1
        # Representatives: the measured one with CLIENTS clients, others with 50 each.
        representatives = []
        for n, start in enumerate([0, *range(CLIENTS, len(employer_ids), 50)]):
            count = CLIENTS if n == 0 else 50
            users.append(
                {
                    "id": user_id,
                    "email": f"representative{n}@scale.example",
                    "full_name": f"Scale Representative {n}",
                    "password_hash": password_hash,
                    "email_confirmed_at": now,
                    # Representatives must use two-factor sign-in: the secret is stored
                    # encrypted (EncryptedString encrypts it with the configured keys).
                    "totp_secret": "JBSWY3DPEHPK3PXP",  # pragma: allowlist secret
                    "totp_enabled_at": now,
                }
            )
            for employer in employer_ids[start : start + count]:
                memberships.append(
                    {
                        "employer_id": employer,
                        "user_id": user_id,
                        "role": Role.REPRESENTATIVE,
                        "cicc_number": f"R{712_000 + n:06d}",
                    }
                )
            representatives.append(user_id)
            user_id += 1
        _insert(connection, User.__table__, users)
        _insert(connection, Employer.__table__, employers)
        _insert(connection, WorkLocation.__table__, locations)
        _insert(connection, Membership.__table__, memberships)

        positions, activities, applicants, evidence = [], [], [], []
        position_id = _next_id(connection, Position.__table__)
        activity_id = _next_id(connection, RecruitmentActivity.__table__)
        owners = {
            row["employer_id"]: row["user_id"] for row in memberships if row["role"] == "owner"
        }
        owners[measured["employer_id"]] = measured["owner_id"]
        statuses = ("citizen", "permanent_resident", "foreign")
        for n in range(sizes.positions):
            employer = employer_ids[n % len(employer_ids)]
            positions.append(
                {
                    **template_position,
                    "id": position_id,
                    "employer_id": employer,
                    "title": f"Cook {n:05d}",
                    "lmia_number": _lmia_number(n) if n % 10 == 0 else None,
                }
            )
            sources = []
            for activity in template_activities:
                activities.append(
                    {
                        **activity,
                        "id": activity_id,
                        "employer_id": employer,
                        "position_id": position_id,
                        "case_key": activity["case_key"],
                    }
                )
                sources.append(activity_id)
                activity_id += 1
            for a in range(APPLICANTS_PER_POSITION):
                applied = date(2026, 1, 5) + timedelta(days=a % 40)
                applicants.append(
                    {
                        "employer_id": employer,
                        "position_id": position_id,
                        "name": f"Applicant {n}-{a}",
                        "status": statuses[a % 3],
                        "source_activity_id": sources[a % len(sources)],
                        "channel": "email",
                        "applied_on": applied,
                        "resume_downloaded_on": applied + timedelta(days=2),
                        "interviewed_on": applied + timedelta(days=5) if a % 4 == 0 else None,
                        "hired": False,
                        "reason_code": "lacks_experience",
                    }
                )
            for e in range(EVIDENCE_PER_POSITION):
                digest = f"{n:032x}{e:032x}"
                evidence.append(
                    {
                        "employer_id": employer,
                        "position_id": position_id,
                        "activity_id": sources[e % len(sources)],
                        "category": "ad_proof" if e % 2 == 0 else "invoice",
                        "original_filename": f"proof-{n}-{e}.pdf",
                        "content_type": "application/pdf",
                        "extension": "pdf",
                        "size_bytes": 20_000 + e,
                        "sha256": digest,
                        "storage_key": f"scale/{digest}",
                        "uploaded_by_id": owners[employer],
                        "review_status": ("pending", "accepted")[e % 2],
                    }
                )
            position_id += 1
        _insert(connection, Position.__table__, positions)
        _insert(connection, RecruitmentActivity.__table__, activities)
        _insert(connection, Applicant.__table__, applicants)
        _insert(connection, EvidenceFile.__table__, evidence)
        if connection.dialect.name == "postgresql":
            for table in (User, Employer, Position, RecruitmentActivity):
                # Rows came with explicit ids: move each id sequence past them.
                connection.execute(
                    select(
                        func.setval(
                            func.pg_get_serial_sequence(table.__tablename__, "id"),
                            select(func.max(table.id)).scalar_subquery(),
                        )
                    )
                )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        counts = {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (
                Employer,
                Position,
                Applicant,
                EvidenceFile,
                RecruitmentActivity,
                User,
                Membership,
            )
        }
        clients = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == representatives[0], Membership.revoked_at.is_(None))
        )
    verdicts = refresh_verdicts(app, representatives[0])
    return Built(
        scale=scale,
        counts={**counts, "representative_clients": clients},
        representative_id=representatives[0],
        employer_id=measured["employer_id"],
        position_id=measured["position_id"],
        seconds=round(time.perf_counter() - started, 1),
        extra={"verdicts_refreshed": verdicts},
    )


def refresh_verdicts(app, user_id: int) -> int:
    """Store the verdict of every live position the user sees, as the queue's workers would have
    by the time anyone looks (rows inserted in bulk made none): the dashboard is measured in its
    steady state, not while it refreshes. Returns how many; 0 without stored verdicts."""
    try:
        from portal.verdicts import refresh
    except ImportError:  # a branch without stored verdicts: the dashboard runs the engine
        return 0
    from portal.extensions import db
    from portal.models import Position
    from portal.tenancy import across_my_employers

    with app.test_request_context():
        ids = list(
            db.session.scalars(
                across_my_employers(Position, user_id)
                .where(Position.archived_at.is_(None))
                .with_only_columns(Position.id)
                .order_by(Position.id)
            )
        )
        for position_id in ids:
            refresh(position_id)
            db.session.expunge_all()  # keep the session small over thousands of positions
    return len(ids)


def session_cookie(app, user_id: int) -> str:
    """A server-side session for ``user_id`` (second step passed) and its signed cookie, as the
    sign-in form would leave them."""
    from portal.auth.sessions import _token_hash
    from portal.extensions import db
    from portal.models import UserSession, utcnow

    token = secrets.token_urlsafe(32)
    with app.app_context():
        db.session.add(
            UserSession(user_id=user_id, token_hash=_token_hash(token), second_factor_at=utcnow())
        )
        db.session.commit()
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": token, "_fresh": True}
    )
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


# --- Serving and driving --------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(environment: dict, port: int, workers: int):
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--log-level", "warning",
        "portal:create_app()",
    ]  # fmt: skip
    server = subprocess.Popen(  # noqa: S603  # nosec B603 # fixed argument list
        command, env={**os.environ, **environment}, cwd=ROOT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None:
                raise RuntimeError("gunicorn stopped at start-up")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to sign-in, to the second step) is an answer, not the page


_OPENER = urllib.request.build_opener(_NoRedirects)


def probe(url: str, cookie: str) -> tuple[int, int | None, float]:
    """One request, redirects not followed: status, SQL queries (X-Query-Count) and seconds."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    began = time.perf_counter()
    try:
        response = _OPENER.open(request, timeout=600)
    except urllib.error.HTTPError as error:  # 3xx, 4xx, 5xx
        return error.code, None, time.perf_counter() - began
    with response:
        response.read()
        count = response.headers.get("X-Query-Count")
        return response.status, int(count) if count else None, time.perf_counter() - began


def drive(url: str, cookie: str, seconds: int, connections: int) -> dict:
    """wrk on ``url``: requests per second, median and 95th percentile in ms, errors."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    completed = subprocess.run(  # noqa: S603  # nosec B603 B607 # fixed argument list
        [  # noqa: S607 # wrk from PATH, as installed by apt
            *("wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"),
            *("--timeout", "120s", "-s", str(WRK_SCRIPT), url),
        ],
        env={**os.environ, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"^BENCH (\{.*\})$", completed.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk printed no figures:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(found.group(1))


PAGES = (
    ("representative's dashboard (200 clients)", "/"),
    ("compliance page", "/employers/{employer}/positions/{position}/compliance"),
    ("applicant list", "/employers/{employer}/positions/{position}/applicants"),
    ("risk view", "/employers/{employer}/positions/{position}/risk"),
)


def measure(built: Built, base: str, cookie: str, seconds: int, connections: int) -> list[dict]:
    rows = []
    for name, path in PAGES:
        url = base + path.format(employer=built.employer_id, position=built.position_id)
        status, queries, first = probe(url, cookie)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        figures = drive(url, cookie, seconds, connections)
        if figures["requests"] < MIN_REQUESTS:
            # Slower than the run allows: time requests one after another instead.
            times = sorted(probe(url, cookie)[2] for _ in range(MIN_REQUESTS))
            figures = {
                "rps": 1 / statistics.median(times),
                "p50_ms": statistics.median(times) * 1000,
                "p95_ms": times[-1] * 1000,
                "requests": len(times),
                "errors": 0,
                "sequential": True,
            }
        rows.append(
            {
                "scale": built.scale,
                "page": name,
                "path": path,
                "queries": queries,
                "first_request_ms": round(first * 1000, 1),
                **figures,
            }
        )
        print(
            f"  {name:<42} {figures['rps']:>7.1f} req/s  median {figures['p50_ms']:>8.1f} ms"
            f"  p95 {figures['p95_ms']:>8.1f} ms  {queries} queries",
            flush=True,
        )
    return rows


# --- Report ---------------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        lscpu = subprocess.run(  # noqa: S603  # nosec B603 B607
            ["lscpu"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = re.search(r"Model name:\s*(.+)", lscpu)
        model = found.group(1).strip() if found else ""
    memory = ""
    with contextlib.suppress(OSError):
        found = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        memory = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else ""
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "cpu": model,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| page | data | req/s | median ms | p95 ms | SQL queries |",
        "|---|---|---|---|---|---|",
    ]
    for name, _path in PAGES:
        for row in rows:
            if row["page"] == name:
                lines.append(
                    f"| {name} | {row['scale']:g}× | {row['rps']:.1f} | {row['p50_ms']:.1f} | "
                    f"{row['p95_ms']:.1f} | {row['queries']} |"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated, e.g. 1,10,100")
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per page")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8201, help="gunicorn's port")
    parser.add_argument("--pg-port", type=int, default=8209, help="the throwaway cluster's port")
    parser.add_argument("--build-only", action="store_true", help="build the data, serve nothing")
    arguments = parser.parse_args(argv)
    scales = [float(s) for s in arguments.scales.split(",")]
    from cryptography.fernet import Fernet

    # The configured keys when given (a test reads the tokens back), else a new one.
    field_key = os.environ.get("PORTAL_FIELD_KEYS") or Fernet.generate_key().decode()
    given = os.environ.get("PORTAL_BENCH_DATABASE_URL")
    with contextlib.ExitStack() as stack:
        database_url = given or stack.enter_context(ThrowawayCluster(arguments.pg_port))
        instance = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-bench-")))
        environment = bench_environment(database_url, instance, field_key)
        rows, builds = [], []
        for scale in scales:
            print(f"{scale:g}×: building", flush=True)
            app = make_app(environment)
            built = build(app, scale)
            builds.append(built.__dict__)
            print(
                f"  built in {built.seconds} s: {json.dumps(built.counts)}; "
                f"{built.extra['verdicts_refreshed']} verdicts stored",
                flush=True,
            )
            if arguments.build_only:
                continue
            cookie = session_cookie(app, built.representative_id)
            from portal.extensions import db

            with app.app_context():
                db.engine.dispose()  # no connection kept open across gunicorn's run
            port = free_port(arguments.port)
            with gunicorn(environment, port, arguments.workers) as base:
                rows.extend(measure(built, base, cookie, arguments.seconds, arguments.connections))
    if arguments.build_only:
        return 0
    report = {
        "machine": machine(),
        "workers": arguments.workers,
        "connections": arguments.connections,
        "seconds": arguments.seconds,
        "builds": builds,
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    print(
        f"{report['machine']['date']}; {report['machine']['nproc']} CPUs "
        f"({report['machine']['cpu']}), {report['machine']['memory']}; gunicorn "
        f"{arguments.workers} sync workers; wrk {arguments.connections} connections, "
        f"{arguments.seconds} s per page"
    )
    print(table(rows))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
