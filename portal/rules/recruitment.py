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
from portal.rules.phrase import Capitalised, Joined, phrase, plural_phrase
from portal.rules.registry import AG, ALL_STREAMS, ERROR, HW, INFO, LW, WARNING, Hit, rule
from portal.rules.text import blank, listing
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
    "indigenous": phrase("Indigenous persons"),
    "vulnerable_youth": phrase("vulnerable youth"),
    "newcomers": phrase("newcomers"),
    "persons_with_disabilities": phrase("persons with disabilities"),
    "asylum_claimants": phrase("asylum claimants with work permits"),
}
STATUS_WORDS = {
    "citizen": phrase("citizen"),
    "permanent_resident": phrase("permanent resident"),
    "authorized": phrase("authorized to work in Canada"),
}


def _groups_needed(ctx: Context) -> str:
    """What REC-URG-2 asks of the position's group, in a sentence's second half."""
    if ctx.group == "LW":
        return phrase("low-wage positions need two activities aimed at two different groups")
    if ctx.group == "AG":
        return phrase("agricultural positions need two activities aimed at two different groups")
    if ctx.group == "HW":
        return phrase("high-wage positions need two activities aimed at two different groups")
    return phrase("these positions need two activities aimed at two different groups")


@rule(
    "REC-EXEMPT",
    title=phrase("Position exempt from minimum advertising"),
    severity=INFO,
    area=AREA,
    citation=src.S59,
    streams=ALL_STREAMS,
    applies="all",
    evidence=phrase(
        "proof that the exemption applies (e.g. the Québec facilitated list entry or the "
        "ESDC variation relied on)"
    ),
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
            phrase(
                "This position is exempt from the minimum advertising requirements: "
                "%(reasons)s. The other recruitment checks are skipped; recruitment results are "
                "still checked.",
                reasons=Joined(ctx.exempt_reasons, "; "),
            ),
            phrase("Keep the proof of the exemption and a summary of any recruitment you did."),
        )


