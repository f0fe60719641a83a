"""Every silenced finding says which check it silences and why (security bar §2l).

A bandit exemption reads ``# nosec B123 # why the line is safe`` and a semgrep one
``# nosemgrep: rule-id - why the line is safe`` (on the finding's line or the line above). A bare
``# nosec`` or ``# nosemgrep`` would silence every check, unreviewed. Semgrep cannot check this
itself (a bare ``# nosemgrep`` silences the rule that would report it), so this reads the
comments with ``tokenize``. ``make lint`` runs it (``python -m tests.security.exemptions portal
migrations``) and tests/security/test_static_checks.py calls it too.
"""

import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

MARKER = re.compile(r"\bnos(?:ec|emgrep)\b")
# The ids, then an optional separator, then a reason of at least ten characters.
REASON = r"\s+(?:[-#:]\s*)?[A-Za-z].{9,}"
NOSEC = re.compile(r"#\s*nosec\s+(B\d{3}(?:\s*,\s*B\d{3})*)" + REASON)
NOSEMGREP = re.compile(r"#\s*nosemgrep:\s*([\w.-]+(?:\s*,\s*[\w.-]+)*)" + REASON)


@dataclass(frozen=True)
class Exemption:
    path: Path
    line: int
    comment: str
    tool: str  # "bandit" or "semgrep"
    checks: tuple[str, ...]  # empty when the comment names none (a violation)

    @property
    def reviewed(self) -> bool:
        return bool(self.checks)


def exemptions_in(path: Path) -> list[Exemption]:
    found = []
    with tokenize.open(path) as source:
        for token in tokenize.generate_tokens(source.readline):
            if token.type != tokenize.COMMENT or not MARKER.search(token.string):
                continue
            # A comment may carry several pragmas (`# noqa: S105  # nosec B105 # why`).
            tool = "semgrep" if "nosemgrep" in token.string else "bandit"
            match = (NOSEMGREP if tool == "semgrep" else NOSEC).search(token.string)
            checks = tuple(re.split(r"\s*,\s*", match.group(1))) if match else ()
            found.append(Exemption(path, token.start[0], token.string.strip(), tool, checks))
    return found


def exemptions_under(*roots: Path) -> list[Exemption]:
    found = []
    for root in roots:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            found.extend(exemptions_in(path))
    return found


def main(argv: list[str]) -> int:
    unexplained = [each for each in exemptions_under(*map(Path, argv)) if not each.reviewed]
    for each in unexplained:
        print(
            f"{each.path}:{each.line}: {each.comment}\n"
            f"  an exemption names its check and says why: `# nosec B123 # why` or"
            f" `# nosemgrep: rule-id - why`"
        )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["portal", "migrations"]))
