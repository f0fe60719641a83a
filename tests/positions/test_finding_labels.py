"""Findings name their record as the user knows it (portal.finding_labels), never by its path in
the case file: every subject the rules can produce gets words and, where a page shows the
record, a reference to that page."""

import ast
import json
import re
import subprocess
import sys
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from portal import finding_labels as fl
from portal.cases import Case, CaseError, parse_case
from portal.finding_labels import CaseRecords, RecordRef, SubjectLabeller, parse_path
from portal.reference.labour_market import LabourMarketData
from portal.rules import evaluate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "portal" / "demo").glob("*.json")) + sorted(
    (ROOT / "tests" / "data" / "cases").glob("*.json")
)
# Dates around the examples' submission dates, so that time-bound rules fire too.
AS_OF = (date(2025, 6, 1), date(2026, 3, 2), date(2026, 12, 4))
TOP_LEVEL = {f.name for f in fields(Case)}
# A code word of the file format (snake_case), a list index or a dotted path has no place in a
# label.
_RAW = re.compile(r"\[|\]|\b[a-z]+_[a-z_]+\b|[a-z]\.[a-z]")


def _examples() -> list[tuple[str, Case]]:
    cases = []
    for path in EXAMPLES:
        try:
            cases.append((path.name, parse_case(path.read_text(encoding="utf-8"))))
        except CaseError:
            continue  # the invalid examples have no findings to label
    return cases


def assert_in_words(label, subject: str) -> None:
    assert not _RAW.search(label.text), f"{subject!r} reads {label.text!r}"
    assert label.subject == subject
    assert label.ref is None or label.ref.page in fl.PAGES


def test_every_finding_of_the_examples_names_its_record():
    reference = LabourMarketData.packaged()
    seen = set()
    examples = _examples()
    assert {"line_cook_findings.json", "several_findings.json"} <= {name for name, _ in examples}
    for _name, case in examples:
        labeller = SubjectLabeller(case)
        for as_of in AS_OF:
            for finding in evaluate(case, as_of, reference).findings:
                label = labeller(finding.subject)
                assert_in_words(label, finding.subject)
                seen.add(finding.subject.split("[")[0].split(".")[0])
    # The examples reach every kind of record the brief names, lists included.
    assert {
        "applicants",
        "recruitment",
        "position",
        "payments",
        "third_parties",
        "offer",
        "workers",
    } <= seen


