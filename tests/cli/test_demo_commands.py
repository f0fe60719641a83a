"""``seed-demo``, ``positions`` and ``bundle`` as a user runs them on a fresh database (issue 7,
item 1: ``bundle`` crashed in a shell because the timeline went through the web page's context
processors, which need a signed-in request)."""

import hashlib
import io
import json
import sqlite3
import subprocess
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from portal.cases import parse_case
from portal.crypto import Keyring
from tests.cli.support import new_shell, ok

OWNER, STAFF, LAWYER = (
    "owner@maple-bistro.example",
    "staff@maple-bistro.example",
    "lawyer@harbourfront-law.example",
)
POSITIONS = {1: "Chef de cuisine", 2: "Line cook"}


def test_seed_demo_creates_the_accounts_and_prints_how_to_sign_in(seeded):
    _shell, result = seeded

    ok(result)
    assert result.stdout.startswith("Demo data is ready. Sign in at http://127.0.0.1:5000/")
    for email in (OWNER, STAFF, LAWYER, "owner@prairie-greens.example"):
        assert email in result.stdout
    assert "password for all: maple-syrup-harvest-2026" in result.stdout


def test_seed_demo_dates_the_workers_answers_in_the_past(shell):
    """An attestation is something a worker has done: never dated after the day it is seeded."""
    with sqlite3.connect(shell.home / "demo.sqlite3") as database:
        answered = [
            datetime.fromisoformat(row[0]).date()
            for row in database.execute("SELECT answered_at FROM attestations ORDER BY id")
        ]
    assert len(answered) == 2
    assert all(day <= shell.seeded_on for day in answered), answered


def test_seed_demo_on_a_seeded_database_refuses_or_skips(shell):
    again = shell.flask("seed-demo")
    skipped = shell.flask("seed-demo", "--if-empty")

    assert again.returncode == 1
    assert "Error: The demo is already seeded." in again.stderr
    assert "Traceback" not in again.stderr
    ok(skipped)
    assert skipped.stdout == "Database already has users; demo not seeded.\n"


def test_seed_demo_if_empty_seeds_a_new_database(tmp_path):
    shell = new_shell(tmp_path)
    ok(shell.flask("db", "upgrade"))

    result = ok(shell.flask("seed-demo", "--if-empty"))

    assert result.stdout.startswith("Demo data is ready.")
    assert len(ok(shell.flask("positions")).stdout.splitlines()) == 2


def test_positions_lists_the_demo_positions(shell):
    result = ok(shell.flask("positions"))

    rows = [line.split("  ") for line in result.stdout.splitlines()]
    rows = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    # Issue 10: the chef's LMIA was filed (and has been decided) long ago; the line cooks' is
    # planned 10 days from now.
    filed = (shell.seeded_on - timedelta(days=150)).isoformat()
    filing = (shell.seeded_on + timedelta(days=10)).isoformat()
    assert rows == [
        ["1", "Marchetti Hospitality Inc.", "Chef de cuisine", "high_wage", filed],
        ["2", "Marchetti Hospitality Inc.", "Line cook", "low_wage", filing],
    ]


@pytest.mark.parametrize("position_id", sorted(POSITIONS))
def test_bundle_writes_a_zip_whose_sha256sums_verify(shell, position_id):
    out = shell.home / f"bundle-{position_id}.zip"

    result = ok(shell.flask("bundle", str(position_id), "--out", out.name))

    data = out.read_bytes()
    assert result.stdout == (
        f"{out.name}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}\n"
    )
    unzipped = shell.home / f"unzipped-{position_id}"
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        archive.extractall(unzipped)
    assert names[0] == "00-index.pdf" and names[-2:] == ["case.json", "SHA256SUMS"]
    listed = (unzipped / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in listed) == sorted(names[:-1])
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"],
        cwd=unzipped,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK\n") == len(names) - 1
    assert (unzipped / "00-index.pdf").read_bytes().startswith(b"%PDF-")
    case = parse_case((unzipped / "case.json").read_text(encoding="utf-8"))
    assert case.position.title == POSITIONS[position_id]
    pages = PdfReader(unzipped / "00-index.pdf").pages
    assert "Timeline" in [line for page in pages for line in page.extract_text().splitlines()]


def test_bundle_for_another_user_draws_the_timeline_in_the_index(shell):
    """The line cooks' recruitment has activities, so the index has its timeline (the part that
    crashed outside a request), in English whoever asks for it."""
    out = shell.home / "cooks.zip"

    ok(shell.flask("bundle", "2", "--out", out.name, "--as-user", LAWYER))

    with zipfile.ZipFile(out) as archive:
        index = PdfReader(io.BytesIO(archive.read("00-index.pdf")))
    text = "\n".join(page.extract_text() for page in index.pages)
    assert "Generated: " in text and "by Priya Raman" in text
    assert "Timeline" in text.splitlines()  # the heading, printed only with a timeline
    assert "Recruitment activities" in text


def test_bundle_in_french_writes_its_index_in_french(shell):
    """``--language fr``: the same bundle, its index through the French catalogue (the timeline's
    months and marks included)."""
    out = shell.home / "cooks-fr.zip"

    ok(shell.flask("bundle", "2", "--out", out.name, "--as-user", LAWYER, "--language", "fr"))

    with zipfile.ZipFile(out) as archive:
        index = PdfReader(io.BytesIO(archive.read("00-index.pdf")))
    text = "\n".join(page.extract_text() for page in index.pages)
    assert text.startswith("Dossier de dépôt d'EIMT")
    assert "par Priya Raman" in text
    assert "Chronologie" in text.splitlines()
    assert "Activités de recrutement" in text
    assert "Recruitment activities" not in text
    refused = shell.flask("bundle", "2", "--out", "x.zip", "--language", "de")
    assert refused.returncode == 2 and "--language" in refused.stderr


