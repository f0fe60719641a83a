"""Each daily page's throughput as a ratio to the baseline app (issue 12, `make bench`).

The demo (`flask --app portal seed-demo`) on a new SQLite file is served by gunicorn with 2
sync workers, as the baseline is; the owner of the bistro signs in with the User-Agent
``ratio.sh`` (the harness's; Flask-Login hashes it into the session) and ``bench/baseline/
ratio.sh`` measures each page against the baseline's ``/page`` in the same run, alternating
(10 rounds of 3 s by default). A ratio of 1.00 is "as cheap as the least a page of this stack
costs"; the goal is 0.5 or more for every page below.

    .venv/bin/python -m bench.pages [--rounds N] [--only compliance,position]

Needs ``wrk`` (``apt-get install wrk``) and curl. Ports: BASELINE_PORT (8101) and
PRODUCT_PORT (8102) unless set. Figures only, nothing asserted.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = ROOT / ".venv"
RATIO = HERE / "baseline" / "ratio.sh"
USER_AGENT = "ratio.sh"
OWNER = "owner@maple-bistro.example"
PASSWORD = "maple-syrup-harvest-2026"  # pragma: allowlist secret (the demo's, in the README)
GOAL = 0.5

# (name, URL pattern): the pages a user opens daily, for the line cook (the demo position with
# findings, the costlier one).
PAGES = [
    ("start", "/"),
    ("position", "/employers/{employer}/positions/{position}/"),
    ("compliance", "/employers/{employer}/positions/{position}/compliance"),
    ("applicants", "/employers/{employer}/positions/{position}/applicants"),
    ("evidence", "/employers/{employer}/positions/{position}/evidence"),
    ("risk", "/employers/{employer}/positions/{position}/risk"),
]

_IDS = """
from sqlalchemy import select
from portal import create_app
from portal.extensions import db
from portal.models import Position
with create_app().app_context():
    p = db.session.scalars(select(Position).where(Position.title == "Line cook")).first()
    print(p.employer_id, p.id)
"""


def _flask(env: dict, *arguments: str) -> str:
    command = [str(VENV / "bin" / "flask"), "--app", "portal", *arguments]
    return subprocess.run(
        command, env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=600
    ).stdout


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback, fixed)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"bench.pages: {url} did not answer within {seconds:.0f} s")


def _sign_in(base: str, database: Path) -> str:
    """The owner's session cookie, signed in with the harness's User-Agent.

    The bistro has a representative, so its owner must use two-factor sign-in; the demo owner
    has not enrolled. The bench marks the new session as past the second step in the database
    (what entering a code does), so every measured request is a fully signed-in one."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/account/login", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": OWNER, "password": PASSWORD})
    with opener.open(f"{base}/account/login", data=body.encode(), timeout=30) as response:
        response.read()
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE user_sessions SET second_factor_at = created_at WHERE ended_at IS NULL"
        )
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if not cookies:
        raise SystemExit("bench.pages: signing in gave no cookie")
    return cookies


def _ratio(path: str, cookie: str, env: dict) -> tuple[float | None, str]:
    done = subprocess.run(
        [str(RATIO), path, cookie],
        env=env,
        # Not the checkout: gunicorn reads ./gunicorn.conf.py from where it starts, and the
        # portal's (settings checks, hooks) must not apply to the baseline app.
        cwd=RATIO.parent,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("ratio ")]
    if done.returncode or not lines:
        return None, (done.stderr.strip().splitlines() or ["no ratio line"])[-1]
    match = re.match(r"ratio ([0-9.]+) (.*)", lines[-1])
    return float(match.group(1)), match.group(2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="ratio.sh ROUNDS (3 s each)")
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--results", default=str(HERE / "pages.json"))
    options = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench.pages: wrk not found (apt-get install wrk)", file=sys.stderr)
        return 2
    pages = [p for p in PAGES if not options.only or p[0] in options.only.split(",")]
    baseline_port = os.environ.get("BASELINE_PORT", "8101")
    product_port = os.environ.get("PRODUCT_PORT", "8102")
    base = f"http://127.0.0.1:{product_port}"
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as work:
        env = {
            **os.environ,
            "PORTAL_INSTANCE_PATH": work,
            "PORTAL_DATABASE_URL": f"sqlite:///{work}/portal.sqlite3",
        }
        env.pop("PORTAL_REDIS_URL", None)  # the embedded default: jobs inline
        _flask(env, "db", "upgrade")
        _flask(env, "seed-demo")
        employer, position = _ids(env)
        server = subprocess.Popen(  # noqa: S603 (fixed command, loopback)
            [
                str(VENV / "bin" / "gunicorn"),
                "-w",
                "2",
                "-k",
                "sync",
                "-b",
                f"127.0.0.1:{product_port}",
                "portal:create_app()",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,  # its own autogroup, as ratio.sh starts the baseline
            stdout=subprocess.DEVNULL,
            stderr=open(Path(work) / "gunicorn.log", "w"),  # noqa: SIM115
        )
        try:
            _wait_for(f"{base}/account/login", 60)
            cookie = _sign_in(base, Path(work) / "portal.sqlite3")
            ratio_env = {
                **os.environ,
                "BENCH_VENV": str(VENV),
                "BASELINE_PORT": baseline_port,
                "PRODUCT_PORT": product_port,
                "ROUNDS": str(options.rounds),
            }
            results = {}
            print(f"{'page':<12} {'ratio':>6}  goal >= {GOAL}   (product; baseline /page)")
            for name, pattern in pages:
                path = pattern.format(employer=employer, position=position)
                ratio, detail = _ratio(path, cookie, ratio_env)
                results[name] = {"path": path, "ratio": ratio, "detail": detail}
                shown = f"{ratio:.2f}" if ratio is not None else "  -- "
                mark = "" if ratio is None else ("ok" if ratio >= GOAL else "BELOW")
                print(f"{name:<12} {shown:>6}  {mark:<5} {detail}", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    Path(options.results).write_text(json.dumps(results, indent=2) + "\n")
    return 0


def _ids(env: dict) -> tuple[int, int]:
    done = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", _IDS],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    employer, position = done.stdout.split()
    return int(employer), int(position)


if __name__ == "__main__":
    sys.exit(main())
