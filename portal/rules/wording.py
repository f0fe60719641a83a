"""The words of the portal's forms that findings use, as plain strings.

A fix tells the user what to do in the terms of the form they fill in ("Why not hired", "Lacks
the experience"), never the case file's field codes (``reason_code``, ``lacks_experience``). The
forms' own labels live in ``portal.positions.forms`` and ``portal.positions.labels``, which need
Flask-Babel; the rules do not import Flask, so the English labels are repeated here and a test
(tests/rules/test_wording.py) keeps the two in step.
"""

from __future__ import annotations

from portal.rules.phrase import Label, Phrase, phrase

# Form field -> its label on the position, activity, applicant and Job Match forms.
FIELD_LABELS = {
    "job_bank_alternative_rationale": "Reason for not using Job Bank (rare)",
    "language_justification": "Why another language is needed",
    "employees_at_location": "Employees at this work location today",
    "low_wage_tfws_at_location": "Low-wage temporary foreign workers there now",
    "prevailing_wage_amount": "Prevailing wage you rely on (optional)",
    "prevailing_wage_source": "Source of that figure",
    "is_national": "National in scope (seen anywhere in Canada)",
    "target_groups": "Under-represented groups targeted",
    "reason_code": "Why not hired",
    "reason_detail": "The reason in your words",
    "invited_on": "Invited to apply on",
    "ad_published_languages": "Ad published in",
}
# Languages an ad was published in -> the choices of "Ad published in".
LANGUAGE_LABELS = {"en": "English", "fr": "French"}
# Applicant reason codes -> the choices of "Why not hired".
REASON_LABELS = {
    "lacks_education": "Lacks the education",
    "lacks_experience": "Lacks the experience",
    "lacks_certification": "Lacks a required certification",
    "lacks_language_en_fr": "Lacks English or French",
    "declined_offer": "Declined the offer",
    "no_show": "Did not come to the interview",
    "no_response": "Did not respond",
    "withdrew": "Withdrew",
    "failed_reference_check": "Failed the reference check",
    "not_available_for_schedule": "Not available for the schedule",
    "not_suitable": "Not suitable",
    "overqualified": "Overqualified",
    "other": "Other",
}
# Under-represented groups -> the choices of "Under-represented groups targeted".
GROUP_LABELS = {
    "indigenous": "Indigenous persons",
    "vulnerable_youth": "Vulnerable youth",
    "newcomers": "Newcomers to Canada",
    "persons_with_disabilities": "Persons with disabilities",
    "asylum_claimants": "Asylum claimants with a work permit",
}


# The choices' labels are the forms' own words: a French page shows the forms' French.
for _choices in (LANGUAGE_LABELS, REASON_LABELS, GROUP_LABELS):
    _choices.update({code: Label(label) for code, label in _choices.items()})


def field(name: str) -> Phrase:
    """A form field's label, quoted, without a trailing note: '"Reason for not using Job Bank"'."""
    return phrase('"%(label)s"', label=Label(FIELD_LABELS[name], drop_note=True))


def choice(label: str) -> Phrase:
    """A choice of a list, quoted as the form shows it."""
    return phrase('"%(label)s"', label=Label(label))
