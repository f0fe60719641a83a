"""Benchmark the rules engine and the compliance page on a large case (`make bench`).

The workload is one low-wage position (a cook in Toronto) with 20 recruitment activities and
2,000 applicants, the same shape as tests/rules/test_perf_shape.py pins:

1. the engine: ``portal.rules.evaluate`` on the case, many times; median ms per check;
2. the page: a throwaway app on a temporary SQLite file (schema built by the migrations), the
   position stored with the 20 activities and 2,000 applicants (applicants bulk-inserted), a
   signed-in test client GETting the compliance page N times; median ms per request and the SQL
   queries per request, and the same query count for a position with 20 applicants; the page
   as a representative sees it (a waiver form per finding), and with every finding waived;
3. where a page request spends its time (the compliance module's steps, rendering, garbage
   collection), timed in process by wrapping those functions;
4. the command-line checker's whole-process time: ``lmia check`` next to starting Python to
   ``json.load`` the same file, and ``flask --app portal lmia check`` (bench/startup.py).

Figures are printed next to the targets and written to bench/results.json. It is a benchmark:
nothing is asserted about timings.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"

ACTIVITIES = 20
APPLICANTS = 2000
FEW_APPLICANTS = 20
SUBMISSION = date(2026, 3, 2)
AS_OF = date(2026, 3, 1)  # the checks run the day before filing, so nothing depends on today
TARGET_ENGINE_MS = 20.0
TARGET_PAGE_MS = 150.0

APP_CONFIG = {
    "TESTING": True,  # an exception in a view surfaces here instead of as a 500 page
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST_KIB": 47104,
    "ARGON2_PARALLELISM": 1,
    "SMTP_HOST": None,
    "RATELIMIT_STORAGE_URI": "memory://",
}

DUTIES = (
    "Prepare and cook complete meals and individual dishes; plan menus and estimate food "
    "requirements; inspect kitchens and food service areas; order supplies and equipment."
)
ADDRESS = {
    "street": "412 Queen Street West",
    "city": "Toronto",
    "province": "ON",
    "postal_code": "M5V 2A9",
}


# --- The workload ---------------------------------------------------------------------------


def _ad() -> dict:
    return {
        "operating_name": "Maple Leaf Bistro",
        "business_address": ADDRESS["street"],
        "title": "Cook",
        "duties": DUTIES,
        "terms": "Full-time, permanent",
        "wage": {"amount": 19.5, "per": "hour"},
        "benefits": "Dental plan",
        "work_location": "412 Queen Street West, Toronto, ON",
        "contact": "jobs@maple-bistro.example",
        "education": "Secondary school",
        "experience": "2 years",
        "languages": ["English"],
        "published_languages": ["en"],
    }


def case_document(applicants: int = APPLICANTS, activities: int = ACTIVITIES) -> dict:
    """An lmia-case/1 document (the JSON shape) for the cook position."""
    recruitment = [
        {
            "id": "jb",
            "method": "job_bank",
            "kind": "posting",
            "start": "2026-01-05",
            "reference": "JB-3012345",
            "direct_apply": True,
            "ad": _ad(),
        }
    ]
    for n in range(1, activities):
        recruitment.append(
            {
                "id": f"a{n}",
                "method": "job_board" if n % 2 else "newspaper",
                "kind": "posting",
                "start": "2026-01-02",
                "end": "2026-02-20",
                "platform": f"Board {n}",
                "target_groups": ["newcomers"] if n % 2 else ["indigenous"],
                "ad": _ad(),
            }
        )
    people = []
    for n in range(applicants):
        applied = date(2026, 1, 5) + timedelta(days=n % 40)
        person = {
            "name": f"Applicant {n}",
            "status": ("citizen", "permanent_resident", "foreign")[n % 3],
            "source": recruitment[n % activities]["id"],
            "channel": "direct_apply" if n % activities == 0 else "email",
            "applied_on": applied.isoformat(),
            "hired": False,
        }
        if n % 10:
            person["resume_downloaded_on"] = (applied + timedelta(days=2)).isoformat()
        if n % 4 == 0:
            person["interviewed_on"] = (applied + timedelta(days=5)).isoformat()
        if n % 7:
            person["reason_code"] = "lacks_experience"
        people.append(person)
    return {
        "format": "lmia-case/1",
        "submission_date": SUBMISSION.isoformat(),
        "employer": {
            "legal_name": "Marchetti Hospitality Inc.",
            "operating_name": "Maple Leaf Bistro",
            "business_number": "871234563",
            "address": dict(ADDRESS),
            "naics": "722511",
            "employees_at_location": 40,
            "low_wage_tfws_at_location": 2,
        },
        "position": {
            "title": "Cook",
            "noc": "63200",
            "stream": "low_wage",
            "work_location": {**ADDRESS, "economic_region": "ER3530", "cma": "Toronto"},
            "wage": {"amount": 19.5, "per": "hour"},
            "hours_per_week": 40,
            "positions": 1,
            "duration_months": 12,
            "duties": DUTIES,
            "requirements": {
                "education": "Secondary school",
                "experience": "2 years",
                "languages": ["English"],
            },
            "benefits": "Dental plan",
            "terms": "Full-time, permanent",
        },
        "recruitment": recruitment,
        "job_match": {
            "mode": "default",
            "matches": [
                {"first_seen": "2026-01-10", "stars": 3, "invited_on": "2026-01-11"},
                {"first_seen": "2026-01-12", "stars": 1},
            ],
        },
        "applicants": people,
    }


# --- Measuring ------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed_runs(call, *, minimum: int, budget_s: float, warmup: int = 2) -> list[float]:
    """Call ``call`` at least ``minimum`` times (more while within ``budget_s``); seconds each."""
    for _ in range(warmup):
        call()
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < minimum or time.perf_counter() - started < budget_s:
        begin = time.perf_counter()
        call()
        times.append(time.perf_counter() - begin)
        if len(times) >= 10 * minimum:
            break
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "runs": len(times),
        "median_ms": _ms(statistics.median(times)),
        "min_ms": _ms(ordered[0]),
        "p90_ms": _ms(ordered[int(0.9 * (len(ordered) - 1))]),
        "max_ms": _ms(ordered[-1]),
    }


def bench_engine(runs: int) -> dict:
    from portal.cases import parse_case
    from portal.reference.labour_market import LabourMarketData
    from portal.rules import evaluate

    document = json.dumps(case_document())
    reference = LabourMarketData.packaged()
    parse_times = timed_runs(lambda: parse_case(document), minimum=5, budget_s=1.0, warmup=1)
    case = parse_case(document)
    verdict = evaluate(case, AS_OF, reference)
    times = timed_runs(lambda: evaluate(case, AS_OF, reference), minimum=runs, budget_s=5.0)
    return {
        "activities": len(case.recruitment),
        "applicants": len(case.applicants),
        "findings": len(verdict.findings),
        "evaluate": summary(times),
        "parse_case": summary(parse_times),
    }


# --- The web app ----------------------------------------------------------------------------


class QueryCounter:
    """Counts the SQL statements sent to the database (a before_cursor_execute listener)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)

    @contextmanager
    def counting(self):
        self.count, self.statements = 0, []
        yield self


