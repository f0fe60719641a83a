"""House rules that keep tenancy in one place, checked on the source itself."""

import ast
from pathlib import Path

from portal.models import Base, EmployerScoped

PORTAL = Path(__file__).resolve().parent.parent / "portal"
SCOPED_MODELS = {
    mapper.class_.__name__
    for mapper in Base.registry.mappers
    if issubclass(mapper.class_, EmployerScoped)
}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def test_views_load_employer_rows_only_through_the_scoping_helpers():
    offences = []
    for path in PORTAL.rglob("*.py"):
        # tenancy.py is the scoping path; audit.py chains every employer's events together.
        if path.name in {"tenancy.py", "audit.py"}:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for call in _calls(tree):
            callee = _name(call.func)
            first = _name(call.args[0]) if call.args else ""
            if callee in {"select", "sa.select"} and first in SCOPED_MODELS:
                offences.append(f"{path.relative_to(PORTAL)}:{call.lineno} select({first})")
            if callee.endswith("session.get") and first in SCOPED_MODELS - {"Invitation"}:
                offences.append(f"{path.relative_to(PORTAL)}:{call.lineno} get({first})")
    assert {"WorkLocation", "Membership", "Invitation", "AuditEvent"} <= SCOPED_MODELS
    assert offences == [], "use scoped_select / get_scoped_or_404 instead: " + ", ".join(offences)


def test_no_csrf_exemptions_and_no_template_strings():
    source = "\n".join(path.read_text() for path in PORTAL.rglob("*.py"))
    assert "csrf.exempt" not in source
    assert "render_template_string" not in source
    templates = (PORTAL.parent / "templates").rglob("*.*")
    assert "|safe" not in "\n".join(path.read_text() for path in templates)
