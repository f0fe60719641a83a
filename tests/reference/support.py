"""Writing variants of the packaged CSV files for the loader and CLI tests."""

import csv
import io
from pathlib import Path

from portal.reference.labour_market import PACKAGED_DIR, PACKAGED_FILES


def packaged_rows(kind: str) -> list[list[str]]:
    """The packaged file of ``kind`` (see PACKAGED_FILES) as rows, header first."""
    path = PACKAGED_DIR / PACKAGED_FILES[kind]
    with path.open(encoding="utf-8", newline="") as rows:
        return list(csv.reader(rows))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def wage_rows(*nocs: str) -> list[list[str]]:
    """The packaged wage rows of ``nocs`` (5 digits), header first."""
    header, *body = packaged_rows("wages")
    return [header, *(row for row in body if row[0][4:] in nocs)]


def set_cell(rows: list[list[str]], match: dict[str, str], column: str, value: str) -> None:
    """Set ``column`` to ``value`` in every row whose cells equal ``match``."""
    header = rows[0]
    where = {header.index(name): wanted for name, wanted in match.items()}
    changed = 0
    for row in rows[1:]:
        if all(row[i] == wanted for i, wanted in where.items()):
            row[header.index(column)] = value
            changed += 1
    assert changed, f"no row matches {match}"
