"""Sign-up and password-reset answer times, for an address with an account and one without.

Issue 7 (S4): both must answer in the same time. The figure is the time until the response is
ready (what a prober measures); the work done after it (look-up, mail) is timed apart.

    .venv/bin/python -m bench.accounts

Figures only, nothing asserted (the tests check the work done instead: SQL and mail counts).
"""

import re
import statistics
import tempfile
import time
from pathlib import Path

ROUNDS = 30
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _median_ms(app, url: str, data_for) -> tuple[float, float]:
    answer, after = [], []
    for n in range(ROUNDS):
        client = app.test_client()
        token = _CSRF.search(client.get(url).get_data(as_text=True)).group(1)
        started = time.perf_counter()
        response = client.post(url, data={**data_for(n), "csrf_token": token})
        response.get_data()
        answered = time.perf_counter()
        response.close()  # as a server does after the last byte: runs the work after the answer
        answer.append((answered - started) * 1000)
        after.append((time.perf_counter() - answered) * 1000)
    return round(statistics.median(answer), 1), round(statistics.median(after), 1)


def bench_accounts() -> dict:
    from bench.run import make_app
    from tests.factories import Factories

    with tempfile.TemporaryDirectory() as work:
        app, db = make_app(Path(work) / "bench.sqlite3")
        app.config["RATELIMIT_ENABLED"] = False
        known = Factories(app).user(email="known@bench.example")
        phrase = "a long enough passphrase"

        def signup(email):
            return lambda n: {
                "full_name": "Bench Person",
                "email": email.format(n=n),
                "password": phrase,
                "confirm": phrase,
            }

        results = {
            "signup_existing_ms": _median_ms(app, "/account/signup", signup(known.email)),
            "signup_new_ms": _median_ms(app, "/account/signup", signup("new{n}@bench.example")),
            "reset_existing_ms": _median_ms(
                app, "/account/reset", lambda n: {"email": known.email}
            ),
            "reset_unknown_ms": _median_ms(
                app, "/account/reset", lambda n: {"email": f"nobody{n}@bench.example"}
            ),
        }
        with app.app_context():
            db.engine.dispose()
    return results


def main() -> None:
    results = bench_accounts()
    print(f"Median over {ROUNDS} requests: (until the answer, work after it) in ms")
    for name, (answer, after) in results.items():
        print(f"  {name:<22} {answer:>7}  {after:>7}")


if __name__ == "__main__":
    main()
