"""Findings speak the forms' language (issue 7, U3): labels, not the case file's field codes.

The rules keep the English labels as plain strings (portal.rules.wording, no Flask); these tests
keep them equal to the forms' labels and check that no finding's message or fix shows a field
code or a list path. Subjects keep their paths (the case file and ``lmia check`` use them).
"""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import portal.auth  # noqa: F401 - portal.forms needs portal.auth imported first
from portal.cases import Applicant, Match, Payment, ThirdParty, parse_case
from portal.positions import forms, labels
from portal.rules import wording
from tests.rules.builders import activity as change_activity
from tests.rules.builders import (
    applicant,
    employer,
    high_wage_case,
    low_wage_case,
    position,
    replace,
    verdict,
)

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
FORM_FIELDS = {
    "job_bank_alternative_rationale": forms.PositionForm,
    "language_justification": forms.PositionForm,
    "employees_at_location": forms.PositionForm,
    "low_wage_tfws_at_location": forms.PositionForm,
    "prevailing_wage_amount": forms.PositionForm,
    "prevailing_wage_source": forms.PositionForm,
    "is_national": forms.ActivityForm,
    "target_groups": forms.ActivityForm,
    "reason_code": forms.ApplicantForm,
    "reason_detail": forms.ApplicantForm,
    "invited_on": forms.JobMatchForm,
    "ad_published_languages": forms.ActivityForm,
}
# A snake_case code (reason_detail, lacks_experience) or a path into the case (applicants[4]).
FIELD_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\w\[\d+\]")


@pytest.mark.parametrize("name", sorted(wording.FIELD_LABELS))
def test_field_labels_are_the_form_labels(name):
    unbound = getattr(FORM_FIELDS[name], name)

    assert wording.FIELD_LABELS[name] == str(unbound.args[0])


def test_every_field_label_is_checked():
    assert set(FORM_FIELDS) == set(wording.FIELD_LABELS)


def test_reason_and_group_labels_are_the_form_choices():
    assert {code: str(text) for code, text in labels.REASON_CODES.items()} == wording.REASON_LABELS
    assert {code: str(text) for code, text in labels.TARGET_GROUPS.items()} == wording.GROUP_LABELS


def test_language_labels_are_the_form_choices():
    choices = {
        c.value: c.label for c in forms.ActivityForm.ad_published_languages.kwargs["choices"]
    }

    assert {code: str(text) for code, text in choices.items()} == wording.LANGUAGE_LABELS


def test_field_drops_a_trailing_note_and_quotes():
    assert wording.field("job_bank_alternative_rationale") == '"Reason for not using Job Bank"'
    assert wording.field("is_national") == '"National in scope"'
    assert wording.field("reason_code") == '"Why not hired"'


def _many_findings():
    """Cases that together make most rules fire, the rule-text ones in particular."""
    several = parse_case((CASES / "several_findings.json").read_text(encoding="utf-8"))
    low = low_wage_case()
    no_groups = change_activity(change_activity(low, 1, target_groups=()), 2, target_groups=None)
    thin = replace(
        employer(low, employees_at_location=None, low_wage_tfws_at_location=None),
        job_bank_alternative_rationale=None,
        recruitment=tuple(a for a in low.recruitment if a.method != "job_bank"),
        applicants=(),
    )
    reasons = applicant(
        applicant(low, 0, reason_code="other", reason_detail=None), 1, reason_code=None
    )
    sham = replace(
        low,
        applicants=tuple(
            Applicant(
                name=f"Applicant {n}",
                status="citizen",
                source=low.recruitment[0].id,
                channel="email",
                applied_on=date(2026, 1, 10),
                hired=False,
                reason_code="not_suitable",
            )
            for n in range(3)
        ),
    )
    language = position(
        low,
        requirements=replace(low.position.requirements, languages=("Punjabi",)),
        prevailing_wage=None,
        noc="73300",
    )
    national = change_activity(high_wage_case(), 1, national=False)
    matches = replace(
        high_wage_case(),
        job_match=replace(
            high_wage_case().job_match,
            matches=(Match(first_seen=high_wage_case().recruitment[0].start, stars=5),),
        ),
    )
    money = replace(
        low,
        payments=(
            Payment(
                date=date(2026, 1, 15),
                payer="worker",
                payee="employer",
                amount=Decimal("200"),
                purpose="loan_repayment",
            ),
            Payment(
                date=date(2026, 1, 15),
                payer="worker",
                payee="owner",
                amount=Decimal("2000"),
                purpose="housing",
            ),
        ),
        third_parties=(
            ThirdParty(name="Agency", role="recruiter", province="PE"),
            ThirdParty(name="Consultant", role="representative", paid=True, cicc_number="12"),
        ),
    )
    cases = [several, no_groups, thin, reasons, sham, language, national, matches, money]
    for case in cases:
        yield from verdict(case, as_of=date(2026, 8, 1)).findings


def test_findings_name_no_field_codes_or_paths():
    findings = list(_many_findings())
    fired = {finding.rule for finding in findings}
    # The rules whose words this issue corrected all fire at least once here.
    assert {
        "REC-JOBBANK",
        "REC-NATIONAL",
        "REC-URG-2",
        "REC-JOBMATCH",
        "REC-RESULTS",
        "AD-LANGUAGE",
        "LW-CAP",
        "FRAUD-SHAM-REVIEW",
        "FRAUD-WORKER-PAYS",
        "WAGE-PREVAILING",
        "WAGE-AD-OFFER",
        "FEE-RECRUITER-LICENSED",
    } <= fired
    for finding in findings:
        for text in (finding.message, finding.fix):
            assert not FIELD_CODE.search(text), (finding.rule, text)
