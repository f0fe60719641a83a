"""portal.storage and portal.bundle are plain Python: they import without Flask or SQLAlchemy."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
for name in ("flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "portal.models"):
    sys.modules[name] = None
import portal.storage, portal.bundle
assert portal.storage.__file__.startswith({portal!r})
loaded = sorted(m for m in sys.modules if m.startswith(("flask", "sqlalchemy", "werkzeug")))
assert not [m for m in loaded if sys.modules[m] is not None], loaded
print("ok")
"""


def test_storage_and_bundle_import_with_flask_blocked():
    probe = PROBE.format(portal=str(ROOT / "portal"))
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
