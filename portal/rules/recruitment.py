"""Recruitment (advertising) rules, REC [lmia-domain.md §1].

When the position is exempt from advertising (REC-EXEMPT), the engine skips every other REC rule
except REC-RESULTS.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from portal.cases.model import Activity
from portal.rules import sources as src
from portal.rules.context import METHOD_WORDS, Context, activity_label, event_label
from portal.rules.registry import AG, ALL_STREAMS, ERROR, HW, INFO, LW, WARNING, Hit, rule
from portal.rules.text import blank, listing, plural
from portal.rules.wording import GROUP_LABELS, REASON_LABELS, choice, field

AREA = "recruitment"
JOB_BANK_MANDATORY = date(2017, 8, 28)
AG_READVERTISING = date(2026, 1, 1)
ASYLUM_CLAIMANTS_FROM = date(2024, 5, 1)
DIRECT_APPLY_FROM = date(2025, 9, 1)
FOUR_WEEKS = 28
AG_DAYS = 14
JOB_MATCH_DAYS = 30
DIRECT_APPLY_DAYS = 21
GROUP_WORDS = {
    "indigenous": "Indigenous persons",
    "vulnerable_youth": "vulnerable youth",
    "newcomers": "newcomers",
    "persons_with_disabilities": "persons with disabilities",
    "asylum_claimants": "asylum claimants with work permits",
}
STATUS_WORDS = {
    "citizen": "citizen",
    "permanent_resident": "permanent resident",
    "authorized": "authorized to work in Canada",
}


def _group_label(ctx: Context) -> str:
    return {"HW": "high-wage", "LW": "low-wage", "AG": "agricultural"}.get(ctx.group, "these")


@rule(
    "REC-EXEMPT",
    title="Position exempt from minimum advertising",
    severity=INFO,
    area=AREA,
    citation=src.S59,
    streams=ALL_STREAMS,
    applies="all",
    evidence="proof that the exemption applies (e.g. the Québec facilitated list entry or the "
    "ESDC variation relied on)",
)
def position_is_exempt_from_advertising(ctx: Context) -> Iterator[Hit]:
    """Say when the position is exempt from the minimum advertising requirements, and why.

    Exempt: the Global Talent Stream; a Québec position on the facilitated-process list; primary
    agriculture while advertising was suspended (2022-01-12 to 2025-12-31, by submission date);
    or a named ESDC variation to minimum advertising. The other recruitment checks are skipped;
    recruitment results (REC-RESULTS) are still checked.
    """
    if ctx.exempt:
        yield Hit(
            "recruitment",
            "This position is exempt from the minimum advertising requirements: "
            + "; ".join(ctx.exempt_reasons)
            + ". The other recruitment checks are skipped; recruitment results are still checked.",
            "Keep the proof of the exemption and a summary of any recruitment you did.",
        )


@rule(
    "REC-JOBBANK",
    title="Job Bank posting or written rationale",
    severity=ERROR,
    area=AREA,
    citation=src.S12,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
    effective_from=JOB_BANK_MANDATORY,
    evidence="dated screenshot of the Job Bank posting showing the job number",
)
def no_job_bank_posting(ctx: Context) -> Iterator[Hit]:
    """The job must be advertised on Job Bank, or a written rationale given for an alternative.

    Mandatory in every province since 2017-08-28.
    """
    if any(a.method == "job_bank" for a in ctx.activities):
        return
    if not blank(ctx.case.job_bank_alternative_rationale):
        return
    count = len(ctx.activities)
    activities = plural(count, "recruitment activity", "recruitment activities")
    yield Hit(
        "recruitment",
        (f"None of the {activities} is on Job Bank" if count else "No recruitment is recorded")
        + ", and no written rationale for an alternative to Job Bank is given.",
        "Post the job on Job Bank and record its job number, or write down why another board "
        f"replaces it under {field('job_bank_alternative_rationale')}.",
    )


@rule(
    "REC-ADDL-2",
    title="At least two additional recruitment methods",
    severity=ERROR,
    area=AREA,
    citation=src.S34,
    streams=HW | LW | AG,
    applies="HW, LW; AG from 2026-01-01",
    effective_from=JOB_BANK_MANDATORY,
    evidence="dated proof of each additional advertisement (screenshot, tear sheet or invoice)",
)
def too_few_additional_methods(ctx: Context) -> Iterator[Hit]:
    """Besides Job Bank, at least two additional recruitment methods are needed.

    For the agricultural stream this applies from 2026-01-01, when advertising was reinstated.
    """
    if ctx.group == "AG" and ctx.d < AG_READVERTISING:
        return
    count = len(ctx.additional)
    if count >= 2:
        return
    used = [METHOD_WORDS[a.method] for _, a in ctx.additional]
    named = f" ({listing(used)})" if used else ""
    yield Hit(
        "recruitment",
        f"Only {plural(count, 'additional recruitment method')} besides Job Bank{named}; "
        "at least 2 are needed.",
        f"Advertise through {2 - count} more method{'s' if 2 - count > 1 else ''} suited to the "
        "occupation (e.g. an occupation-specific site, a professional association, a newspaper).",
    )


@rule(
    "REC-ADDL-TYPES",
    title="Additional methods of different types",
    severity=WARNING,
    area=AREA,
    citation=src.S42,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
)
def additional_methods_all_one_type(ctx: Context) -> Iterator[Hit]:
    """The additional methods should be of different types.

    Two general job boards count as one method under ESDC's internal directives.
    """
    if len(ctx.additional) < 2:
        return
    methods = {a.method for _, a in ctx.additional}
    if len(methods) >= 2:
        return
    (method,) = methods
    yield Hit(
        "recruitment",
        f"The {len(ctx.additional)} additional methods are all of one type "
        f"({METHOD_WORDS[method]}); an officer may count them as one.",
        "Add a method of a different type (e.g. a professional association, a newspaper or an "
        "occupation-specific site).",
    )


@rule(
    "REC-NATIONAL",
    title="An additional method national in scope",
    severity=ERROR,
    area=AREA,
    citation=src.S38,
    streams=HW,
    applies="HW",
    evidence="screenshot of the national posting showing it can be found from anywhere in Canada",
)
def no_national_method(ctx: Context) -> Iterator[Hit]:
    """At least one additional method must be national in scope (high-wage and PR-only)."""
    if any(a.national for _, a in ctx.additional):
        return
    yield Hit(
        "recruitment",
        f"None of the {plural(len(ctx.additional), 'additional method')} is national in scope.",
        "Advertise on a site where a job seeker anywhere in Canada can find the job in one place, "
        f"and tick {field('is_national')} for that activity.",
    )


@rule(
    "REC-URG-2",
    title="Two under-represented groups targeted",
    severity=ERROR,
    area=AREA,
    citation=src.S46,
    streams=LW | AG,
    applies="LW; AG from 2026-01-01",
    effective_from=JOB_BANK_MANDATORY,
    evidence="dated proof of each ad aimed at an under-represented group",
)
def too_few_underrepresented_groups(ctx: Context) -> Iterator[Hit]:
    """Two different additional activities must target two different under-represented groups.

    Groups: Indigenous persons, vulnerable youth, newcomers, persons with disabilities, and
    (when D is on or after 2024-05-01) asylum claimants with work permits.
    """
    if ctx.group == "AG" and ctx.d < AG_READVERTISING:
        return
    asylum_counts = ctx.d >= ASYLUM_CLAIMANTS_FROM
    targeted: list[tuple[int, frozenset[str]]] = []
    ignored_asylum = False
    for index, activity in ctx.additional:
        groups = set(activity.target_groups or ())
        if not asylum_counts and "asylum_claimants" in groups:
            groups.discard("asylum_claimants")
            ignored_asylum = True
        if groups:
            targeted.append((index, frozenset(groups)))
    every_group = frozenset().union(*(groups for _, groups in targeted))
    # Two distinct activities matched to two distinct groups exist unless one activity or one
    # group covers every pairing (König: a matching of size 2 needs no cover of size 1).
    if len(targeted) >= 2 and len(every_group) >= 2:
        return
    needs = f"{_group_label(ctx)} positions need two activities aimed at two different groups"
    note = f" (asylum claimants count only from {ASYLUM_CLAIMANTS_FROM})" if ignored_asylum else ""
    if not targeted:
        message = f"No additional recruitment activity targets an under-represented group{note}; "
    elif len(every_group) == 1:
        (group,) = every_group
        message = f"Only one under-represented group was targeted ({GROUP_WORDS[group]}){note}; "
    else:
        index, groups = targeted[0]
        names = listing(sorted(GROUP_WORDS[g] for g in groups))
        message = (
            f"Only one activity, {describe_activity(ctx.activities[index])}, targets "
            f"under-represented groups ({names}){note}; "
        )
    counted = [g for g in GROUP_LABELS if asylum_counts or g != "asylum_claimants"]
    # Suggest only the groups nobody targets yet: any of them makes a valid second activity.
    others = [GROUP_LABELS[g] for g in counted if g not in every_group]
    if not targeted:
        fix = (
            "Add two recruitment activities aimed at two different groups, choosing them under "
            f"{field('target_groups')} from {_either(others)}."
        )
    elif others:
        fix = (
            "Add a recruitment activity aimed at another group, one not yet targeted, choosing "
            f"it under {field('target_groups')}: {_either(others)}."
        )
    else:
        fix = (
            "Add a second recruitment activity aimed at one of the groups, so that two "
            "activities reach two different groups."
        )
    yield Hit("recruitment", message + needs + ".", fix)


def _either(items: list[str]) -> str:
    """Join as "A", "A or B", "A, B or C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def describe_activity(activity: Activity) -> str:
    """How a message names an activity: its ad for a posting, the event otherwise."""
    return activity_label(activity) if activity.kind == "posting" else event_label(activity)


