"""Facts that cannot all be true at once, checked before anything is saved (plain Python).

These are the form's business, not the law's: an interview cannot come before the application,
nobody is hired without an offer, and a Job Match candidate cannot be invited before the match
appeared. Each check returns ``{field name: message}`` so a form can put every message on its
field, and the CSV import on its column. What the law decides (whether the invitation came in
time, whether a reason is acceptable) stays with the rules engine as findings.
"""

from datetime import date
from typing import Protocol


class NocReference(Protocol):
    def noc(self, code: str) -> object | None: ...


def noc_problem(code: str | None, reference: NocReference) -> str | None:
    """A 5-digit code that is not one of the NOC 2021 unit groups in the loaded data."""
    if not code or reference.noc(code) is not None:
        return None
    return (
        f"{code} is not a NOC 2021 unit group; pick the one that matches the duties "
        "(NOC 2016 codes are no longer accepted)."
    )


def applicant_problems(
    applied_on: date | None,
    interviewed_on: date | None,
    offered: bool | None,
    hired: bool | None,
    resume_downloaded_on: date | None = None,
) -> dict[str, str]:
    problems = {}
    if applied_on and resume_downloaded_on and resume_downloaded_on < applied_on:
        problems["resume_downloaded_on"] = (
            f"The résumé download ({resume_downloaded_on.isoformat()}) is before the application "
            f"({applied_on.isoformat()})."
        )
    if applied_on and interviewed_on and interviewed_on < applied_on:
        problems["interviewed_on"] = (
            f"The interview ({interviewed_on.isoformat()}) is before the application "
            f"({applied_on.isoformat()})."
        )
    if hired and not offered:
        problems["offered"] = "An applicant who was hired was offered the job: tick it too."
    return problems


def job_match_problems(first_seen: date | None, invited_on: date | None) -> dict[str, str]:
    if first_seen and invited_on and invited_on < first_seen:
        return {
            "invited_on": (
                f"The invitation ({invited_on.isoformat()}) is before the match was first seen "
                f"({first_seen.isoformat()})."
            )
        }
    return {}


def case_problems(case, reference: NocReference) -> list[str]:
    """The same checks over a whole lmia-case/1 case, each naming its place in the file (the
    import refuses a file the forms would refuse, rather than storing it and flagging it)."""
    problems = []
    noc = noc_problem(case.position.noc, reference)
    if noc:
        problems.append(f"position.noc: {noc}")
    for index, applicant in enumerate(case.applicants):
        found = applicant_problems(
            applicant.applied_on,
            applicant.interviewed_on,
            applicant.offered,
            applicant.hired,
            applicant.resume_downloaded_on,
        )
        problems += [
            f"applicants[{index}].{name} ({applicant.name}): {message}"
            for name, message in found.items()
        ]
    matches = case.job_match.matches if case.job_match else ()
    for index, match in enumerate(matches):
        found = job_match_problems(match.first_seen, match.invited_on)
        problems += [
            f"job_match.matches[{index}].{name}: {message}" for name, message in found.items()
        ]
    return problems