def test_bundle_of_an_unknown_position_says_so_and_writes_nothing(shell):
    out = shell.home / "none.zip"

    result = shell.flask("bundle", "987654", "--out", out.name)

    assert result.returncode == 1
    assert result.stderr.strip().endswith("Error: no position 987654")
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_bundle_for_an_unknown_user_says_so_and_writes_nothing(shell):
    out = shell.home / "nobody.zip"

    result = shell.flask("bundle", "1", "--out", out.name, "--as-user", "nobody@example.com")

    assert result.returncode == 1
    assert result.stderr.strip().endswith("Error: no such user")
    assert not out.exists()


def test_bundle_lists_the_demo_worker_whose_agreement_is_not_issued(shell):
    """seed-demo names a worker on each position; none has an issued agreement yet, so the
    index lists the worker and says so among the open items (issue 8)."""
    out = shell.home / "cooks-agreements.zip"

    ok(shell.flask("bundle", "2", "--out", out.name))

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        index = PdfReader(io.BytesIO(archive.read("00-index.pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in index.pages)
    assert not [name for name in names if name.startswith("agreement-")]
    assert "Employment agreements still open: Aminata Koné: no agreement issued" in text
    assert "Aminata Koné No version issued." in text


# --- Issue 10: after the LMIA ------------------------------------------------------------------


def _rows(shell, query: str, *args) -> list[tuple]:
    with sqlite3.connect(shell.home / "demo.sqlite3") as database:
        return database.execute(query, args).fetchall()


def test_seed_demo_approves_the_chefs_lmia_and_leaves_the_line_cooks_waiting(shell):
    today = shell.seeded_on

    rows = _rows(
        shell,
        "SELECT title, lmia_number, lmia_decision, lmia_decided_on, lmia_positions_approved, "
        "lmia_valid_until, first_work_day FROM positions ORDER BY id",
    )

    chef, cooks = rows
    # Encrypted at rest under the shell's development key (instance/field_keys).
    key = Keyring([(shell.home / "instance" / "field_keys").read_text().strip()])
    assert chef[1].startswith("gAAAAA") and key.decrypt(chef[1]) == "8123456"
    assert chef[0] == "Chef de cuisine" and chef[2] == "approved"
    decided = date.fromisoformat(chef[3])
    assert decided == today - timedelta(days=70)
    assert chef[4] == 1
    assert date.fromisoformat(chef[5]) > today  # still valid: 6 months from the decision
    assert chef[6] == (today - timedelta(days=60)).isoformat()  # the first day sets retention
    assert cooks[0] == "Line cook" and cooks[1:6] == (None, None, None, None, None)


def test_seed_demo_records_marcos_road_with_a_permit_expiring_in_90_days(shell):
    today = shell.seeded_on

    roads = _rows(
        shell,
        "SELECT w.name, r.permit_applied_on, r.ircc_reference, r.permit_issued_on, "
        "r.permit_expires_on, r.permit_employer, r.permit_occupation, r.permit_location, "
        "r.arrived_on, r.first_day_on, r.renewal_started_on "
        "FROM worker_roads r JOIN workers w ON w.id = r.worker_id",
    )

    assert len(roads) == 1  # Aminata Koné waits for the LMIA: no road recorded yet
    name, applied, reference, issued, expires, employer, occupation, location, *rest = roads[0]
    arrived, first_day, renewal = rest
    assert name == "Marco Bellini"
    assert date.fromisoformat(expires) == today + timedelta(days=90)
    assert reference and applied <= issued <= arrived <= first_day < today.isoformat()
    assert renewal is None
    assert (employer, occupation, location) == (
        "Marchetti Hospitality Inc.",
        "62200 - Chefs",
        "Toronto, ON",
    )


def test_seed_demo_imports_marcos_payroll_with_one_period_paid_below_the_offer(shell):
    first_day = shell.seeded_on - timedelta(days=60)

    periods = _rows(
        shell,
        "SELECT period_start, period_end, paid_on, hours, gross, source, deductions "
        "FROM payroll_periods ORDER BY period_start",
    )

    assert [p[0] for p in periods] == [
        (first_day + timedelta(days=14 * n)).isoformat() for n in range(4)
    ]
    assert all(p[2] <= shell.seeded_on.isoformat() for p in periods)  # every period already paid
    assert {p[5] for p in periods} == {"csv"}
    offered = [Decimal(str(p[3])) * Decimal("38.50") for p in periods]
    short = [i for i, p in enumerate(periods) if Decimal(str(p[4])) < offered[i]]
    assert short == [2]
    assert all(d["purpose"] == "statutory" for p in periods for d in json.loads(p[6]))


def test_the_demo_representatives_deadlines_include_the_permit_expiry(shell):
    """The road's deadlines reach the command line: Marco's permit expiry, 90 days away."""
    expires = (shell.seeded_on + timedelta(days=90)).isoformat()

    result = ok(shell.flask("deadlines", "--user", LAWYER, "--days", "120", "--format", "json"))

    deadlines = json.loads(result.stdout)
    expiry = [d for d in deadlines if d["key"].startswith("permit-expiry:")]
    assert [(d["due_on"], d["position"]) for d in expiry] == [(expires, 1)]
    assert any(d["kind"] == "job_match_day_30" and d["position"] == 2 for d in deadlines)