def make_app(database_path: Path):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    app = create_app({**APP_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database_path}"})
    # Alembic's logging config prints each migration to stderr; keep the report readable.
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade()
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return app, db


def add_representative(app, db, employer_id: int, n: int) -> int:
    """A lawyer with the representative role at the employer; returns their user id."""
    from flask import g

    from portal.auth.services import register_user
    from portal.models import Membership, Role

    with app.app_context():
        lawyer = register_user(f"Bench Lawyer {n}", f"lawyer{n}@bench.example", "bench pw 1234")
        db.session.flush()
        g.audit_actor_id = lawyer.id
        db.session.add(
            Membership(
                employer_id=employer_id,
                user_id=lawyer.id,
                role=Role.REPRESENTATIVE,
                cicc_number=f"R71234{n}",
            )
        )
        db.session.commit()
        return lawyer.id


def add_waivers(
    app, db, employer_id: int, position_id: int, document: dict, authors: list[int]
) -> int:
    """The ``authors`` waive every finding of the position, in turn; returns how many."""
    from flask import g

    from portal.cases import parse_case
    from portal.models import Waiver
    from portal.reference.labour_market import LabourMarketData
    from portal.rules import evaluate

    verdict = evaluate(parse_case(json.dumps(document)), AS_OF, LabourMarketData.packaged())
    pairs = sorted({(finding.rule, finding.subject) for finding in verdict.findings})
    with app.app_context():
        g.audit_actor_id = authors[0]
        for n, (rule_id, subject) in enumerate(pairs):
            db.session.add(
                Waiver(
                    employer_id=employer_id,
                    position_id=position_id,
                    rule_id=rule_id,
                    subject=subject,
                    reason="Accepted for the benchmark, with a reason on record.",
                    waived_by_id=authors[n % len(authors)],
                )
            )
        db.session.commit()
    return len(pairs)


def seed(app, db, document: dict, applicant_counts: list[int]) -> tuple[int, int, list[int]]:
    """Create the owner, the employer (the document's) and one position per applicant count,
    each with the document's activities and that many applicants (bulk-inserted)."""
    from flask import g
    from sqlalchemy import insert

    from portal.auth.services import register_user
    from portal.employers.services import create_employer
    from portal.models import Applicant
    from portal.positions.case_bridge import rows_from_case

    facts = document["employer"]
    profile = {
        "legal_name": facts["legal_name"],
        "operating_name": facts["operating_name"],
        "business_number": facts["business_number"],
        "street_address": facts["address"]["street"],
        "city": facts["address"]["city"],
        "province": facts["address"]["province"],
        "postal_code": facts["address"]["postal_code"],
        "phone": "+1 416-555-0100",
        "naics_code": facts["naics"],
    }
    position_ids = []
    with app.app_context():
        owner = register_user("Bench Owner", "owner@bench.example", "bench password 1234")
        db.session.flush()
        g.audit_actor_id = owner.id
        employer = create_employer(owner, profile, facts["employees_at_location"])
        db.session.flush()
        for count in applicant_counts:
            position, _ = rows_from_case(employer, {**document, "applicants": []})
            db.session.add(position)
            db.session.flush()
            ids = {activity.case_key: activity.id for activity in position.activities}
            rows = [
                {
                    "employer_id": employer.id,
                    "position_id": position.id,
                    "name": person["name"],
                    "status": person["status"],
                    "source_activity_id": ids.get(person.get("source")),
                    "channel": person.get("channel"),
                    "applied_on": date.fromisoformat(person["applied_on"]),
                    "resume_downloaded_on": _day(person.get("resume_downloaded_on")),
                    "interviewed_on": _day(person.get("interviewed_on")),
                    "offered": person.get("offered"),
                    "hired": person.get("hired"),
                    "reason_code": person.get("reason_code"),
                    "reason_detail": person.get("reason_detail"),
                }
                for person in document["applicants"][:count]
            ]
            db.session.execute(insert(Applicant), rows)
            position_ids.append(position.id)
        db.session.commit()
        return owner.id, employer.id, position_ids


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def signed_in_client(app, db, user_id: int):
    """A test client holding a real server-side session (as tests/factories.py does)."""
    from portal.auth.sessions import _token_hash
    from portal.models import UserSession

    token = secrets.token_urlsafe(32)
    with app.app_context():
        db.session.add(UserSession(user_id=user_id, token_hash=_token_hash(token)))
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


class StepTimer:
    """Wrap named module functions to add up the time spent in them per request."""

    def __init__(self):
        self.spent: dict[str, list[float]] = defaultdict(list)
        self._current: dict[str, float] = defaultdict(float)
        self._patched: list[tuple[object, str, object, bool]] = []
        self.labels: list[str] = []

    def wrap(self, owner, name: str, label: str) -> None:
        """Time ``owner.name`` (a module function, or a method of one object)."""
        original = getattr(owner, name)
        own = name in vars(owner)  # a module's function; else the method comes from the class

        def timed(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._current[label] += time.perf_counter() - begin

        setattr(owner, name, timed)
        self._patched.append((owner, name, original, own))
        self.labels.append(label)

    def restore(self) -> None:
        for owner, name, original, own in reversed(self._patched):
            if own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self._patched.clear()

    def add(self, label: str, seconds: float) -> None:
        self._current[label] += seconds

    def end_request(self) -> None:
        for label, seconds in self._current.items():
            self.spent[label].append(seconds)
        self._current = defaultdict(float)


def bench_page(requests: int) -> dict:
    document = case_document()
    with tempfile.TemporaryDirectory(prefix="lmia-bench-") as tmp:
        app, db = make_app(Path(tmp) / "bench.sqlite3")
        seed_started = time.perf_counter()
        owner_id, employer_id, (big, small) = seed(app, db, document, [APPLICANTS, FEW_APPLICANTS])
        seed_s = time.perf_counter() - seed_started
        client = signed_in_client(app, db, owner_id)
        with app.app_context():
            counter = QueryCounter(db.engine)

        def url(position_id: int) -> str:
            base = f"/employers/{employer_id}/positions/{position_id}/compliance"
            return f"{base}?as_of={AS_OF.isoformat()}"

        def get(position_id: int):
            response = client.get(url(position_id))
            if response.status_code != 200:
                raise SystemExit(f"GET {url(position_id)} answered {response.status_code}")
            return response

        # The first request fills the process-wide caches (reference data, filing window).
        begin = time.perf_counter()
        with counter.counting():
            first = get(big)
        cold = {"ms": _ms(time.perf_counter() - begin), "queries": counter.count}
        html = first.get_data(as_text=True)

        queries_big: list[int] = []

        def timed_get(position_id, into):
            with counter.counting():
                get(position_id)
            into.append(counter.count)

        times = timed_runs(lambda: timed_get(big, queries_big), minimum=requests, budget_s=8.0)
        statements = list(counter.statements)
        queries_small: list[int] = []
        small_times = timed_runs(
            lambda: timed_get(small, queries_small), minimum=requests, budget_s=2.0
        )

        # Where the time goes: the steps of portal.positions.compliance.check, and rendering.
        breakdown = step_breakdown(db, get, big, min(requests, 20))

        # The representative's view of the same page carries a waiver form per finding.
        lawyers = [add_representative(app, db, employer_id, n) for n in (1, 2)]
        lawyer = signed_in_client(app, db, lawyers[0])

        def lawyer_get():
            response = lawyer.get(url(big))
            if response.status_code != 200:
                raise SystemExit(f"GET {url(big)} as the lawyer answered {response.status_code}")
            return response

        lawyer_html = lawyer_get().get_data(as_text=True)
        lawyer_times = timed_runs(lawyer_get, minimum=requests, budget_s=4.0, warmup=1)

        # Every finding waived by one of two representatives: each waiver shows its author.
        waived = add_waivers(app, db, employer_id, big, document, lawyers)
        queries_waived: list[int] = []
        waived_times = timed_runs(
            lambda: timed_get(big, queries_waived), minimum=10, budget_s=2.0, warmup=1
        )
        waived_statements = list(counter.statements)
        waived_shown = get(big).get_data(as_text=True).count("finding-waived")
        with app.app_context():
            db.engine.dispose()
    return {
        "seed_s": round(seed_s, 2),
        "requests": summary(times),
        "first_request": cold,
        "queries_per_request": _spread(queries_big),
        "queries_per_request_20_applicants": _spread(queries_small),
        "requests_20_applicants": summary(small_times),
        "requests_as_representative": summary(lawyer_times),
        "page_bytes_as_representative": len(lawyer_html.encode()),
        "waiver_forms_as_representative": lawyer_html.count(">Waive</button>"),
        "waivers": {
            "added": waived,
            "authors": 2,
            "shown_waived": waived_shown,
            "queries_per_request": _spread(queries_waived),
            "requests": summary(waived_times),
            "statements": _statement_kinds(waived_statements),
        },
        "page_bytes": len(html.encode()),
        "findings_on_page": html.count('<li class="finding '),
        "statements": _statement_kinds(statements),
        "breakdown_requests": min(requests, 20),
        "breakdown_ms": breakdown,
    }


def _spread(counts: list[int]) -> dict:
    return {"median": statistics.median_low(counts), "min": min(counts), "max": max(counts)}


def _statement_kinds(statements: list[str]) -> dict[str, int]:
    kinds: dict[str, int] = defaultdict(int)
    for statement in statements:
        words = statement.split()
        verb = words[0].upper() if words else "?"
        table = ""
        if verb == "SELECT" and "FROM" in statement:
            table = statement.split("FROM", 1)[1].split()[0]
        kinds[f"{verb} {table}".strip()] += 1
    return dict(sorted(kinds.items(), key=lambda item: -item[1]))


GC_LABEL = "garbage collection (during any step)"


def step_breakdown(db, get, position_id: int, requests: int) -> dict:
    import gc

    from portal.positions import compliance, services, views

    timer = StepTimer()
    timer.wrap(compliance, "check", "compliance.check (all below)")
    timer.wrap(services, "applicants_in_log_order", "  load applicants (ORM)")
    timer.wrap(compliance, "case_dict", "  build the case dict")
    timer.wrap(compliance, "parse_case", "  parse_case (validate it back)")
    timer.wrap(compliance, "evaluate", "  rules.evaluate")
    timer.wrap(compliance, "filing_window", "  filing_window")
    timer.wrap(compliance, "build_timeline", "  build_timeline")
    timer.wrap(views, "render_template", "render_template")
    # Flask-SQLAlchemy's teardown calls db.session.remove(): the ORM rows are released there.
    timer.wrap(db.session, "remove", "session teardown")
    gc_started: list[float] = []

    def on_gc(phase, info):
        if phase == "start":
            gc_started.append(time.perf_counter())
        elif gc_started:
            timer.add(GC_LABEL, time.perf_counter() - gc_started.pop())

    gc.callbacks.append(on_gc)
    totals = []
    try:
        for _ in range(requests):
            begin = time.perf_counter()
            get(position_id)
            totals.append(time.perf_counter() - begin)
            timer.end_request()
    finally:
        gc.callbacks.remove(on_gc)
        timer.restore()
    result = {"whole request": _median_mean(totals)}
    order = [*timer.labels, GC_LABEL]
    for label in sorted(timer.spent, key=order.index):
        seconds = timer.spent[label]
        result[label] = _median_mean(seconds + [0.0] * (requests - len(seconds)))
    return result


def _median_mean(seconds: list[float]) -> dict:
    return {"median_ms": _ms(statistics.median(seconds)), "mean_ms": _ms(statistics.mean(seconds))}


# --- Report ---------------------------------------------------------------------------------


def verdict_word(value: float, target: float) -> str:
    return "meets target" if value < target else "OVER target"


def report(engine: dict, page: dict) -> str:
    ev, rq = engine["evaluate"], page["requests"]
    qb, qs = page["queries_per_request"], page["queries_per_request_20_applicants"]
    qw = page["waivers"]["queries_per_request"]
    rows = [
        ("Measure", "Figure", "Target", ""),
        (
            f"engine: evaluate() median ({engine['activities']} activities, "
            f"{engine['applicants']} applicants, {ev['runs']} runs)",
            f"{ev['median_ms']:.2f} ms",
            f"< {TARGET_ENGINE_MS:.0f} ms",
            verdict_word(ev["median_ms"], TARGET_ENGINE_MS),
        ),
        (
            "engine: parse_case() median (same case)",
            f"{engine['parse_case']['median_ms']} ms",
            "",
            "",
        ),
        (
            f"page: GET compliance median ({rq['runs']} requests, {APPLICANTS} applicants)",
            f"{rq['median_ms']:.2f} ms",
            f"< {TARGET_PAGE_MS:.0f} ms",
            verdict_word(rq["median_ms"], TARGET_PAGE_MS),
        ),
        ("page: min / p90 / max", f"{rq['min_ms']} / {rq['p90_ms']} / {rq['max_ms']} ms", "", ""),
        (
            "page: first request (cold caches)",
            f"{page['first_request']['ms']} ms",
            "",
            "",
        ),
        (
            f"page: as the representative ({page['waiver_forms_as_representative']} waiver "
            f"forms, {page['page_bytes_as_representative'] // 1024} KiB) median",
            f"{page['requests_as_representative']['median_ms']:.2f} ms",
            f"< {TARGET_PAGE_MS:.0f} ms",
            verdict_word(page["requests_as_representative"]["median_ms"], TARGET_PAGE_MS),
        ),
        (
            f"page: SQL queries per request ({APPLICANTS} applicants)",
            _queries(qb),
            "constant",
            "",
        ),
        (
            f"page: SQL queries per request ({FEW_APPLICANTS} applicants)",
            _queries(qs),
            "constant",
            "same count" if qb == qs else "GROWS with applicants",
        ),
        (
            f"page: SQL queries per request ({APPLICANTS} applicants, "
            f"{page['waivers']['shown_waived']} findings waived by 2 people)",
            _queries(qw),
            "constant",
            "same count" if qw == qb else _growth(qw["median"] - qb["median"], page["waivers"]),
        ),
        (
            "page: GET compliance median (every finding waived)",
            f"{page['waivers']['requests']['median_ms']:.2f} ms",
            "",
            "",
        ),
        (
            f"page: GET compliance median ({FEW_APPLICANTS} applicants)",
            f"{page['requests_20_applicants']['median_ms']:.2f} ms",
            "",
            "",
        ),
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    lines.append(
        f"Where a compliance request with {APPLICANTS} applicants spends its time "
        f"({page['breakdown_requests']} requests, ms):"
    )
    lines.append(f"  {'':<38} {'median':>8} {'mean':>8}")
    for label, ms in page["breakdown_ms"].items():
        lines.append(f"  {label:<38} {ms['median_ms']:>8.2f} {ms['mean_ms']:>8.2f}")
    lines.append("")
    lines.append(
        "SQL statements of one request: "
        + ", ".join(f"{kind} x{count}" for kind, count in page["statements"].items())
    )
    lines.append(
        f"Findings on the page: {page['findings_on_page']} (engine: {engine['findings']}); "
        f"page size {page['page_bytes'] // 1024} KiB; seeding took {page['seed_s']} s."
    )
    return "\n".join(lines)


def _growth(extra: int, waivers: dict) -> str:
    if extra == waivers["authors"]:
        return f"+{extra}: one per waiver author"
    return f"+{extra} with waivers"


def _queries(spread: dict) -> str:
    if spread["min"] == spread["max"]:
        return str(spread["min"])
    return f"{spread['median']} (min {spread['min']}, max {spread['max']})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-runs", type=int, default=50, help="at least this many checks")
    parser.add_argument("--requests", type=int, default=30, help="at least this many GETs (>= 20)")
    parser.add_argument(
        "--startup-runs", type=int, default=9, help="new processes per command-line figure"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print("Benchmark: rules engine and compliance page (no timing is asserted)\n", flush=True)
    engine = bench_engine(args.engine_runs)
    page = bench_page(max(args.requests, 20))
    print(report(engine, page))
    from bench.evidence import bench_evidence
    from bench.evidence import report as evidence_report

    evidence = bench_evidence()
    print("\n" + evidence_report(evidence))
    from bench.startup import bench_startup
    from bench.startup import report as startup_report

    startup = bench_startup(args.startup_runs)
    print("\n" + startup_report(startup))
    results = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "workload": {
            "activities": ACTIVITIES,
            "applicants": APPLICANTS,
            "few_applicants": FEW_APPLICANTS,
            "submission_date": SUBMISSION.isoformat(),
            "as_of": AS_OF.isoformat(),
        },
        "targets_ms": {"engine": TARGET_ENGINE_MS, "page": TARGET_PAGE_MS},
        "engine": engine,
        "page": page,
        "evidence": evidence,
        "startup": startup,
        "total_s": round(time.perf_counter() - started, 1),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {RESULTS.relative_to(HERE.parent)} in {results['total_s']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
