"""Where a daily page's time goes: cProfile and the SQL statements of N requests per page, on the
demo (``flask --app portal seed-demo``) in a temporary SQLite file, through the test client.

    .venv/bin/python -m bench.profile_pages [--requests 30] [--only compliance] [--top 25]
    .venv/bin/python -m bench.profile_pages --top 0 --requests 20 --batches 7  # CPU time only
"""

import argparse
import cProfile
import os
import pstats
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import OWNER, PASSWORD, PAGES, ROOT, VENV, _ids


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="")
    parser.add_argument("--top", type=int, default=25)
    # --top 0 --batches 7: the least of 7 batches' CPU time, steadier on a shared machine.
    parser.add_argument("--batches", type=int, default=1)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="portal-profile-") as work:
        env = {
            **os.environ,
            "PORTAL_INSTANCE_PATH": work,
            "PORTAL_DATABASE_URL": f"sqlite:///{work}/portal.sqlite3",
        }
        flask = [str(VENV / "bin" / "flask"), "--app", "portal"]
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(flask + command, env=env, cwd=ROOT, check=True, capture_output=True)
        employer, position = _ids(env)
        os.environ.update(env)
        from sqlalchemy import event

        from portal import create_app
        from portal.extensions import db

        app = create_app()
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = "ratio.sh"
        page = client.get("/account/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post(
            "/account/login",
            data={"csrf_token": token, "email": OWNER, "password": PASSWORD},
        )
        with sqlite3.connect(Path(work) / "portal.sqlite3") as connection:
            connection.execute("UPDATE user_sessions SET second_factor_at = created_at")
        statements = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for name, pattern in PAGES:
            if options.only and name not in options.only.split(","):
                continue
            path = pattern.format(employer=employer, position=position)
            first = client.get(path)
            assert first.status_code == 200, (name, path, first.status_code, first.location)
            statements.clear()
            client.get(path)
            per_request = len(statements)
            if os.environ.get("PROFILE_SQL"):
                for statement in statements:
                    print("   SQL", " ".join(statement.split())[:150])
            profile = cProfile.Profile()
            profiling = options.top > 0  # --top 0: wall-clock time only, no profiler
            ms = None
            for _batch in range(1 if profiling else max(options.batches, 1)):
                started = time.process_time()
                if profiling:
                    profile.enable()
                for _ in range(options.requests):
                    client.get(path).get_data()
                profile.disable()
                spent = (time.process_time() - started) * 1000 / options.requests
                ms = spent if ms is None else min(ms, spent)
            print(f"== {name} {path}: {ms:.1f} ms CPU/request, {per_request} SQL statements")
            if not profiling:
                continue
            pstats.Stats(profile, stream=sys.stdout).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
                options.top
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