def _rule_subject_shapes() -> set[str]:
    """Every string in portal/rules shaped like a path into the case (f-string holes as 0):
    the subjects the rules can produce, including ones no example triggers."""
    shapes = set()
    path = re.compile(r"^[a-z_]+(\[0\]|\.[a-z_]+)*$")
    for source in sorted((ROOT / "portal" / "rules").glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    part.value if isinstance(part, ast.Constant) else "0" for part in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if path.match(text) and text.split("[")[0].split(".")[0] in TOP_LEVEL:
                shapes.add(text)
    # The per-offer rules take their subjects from Case.offers() (v1 "offer", v2
    # "workers[i].offer"), adding ".deductions[j]" for FEE-NO-RECOVERY.
    for offer in ("offer", "workers[0].offer"):
        shapes |= {offer, f"{offer}.deductions[0]"}
    return shapes


def _rich_case() -> Case:
    """The example with most lists, given one of everything the format has."""
    document = json.loads((ROOT / "tests/data/cases/several_findings.json").read_text())
    document["offer"]["deductions"] = [{"purpose": "housing", "amount": 50, "per": "week"}]
    document["transition_plan"] = {
        "activities": [{"kind": "train", "description": "Train two apprentices"}]
    }
    return parse_case(json.dumps(document))


def _rich_v2_case() -> Case:
    """The rich case as lmia-case/2: its offer is Amadou Diallo's; a second, nameless worker."""
    document = json.loads((ROOT / "tests/data/cases/several_findings.json").read_text())
    offer = document.pop("offer")
    offer["deductions"] = [{"purpose": "housing", "amount": 50, "per": "week"}]
    offer["pay_frequency"] = "biweekly"
    document["format"] = "lmia-case/2"
    document["workers"] = [{"name": "Amadou Diallo", "offer": offer}, {"offer": {}}]
    return parse_case(json.dumps(document))


def test_every_subject_shape_in_the_rules_is_labelled_in_words():
    shapes = _rule_subject_shapes()
    # The scan finds the subjects the catalog defines (rules.md, "Subjects").
    assert {"applicants[0]", "recruitment[0]", "payments[0]", "offer", "position.wage"} <= shapes
    for case in (_rich_case(), _rich_v2_case()):
        labeller = SubjectLabeller(case)
        for subject in sorted(shapes):
            assert_in_words(labeller(subject), subject)


@pytest.mark.parametrize(
    ("subject", "text", "ref"),
    [
        ("workers[0]", "Worker: Amadou Diallo", RecordRef(fl.WORKER, 7)),
        ("workers[0].language", "Worker: Amadou Diallo · Preferred language", None),
        ("workers[0].offer", "Worker: Amadou Diallo · job offer", RecordRef(fl.WORKER, 7)),
        ("workers[0].offer.wage", "Worker: Amadou Diallo · job offer · Wage", None),
        (
            "workers[0].offer.pay_frequency",
            "Worker: Amadou Diallo · job offer · Pay frequency",
            None,
        ),
        (
            "workers[0].offer.deductions[0]",
            "Worker: Amadou Diallo · job offer · deduction 1 (housing, $50.00 a week)",
            RecordRef(fl.WORKER, 7),
        ),
        ("workers[1].offer", "Worker 2 · job offer", RecordRef(fl.WORKER, 9)),
        ("workers[1].offer.lmia_number", "Worker 2 · job offer · LMIA number", None),
        ("workers[5].offer", "Worker 6 · job offer", RecordRef(fl.WORKER, None)),
        ("workers", "The workers", None),
    ],
)
def test_a_workers_subject_reads_as_the_worker_and_their_offer(subject, text, ref):
    label = SubjectLabeller(_rich_v2_case(), CaseRecords(workers=(7, 9)))(subject)

    assert label.text == text
    assert_in_words(label, subject)
    if ref is not None:
        assert label.ref == ref


@pytest.mark.parametrize(
    ("subject", "text", "ref"),
    [
        ("applicants[3]", "Applicant: Eve Moss", RecordRef(fl.APPLICANT, 40)),
        (
            "applicants[3].reason_detail",
            "Applicant: Eve Moss · The reason in your words",
            RecordRef(fl.APPLICANT, 40),
        ),
        ("applicants[0].source", "Applicant: Anna Roy · Found the job through", None),
        ("recruitment[2]", "nc · Newcomer Centre", RecordRef(fl.ACTIVITY, 12)),
        ("recruitment[0].ad.title", "jb · Job Bank · Title in the ad", None),
        ("recruitment[0].start", "jb · Job Bank · Posted on", None),
        ("recruitment", "Recruitment (all activities)", RecordRef(fl.RECRUITMENT)),
        (
            "job_match.matches[1]",
            "Job Match: 1-star match first seen 2026-01-12",
            RecordRef(fl.JOB_MATCH_ENTRY, 21),
        ),
        (
            "job_match.matches[0].invited_on",
            "Job Match: 3-star match first seen 2026-01-10 · Invited to apply on",
            None,
        ),
        ("job_match.mode", "Job Match · Job Match setting", RecordRef(fl.JOB_MATCH)),
        ("position", "Position: Cook", RecordRef(fl.POSITION)),
        ("position.wage", "Position: Cook · Wage offered", None),
        ("position.work_location.cma", "Position: Cook · Census metropolitan area (CMA)", None),
        ("submission_date", "Position: Cook · Planned submission date", None),
        (
            "employer.employees_at_location",
            "Position: Cook · Employees at this work location today",
            RecordRef(fl.POSITION),
        ),
        ("employer", "Employer: Maple Leaf Bistro", RecordRef(fl.EMPLOYER)),
        ("employer.business_number", "Employer: Maple Leaf Bistro · CRA business number", None),
        ("offer", "The job offer", None),
        ("offer.signed_by_worker_on", "The job offer · Worker's signature date", None),
        (
            "offer.deductions[0]",
            "The job offer · deduction 1 (housing, $50.00 a week)",
            None,
        ),
        (
            "payments[0]",
            "Payment 1: worker → recruiter, $4,000.00, recruitment fee, 2025-12-15",
            None,
        ),
        ("third_parties[1]", "Recruiter: Fast Track Staffing", None),
        ("third_parties[0]", "Representative: Harbourfront Law", None),
        ("document_custody[0]", "The worker's passport, held by the employer", None),
        ("transition_plan", "Transition plan", None),
        ("transition_plan.activities[0]", "Transition plan · activity 1 (train)", None),
    ],
)
def test_a_subject_reads_as_its_record_and_field(subject, text, ref):
    records = CaseRecords(
        activities=(10, 11, 12), applicants=(37, 38, 39, 40), job_matches=(20, 21)
    )
    label = SubjectLabeller(_rich_case(), records)(subject)
    assert label.text == text
    assert str(label) == text
    if ref is not None:
        assert label.ref == ref


def test_records_are_found_by_their_index_in_the_case():
    case = _rich_case()
    records = CaseRecords(activities=(5, 6, 7), applicants=(1, 2, 3, 4), job_matches=(8, 9))
    labeller = SubjectLabeller(case, records)
    for index, applicant in enumerate(case.applicants):
        label = labeller(f"applicants[{index}]")
        assert label.record == f"Applicant: {applicant.name}"
        assert label.ref == RecordRef(fl.APPLICANT, records.applicants[index])
    # Without the database rows the label is the same and the reference has no id.
    assert SubjectLabeller(case)("applicants[1]").ref == RecordRef(fl.APPLICANT, None)


def test_applicants_with_the_same_name_are_told_apart_by_the_day_they_applied():
    document = json.loads((ROOT / "tests/data/cases/several_findings.json").read_text())
    twin = dict(document["applicants"][0], applied_on="2026-01-20")
    document["applicants"].append(twin)
    case = parse_case(json.dumps(document))
    labeller = SubjectLabeller(case)
    name = case.applicants[0].name
    first, last = labeller("applicants[0]"), labeller(f"applicants[{len(case.applicants) - 1}]")
    assert first.text == f"Applicant: {name} (applied {case.applicants[0].applied_on})"
    assert last.text == f"Applicant: {name} (applied 2026-01-20)"
    assert labeller("applicants[1]").text == f"Applicant: {case.applicants[1].name}"


@pytest.mark.parametrize(
    "subject",
    [
        "applicants[99]",  # a stored request about an applicant since removed
        "recruitment[7].end",
        "job_match.matches[5]",
        "payments[3]",
        "offer.deductions[4].amount",
        "some_future_part[2].its_field",
        "not a path at all",
        "",
    ],
)
def test_a_subject_that_names_no_record_still_reads_in_words(subject):
    label = SubjectLabeller(_rich_case(), CaseRecords())(subject)
    assert label.text
    assert not _RAW.search(label.text), label.text
    assert label.ref is None or label.ref.id is None


def test_parse_path():
    assert parse_path("applicants[4].reason_detail") == ["applicants", 4, "reason_detail"]
    assert parse_path("job_match.matches[12]") == ["job_match", "matches", 12]
    assert parse_path("position") == ["position"]
    assert parse_path(".position") is None
    assert parse_path("a b") is None


def test_field_names_are_the_labels_of_the_forms_that_edit_them(app):
    from portal.employers.forms import EmployerProfileForm
    from portal.positions.forms import ActivityForm, ApplicantForm, JobMatchForm, PositionForm
    from portal.positions.labels import METHODS

    pairs = {
        (ApplicantForm, "source_activity_id"): fl.APPLICANT_FIELDS["source"],
        (ActivityForm, "start_date"): fl.ACTIVITY_FIELDS["start"],
        (ActivityForm, "end_date"): fl.ACTIVITY_FIELDS["end"],
        (ActivityForm, "event_date"): fl.ACTIVITY_FIELDS["date"],
        (ActivityForm, "is_national"): fl.ACTIVITY_FIELDS["national"],
        (ActivityForm, "ad_wage_max"): fl.ACTIVITY_FIELDS["ad.wage.max"],
        (ActivityForm, "ad_wage_min"): fl.ACTIVITY_FIELDS["ad.wage"],
        (PositionForm, "noc_code"): fl.POSITION_FIELDS["noc"],
        (PositionForm, "is_caregiver"): fl.POSITION_FIELDS["caregiver"],
        (PositionForm, "is_seasonal"): fl.POSITION_FIELDS["seasonal"],
        (PositionForm, "street_address"): fl.POSITION_FIELDS["work_location"],
        (PositionForm, "wage_amount"): fl.POSITION_FIELDS["wage"],
        (PositionForm, "prevailing_wage_amount"): fl.POSITION_FIELDS["prevailing_wage"],
        (PositionForm, "incumbent_wage_amount"): fl.POSITION_FIELDS["incumbent_wage"],
        (EmployerProfileForm, "naics_code"): fl.EMPLOYER_FIELDS["naics"],
        (EmployerProfileForm, "street_address"): fl.EMPLOYER_FIELDS["address"],
    }
    for key, label in fl.APPLICANT_FIELDS.items():
        pairs.setdefault((ApplicantForm, key), label)
    for key, label in fl.ACTIVITY_FIELDS.items():
        pairs.setdefault((ActivityForm, key.replace(".", "_")), label)
    for key, label in fl.MATCH_FIELDS.items():
        pairs.setdefault((JobMatchForm, key), label)
    for key, label in fl.POSITION_FIELDS.items():
        pairs.setdefault((PositionForm, key.split(".")[-1]), label)
    for table in (fl.CASE_FIELDS_ON_POSITION, fl.EMPLOYER_FIELDS_ON_POSITION):
        for key, label in table.items():
            pairs.setdefault((PositionForm, key), label)
    pairs[(PositionForm, "planned_submission_date")] = fl.CASE_FIELDS_ON_POSITION["submission_date"]
    for key, label in fl.EMPLOYER_FIELDS.items():
        pairs.setdefault((EmployerProfileForm, key.split(".")[-1]), label)

    checked = 0
    with app.test_request_context():
        for (form_class, name), label in pairs.items():
            field = getattr(form_class, name, None)
            if field is None:
                continue  # no form edits this part (e.g. the ad as a whole)
            assert str(field.args[0]) == label, (form_class.__name__, name)
            checked += 1
        assert {key: str(name) for key, name in METHODS.items()} == fl.METHODS
    assert checked >= 50


def test_the_module_imports_without_flask():
    probe = (
        "import sys\n"
        "for name in ('flask', 'flask_babel', 'sqlalchemy', 'portal.models'):\n"
        "    sys.modules[name] = None\n"
        "import portal.finding_labels\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
