"""The registry: every catalog rule implemented exactly once, with complete metadata."""

import ast
from datetime import date
from pathlib import Path

import pytest

import portal.rules
from portal.rules import AREAS, SEVERITIES, all_rules, get_rule, rule
from portal.rules import recruitment as recruitment_rules

CATALOG = Path(__file__).with_name("catalog_ids.txt")
RULES_DIR = Path(portal.rules.__file__).parent


def catalog() -> dict[str, str]:
    rows = [
        line.split()
        for line in CATALOG.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return dict(rows)


def decorated_ids() -> list[str]:
    """Rule IDs as written in ``@rule("ID", ...)`` decorators across portal/rules/*.py."""
    ids = []
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if (
                        isinstance(decorator, ast.Call)
                        and isinstance(decorator.func, ast.Name)
                        and decorator.func.id == "rule"
                    ):
                        ids.append(decorator.args[0].value)
    return ids


def test_the_catalog_file_has_all_46_rules():
    assert len(catalog()) == 46


def test_every_catalog_rule_is_implemented_exactly_once():
    written = decorated_ids()

    assert sorted(written) == sorted(catalog())
    assert len(written) == len(set(written))
    assert {r.id for r in all_rules()} == set(catalog())


def test_severities_are_the_catalog_severities():
    assert {r.id: r.severity for r in all_rules()} == catalog()


@pytest.mark.parametrize("registered", all_rules(), ids=lambda r: r.id)
def test_metadata_is_complete(registered):
    assert registered.citation.startswith("https://")
    assert registered.doc and len(registered.doc) > 20
    assert registered.title
    assert registered.severity in SEVERITIES
    assert registered.area in AREAS
    assert registered.check.__module__ == f"portal.rules.{registered.area}"
    assert registered.streams
    assert registered.applies


def test_all_rules_are_sorted_by_id():
    ids = [r.id for r in all_rules()]

    assert ids == sorted(ids)


def test_the_decorator_returns_the_function_unchanged():
    assert get_rule("REC-JOBBANK").check is recruitment_rules.no_job_bank_posting
    assert recruitment_rules.no_job_bank_posting.__name__ == "no_job_bank_posting"


def test_rules_that_need_proof_name_their_evidence():
    assert get_rule("REC-JOBBANK").evidence == (
        "dated screenshot of the Job Bank posting showing the job number"
    )
    assert "invitation" in get_rule("REC-JOBMATCH").evidence
    assert get_rule("REC-ADDL-TYPES").evidence is None


@pytest.mark.parametrize(
    ("rule_id", "effective_from", "effective_to"),
    [
        ("REC-JOBBANK", date(2017, 8, 28), None),
        ("REC-ADDL-2", date(2017, 8, 28), None),
        ("REC-URG-2", date(2017, 8, 28), None),
        ("REC-JOBMATCH", date(2017, 8, 28), None),
        ("REC-DIRECTAPPLY", date(2025, 9, 1), None),
        ("AD-QC-FRENCH", date(2022, 6, 1), None),
        ("LW-CAP", date(2014, 6, 20), None),
        ("LW-CMA", date(2024, 9, 26), None),
        ("QC-MTL-FREEZE", date(2024, 9, 3), date(2026, 12, 31)),
        ("OFFER-SIGNED", date(2022, 9, 26), None),
        ("OFFER-NO-FEES", date(2022, 9, 26), None),
        ("REC-RESULTS", None, None),
    ],
)
def test_effective_dates(rule_id, effective_from, effective_to):
    registered = get_rule(rule_id)

    assert (registered.effective_from, registered.effective_to) == (effective_from, effective_to)


def test_in_force_is_inclusive_at_both_ends():
    freeze = get_rule("QC-MTL-FREEZE")

    assert not freeze.in_force(date(2024, 9, 2))
    assert freeze.in_force(date(2024, 9, 3))
    assert freeze.in_force(date(2026, 12, 31))
    assert not freeze.in_force(date(2027, 1, 1))


def _check(ctx):
    """A rule used only to test registration errors."""
    return []


def test_registering_an_id_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        rule(
            "REC-JOBBANK",
            title="x",
            severity="error",
            area="recruitment",
            citation="https://example.org/",
        )(_check)


def test_registration_checks_its_metadata():
    with pytest.raises(ValueError, match="https"):
        rule("TEST-1", title="x", severity="error", area="x", citation="http://example.org/")
    with pytest.raises(ValueError, match="severity"):
        rule("TEST-1", title="x", severity="fatal", area="x", citation="https://example.org/")
    with pytest.raises(ValueError, match="docstring"):
        rule("TEST-1", title="x", severity="info", area="x", citation="https://example.org/")(
            lambda ctx: []
        )
    assert "TEST-1" not in {r.id for r in all_rules()}