@rule(
    "REC-DURATION-4W",
    title="Each posting ran 4 weeks",
    severity=ERROR,
    area=AREA,
    citation=src.S35,
    streams=HW | LW,
    applies="HW, LW",
    evidence="screenshots of the posting dated on its first and last day",
)
def posting_ran_fewer_than_28_days(ctx: Context) -> Iterator[Hit]:
    """Every posting must have run at least 28 days before the submission date.

    Counted from its start to the earlier of its end and the day before submission, inclusive.
    """
    for index, posting in ctx.postings:
        ran = ctx.days_ran(posting)
        if ran >= FOUR_WEEKS:
            continue
        assert posting.start is not None
        earliest = posting.start + timedelta(days=FOUR_WEEKS)
        ended_early = posting.end is not None and posting.end < earliest - timedelta(days=1)
        label = activity_label(posting)
        yield Hit(
            f"recruitment[{index}]",
            f"{label[0].upper()}{label[1:]} ran {plural(ran, 'day')} before {ctx.d}; "
            f"at least {FOUR_WEEKS} are needed.",
            (
                f"It ended on {posting.end}: advertise again for at least {FOUR_WEEKS} "
                "consecutive days before filing."
                if ended_early
                else f"Keep it running and file on {earliest} or later."
            ),
        )


