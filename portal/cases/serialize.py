"""Write a case back to its canonical form, in the format it was read from (v1 or v2).

:func:`case_to_dict` gives the JSON-ready dict (``None`` keys omitted, dates as ``YYYY-MM-DD``,
tuples as lists, money still ``Decimal``); :func:`case_to_json` writes it as text with every
``Decimal`` as a JSON number, digit for digit. ``parse_case(case_to_dict(c)) == c`` for every case
:func:`~portal.cases.parse.parse_case` returns.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from portal.cases.model import Case


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(item)
            for field in fields(value)
            if (item := getattr(value, field.name)) is not None
        }
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def case_to_dict(case: Case) -> dict[str, Any]:
    """Return the canonical JSON form of ``case`` as a dict (``format`` first).

    The format is the case's own: a case read from an ``lmia-case/1`` file is written as v1.
    """
    body = _plain(case)
    del body["format"]
    return {"format": case.format, **body}


def _write(value: Any, indent: str, step: str, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + step
        out.append("{")
        for position, (key, item) in enumerate(value.items()):
            out.append(("," if position else "") + "\n" + inner + json.dumps(key) + ": ")
            _write(item, inner, step, out)
        out.append("\n" + indent + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = indent + step
        out.append("[")
        for position, item in enumerate(value):
            out.append(("," if position else "") + "\n" + inner)
            _write(item, inner, step, out)
        out.append("\n" + indent + "]")
    elif isinstance(value, Decimal):
        # str() of a finite Decimal is always a valid JSON number ("36.00", "1E+2", "-0").
        out.append(str(value))
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def to_json(value: Any, indent: int = 2) -> str:
    """Write a JSON-ready value as indented text; ``Decimal`` values become exact numbers."""
    out: list[str] = []
    _write(value, "", " " * indent, out)
    return "".join(out) + "\n"


def case_to_json(case: Case, indent: int = 2) -> str:
    """Return the canonical JSON text of ``case``."""
    return to_json(case_to_dict(case), indent)
