"""What every rule reads: the case, the dates D and T, the window W and derived facts.

The conventions of ``rules.md`` ("Conventions every rule uses") live here, once:
D (submission date, else the as-of date T), the 3-month window W, inclusive day counts,
additional methods, local applicants, stream groups, exemption from advertising, hourly wages
and the prevailing wage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Protocol

from dateutil.relativedelta import relativedelta

from portal.cases.model import Activity, Applicant, Case, Offer, Wage, Worker
from portal.cases.wages import hourly_fraction, monthly_gross
from portal.rules.phrase import Phrase, phrase
from portal.rules.text import blank, money

LOCAL_STATUSES = frozenset({"citizen", "permanent_resident", "authorized"})
STREAM_GROUPS = {
    "high_wage": "HW",
    "pr_only": "HW",
    "low_wage": "LW",
    "agricultural": "AG",
    "global_talent": "GTS",
}
AG_SUSPENSION = (date(2022, 1, 12), date(2025, 12, 31))

METHOD_WORDS = {
    "job_bank": phrase("Job Bank"),
    "job_board": phrase("job board"),
    "occupation_site": phrase("occupation-specific site"),
    "newspaper": phrase("newspaper"),
    "professional_association": phrase("professional association"),
    "union": phrase("union"),
    "community_organization": phrase("community organization"),
    "underrepresented_group_org": phrase("under-represented group organization"),
    "employment_centre": phrase("employment centre"),
    "job_fair": phrase("job fair"),
    "recruitment_agency": phrase("recruitment agency"),
    "internal": phrase("internal"),
    "social_media": phrase("social media"),
    "other": phrase("other"),
}


class _Amount(Protocol):
    hourly: Decimal


class _Cma(Protocol):
    status: str  # refused | not_listed | unknown
    period_from: date | None
    period_to: date | None
    unemployment_rate: Decimal | None  # None: not loaded or not given by the source


class Reference(Protocol):
    """The part of ``portal.reference.labour_market.LabourMarketData`` the rules use."""

    version: str

    def noc(self, code: str) -> object | None: ...

    def wage_threshold(self, province: str, day: date) -> _Amount | None: ...

    def prevailing_wage(
        self, noc: str, economic_region: str | None, province: str
    ) -> _Amount | None: ...

    def cma_refusal(self, cma: str, day: date, province: str | None = None) -> _Cma: ...


@dataclass(frozen=True)
class Prevailing:
    """The prevailing wage the rules compare with, and which figure it is.

    ``basis`` is ``"job_bank"`` or ``"declared"`` (the case's own figure); ``source`` says so in
    words for a message, naming the other figure when there is one.
    """

    hourly: Fraction
    source: str
    basis: str


@dataclass(frozen=True)
class OfferOf:
    """One job offer as the per-offer rules see it: its subject, and the facts the worker's
    record supplies when the offer leaves them out (``lmia-case/2``).

    ``subject`` is ``offer`` (v1) or ``workers[i].offer`` (v2). ``worker_name``, ``language``
    and ``start_date`` are the offer's own, else the worker's name, preferred language and
    planned start date: the letter the portal writes prints those, so a v2 offer need not
    repeat them. ``words`` begins a message: "The offer" for a v1 case (its messages are
    unchanged), "Worker Amadou Diallo's offer" (or "Worker 2's offer") for v2, so the findings
    of a position with two workers say whose offer each is about.
    """

    subject: str
    offer: Offer
    worker: Worker | None
    worker_name: str | None
    language: str | None
    start_date: date | None
    owner: str  # "The" (v1) or "Worker Amadou Diallo's" (a Phrase)

    @property
    def words(self) -> Phrase:
        if self.worker is None:
            return phrase("The offer")
        return phrase("%(worker)s offer", worker=self.owner)


def _filled(text: str | None) -> str | None:
    return None if text is None or blank(text) else text


def offers_of(case: Case) -> tuple[OfferOf, ...]:
    """Every offer of the case, with its subject (``Case.offers``) and its worker's facts."""
    result = []
    for subject, offer in case.offers():
        worker = None
        if subject.startswith("workers["):
            index = int(subject[len("workers[") : subject.index("]")])
            worker = (case.workers or ())[index]
        if worker is None:
            result.append(
                OfferOf(
                    subject, offer, None, offer.worker_name, offer.language, offer.start_date, "The"
                )
            )
            continue
        name = _filled(offer.worker_name) or _filled(worker.name)
        # Messages name the worker as the portal lists them (their record), else as the offer does.
        known = _filled(worker.name) or name
        owner = (
            phrase("Worker %(name)s's", name=known.strip())
            if known
            else phrase("Worker %(number)s's", number=index + 1)
        )
        result.append(
            OfferOf(
                subject,
                offer,
                worker,
                name,
                offer.language or worker.language,
                offer.start_date or worker.planned_start_date,
                owner,
            )
        )
    return tuple(result)


def activity_label(activity: Activity) -> str:
    """How a message names an activity: "the Job Bank ad", "the Indeed ad (job_board)"."""
    if activity.method == "job_bank":
        return phrase("the Job Bank ad")
    words = METHOD_WORDS[activity.method]
    if activity.platform and not blank(activity.platform):
        return phrase(
            "the %(platform)s ad (%(method)s)", platform=activity.platform.strip(), method=words
        )
    return phrase("the %(method)s ad", method=words)


def event_label(activity: Activity) -> str:
    words = METHOD_WORDS[activity.method]
    if activity.platform and not blank(activity.platform):
        return phrase(
            "the %(platform)s event (%(method)s)", platform=activity.platform.strip(), method=words
        )
    return phrase("the %(method)s event", method=words)


class Context:
    """The case as the rules see it, "as of" a date, with reference data."""

    def __init__(self, case: Case, as_of: date, reference: Reference) -> None:
        self.case = case
        self.as_of = as_of
        self.reference = reference
        #: D, the submission date every effective date and date threshold is compared with.
        self.submission_date = case.submission_date or as_of
        position = case.position
        self.position = position
        self.stream = position.stream
        self.group = STREAM_GROUPS[position.stream]
        self.province = position.work_location.province
        self.naics = case.employer.naics or ""
        self.activities = case.recruitment
        self.postings: list[tuple[int, Activity]] = []
        self.events: list[tuple[int, Activity]] = []
        self.additional: list[tuple[int, Activity]] = []
        self.job_bank_postings: list[tuple[int, Activity]] = []
        self.activity_index: dict[str, int] = {}
        for index, activity in enumerate(case.recruitment):
            self.activity_index[activity.id] = index
            (self.postings if activity.kind == "posting" else self.events).append((index, activity))
            if activity.method != "job_bank":
                self.additional.append((index, activity))
            elif activity.kind == "posting":
                self.job_bank_postings.append((index, activity))
        self.local_applicants: list[tuple[int, Applicant]] = [
            (index, applicant)
            for index, applicant in enumerate(case.applicants)
            if applicant.status in LOCAL_STATUSES
        ]

    # --- dates ---------------------------------------------------------------------------------

    @property
    def d(self) -> date:
        return self.submission_date

    @cached_property
    def day_before(self) -> date:
        """D − 1, the last day a posting can count before submission."""
        return self.submission_date - timedelta(days=1)

    @cached_property
    def window_start(self) -> date:
        """First day of W = [D − 3 calendar months, D − 1] (relativedelta's month arithmetic)."""
        return self.submission_date - relativedelta(months=3)

    def days_ran(self, posting: Activity) -> int:
        """Days a posting ran before D: from S to min(E, D − 1), inclusive; 0 if none."""
        assert posting.start is not None
        last = self.day_before if posting.end is None else min(posting.end, self.day_before)
        return max(0, (last - posting.start).days + 1)

    def days_in_window(self, posting: Activity) -> int:
        """Days of the posting in W: [max(S, first day of W), min(E, D − 1)], inclusive."""
        assert posting.start is not None
        first = max(posting.start, self.window_start)
        last = self.day_before if posting.end is None else min(posting.end, self.day_before)
        return max(0, (last - first).days + 1)

    def in_window(self, day: date) -> bool:
        return self.window_start <= day <= self.day_before

    @cached_property
    def job_bank_start(self) -> date | None:
        """S of "the Job Bank posting": the earliest start among the Job Bank postings."""
        starts = [a.start for _, a in self.job_bank_postings if a.start is not None]
        return min(starts) if starts else None

    # --- exemption ------------------------------------------------------------------------------

    @cached_property
    def exempt_reasons(self) -> tuple[str, ...]:
        """Why the position is exempt from advertising; empty when it is not."""
        reasons = []
        if self.stream == "global_talent":
            reasons.append(
                phrase("Global Talent Stream positions have no minimum advertising requirement")
            )
        if self.province == "QC" and self.position.quebec_facilitated:
            reasons.append(
                phrase(
                    "the occupation is on Québec's facilitated-process list, so proof of "
                    "recruitment is not required"
                )
            )
        if self.stream == "agricultural" and (
            AG_SUSPENSION[0] <= self.submission_date <= AG_SUSPENSION[1]
        ):
            reasons.append(
                phrase(
                    "advertising for primary agriculture was suspended from %(first)s to "
                    "%(last)s and the submission date %(date)s falls in it",
                    first=AG_SUSPENSION[0],
                    last=AG_SUSPENSION[1],
                    date=self.submission_date,
                )
            )
        variation = self.position.advertising_variation
        if variation is not None and not blank(variation):
            reasons.append(
                phrase('the ESDC variation "%(variation)s" applies', variation=variation.strip())
            )
        return tuple(reasons)

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reasons)

    # --- wages ----------------------------------------------------------------------------------

    def hourly_of(self, wage: Wage, hours_per_week: Decimal | None = None) -> Fraction:
        """Hourly equivalent of a wage with an amount, for the position's hours by default."""
        assert wage.amount is not None
        hours = hours_per_week if hours_per_week is not None else self.position.hours_per_week
        return hourly_fraction(wage.amount, wage.per, hours)

    @cached_property
    def hourly(self) -> Fraction:
        """The offered wage of the position, per hour (exact)."""
        return self.hourly_of(self.position.wage)

    @cached_property
    def threshold(self) -> Decimal | None:
        """Threshold(province, D) for the high-wage/low-wage line; None when no row covers D."""
        row = self.reference.wage_threshold(self.province, self.submission_date)
        return None if row is None else row.hourly

    @cached_property
    def prevailing(self) -> Prevailing | None:
        """The higher of the Job Bank median (region, province, Canada) and the case's figure.

        A declared figure can raise the floor (a collective agreement, what incumbents are paid)
        but never lowers Job Bank's; alone, it is used when Job Bank publishes no median. Equal
        figures count as Job Bank's. None when neither is known.
        """
        location = self.position.work_location
        noc = self.position.noc
        looked_up = self.reference.prevailing_wage(noc, location.economic_region, location.province)
        job_bank = None if looked_up is None else Fraction(looked_up.hourly)
        where = getattr(looked_up, "geography_name", None)
        median = (
            phrase("the Job Bank median for NOC %(noc)s in %(where)s", noc=noc, where=where)
            if where
            else phrase("the Job Bank median for NOC %(noc)s", noc=noc)
        )
        own = self.position.prevailing_wage
        declared = None if own is None else self.hourly_of(own)
        label = self.position.prevailing_wage_source
        given = (
            phrase("the figure given in the case (%(source)s)", source=label.strip())
            if label is not None and not blank(label)
            else phrase("the figure given in the case")
        )
        if declared is None and job_bank is None:
            return None
        if job_bank is None:
            assert declared is not None
            return Prevailing(
                declared,
                phrase(
                    "%(given)s; Job Bank publishes no median for NOC %(noc)s in the loaded data",
                    given=given,
                    noc=noc,
                ),
                "declared",
            )
        if declared is None:
            return Prevailing(job_bank, median, "job_bank")
        if declared > job_bank:
            return Prevailing(
                declared,
                phrase(
                    "%(given)s, higher than %(median)s (%(amount)s)",
                    given=given,
                    median=median,
                    amount=money(job_bank),
                ),
                "declared",
            )
        amount = money(declared)
        source = (
            phrase(
                "%(median)s, the same as the %(amount)s given in the case",
                median=median,
                amount=amount,
            )
            if declared == job_bank
            else phrase(
                "%(median)s, higher than the %(amount)s given in the case",
                median=median,
                amount=amount,
            )
        )
        return Prevailing(job_bank, source, "job_bank")

    # --- offers (one per worker in lmia-case/2) ------------------------------------------------

    @cached_property
    def offers(self) -> tuple[OfferOf, ...]:
        """Each offer with its subject; the per-offer rules run once for each."""
        return offers_of(self.case)

    def offer_hours(self, offer: Offer | None) -> Decimal:
        """The offer's hours per week, else the position's."""
        if offer is not None and offer.hours_per_week is not None:
            return offer.hours_per_week
        return self.position.hours_per_week

    def offer_hourly(self, offer: Offer | None) -> Fraction | None:
        """The offer's wage per hour (offer's hours, else the position's); None without one."""
        if offer is None or offer.wage is None:
            return None
        return self.hourly_of(offer.wage, self.offer_hours(offer))

    def monthly_gross(self, offer: Offer | None = None) -> Fraction:
        """Monthly gross pay (hourly × hours × 52 ÷ 12) of the offer, else of the position."""
        hourly = self.offer_hourly(offer)
        if hourly is not None:
            return monthly_gross(hourly, self.offer_hours(offer))
        return monthly_gross(self.hourly, self.position.hours_per_week)

    @cached_property
    def first_offer_with_wage(self) -> Offer | None:
        """The first offer that states a wage (v1: the offer; v2: in worker order)."""
        return next((item.offer for item in self.offers if item.offer.wage is not None), None)

    def naics_starts_with(self, prefixes: tuple[str, ...]) -> bool:
        return bool(self.naics) and self.naics.startswith(prefixes)
