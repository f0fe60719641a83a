"""Security bar §2(l): ruff, bandit and the project's semgrep rules find nothing unreviewed.

bandit and semgrep run from the tools virtualenv ``.tools/`` (``make .tools/.installed``, from the
pinned tools-requirements.txt), semgrep offline with the rules in ``.semgrep/``. Each rule is shown
to catch a violation planted in a temporary tree (and to leave the safe spelling alone), so an
empty result on the repository means something. Every accepted finding carries ``# nosec BXXX #
why`` or ``# nosemgrep: rule-id - why`` (tests/security/exemptions.py).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from portal.models import Base, EmployerScoped
from tests.security.exemptions import exemptions_under

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
RULES = ROOT / ".semgrep"
RUFF = Path(sys.executable).parent / "ruff"
SEMGREP_FLAGS = ["--metrics=off", "--disable-version-check", "--no-git-ignore", "--json"]
SCANNED = ["portal", "migrations", "templates"]
# Exemptions reviewed today (tests/security/exemptions.py lists them); fewer means one was dropped
# without its finding going away, more means a new one: update after reviewing it.
REVIEWED_FLOOR = 4


def _required() -> bool:
    flags = (os.environ.get(name, "").strip().lower() for name in ("PORTAL_REQUIRE_BROWSER", "CI"))
    return any(flag in {"1", "true", "yes"} for flag in flags)


# CI runs the suite twice, on SQLite and on PostgreSQL, side by side; these checks read files,
# never the database, so the PostgreSQL run names the run that made them instead of repeating
# them (30-80 s). .ci/run sets this for that run only.
DONE_IN = os.environ.get("PORTAL_STATIC_CHECKS_DONE_IN", "").strip()


_named: list[str] = []


@pytest.fixture(autouse=True)
def _checked_elsewhere(figure):
    """In the run that does not repeat them, the summary names the run that made them."""
    if DONE_IN and not _named:
        _named.append(DONE_IN)
        figure("static checks", f"database-independent, checked in {DONE_IN}")


@pytest.fixture(scope="module")
def tools() -> Path:
    """The tools virtualenv, made by make if absent or stale; skipped only outside CI."""
    if DONE_IN:
        pytest.skip(f"the static checks ran in {DONE_IN}")
    up_to_date = subprocess.run(
        ["make", "-q", ".tools/.installed"], cwd=ROOT, capture_output=True
    ).returncode
    if up_to_date != 0:
        made = subprocess.run(
            ["make", ".tools/.installed"], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        if made.returncode != 0:
            reason = "could not install the static-check tools (make .tools/.installed):\n"
            reason += made.stderr[-2000:]
            if _required():
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
    return TOOLS / "bin"


def _semgrep(tools: Path, *targets, cwd=ROOT) -> dict:
    done = subprocess.run(
        [tools / "semgrep", "scan", *SEMGREP_FLAGS, "--config", RULES, *targets],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["errors"] == [], report["errors"]
    return report


def _rule(result: dict) -> str:
    return result["check_id"].rsplit(".", 1)[-1]


def rule_ids() -> list[str]:
    return sorted(
        re.findall(
            r"^\s*- id: ([\w-]+)$", "".join(p.read_text() for p in RULES.glob("*.yml")), re.M
        )
    )


def test_ruff_bandit_and_semgrep_find_nothing_unreviewed(tools, figure):
    ruff = subprocess.run(
        [RUFF, "check", "--output-format", "json", "portal", "tests", "migrations"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    ruff_findings = json.loads(ruff.stdout)
    unformatted = subprocess.run(
        [RUFF, "format", "--check", "portal", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    ruff_count = len(ruff_findings) + (unformatted.stdout.count("Would reformat"))

    bandit = subprocess.run(
        [
            tools / "bandit",
            "-c",
            "pyproject.toml",
            "-r",
            "portal",
            "migrations",
            "-f",
            "json",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    bandit_report = json.loads(bandit.stdout)
    assert bandit_report["errors"] == [], bandit_report["errors"]
    unreviewed = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_severity']}"
        for r in bandit_report["results"]
    ]
    reviewed = bandit_report["metrics"]["_totals"]["skipped_tests"]

    semgrep_report = _semgrep(tools, *SCANNED)
    semgrep_findings = [
        f"{r['path']}:{r['start']['line']} {_rule(r)}" for r in semgrep_report["results"]
    ]
    rules = rule_ids()

    exemptions = exemptions_under(ROOT / "portal", ROOT / "migrations")
    unexplained = [f"{e.path}:{e.line} {e.comment}" for e in exemptions if not e.reviewed]
    bandit_exemptions = [e for e in exemptions if e.tool == "bandit"]
    semgrep_exemptions = [e for e in exemptions if e.tool == "semgrep"]

    figure(
        "static checks",
        f"ruff {ruff_count}, bandit {len(unreviewed)} unreviewed ({reviewed} reviewed), "
        f"semgrep {len(rules)} rules {len(semgrep_findings)} findings"
        f" ({len(semgrep_exemptions)} reviewed)",
    )
    assert ruff_count == 0, ruff.stdout[-3000:] + unformatted.stdout[-2000:]
    assert unreviewed == []
    assert semgrep_findings == []
    assert unexplained == []
    # Every `# nosec` silences a finding bandit still makes (else it is stale) and each is counted.
    assert reviewed == len(bandit_exemptions) >= REVIEWED_FLOOR
    assert len(rules) >= 9


# One planted violation (or more) per rule, in files laid out like the repository, and the safe
# spelling of the same thing, which must stay clean.
PLANTED = {
    "employer-rows-outside-tenancy": {
        "portal/positions/views.py": """
            from sqlalchemy import select

            from portal.extensions import db
            from portal.models import Position, Worker


            def one(position_id):
                return db.session.get(Position, position_id)


            def every_worker():
                return db.session.scalars(select(Worker)).all()


            def legacy():
                return Position.query.all()
            """,
        "portal/offers/services.py": """
            from portal.extensions import db
            from portal.models import OfferVersion


            def versions():
                return db.session.query(OfferVersion).all()
            """,
    },
    "no-safe-filter": {
        "templates/planted/page.html": "<p>{{ applicant.note|safe }}</p>\n",
        "templates/planted/other.html": "{% autoescape false %}{{ x }}{% endautoescape %}\n",
    },
    "no-markup-of-non-literal": {
        "portal/planted_markup.py": """
            from markupsafe import Markup


            def label(name):
                return Markup(name)
            """,
    },
    "no-render-template-string": {
        "portal/planted_ssti.py": """
            from flask import render_template_string


            def page(source):
                return render_template_string(source)
            """,
    },
    "no-csrf-exempt": {
        "portal/planted_csrf.py": """
            from portal.extensions import csrf


            @csrf.exempt
            def hook():
                return ""


            def configure(app, bp):
                csrf.exempt(bp)
                app.config["WTF_CSRF_ENABLED"] = False
            """,
    },
    "no-request-path-to-files": {
        "portal/planted_files/views.py": """
            import os

            from flask import request, send_file


            def download():
                return send_file(request.args["path"])


            def upload():
                name = request.files["file"].filename
                with open(os.path.join("/srv/uploads", name), "wb") as out:
                    out.write(b"")
            """,
    },
    "no-debug-mode": {
        "portal/planted_debug.py": """
            from portal.app import create_app

            create_app().run(debug=True)
            """,
    },
    "no-shell-true": {
        "portal/planted_shell.py": """
            import subprocess


            def dump(name):
                subprocess.run(f"pg_dump {name}", shell=True, check=True)
            """,
    },
    "no-sql-text-from-strings": {
        "portal/planted_sql.py": """
            from sqlalchemy import text

            from portal.extensions import db


            def count(table, name):
                db.session.execute(text(f"SELECT count(*) FROM {table}"))
                db.session.execute(text("SELECT * FROM users WHERE email = '" + name + "'"))
                db.session.execute(text("SELECT * FROM {}".format(table)))
            """,
        "migrations/versions/planted.py": """
            from alembic import op


            def upgrade():
                for table in ("a", "b"):
                    op.execute(f"DROP TABLE {table}")
            """,
    },
}

CLEAN = {
    # The tenancy helpers themselves may query; views use them.
    "portal/tenancy.py": """
        from sqlalchemy import select

        from portal.models import Position


        def scoped_select(model):
            return select(model)


        def load_for_operator(model, object_id):
            return select(Position).where(Position.id == object_id)
        """,
    "portal/employers/views.py": """
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import Position, User
        from portal.tenancy import get_scoped_or_404, scoped_select


        def page(position_id, user_id):
            position = get_scoped_or_404(Position, position_id)
            rows = db.session.scalars(scoped_select(Position)).all()
            user = db.session.get(User, user_id)
            people = db.session.scalars(select(User)).all()
            return position, rows, user, people
        """,
    "portal/clean.py": """
        import subprocess

        from flask import request, send_file
        from markupsafe import Markup
        from sqlalchemy import text

        from portal.extensions import db


        def fine(name, app):
            subprocess.run(["pg_dump", name], check=True)
            db.session.execute(text("SELECT * FROM users WHERE email = :e"), {"e": name})
            greeting = Markup("<b>{}</b>").format(name)
            app.run(debug=False)
            return greeting, send_file("/srv/static/logo.png"), request.args.get("q")
        """,
    "templates/clean.html": "<p>{{ applicant.note }}</p><p>{{ safety_notes }}</p>\n",
}


def _lay_out(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(source).lstrip())


def test_every_semgrep_rule_finds_its_planted_violation_and_not_the_safe_spelling(tools, tmp_path):
    assert sorted(PLANTED) == rule_ids(), "every rule has a planted violation here"
    for files in PLANTED.values():
        _lay_out(tmp_path, files)
    _lay_out(tmp_path, CLEAN)
    # semgrep matches a rule's paths against the path from the repository's root (a checkout's,
    # as in make lint); outside a repository it would start from each target instead.
    subprocess.run(["git", "init", "-q", tmp_path], check=True)

    report = _semgrep(tools, "portal", "migrations", "templates", cwd=tmp_path)
    found: dict[str, set[str]] = {}
    for result in report["results"]:
        found.setdefault(_rule(result), set()).add(result["path"])
    lines = {(r["path"], _rule(r), r["start"]["line"]) for r in report["results"]}

    for rule, files in PLANTED.items():
        assert found.get(rule, set()) == set(files), (rule, found.get(rule))
    # Each planted spelling counts, not only one per file.
    per_rule = {rule: sum(1 for _, r, _ in lines if r == rule) for rule in PLANTED}
    assert per_rule["employer-rows-outside-tenancy"] == 4
    assert per_rule["no-safe-filter"] == 2
    assert per_rule["no-csrf-exempt"] == 3
    assert per_rule["no-request-path-to-files"] == 2
    assert per_rule["no-sql-text-from-strings"] == 4
    flagged_clean = {path for path, _, _ in lines if path in CLEAN}
    assert flagged_clean == set()


def test_the_tenancy_rule_names_every_employer_owned_model():
    """Semgrep sees names, not classes: its list must follow portal.models."""
    source = (RULES / "tenancy.yml").read_text()
    listed = set(re.search(r"regex: \^\(([\w|]+)\)\$", source).group(1).split("|"))
    scoped = {
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, EmployerScoped)
    }
    assert listed == scoped


def test_an_exemption_without_its_check_or_reason_is_refused(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "a = 1  # nosec\n"
        "b = 2  # nosec B105\n"
        "c = 3  # nosemgrep\n"
        "d = 4  # nosemgrep: no-shell-true\n"
        "e = 5  # noqa: S105  # nosec B105 # a marker, not a secret\n"
        "# nosemgrep: no-shell-true - the argument list is fixed above\n"
    )
    exemptions = exemptions_under(planted)
    assert [e.line for e in exemptions if not e.reviewed] == [1, 2, 3, 4]
    assert [(e.line, e.checks) for e in exemptions if e.reviewed] == [
        (5, ("B105",)),
        (6, ("no-shell-true",)),
    ]


def test_bandit_fails_on_a_planted_medium_finding_and_honours_a_reviewed_one(tools, tmp_path):
    (tmp_path / "planted.py").write_text(
        "import subprocess\n\n\ndef run(command):\n    subprocess.call(command, shell=True)\n"
    )
    (tmp_path / "reviewed.py").write_text(
        "from markupsafe import Markup\n\n\n"
        "def html(rendered):\n"
        "    return Markup(rendered)  # nosec B704 # rendered by an autoescaping template\n"
    )
    done = subprocess.run(
        [tools / "bandit", "-c", ROOT / "pyproject.toml", "-r", tmp_path, "-f", "json", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 1
    assert [(Path(r["filename"]).name, r["test_id"]) for r in report["results"]] == [
        ("planted.py", "B602")
    ]
    assert report["metrics"]["_totals"]["skipped_tests"] == 1


def test_detect_secrets_finds_nothing_beyond_the_reviewed_baseline(tools, tmp_path, figure):
    baseline = json.loads((ROOT / ".secrets.baseline").read_text())
    reviewed = [r for results in baseline["results"].values() for r in results]
    assert all(r.get("is_secret") is False for r in reviewed), "each baseline entry is reviewed"
    copy = tmp_path / "baseline.json"  # the hook rewrites it when only line numbers moved
    copy.write_text(json.dumps(baseline))
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()

    def hook(*files, cwd=ROOT):
        return subprocess.run(
            [tools / "detect-secrets-hook", "--baseline", copy, *files],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
        )

    found = hook(*tracked)
    figure("static checks", f"detect-secrets 0 new ({len(reviewed)} reviewed placeholders)")
    assert found.returncode in (0, 3), found.stdout[-3000:]

    # Planted outside the checkout: the other checks may be reading portal/ at the same time.
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "settings.py").write_text(
        'S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9Kq3pLmT"\n'
    )
    assert hook("portal/settings.py", cwd=tmp_path).returncode == 1


def test_the_sbom_lists_every_pinned_dependency(tools, tmp_path, figure):
    sbom = tmp_path / "sbom.cdx.json"
    subprocess.run(
        [
            tools / "cyclonedx-py",
            "environment",
            "--pyproject",
            "pyproject.toml",
            "--mc-type",
            "application",
            "--of",
            "JSON",
            "-o",
            sbom,
            sys.executable,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    document = json.loads(sbom.read_text())
    listed = {(c["name"].lower(), c["version"]) for c in document["components"]}
    pinned = {
        (name.strip().lower(), version.strip())
        for name, version in (
            line.split("==")
            for line in (ROOT / "constraints.txt").read_text().splitlines()
            if "==" in line
        )
    }
    figure("static checks", f"SBOM {len(document['components'])} components")
    assert document["metadata"]["component"]["name"] == "lmia-portal"
    assert pinned - listed == set()