@rule(
    "REC-AG-14D",
    title="Agricultural Job Bank posting ran 14 days",
    severity=ERROR,
    area=AREA,
    citation=src.S41,
    streams=AG,
    applies="AG, not exempt",
    evidence="screenshots of the Job Bank posting dated on its first and last day",
)
def agricultural_job_bank_under_14_days(ctx: Context) -> Iterator[Hit]:
    """An agricultural Job Bank posting must have run at least 14 days before submission.

    Silent when there is no Job Bank posting at all (REC-JOBBANK reports that).
    """
    if not ctx.job_bank_postings:
        return
    longest = max(ctx.days_ran(a) for _, a in ctx.job_bank_postings)
    if longest >= AG_DAYS:
        return
    yield Hit(
        "recruitment",
        f"The longest Job Bank posting ran {plural(longest, 'day')} before {ctx.d}; "
        f"agricultural positions need at least {AG_DAYS}.",
        f"Keep the Job Bank posting up for at least {AG_DAYS} consecutive days before filing.",
    )


@rule(
    "REC-WINDOW-3M",
    title="Advertising within the 3 months before submission",
    severity=ERROR,
    area=AREA,
    citation=src.S35,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
    evidence="dated screenshots showing when each ad ran",
)
def advertising_outside_three_months(ctx: Context) -> Iterator[Hit]:
    """The qualifying run must fall within the 3 months before submission (window W).

    A posting that ran long enough (28 days; agricultural 14) must have that many days inside
    W = [D − 3 months, D − 1]; an event must be dated inside W. One finding per activity.
    """
    needed = AG_DAYS if ctx.group == "AG" else FOUR_WEEKS
    window = f"{ctx.window_start} to {ctx.day_before}"
    for index, posting in ctx.postings:
        if ctx.days_ran(posting) < needed:
            continue
        inside = ctx.days_in_window(posting)
        if inside >= needed:
            continue
        label = activity_label(posting)
        yield Hit(
            f"recruitment[{index}]",
            f"{label[0].upper()}{label[1:]} ran {plural(ctx.days_ran(posting), 'day')}, but only "
            f"{inside} of them fall within the 3 months before submission ({window}); "
            f"at least {needed} are needed.",
            f"Advertise again so that at least {needed} days of the posting fall within the "
            "3 months before you file.",
        )
    for index, event in ctx.events:
        assert event.date is not None
        if ctx.in_window(event.date):
            continue
        label = event_label(event)
        yield Hit(
            f"recruitment[{index}]",
            f"{label[0].upper()}{label[1:]} on {event.date} is outside the 3 months before "
            f"submission ({window}).",
            "Hold the event again within the 3 months before filing, or do not rely on it.",
        )


