"""The security and reliability figures ``make test`` prints at the end (issue 11).

A test reports what it measured with the ``figure`` fixture::

    def test_every_form_is_fuzzed(figure):
        ...
        figure("fuzzing", f"{forms} forms × {examples} examples, {errors} errors")

and asserts its own floor (so a regression fails the test). The summary prints one line per
item. An item whose test module was collected but which reported nothing (skipped, or its
``figure`` call lost) fails the run, and so does a whole-suite run that lacks an item's module:
a figure cannot go missing quietly.
"""

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Item → the module that reports it, in the order the summary prints them.
ITEMS = {
    "tenant isolation": "security/test_tenant_isolation.py",
    "CSRF": "security/test_csrf.py",
    "uploads": "evidence/test_inspection.py",
    "headers": "security/test_headers.py",
    "two-factor": "security/test_two_factor.py",
    "identity numbers": "security/test_identity_numbers.py",
    "backup and restore": "security/test_backup_restore.py",
    "crash safety": "security/test_crash_safety.py",
    "lost updates": "security/test_lost_updates.py",
    "fuzzing": "security/test_fuzz_forms.py",
    "static checks": "security/test_static_checks.py",
    "SECURITY.md": "security/test_security_md.py",
}

_reported = pytest.StashKey[dict]()
_collected = pytest.StashKey[set]()


def pytest_configure(config):
    config.stash[_reported] = {}
    config.stash[_collected] = set()


def pytest_collection_finish(session):
    session.config.stash[_collected] = {Path(item.path).resolve() for item in session.items}


@pytest.fixture
def figure(request):
    """``figure(item, text)``: record a line of the summary under a known item."""
    reported = request.config.stash[_reported]

    def record(item: str, text: str) -> None:
        if item not in ITEMS:
            raise KeyError(f"unknown figure item {item!r}; add it to tests/figures.py ITEMS")
        reported.setdefault(item, []).append(text)

    return record


def _whole_suite(config) -> bool:
    args = [Path(arg.split("::")[0]).resolve() for arg in config.args] or [Path.cwd()]
    narrowed = config.getoption("keyword") or config.getoption("markexpr")
    return not narrowed and any(arg in (TESTS, TESTS.parent) for arg in args)


def _missing(config) -> list[str]:
    reported = config.stash[_reported]
    collected = config.stash[_collected]
    whole = _whole_suite(config)
    missing = []
    for item, module in ITEMS.items():
        if item in reported:
            continue
        if (TESTS / module).resolve() in collected or whole:
            missing.append(f"{item} (from tests/{module})")
    return missing


def pytest_sessionfinish(session, exitstatus):
    if _missing(session.config) and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reported = config.stash[_reported]
    missing = _missing(config)
    if not reported and not missing:
        return
    terminalreporter.write_sep("=", "security and reliability figures")
    for item in ITEMS:
        if item in reported:
            terminalreporter.write_line(f"{item}: " + "; ".join(reported[item]))
    for line in missing:
        terminalreporter.write_line(f"MISSING {line}: no figure reported", red=True)
