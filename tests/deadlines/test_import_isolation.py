"""portal.deadlines.collect and .ics are plain Python: they import without Flask or SQLAlchemy."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
for name in ("flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "portal.models"):
    sys.modules[name] = None
import portal.deadlines.collect, portal.deadlines.ics
loaded = sorted(m for m in sys.modules if m.startswith(("flask", "sqlalchemy", "werkzeug")))
assert not [m for m in loaded if sys.modules[m] is not None], loaded
print("ok")
"""


def test_collect_and_ics_import_with_flask_blocked():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