@rule(
    "REC-JOBBANK",
    title=phrase("Job Bank posting or written rationale"),
    severity=ERROR,
    area=AREA,
    citation=src.S12,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
    effective_from=JOB_BANK_MANDATORY,
    evidence=phrase("dated screenshot of the Job Bank posting showing the job number"),
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
    yield Hit(
        "recruitment",
        (
            plural_phrase(
                "None of the %(num)d recruitment activity is on Job Bank, and no written "
                "rationale for an alternative to Job Bank is given.",
                "None of the %(num)d recruitment activities is on Job Bank, and no written "
                "rationale for an alternative to Job Bank is given.",
                count,
            )
            if count
            else phrase(
                "No recruitment is recorded, and no written rationale for an alternative to Job "
                "Bank is given."
            )
        ),
        phrase(
            "Post the job on Job Bank and record its job number, or write down why another "
            "board replaces it under %(field)s.",
            field=field("job_bank_alternative_rationale"),
        ),
    )


@rule(
    "REC-ADDL-2",
    title=phrase("At least two additional recruitment methods"),
    severity=ERROR,
    area=AREA,
    citation=src.S34,
    streams=HW | LW | AG,
    applies="HW, LW; AG from 2026-01-01",
    effective_from=JOB_BANK_MANDATORY,
    evidence=phrase(
        "dated proof of each additional advertisement (screenshot, tear sheet or invoice)"
    ),
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
    yield Hit(
        "recruitment",
        (
            plural_phrase(
                "Only %(num)d additional recruitment method besides Job Bank (%(methods)s); at "
                "least 2 are needed.",
                "Only %(num)d additional recruitment methods besides Job Bank (%(methods)s); at "
                "least 2 are needed.",
                count,
                methods=listing(used),
            )
            if used
            else plural_phrase(
                "Only %(num)d additional recruitment method besides Job Bank; at least 2 are "
                "needed.",
                "Only %(num)d additional recruitment methods besides Job Bank; at least 2 are "
                "needed.",
                count,
            )
        ),
        plural_phrase(
            "Advertise through %(num)d more method suited to the occupation (e.g. an "
            "occupation-specific site, a professional association, a newspaper).",
            "Advertise through %(num)d more methods suited to the occupation (e.g. an "
            "occupation-specific site, a professional association, a newspaper).",
            2 - count,
        ),
    )


@rule(
    "REC-ADDL-TYPES",
    title=phrase("Additional methods of different types"),
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
        phrase(
            "The %(count)s additional methods are all of one type (%(method)s); an officer may "
            "count them as one.",
            count=len(ctx.additional),
            method=METHOD_WORDS[method],
        ),
        phrase(
            "Add a method of a different type (e.g. a professional association, a newspaper or "
            "an occupation-specific site)."
        ),
    )


@rule(
    "REC-NATIONAL",
    title=phrase("An additional method national in scope"),
    severity=ERROR,
    area=AREA,
    citation=src.S38,
    streams=HW,
    applies="HW",
    evidence=phrase(
        "screenshot of the national posting showing it can be found from anywhere in Canada"
    ),
)
def no_national_method(ctx: Context) -> Iterator[Hit]:
    """At least one additional method must be national in scope (high-wage and PR-only)."""
    if any(a.national for _, a in ctx.additional):
        return
    yield Hit(
        "recruitment",
        plural_phrase(
            "None of the %(num)d additional method is national in scope.",
            "None of the %(num)d additional methods is national in scope.",
            len(ctx.additional),
        ),
        phrase(
            "Advertise on a site where a job seeker anywhere in Canada can find the job in one "
            "place, and tick %(field)s for that activity.",
            field=field("is_national"),
        ),
    )


@rule(
    "REC-URG-2",
    title=phrase("Two under-represented groups targeted"),
    severity=ERROR,
    area=AREA,
    citation=src.S46,
    streams=LW | AG,
    applies="LW; AG from 2026-01-01",
    effective_from=JOB_BANK_MANDATORY,
    evidence=phrase("dated proof of each ad aimed at an under-represented group"),
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
    needs = _groups_needed(ctx)
    note = (
        phrase(" (asylum claimants count only from %(date)s)", date=ASYLUM_CLAIMANTS_FROM)
        if ignored_asylum
        else ""
    )
    if not targeted:
        message = phrase(
            "No additional recruitment activity targets an under-represented group%(note)s; "
            "%(needs)s.",
            note=note,
            needs=needs,
        )
    elif len(every_group) == 1:
        (group,) = every_group
        message = phrase(
            "Only one under-represented group was targeted (%(group)s)%(note)s; %(needs)s.",
            group=GROUP_WORDS[group],
            note=note,
            needs=needs,
        )
    else:
        index, groups = targeted[0]
        message = phrase(
            "Only one activity, %(activity)s, targets under-represented groups "
            "(%(groups)s)%(note)s; %(needs)s.",
            activity=describe_activity(ctx.activities[index]),
            groups=listing(sorted(GROUP_WORDS[g] for g in groups)),
            note=note,
            needs=needs,
        )
    counted = [g for g in GROUP_LABELS if asylum_counts or g != "asylum_claimants"]
    # Suggest only the groups nobody targets yet: any of them makes a valid second activity.
    others = [GROUP_LABELS[g] for g in counted if g not in every_group]
    if not targeted:
        fix = phrase(
            "Add two recruitment activities aimed at two different groups, choosing them under "
            "%(field)s from %(groups)s.",
            field=field("target_groups"),
            groups=_either(others),
        )
    elif others:
        fix = phrase(
            "Add a recruitment activity aimed at another group, one not yet targeted, choosing "
            "it under %(field)s: %(groups)s.",
            field=field("target_groups"),
            groups=_either(others),
        )
    else:
        fix = phrase(
            "Add a second recruitment activity aimed at one of the groups, so that two "
            "activities reach two different groups."
        )
    yield Hit("recruitment", message, fix)


def _either(items: list[str]) -> str:
    """Join as "A", "A or B", "A, B or C"."""
    if len(items) <= 1:
        return items[0] if items else ""
    return phrase("%(items)s or %(last)s", items=Joined(items[:-1], ", "), last=items[-1])


def _days(count: int) -> str:
    return plural_phrase("%(num)d day", "%(num)d days", count)


def describe_activity(activity: Activity) -> str:
    """How a message names an activity: its ad for a posting, the event otherwise."""
    return activity_label(activity) if activity.kind == "posting" else event_label(activity)


@rule(
    "REC-DURATION-4W",
    title=phrase("Each posting ran 4 weeks"),
    severity=ERROR,
    area=AREA,
    citation=src.S35,
    streams=HW | LW,
    applies="HW, LW",
    evidence=phrase("screenshots of the posting dated on its first and last day"),
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
        yield Hit(
            f"recruitment[{index}]",
            phrase(
                "%(ad)s ran %(days)s before %(date)s; at least %(needed)s are needed.",
                ad=Capitalised(activity_label(posting)),
                days=_days(ran),
                date=ctx.d,
                needed=FOUR_WEEKS,
            ),
            (
                phrase(
                    "It ended on %(end)s: advertise again for at least %(needed)s consecutive "
                    "days before filing.",
                    end=posting.end,
                    needed=FOUR_WEEKS,
                )
                if ended_early
                else phrase("Keep it running and file on %(date)s or later.", date=earliest)
            ),
        )


@rule(
    "REC-AG-14D",
    title=phrase("Agricultural Job Bank posting ran 14 days"),
    severity=ERROR,
    area=AREA,
    citation=src.S41,
    streams=AG,
    applies="AG, not exempt",
    evidence=phrase("screenshots of the Job Bank posting dated on its first and last day"),
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
        phrase(
            "The longest Job Bank posting ran %(days)s before %(date)s; agricultural positions "
            "need at least %(needed)s.",
            days=_days(longest),
            date=ctx.d,
            needed=AG_DAYS,
        ),
        phrase(
            "Keep the Job Bank posting up for at least %(needed)s consecutive days before filing.",
            needed=AG_DAYS,
        ),
    )


@rule(
    "REC-WINDOW-3M",
    title=phrase("Advertising within the 3 months before submission"),
    severity=ERROR,
    area=AREA,
    citation=src.S35,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
    evidence=phrase("dated screenshots showing when each ad ran"),
)
def advertising_outside_three_months(ctx: Context) -> Iterator[Hit]:
    """The qualifying run must fall within the 3 months before submission (window W).

    A posting that ran long enough (28 days; agricultural 14) must have that many days inside
    W = [D − 3 months, D − 1]; an event must be dated inside W. One finding per activity.
    """
    needed = AG_DAYS if ctx.group == "AG" else FOUR_WEEKS
    window = phrase("%(start)s to %(end)s", start=ctx.window_start, end=ctx.day_before)
    for index, posting in ctx.postings:
        if ctx.days_ran(posting) < needed:
            continue
        inside = ctx.days_in_window(posting)
        if inside >= needed:
            continue
        yield Hit(
            f"recruitment[{index}]",
            phrase(
                "%(ad)s ran %(days)s, but only %(inside)s of them fall within the 3 months "
                "before submission (%(window)s); at least %(needed)s are needed.",
                ad=Capitalised(activity_label(posting)),
                days=_days(ctx.days_ran(posting)),
                inside=inside,
                window=window,
                needed=needed,
            ),
            phrase(
                "Advertise again so that at least %(needed)s days of the posting fall within "
                "the 3 months before you file.",
                needed=needed,
            ),
        )
    for index, event in ctx.events:
        assert event.date is not None
        if ctx.in_window(event.date):
            continue
        yield Hit(
            f"recruitment[{index}]",
            phrase(
                "%(event)s on %(date)s is outside the 3 months before submission (%(window)s).",
                event=Capitalised(event_label(event)),
                date=event.date,
                window=window,
            ),
            phrase("Hold the event again within the 3 months before filing, or do not rely on it."),
        )


@rule(
    "REC-ONGOING",
    title=phrase("A posting still running on the submission date"),
    severity=ERROR,
    area=AREA,
    citation=src.S35,
    streams=HW | LW | AG,
    applies="HW, LW, AG",
    evidence=phrase("screenshot of the posting live on the submission date"),
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
    yield Hit(
        "recruitment",
        (
            phrase(
                "No posting is running on the submission date %(date)s (the last one ended on "
                "%(last)s); at least one must stay up until ESDC decides.",
                date=ctx.d,
                last=max(ends),
            )
            if ends
            else phrase(
                "No posting is running on the submission date %(date)s; at least one must stay "
                "up until ESDC decides.",
                date=ctx.d,
            )
        ),
        phrase(
            "Keep at least one posting (ideally the Job Bank one) running on and after the "
            "submission date, until the LMIA decision."
        ),
    )


def _job_match_applies(ctx: Context) -> bool:
    return bool(ctx.job_bank_postings)


@rule(
    "REC-JOBMATCH",
    title=phrase("Job Match used and qualified matches invited"),
    severity=ERROR,
    area=AREA,
    citation=src.S37,
    streams=HW | LW | AG,
    applies="HW, LW, AG with a Job Bank posting",
    effective_from=JOB_BANK_MANDATORY,
    evidence=phrase(
        "the Job Match invitation record (each match with its stars and invitation date)"
    ),
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
            phrase(
                "There is no Job Match record for the Job Bank posting; Job Match must be used "
                "and qualified matches invited."
            ),
            phrase(
                "Turn on Job Match for the posting and record every match with its stars and the "
                "date you invited it."
            ),
        )
        return
    stars = 4 if ctx.group == "HW" else 2
    start = ctx.job_bank_start
    assert start is not None
    last = start + timedelta(days=JOB_MATCH_DAYS - 1)
    missed = [
        (
            phrase(
                "the one first seen on %(seen)s (%(stars)s stars, invited on %(invited)s)",
                seen=match.first_seen,
                stars=match.stars,
                invited=match.invited_on,
            )
            if match.invited_on is not None
            else phrase(
                "the one first seen on %(seen)s (%(stars)s stars)",
                seen=match.first_seen,
                stars=match.stars,
            )
        )
        for match in job_match.matches
        if match.stars >= stars
        and start <= match.first_seen <= last
        and (match.invited_on is None or match.invited_on >= ctx.d)
    ]
    if not missed:
        return
    yield Hit(
        "recruitment",
        plural_phrase(
            "%(num)d Job Match candidate rated %(stars)s stars or more and first seen in the "
            "first %(days)s days of the Job Bank posting (%(start)s to %(last)s) was not invited "
            "before %(date)s: %(missed)s.",
            "%(num)d Job Match candidates rated %(stars)s stars or more and first seen in the "
            "first %(days)s days of the Job Bank posting (%(start)s to %(last)s) were not "
            "invited before %(date)s: %(missed)s.",
            len(missed),
            stars=stars,
            days=JOB_MATCH_DAYS,
            start=start,
            last=last,
            date=ctx.d,
            missed=listing(missed),
        ),
        phrase(
            "Invite every such match through Job Bank before filing and record the date under "
            "%(field)s; if the 30 days are over, advertise again and invite matches in time.",
            field=field("invited_on"),
        ),
    )


@rule(
    "REC-JOBMATCH-MODE",
    title=phrase("Job Match in default mode"),
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
            phrase(
                "Job Match was set to strict mode; ESDC expects the default mode, which shows "
                "more candidates."
            ),
            phrase("Switch Job Match to default mode and invite the qualified matches it shows."),
        )


@rule(
    "REC-DIRECTAPPLY",
    title=phrase("Job Bank Direct Apply enabled and résumés downloaded"),
    severity=ERROR,
    area=AREA,
    citation=src.S51,
    streams=HW | LW | AG,
    applies="HW, LW, AG with a Job Bank posting",
    effective_from=DIRECT_APPLY_FROM,
    evidence=phrase("Job Bank Direct Apply settings and the résumé download history"),
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
            yield Hit(
                f"recruitment[{index}]",
                (
                    phrase(
                        "Direct Apply was turned off for the Job Bank posting; it must be "
                        "enabled for the whole posting."
                    )
                    if posting.direct_apply is False
                    else phrase(
                        "Direct Apply is not recorded for the Job Bank posting; it must be "
                        "enabled for the whole posting."
                    )
                ),
                phrase(
                    "Enable Direct Apply on the Job Bank posting and keep it on until the "
                    "decision; if it was off, advertise again with it on."
                ),
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
            message = phrase(
                "The résumé of %(name)s, who applied by Direct Apply on %(applied)s, was not "
                "downloaded in the %(waited)s days before %(date)s; Job Bank expects it within "
                "%(limit)s.",
                name=applicant.name,
                applied=applied,
                waited=waited,
                date=ctx.d,
                limit=DIRECT_APPLY_DAYS,
            )
        else:
            delay = (downloaded - applied).days
            if delay <= DIRECT_APPLY_DAYS:
                continue
            message = phrase(
                "The résumé of %(name)s was downloaded %(delay)s days after they applied by "
                "Direct Apply (%(applied)s to %(downloaded)s); at most %(limit)s are allowed.",
                name=applicant.name,
                delay=delay,
                applied=applied,
                downloaded=downloaded,
                limit=DIRECT_APPLY_DAYS,
            )
        yield Hit(
            f"applicants[{index}]",
            message,
            phrase(
                "Download and assess every Direct Apply résumé within 21 days of the "
                "application, and record the date."
            ),
        )


@rule(
    "REC-RESULTS",
    title=phrase("A reason for every local applicant not hired"),
    severity=ERROR,
    area=AREA,
    citation=src.S121,
    streams=ALL_STREAMS,
    applies="all",
    evidence=phrase("the recruitment results table with each applicant's reason"),
)
def local_applicant_without_reason(ctx: Context) -> Iterator[Hit]:
    """Every Canadian, permanent resident or authorized applicant not hired needs a reason.

    A reason ("Why not hired"), and words ("The reason in your words") when it is "Other".
    """
    for index, applicant in ctx.local_applicants:
        if applicant.hired is True:
            continue
        if applicant.reason_code is None:
            problem = phrase("no reason is recorded")
            fix = phrase(
                "Choose the specific reason under %(reason_field)s (e.g. %(first)s or "
                "%(second)s) and describe it under %(detail_field)s.",
                reason_field=field("reason_code"),
                first=choice(REASON_LABELS["lacks_experience"]),
                second=choice(REASON_LABELS["declined_offer"]),
                detail_field=field("reason_detail"),
            )
        elif applicant.reason_code == "other" and blank(applicant.reason_detail):
            problem = phrase(
                "the reason is %(other)s with no explanation", other=choice(REASON_LABELS["other"])
            )
            fix = phrase(
                "Describe the reason under %(detail_field)s, or choose a more specific one under "
                "%(reason_field)s.",
                detail_field=field("reason_detail"),
                reason_field=field("reason_code"),
            )
        else:
            continue
        yield Hit(
            f"applicants[{index}]",
            phrase(
                "%(name)s (%(status)s) was not hired and %(problem)s.",
                name=applicant.name,
                status=STATUS_WORDS[applicant.status],
                problem=problem,
            ),
            fix,
        )