@rule(
    "REC-ONGOING",
    title="A posting still running on the submission date",
    severity=ERROR,
    area=AREA,
    citation=src.S35,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
    evidence="screenshot of the posting live on the submission date",
)
def no_posting_running_at_submission(ctx: Context) -> Iterator[Hit]:
    """At least one posting must still be running on the submission date.

    A posting with start ≤ D and no end, or an end on or after D. It must stay up until ESDC
    decides.
    """
    for _, posting in ctx.postings:
        assert posting.start is not None
        if posting.start <= ctx.d and (posting.end is None or posting.end >= ctx.d):
            return
    ends = [a.end for _, a in ctx.postings if a.end is not None and a.end < ctx.d]
    last = f" (the last one ended on {max(ends)})" if ends else ""
    yield Hit(
        "recruitment",
        f"No posting is running on the submission date {ctx.d}{last}; at least one must stay "
        "up until ESDC decides.",
        "Keep at least one posting (ideally the Job Bank one) running on and after the submission "
        "date, until the LMIA decision.",
    )


def _job_match_applies(ctx: Context) -> bool:
    return bool(ctx.job_bank_postings)


@rule(
    "REC-JOBMATCH",
    title="Job Match used and qualified matches invited",
    severity=ERROR,
    area=AREA,
    citation=src.S37,
    streams=HW | LW | AG,
    applies="HW, LW, AG with a Job Bank posting",
    effective_from=JOB_BANK_MANDATORY,
    evidence="the Job Match invitation record (each match with its stars and invitation date)",
)
def job_match_not_used_or_not_invited(ctx: Context) -> Iterator[Hit]:
    """Job Match must be used, and every qualified match from the first 30 days invited.

    Qualified: 4 stars or more for high-wage, 2 or more for low-wage and agricultural, first seen
    from S to S + 29 (S: the Job Bank posting's start). Each needs an invitation dated before D.
    """
    if not _job_match_applies(ctx):
        return
    job_match = ctx.case.job_match
    if job_match is None:
        yield Hit(
            "recruitment",
            "There is no Job Match record for the Job Bank posting; Job Match must be used and "
            "qualified matches invited.",
            "Turn on Job Match for the posting and record every match with its stars and the "
            "date you invited it.",
        )
        return
    stars = 4 if ctx.group == "HW" else 2
    start = ctx.job_bank_start
    assert start is not None
    last = start + timedelta(days=JOB_MATCH_DAYS - 1)
    missed = [
        f"the one first seen on {match.first_seen} ({match.stars} stars"
        + (f", invited on {match.invited_on}" if match.invited_on is not None else "")
        + ")"
        for match in job_match.matches
        if match.stars >= stars
        and start <= match.first_seen <= last
        and (match.invited_on is None or match.invited_on >= ctx.d)
    ]
    if not missed:
        return
    yield Hit(
        "recruitment",
        f"{plural(len(missed), 'Job Match candidate')} rated {stars} stars or more and first seen "
        f"in the first {JOB_MATCH_DAYS} days of the Job Bank posting ({start} to {last}) "
        f"{'was' if len(missed) == 1 else 'were'} not invited before {ctx.d}: {listing(missed)}.",
        "Invite every such match through Job Bank before filing and record the date under "
        f"{field('invited_on')}; if the 30 days are over, advertise again and invite matches "
        "in time.",
    )


