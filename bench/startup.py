"""Whole-process time of the command-line checker (part of ``make bench``; alone:
``.venv/bin/python -m bench.startup``).

Each command is started as a new process, as a law firm's script starts it, several times; the
figure is the median wall-clock time from start to exit. Three commands on the same file:

- ``python3 -c 'import json; json.load(open(FILE))'``: the floor, starting Python and reading the
  file (the venv's interpreter, the same one the other two run on);
- ``lmia check FILE``: the console script (rules engine and case parser only);
- ``flask --app portal lmia check FILE``: the same check through the web application.

Two files: a small case (tests/data/cases/several_findings.json) and the benchmark's large one
(20 activities, 2,000 applicants). Figures only, nothing asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SMALL_CASE = ROOT / "tests" / "data" / "cases" / "several_findings.json"
AS_OF = "2026-03-01"


def commands(case_file: Path) -> dict[str, list[str]]:
    check = ["check", str(case_file), "--as-of", AS_OF]
    return {
        "json.load": [sys.executable, "-c", f"import json; json.load(open({str(case_file)!r}))"],
        "lmia check": [str(BIN / "lmia"), *check],
        "flask lmia check": [str(BIN / "flask"), "--app", "portal", "lmia", *check],
    }


def _run(argv: list[str]) -> int:
    out = subprocess.DEVNULL
    return subprocess.run(argv, stdout=out, stderr=out, check=False).returncode  # noqa: S603


def time_process(argv: list[str], runs: int) -> dict:
    """Start ``argv`` ``runs`` times (after one warm-up for the disk cache); ms per process."""
    _run(argv)
    times, codes = [], set()
    for _ in range(runs):
        started = time.perf_counter()
        codes.add(_run(argv))
        times.append(time.perf_counter() - started)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "exit_codes": sorted(codes),
    }


def bench_startup(runs: int = 9) -> dict:
    from bench.run import case_document

    results = {}
    with tempfile.TemporaryDirectory() as work:
        large = Path(work) / "large_case.json"
        large.write_text(json.dumps(case_document()), encoding="utf-8")
        for label, case_file in (("small", SMALL_CASE), ("large", large)):
            results[label] = {
                "file": case_file.name,
                "bytes": case_file.stat().st_size,
                "commands": {
                    name: time_process(argv, runs) for name, argv in commands(case_file).items()
                },
            }
    return results


def report(startup: dict) -> str:
    lines = ["Command-line checker, whole process (median of new processes, ms):"]
    names = list(next(iter(startup.values()))["commands"])
    header = f"  {'file':<40}" + "".join(f"{name:>18}" for name in names)
    lines += [header, "  " + "-" * (len(header) - 2)]
    for entry in startup.values():
        label = f"{entry['file']} ({entry['bytes'] // 1024} KiB)"
        cells = "".join(f"{entry['commands'][n]['median_ms']:>15.0f} ms" for n in names)
        lines.append(f"  {label:<40}{cells}")
    runs = next(iter(startup.values()))["commands"]["lmia check"]["runs"]
    lines.append(
        f"  ({runs} runs each; json.load is python -c 'import json; json.load(open(FILE))')"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="processes per command and file")
    args = parser.parse_args(argv)
    print(report(bench_startup(args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
