"""portal.rules and portal.cases are plain Python: they import without Flask or SQLAlchemy."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A module set to None in sys.modules cannot be imported: anything under portal.rules or
# portal.cases (or the portal package itself) that imports flask, sqlalchemy or portal.models
# makes the probe fail.
PROBE = """
import sys
for name in ("flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "portal.models"):
    sys.modules[name] = None
import portal.rules, portal.cases
assert portal.rules.__file__.startswith({portal!r})
assert len(portal.rules.all_rules()) == 46
loaded = sorted(m for m in sys.modules if m.startswith(("flask", "sqlalchemy", "werkzeug")))
assert not [m for m in loaded if sys.modules[m] is not None], loaded
print("ok")
"""


def test_rules_and_cases_import_with_flask_blocked():
    probe = PROBE.format(portal=str(ROOT / "portal"))

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_probe_does_detect_a_flask_import():
    probe = PROBE.format(portal=str(ROOT / "portal")).replace(
        "import portal.rules, portal.cases", "import portal.rules, portal.cases, flask"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert "flask" in result.stderr
