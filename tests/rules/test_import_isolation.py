"""portal.rules and portal.cases are plain Python: they import without Flask or SQLAlchemy."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The ``portal`` package's own __init__ is the Flask app factory, so the probe registers a bare
# ``portal`` package first; then anything importing flask, sqlalchemy or portal.models fails.
PROBE = """
import sys, types
for name in ("flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "portal.models"):
    sys.modules[name] = None
package = types.ModuleType("portal")
package.__path__ = [{portal!r}]
sys.modules["portal"] = package
import portal.rules, portal.cases
from datetime import date
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
