"""A large case (20 activities, 2,000 applicants) evaluates fully; shape only, never timings.

The benchmark script measures speed; this test pins the workload it uses and that every
per-applicant rule still reports each applicant exactly once.
"""

from datetime import date, timedelta

from portal.cases import Applicant
from tests.rules.builders import low_wage_case, posting, replace, verdict

ACTIVITIES = 20
APPLICANTS = 2000


def large_case():
    base = low_wage_case()
    activities = [base.recruitment[0]] + [
        posting(
            f"a{n}",
            "job_board" if n % 2 else "newspaper",
            "2026-01-02",
            "2026-02-20",
            target_groups=("newcomers",) if n % 2 else ("indigenous",),
        )
        for n in range(1, ACTIVITIES)
    ]
    applicants = []
    for n in range(APPLICANTS):
        applied = date(2026, 1, 5) + timedelta(days=n % 40)
        applicants.append(
            Applicant(
                name=f"Applicant {n}",
                status=("citizen", "permanent_resident", "foreign")[n % 3],
                source=activities[n % ACTIVITIES].id,
                channel="direct_apply" if n % ACTIVITIES == 0 else "email",
                applied_on=applied,
                resume_downloaded_on=None if n % 10 == 0 else applied + timedelta(days=2),
                interviewed_on=applied + timedelta(days=5) if n % 4 == 0 else None,
                hired=False,
                reason_code=None if n % 7 == 0 else "lacks_experience",
            )
        )
    return replace(base, recruitment=tuple(activities), applicants=tuple(applicants))


def test_large_case_evaluates_every_applicant_once():
    case = large_case()
    expected_results = {f"applicants[{n}]" for n in range(APPLICANTS) if n % 3 != 2 and n % 7 == 0}
    expected_direct_apply = {
        f"applicants[{n}]" for n in range(APPLICANTS) if n % 20 == 0 and n % 10 == 0
    }

    findings = verdict(case).findings

    results = [f.subject for f in findings if f.rule == "REC-RESULTS"]
    direct_apply = [f.subject for f in findings if f.rule == "REC-DIRECTAPPLY"]
    assert len(results) == len(set(results))
    assert set(results) == expected_results
    assert set(direct_apply) == expected_direct_apply
    assert len(case.recruitment) == ACTIVITIES
    assert len(case.applicants) == APPLICANTS
