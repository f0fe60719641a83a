"""SECURITY.md says what is protected, the figures, retention and how to report a problem."""

import re
from pathlib import Path

from tests.figures import ITEMS

SECURITY_MD = Path(__file__).resolve().parents[2] / "SECURITY.md"
SECTIONS = ("Reporting a problem", "What is protected, and how", "Retention", "The figures")


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_security_md_covers_every_item_and_figure(figure):
    sections = _sections(SECURITY_MD.read_text(encoding="utf-8"))
    missing = [title for title in SECTIONS if title not in sections]
    assert not missing, f"SECURITY.md lacks the section(s) {missing}"
    assert "@" in sections["Reporting a problem"], "no address to report a problem to"
    assert re.search(r"\b6 years\b", sections["Retention"]), "retention periods are not stated"
    # One line per figure item, as `make test` prints it: "item: figure".
    figure_lines = re.findall(r"^\s*(?:- )?([^:\n]+): .+$", sections["The figures"], re.MULTILINE)
    named = [item for item in ITEMS if item in figure_lines]
    unnamed = [item for item in ITEMS if item not in figure_lines]
    assert not unnamed, f"SECURITY.md gives no figure for {unnamed}"
    figure("SECURITY.md", f"{len(SECTIONS)} sections, figures for {len(named)}/{len(ITEMS)} items")
