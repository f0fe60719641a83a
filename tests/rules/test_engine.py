"""evaluate(): stable order, counts, ruleset version, D versus T, immutable findings."""

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from portal.cases import parse_case
from portal.rules import RULESET, RULESET_DATE, Finding, all_rules, evaluate, subject_key
from tests.rules.builders import (
    REFERENCE,
    FakeReference,
    add_activity,
    at,
    change_ad_everywhere,
    employer,
    high_wage_case,
    low_wage_case,
    posting,
    rule_ids,
    verdict,
)

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"


def test_subject_order_compares_list_indexes_as_numbers():
    unordered = [
        "recruitment[10]",
        "recruitment[2]",
        "recruitment",
        "offer.deductions[1]",
        "offer",
        "applicants[9]",
        "applicants[100]",
        "position.wage",
        "position",
    ]

    assert sorted(unordered, key=subject_key) == [
        "applicants[9]",
        "applicants[100]",
        "offer",
        "offer.deductions[1]",
        "position",
        "position.wage",
        "recruitment",
        "recruitment[2]",
        "recruitment[10]",
    ]


def test_findings_come_by_rule_then_subject():
    case = low_wage_case()
    for n in range(9):
        case = add_activity(case, posting(f"p{n}", "newspaper", "2026-02-20", "2026-02-25"))
    case = employer(case, business_number="123")

    findings = verdict(case).findings
    keys = [(f.rule, subject_key(f.subject)) for f in findings]

    assert keys == sorted(keys)
    short = [f.subject for f in findings if f.rule == "REC-DURATION-4W"]
    assert short[:2] == ["recruitment[3]", "recruitment[4]"]
    assert short[-1] == "recruitment[11]"
    assert [f.rule for f in findings].index("POS-BN") < [f.rule for f in findings].index(
        "REC-DURATION-4W"
    )


def test_verdict_carries_dates_stream_ruleset_and_counts():
    case = employer(low_wage_case(), business_number="123", on_noncompliance_list=True)
    case = change_ad_everywhere(case, duties="Wash floors and greet guests")

    result = verdict(case, as_of=date(2026, 4, 1))

    assert result.as_of == date(2026, 4, 1)
    assert result.submission_date == date(2026, 3, 2)
    assert result.stream == "low_wage"
    assert result.ruleset == "2+fake-2026-01"
    assert result.counts == {"error": 2, "warning": 3, "info": 0}
    assert result.has_errors


def test_without_submission_date_d_is_the_as_of_date():
    result = verdict(at(low_wage_case(), None), as_of=date(2026, 3, 2))

    assert result.submission_date == date(2026, 3, 2)
    assert result.findings == ()


def test_effective_dates_compare_with_d_not_t():
    case = at(low_wage_case(), date(2025, 8, 31))
    case = add_activity(case, posting("jb2", "job_bank", "2025-07-01", direct_apply=False))

    assert "REC-DIRECTAPPLY" not in rule_ids(case, as_of=date(2026, 3, 2))
    assert "REC-DIRECTAPPLY" in rule_ids(at(case, date(2025, 9, 1)), as_of=date(2025, 9, 1))


def test_to_dict_is_the_checker_answer():
    case = employer(low_wage_case(), business_number="123")

    answer = verdict(case).to_dict()

    assert list(answer) == [
        "format",
        "as_of",
        "submission_date",
        "stream",
        "ruleset",
        "findings",
        "counts",
    ]
    assert answer["format"] == "lmia-findings/1"
    assert answer["as_of"] == "2026-03-02"
    assert answer["findings"] == [
        {
            "rule": "POS-BN",
            "severity": "error",
            "subject": "employer",
            "message": 'The business number "123" is not 9 digits.',
            "fix": answer["findings"][0]["fix"],
            "citation": answer["findings"][0]["citation"],
        }
    ]
    assert answer["counts"] == {"error": 1, "warning": 0, "info": 0}


def test_findings_are_immutable_values():
    finding = verdict(employer(low_wage_case(), business_number="1")).findings[0]

    assert isinstance(finding, Finding)
    assert finding.area == "position"
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.message = "changed"  # type: ignore[misc]


def test_evaluation_is_repeatable_and_does_not_touch_the_case():
    case = high_wage_case()

    assert evaluate(case, date(2026, 3, 2), REFERENCE) == evaluate(
        case, date(2026, 3, 2), REFERENCE
    )
    assert case == high_wage_case()


def test_the_reference_version_is_part_of_the_ruleset():
    assert verdict(low_wage_case(), reference=FakeReference(version="v9")).ruleset == "2+v9"


def test_at_most_one_finding_per_rule_and_subject_so_waivers_are_unambiguous():
    case = parse_case((CASES / "several_findings.json").read_text(encoding="utf-8"))
    # Rules that meet several problems on one subject list them in one finding.
    case = change_ad_everywhere(case, title="Chef", work_location="Ottawa", contact=None)

    keys = [(f.rule, f.subject) for f in verdict(case, as_of=date(2026, 8, 1)).findings]

    assert len(keys) == len(set(keys))
    assert len(keys) > 12


def test_the_ruleset_is_2_of_2026_12_04():
    assert (RULESET, RULESET_DATE) == ("2", "2026-12-04")


def test_every_rule_dates_from_ruleset_1():
    assert {r.since for r in all_rules()} == {"1"}


def test_the_rules_corrected_on_2026_12_04_say_so():
    revised = {r.id for r in all_rules() if r.revised == "2"}

    assert revised == {
        "WAGE-STREAM",
        "WAGE-PREVAILING",
        "WAGE-AD-FLOOR",
        "LW-CMA",
        "FEE-RECRUITER-LICENSED",
        "FRAUD-WORKER-PAYS",
    }
