"""Issue 7 S5: hostile values in URLs answer 404 or 400 with a message, never a 5xx.

The probe got 500s from an id above 2**63 - 1 (``/employers/99999999999999999999/``),
``?page=922337203685477580`` on the audit log, ``?as_of=9999-12-31`` / ``0001-01-01`` on the
compliance page, and ``/account/login?next=/%0d%0aSet-Cookie:x=1``. The fixes live in
``portal.web``: ``IdConverter`` (every ``<int:…>``), ``page_number``, ``as_of_date``
(2000-01-01 … 2099-12-31) and ``safe_next``.

The sweep is generated: every argument of every rule of ``app.url_map`` and every query
parameter in ``portal.web.QUERY_PARAMETERS`` gets the hostile values below, as tenant A's
owner, with the other arguments resolved to A's real objects (``support.seed_world``). The
list of query parameters is checked against the source: a ``request.args`` read that is not
declared there fails ``test_every_query_parameter_read_is_declared``.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from portal import web
from tests.helpers import text_of
from tests.security.support import (
    IGNORED_METHODS,
    build_url,
    dispose,
    new_app,
    resolve_args,
    rules_of,
    seed_world,
)

ROOT = Path(__file__).resolve().parents[2]

# Raw values, percent-encoded into the path segment or the query string.
HOSTILE = [
    "99999999999999999999",  # the probe's
    str(2**63),
    str(2**63 - 1),
    str(2**31),  # one above PostgreSQL's INTEGER
    str(2**31 - 1),
    "922337203685477580",
    "0",
    "-1",
    "0000000001",
    "1" * 400,
    "9" * 5000,  # past Python's int-from-string limit (4300 digits)
    "1e9",
    "1.5",
    "١٢",  # Arabic-Indic digits: str.isdigit and int() accept them
    "𝟗",
    "\r\nSet-Cookie: x=1",
    "/\r\nSet-Cookie:x=1",
    "\x00",
    "%ff",  # stays percent-encoded: invalid UTF-8 after decoding
    "../../etc/passwd",
    "x" * 8000,
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "2026-1-5",
    "२०२६-०१-०१",  # Devanagari digits in an ISO shape
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "<script>alert(1)</script>",
    "😀",
    "",
]
# Fewer for the query sweep (every GET page x every parameter x these).
HOSTILE_QUERY = [
    "99999999999999999999",
    "922337203685477580",
    "0",
    "-1",
    "9" * 5000,
    "١٢",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "/\r\nSet-Cookie:x=1",
    "//evil.example/",
    "x" * 8000,
    "%ff",
    "",
]
_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
_ARGS_READ = re.compile(r"request\s*\.\s*(?:args|values)\b(.{0,60})")
_NAMED_READ = re.compile(r"""^\s*(?:\.\s*(?:get|getlist)\s*\(\s*|\[\s*)["']([^"']+)["']""")
_HELPER_CALL = re.compile(r"\b(page_number|as_of_date)\(\s*(?:[\"']([^\"']*)[\"'])?")


@pytest.fixture
def sweep_app(database_url):
    # CSRF and throttling off, so hostile values reach the views instead of the CSRF check;
    # exceptions become 500 responses (counted) instead of stopping the sweep.
    app = new_app(
        database_url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False, PROPAGATE_EXCEPTIONS=False
    )
    yield app
    dispose(app)


def _segment(value: str) -> str:
    return value if value == "%ff" else quote(value, safe="")


def _path_with(rule, values: dict, name: str, raw: str) -> str:
    def replace(match):
        arg = match.group(1)
        return _segment(raw) if arg == name else quote(str(values[arg]), safe="/")

    return _ARGUMENT.sub(replace, rule.rule)


def _trouble(response, label: str) -> list[str]:
    problems = []
    if response.status_code >= 500:
        problems.append(f"{label}: {response.status_code}")
    for name, value in response.headers.items():
        if "\r" in value or "\n" in value:
            problems.append(f"{label}: header {name} carries CR/LF")
    if any(c.startswith("x=") for c in response.headers.getlist("Set-Cookie")):
        problems.append(f"{label}: injected cookie")
    location = response.headers.get("Location", "")
    if location and not location.startswith(("/", "http://localhost/")):
        problems.append(f"{label}: redirects off the site to {location!r}")
    return problems


def test_hostile_route_arguments_never_answer_5xx(sweep_app):
    world = seed_world(sweep_app)
    owner = world.users["a_owner"]
    problems, sent, statuses = [], 0, set()
    for rule in rules_of(sweep_app):
        values = resolve_args(world, rule, "own")
        for name in sorted(rule.arguments):
            for raw in HOSTILE:
                path = _path_with(rule, values, name, raw)
                for method in sorted(rule.methods - IGNORED_METHODS):
                    response = world.pool.client(owner).open(path, method=method)
                    sent += 1
                    statuses.add(response.status_code)
                    label = f"{method} {rule.rule} {name}={raw[:40]!r}"
                    problems += _trouble(response, label)
    assert not problems, "\n".join(problems)
    assert sent > 1000
    assert 404 in statuses


def test_hostile_query_parameters_never_answer_5xx(sweep_app):
    world = seed_world(sweep_app)
    owner = world.users["a_owner"]
    problems, sent = [], 0
    pages = [rule for rule in rules_of(sweep_app) if "GET" in rule.methods]
    for rule in pages:
        path = build_url(rule, resolve_args(world, rule, "own"))
        for name in web.QUERY_PARAMETERS:
            for raw in HOSTILE_QUERY:
                query = f"{name}=" + (raw if raw == "%ff" else quote(raw, safe=""))
                response = world.pool.client(owner).get(f"{path}?{query}")
                sent += 1
                problems += _trouble(response, f"GET {path}?{name}={raw[:40]!r}")
    assert not problems, "\n".join(problems)
    assert sent > 300


def _source_files():
    for path in sorted((ROOT / "portal").rglob("*.py")):
        yield path
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield path


def _db_paginate_calls_missing_arguments(path: Path, text: str) -> list[int]:
    if path.suffix != ".py":
        return []
    missing = []
    for node in ast.walk(ast.parse(text)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "paginate"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "db"
        ):
            given = {keyword.arg for keyword in node.keywords}
            if not {"page", "per_page"} <= given:
                missing.append(node.lineno)
    return missing


def test_every_query_parameter_read_is_declared():
    """A new ``request.args.get("x")`` fails here until ``x`` is declared (and so swept)."""
    undeclared, unreadable, read = [], [], set()
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        for match in _HELPER_CALL.finditer(text):
            if path.name == "web.py" and text[: match.start()].rstrip().endswith("def"):
                continue  # the helper's own definition
            default = {"page_number": "page", "as_of_date": "as_of"}[match.group(1)]
            read.add(match.group(2) or default)
        for match in _ARGS_READ.finditer(text):
            if path == ROOT / "portal" / "web.py":
                continue  # the helpers themselves read request.args by the name given
            named = _NAMED_READ.match(match.group(1))
            if named is None:
                unreadable.append(f"{where}: request.args{match.group(1)[:30]}")
            else:
                read.add(named.group(1))
        # Flask-SQLAlchemy's paginate reads ?page and ?per_page itself unless both are given.
        for line in _db_paginate_calls_missing_arguments(path, text):
            unreadable.append(f"{where}:{line}: db.paginate() without page= and per_page=")
    read.add("next")  # auth reads it through safe_next(request.args.get("next"), ...)
    undeclared = sorted(read - set(web.QUERY_PARAMETERS))
    assert not unreadable, "read request.args only by a literal name: " + "; ".join(unreadable)
    assert not undeclared, f"declare in portal.web.QUERY_PARAMETERS: {undeclared}"
    assert {"page", "as_of", "next"} <= read


# --------------------------------------------------------------------------------------------
# The probe's four findings, with their messages and the boundaries of each range


@pytest.fixture
def world(app):
    return seed_world(app, with_b=False)


def _owner(world):
    return world.pool.client(world.users["a_owner"])


def test_an_id_beyond_the_database_range_is_a_404(world):
    employer = world.a.employer_id
    for path in (
        "/employers/99999999999999999999/",
        f"/employers/{2**63}/",
        f"/employers/{2**31}/",
        f"/employers/{employer}/positions/{2**31}/",
        f"/employers/{employer}/positions/{world.a.position_id}/evidence/{2**40}",
        "/employers/١/",
    ):
        response = _owner(world).get(path)
        assert response.status_code == 404, path
        assert "We could not find that page" in text_of(response)
    # The largest id is still an ordinary lookup (a 404 from the database, not from routing).
    assert _owner(world).get(f"/employers/{2**31 - 1}/").status_code == 404
    assert _owner(world).get(f"/employers/{employer}/").status_code == 200


def test_audit_page_numbers_outside_1_to_100000_are_a_400_naming_the_field(world):
    audit = f"/employers/{world.a.employer_id}/audit"
    for page in ("922337203685477580", "0", "-1", "100001", "1.5", "x", "١"):
        response = _owner(world).get(f"{audit}?page={quote(page)}")
        assert response.status_code == 400, page
        assert "page: a page number from 1 to 100000." in text_of(response)
    for page in ("1", "2", "100000", ""):
        assert _owner(world).get(f"{audit}?page={page}").status_code == 200, page


def test_as_of_dates_outside_2000_to_2099_are_a_400_naming_the_field(world):
    compliance = f"/employers/{world.a.employer_id}/positions/{world.a.position_id}/compliance"
    for day in ("9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"):
        response = _owner(world).get(f"{compliance}?as_of={day}")
        assert response.status_code == 400, day
        assert "as_of: a date from 2000-01-01 to 2099-12-31." in text_of(response)
    for day in ("2026-02-30", "20260101", "2026-1-05", "２０２６-０１-０１"):
        response = _owner(world).get(f"{compliance}?as_of={quote(day)}")
        assert response.status_code == 400, day
        assert "as_of: not a date in the form YYYY-MM-DD." in text_of(response)
    for day in ("2000-01-01", "2026-05-01", "2099-12-31"):
        assert _owner(world).get(f"{compliance}?as_of={day}").status_code == 200, day


@pytest.mark.parametrize(
    "target",
    [
        "/%0d%0aSet-Cookie:x=1",
        "/%0aLocation:%20https://evil.example",
        "/%09/evil.example",
        "//evil.example",
        "/%5cevil.example",
        "https://evil.example/",
        "/%E2%80%AE/evil",  # a bidi override
    ],
)
def test_next_with_control_characters_or_another_site_goes_to_the_start_page(world, target):
    response = _owner(world).get(f"/account/login?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not any(c.startswith("x=") for c in response.headers.getlist("Set-Cookie"))


def test_a_plain_next_path_is_still_followed(world):
    target = f"/employers/{world.a.employer_id}/audit?page=2"
    response = _owner(world).get(f"/account/login?next={quote(target, safe='')}")
    assert (response.status_code, response.headers["Location"]) == (302, target)
    response = _owner(world).get("/account/login?next=/caf%C3%A9")
    assert response.headers["Location"] == "/caf%C3%A9"


def test_safe_next_refuses_what_a_location_header_cannot_carry():
    assert web.safe_next("/ok/path?x=1#y", "/") == "/ok/path?x=1#y"
    assert web.safe_next("/café", "/") == "/café"
    for target in (
        None,
        "",
        "relative",
        "/\r\nSet-Cookie: x=1",
        "/\x7f",
        "/\x00",
        "//evil",
        "/\\evil",
        "/\u202eevil",
        "/\u00a0evil",
        "/" + "a" * web.MAX_NEXT_LENGTH,
        "javascript:alert(1)",
    ):
        assert web.safe_next(target, "/start") == "/start", target


def test_every_int_argument_of_every_route_is_bounded(app):
    for rule in app.url_map.iter_rules():
        for name, converter in rule._converters.items():
            if isinstance(converter, web.IntegerConverter):
                assert isinstance(converter, web.IdConverter), (rule.rule, name)
                assert converter.max <= web.MAX_ID, (rule.rule, name)
    assert app.url_map.converters["int"] is web.IdConverter


def test_the_as_of_range_is_plain_python_for_the_command_line():
    """``portal.limits`` holds the range so a Flask-free command (``lmia check``) can share it."""
    probe = (
        "import sys\n"
        "sys.modules['flask'] = None\n"
        "from portal.limits import AS_OF_FIRST, AS_OF_LAST, as_of_in_range\n"
        "from datetime import timedelta\n"
        "assert as_of_in_range(AS_OF_FIRST) and as_of_in_range(AS_OF_LAST)\n"
        "assert not as_of_in_range(AS_OF_FIRST - timedelta(days=1))\n"
        "assert not as_of_in_range(AS_OF_LAST + timedelta(days=1))\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