@rule(
    "REC-JOBMATCH-MODE",
    title="Job Match in default mode",
    severity=WARNING,
    area=AREA,
    citation=src.S36,
    streams=HW | LW | AG,
    applies="HW, LW, AG with a Job Bank posting",
    effective_from=JOB_BANK_MANDATORY,
)
def job_match_in_strict_mode(ctx: Context) -> Iterator[Hit]:
    """Job Match should run in its "default" matching mode, not "strict"."""
    if not _job_match_applies(ctx):
        return
    job_match = ctx.case.job_match
    if job_match is not None and job_match.mode == "strict":
        yield Hit(
            "recruitment",
            "Job Match was set to strict mode; ESDC expects the default mode, which shows more "
            "candidates.",
            "Switch Job Match to default mode and invite the qualified matches it shows.",
        )


@rule(
    "REC-DIRECTAPPLY",
    title="Job Bank Direct Apply enabled and résumés downloaded",
    severity=ERROR,
    area=AREA,
    citation=src.S51,
    streams=HW | LW | AG,
    applies="HW, LW, AG with a Job Bank posting",
    effective_from=DIRECT_APPLY_FROM,
    evidence="Job Bank Direct Apply settings and the résumé download history",
)
def direct_apply_off_or_resumes_ignored(ctx: Context) -> Iterator[Hit]:
    """Direct Apply must stay enabled and its résumés be downloaded within 21 days.

    Checks every Job Bank posting (Direct Apply enabled for the whole posting) and every applicant
    who came through one by Direct Apply.
    """
    job_bank_ids = set()
    for index, posting in ctx.job_bank_postings:
        job_bank_ids.add(posting.id)
        if posting.direct_apply is not True:
            state = "was turned off" if posting.direct_apply is False else "is not recorded"
            yield Hit(
                f"recruitment[{index}]",
                f"Direct Apply {state} for the Job Bank posting; it must be enabled for the whole "
                "posting.",
                "Enable Direct Apply on the Job Bank posting and keep it on until the decision; "
                "if it was off, advertise again with it on.",
            )
    for index, applicant in enumerate(ctx.case.applicants):
        if applicant.source not in job_bank_ids or applicant.channel != "direct_apply":
            continue
        downloaded = applicant.resume_downloaded_on
        applied = applicant.applied_on
        if downloaded is None:
            waited = (ctx.d - applied).days
            if waited <= DIRECT_APPLY_DAYS:
                continue
            message = (
                f"The résumé of {applicant.name}, who applied by Direct Apply on {applied}, was "
                f"not downloaded in the {waited} days before {ctx.d}; Job Bank expects it within "
                f"{DIRECT_APPLY_DAYS}."
            )
        else:
            delay = (downloaded - applied).days
            if delay <= DIRECT_APPLY_DAYS:
                continue
            message = (
                f"The résumé of {applicant.name} was downloaded {delay} days after they applied "
                f"by Direct Apply ({applied} to {downloaded}); at most {DIRECT_APPLY_DAYS} are "
                "allowed."
            )
        yield Hit(
            f"applicants[{index}]",
            message,
            "Download and assess every Direct Apply résumé within 21 days of the application, "
            "and record the date.",
        )


@rule(
    "REC-RESULTS",
    title="A reason for every local applicant not hired",
    severity=ERROR,
    area=AREA,
    citation=src.S121,
    streams=ALL_STREAMS,
    applies="all",
    evidence="the recruitment results table with each applicant's reason",
)
def local_applicant_without_reason(ctx: Context) -> Iterator[Hit]:
    """Every Canadian, permanent resident or authorized applicant not hired needs a reason.

    A reason ("Why not hired"), and words ("The reason in your words") when it is "Other".
    """
    for index, applicant in ctx.local_applicants:
        if applicant.hired is True:
            continue
        if applicant.reason_code is None:
            problem = "no reason is recorded"
            fix = (
                f"Choose the specific reason under {field('reason_code')} (e.g. "
                f"{choice(REASON_LABELS['lacks_experience'])} or "
                f"{choice(REASON_LABELS['declined_offer'])}) and describe it under "
                f"{field('reason_detail')}."
            )
        elif applicant.reason_code == "other" and blank(applicant.reason_detail):
            problem = 'the reason is "Other" with no explanation'
            fix = (
                f"Describe the reason under {field('reason_detail')}, or choose a more specific "
                f"one under {field('reason_code')}."
            )
        else:
            continue
        yield Hit(
            f"applicants[{index}]",
            f"{applicant.name} ({STATUS_WORDS[applicant.status]}) was not hired and {problem}.",
            fix,
        )
