"""Compliant base cases per stream, small ``replace`` helpers, and an in-memory reference.

Every base case evaluates with no finding (the global-talent one: only REC-EXEMPT) as of
``D`` = 2026-03-02 against :class:`FakeReference`. Tests change one thing with the helpers and
assert on the rule ID and subject that must (or must not) appear.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from portal.cases import (
    Activity,
    Ad,
    Address,
    Applicant,
    Case,
    Employer,
    JobMatch,
    Match,
    Offer,
    PlanActivity,
    Position,
    Requirements,
    ThirdParty,
    TransitionPlan,
    Wage,
    Worker,
    WorkLocation,
)
from portal.rules import Verdict, evaluate
from portal.rules.text import norm_name

D = date(2026, 3, 2)


def day(text: str) -> date:
    return date.fromisoformat(text)


def days(n: int) -> timedelta:
    return timedelta(days=n)


# --- the fake reference data ---------------------------------------------------------------------


@dataclass(frozen=True)
class FakeNoc:
    code: str
    teer: int


@dataclass(frozen=True)
class FakeAmount:
    hourly: Decimal


@dataclass(frozen=True)
class FakeCma:
    status: str
    period_from: date | None = None
    period_to: date | None = None
    unemployment_rate: Decimal | None = None


@dataclass
class FakeReference:
    """Implements the methods of the labour-market contract the rules call."""

    version: str = "fake-2026-01"
    nocs: set[str] = field(
        default_factory=lambda: {"63200", "21231", "85100", "65201", "44100", "73300"}
    )
    # province -> [(from, to, hourly)], ends inclusive, None = open
    thresholds: dict[str, list[tuple[date | None, date | None, Decimal]]] = field(
        default_factory=lambda: {
            # As the packaged file since 2026-12-04: no row before 2020-05-11 nor from
            # 2022-01-18 to 2022-05-03.
            "ON": [
                (day("2020-05-11"), day("2022-01-17"), Decimal("24.04")),
                (day("2022-05-04"), day("2023-05-30"), Decimal("26.06")),
                (day("2023-05-31"), day("2024-04-01"), Decimal("27.00")),
                (day("2024-04-02"), day("2024-11-07"), Decimal("28.39")),
                (day("2024-11-08"), day("2025-06-26"), Decimal("34.07")),
                (day("2025-06-27"), None, Decimal("36.00")),
            ],
            "QC": [(None, None, Decimal("34.62"))],
            "BC": [(None, None, Decimal("36.60"))],
        }
    )
    # noc -> {area: hourly}; area is an ER code, a province, or "CA"
    prevailing: dict[str, dict[str, Decimal]] = field(
        default_factory=lambda: {
            "63200": {"ER3530": Decimal("18.00"), "ON": Decimal("18.50"), "CA": Decimal("18.00")},
            "21231": {"ER3530": Decimal("56.49"), "CA": Decimal("56.49")},
            "85100": {"ON": Decimal("17.20")},
            "65201": {"CA": Decimal("16.55")},
            "44100": {"CA": Decimal("17.00")},
        }
    )
    # [(from, to, refused CMA names)]
    cma_periods: list[tuple[date, date, set[str]]] = field(
        default_factory=lambda: [
            (day("2025-04-04"), day("2025-07-10"), {"Toronto", "Montréal"}),
            (
                day("2026-01-09"),
                day("2026-04-09"),
                {"Hamilton", "Montréal", "Belleville - Quinte West"},
            ),
        ]
    )
    # refused CMA name -> unemployment rate (absent: the source gave none)
    cma_rates: dict[str, Decimal] = field(default_factory=lambda: {"Toronto": Decimal("8.6")})
    calls: list[tuple] = field(default_factory=list)

    def noc(self, code: str) -> FakeNoc | None:
        return FakeNoc(code, int(code[1])) if code in self.nocs else None

    def wage_threshold(self, province: str, on: date) -> FakeAmount | None:
        for first, last, hourly in self.thresholds.get(province, []):
            if (first is None or first <= on) and (last is None or on <= last):
                return FakeAmount(hourly)
        return None

    def prevailing_wage(self, noc: str, economic_region: str | None, province: str):
        self.calls.append(("prevailing_wage", noc, economic_region, province))
        table = self.prevailing.get(noc, {})
        for area in (economic_region, province, "CA"):
            if area in table:
                return FakeAmount(table[area])
        return None

    def cma_refusal(self, cma: str, on: date, province: str | None = None) -> FakeCma:
        self.calls.append(("cma_refusal", cma, on, province))
        for first, last, refused in self.cma_periods:
            if first <= on <= last:
                names = {norm_name(name): name for name in refused}
                if norm_name(cma) in names:
                    rate = self.cma_rates.get(names[norm_name(cma)])
                    return FakeCma("refused", first, last, rate)
                return FakeCma("not_listed", first, last)
        return FakeCma("unknown")


REFERENCE = FakeReference()


# --- evaluation helpers --------------------------------------------------------------------------


def verdict(case: Case, as_of: date = D, reference=None) -> Verdict:
    return evaluate(case, as_of, reference or REFERENCE)


def found(case: Case, as_of: date = D, reference=None) -> set[tuple[str, str]]:
    """(rule, subject) of every finding."""
    return {(f.rule, f.subject) for f in verdict(case, as_of, reference).findings}


def rule_ids(case: Case, as_of: date = D, reference=None) -> set[str]:
    return {f.rule for f in verdict(case, as_of, reference).findings}


def findings_of(case: Case, rule: str, as_of: date = D, reference=None):
    return [f for f in verdict(case, as_of, reference).findings if f.rule == rule]


def subjects(case: Case, rule: str, as_of: date = D, reference=None) -> list[str]:
    return [f.subject for f in findings_of(case, rule, as_of, reference)]


def one(case: Case, rule: str, as_of: date = D, reference=None):
    (finding,) = findings_of(case, rule, as_of, reference)
    return finding


# --- replace helpers -----------------------------------------------------------------------------

replace = dataclasses.replace


def at(case: Case, submission_date: date | None) -> Case:
    return replace(case, submission_date=submission_date)


def employer(case: Case, **changes) -> Case:
    return replace(case, employer=replace(case.employer, **changes))


def position(case: Case, **changes) -> Case:
    return replace(case, position=replace(case.position, **changes))


def location(case: Case, **changes) -> Case:
    return position(case, work_location=replace(case.position.work_location, **changes))


def activity(case: Case, index: int, **changes) -> Case:
    activities = list(case.recruitment)
    activities[index] = replace(activities[index], **changes)
    return replace(case, recruitment=tuple(activities))


def ad(case: Case, index: int, **changes) -> Case:
    return activity(case, index, ad=replace(case.recruitment[index].ad, **changes))


def change_ad_everywhere(case: Case, **changes) -> Case:
    """Apply the same change to every activity's ad."""
    for index, item in enumerate(case.recruitment):
        if item.ad is not None:
            case = ad(case, index, **changes)
    return case


def add_activity(case: Case, new: Activity) -> Case:
    return replace(case, recruitment=(*case.recruitment, new))


def drop_activity(case: Case, index: int) -> Case:
    activities = list(case.recruitment)
    removed = activities.pop(index)
    applicants = tuple(a for a in case.applicants if a.source != removed.id)
    return replace(case, recruitment=tuple(activities), applicants=applicants)


def applicant(case: Case, index: int, **changes) -> Case:
    applicants = list(case.applicants)
    applicants[index] = replace(applicants[index], **changes)
    return replace(case, applicants=tuple(applicants))


def add_applicant(case: Case, new: Applicant) -> Case:
    return replace(case, applicants=(*case.applicants, new))


def offer(case: Case, **changes) -> Case:
    return replace(case, offer=replace(case.offer, **changes))


def with_workers(case: Case, *names: str | None) -> Case:
    """The case as lmia-case/2: one worker per name, each with a copy of the case's offer
    (the worker's name written in it, so every offer stays clean)."""
    assert case.offer is not None
    workers = tuple(
        Worker(name=name, language="en", offer=replace(case.offer, worker_name=name))
        for name in names
    )
    return replace(case, format="lmia-case/2", offer=None, workers=workers)


def two_workers(case: Case | None = None) -> Case:
    """The compliant low-wage case with two workers, Amadou Diallo and Ana Cruz."""
    return with_workers(case or low_wage_case(), "Amadou Diallo", "Ana Cruz")


def worker(case: Case, index: int, **changes) -> Case:
    workers = list(case.workers)
    workers[index] = replace(workers[index], **changes)
    return replace(case, workers=tuple(workers))


def worker_offer(case: Case, index: int, **changes) -> Case:
    return worker(case, index, offer=replace(case.workers[index].offer, **changes))


def two_workers_case() -> Case:
    """The example file ``tests/data/cases/two_workers.json``: the low-wage cook as
    lmia-case/2 with two workers; Amadou Diallo's offer (in French, every new key) is clean, Ana
    Cruz's pays $19.00 an hour, below the position's and the ads' $19.50 (WAGE-AD-OFFER)."""
    case = two_workers()
    case = worker(
        case,
        0,
        country="Côte d'Ivoire",
        email="amadou.diallo@example.org",
        language="fr",
        planned_start_date=day("2026-07-01"),
    )
    case = worker_offer(
        case,
        0,
        language="fr",
        employer_operating_name="Maple Leaf Bistro",
        business_number="871234563RT0001",
        pay_frequency="biweekly",
        schedule="Du mardi au samedi, de 10 h à 18 h 30",
        statutory_holidays="Les jours fériés de l'Ontario, payés selon la loi.",
        probation="Trois mois.",
        termination_notice="Préavis selon la Loi de 2000 sur les normes d'emploi.",
        housing_terms="Logement fourni par l'employeur, 400 $ par mois.",
        lmia_number="1234567",
        rights_information_given_on=day("2026-02-25"),
        signed_by_employer_name="Giulia Marchetti",
        signed_by_worker_name="Amadou Diallo",
    )
    return worker_offer(case, 1, wage=hourly("19.00"))


def hourly(amount: str) -> Wage:
    return Wage(amount=Decimal(amount), per="hour")


def posting(id: str, method: str, start: str, end: str | None = None, **more) -> Activity:
    return Activity(
        id=id,
        method=method,
        kind="posting",
        start=day(start),
        end=day(end) if end else None,
        **more,
    )


def event(id: str, method: str, on: str, **more) -> Activity:
    return Activity(id=id, method=method, kind="event", date=day(on), **more)


# --- base cases ----------------------------------------------------------------------------------

COOK_DUTIES = (
    "Prepare and cook complete meals and individual dishes; plan menus and estimate food "
    "requirements; inspect kitchens and food service areas; order supplies and equipment."
)
ENGINEER_DUTIES = (
    "Design, develop and maintain software systems; analyse user requirements; write and test "
    "code; review designs and mentor junior engineers."
)
FARM_DUTIES = (
    "Feed and water livestock; clean barns and pens; monitor animal health; operate farm "
    "machinery and maintain equipment."
)


def _ad(
    title: str,
    duties: str,
    wage: str,
    city: str,
    address: str,
    benefits: str | None = None,
    **more,
) -> Ad:
    return Ad(
        operating_name="Maple Leaf Bistro",
        business_address=address,
        title=title,
        duties=duties,
        terms="Full-time, permanent",
        wage=hourly(wage),
        benefits=benefits,
        work_location=f"{address}, {city}",
        contact="jobs@maple-bistro.example",
        education="Secondary school",
        experience="2 years",
        languages=("English",),
        published_languages=("en",),
        **more,
    )


def low_wage_case() -> Case:
    """A compliant low-wage case: a cook in Toronto (NOC 63200), filed 2026-03-02."""
    address = "412 Queen Street West"
    cook_ad = _ad("Cook", COOK_DUTIES, "19.50", "Toronto, ON", address, benefits="Dental plan")
    return Case(
        submission_date=D,
        employer=Employer(
            legal_name="Marchetti Hospitality Inc.",
            operating_name="Maple Leaf Bistro",
            business_number="871234563",
            address=Address(street=address, city="Toronto", province="ON", postal_code="M5V 2A9"),
            naics="722511",
            employees_at_location=40,
            low_wage_tfws_at_location=2,
            on_noncompliance_list=False,
        ),
        position=Position(
            title="Cook",
            noc="63200",
            stream="low_wage",
            work_location=WorkLocation(
                street=address,
                city="Toronto",
                province="ON",
                postal_code="M5V 2A9",
                economic_region="ER3530",
                cma="Toronto",
            ),
            wage=hourly("19.50"),
            hours_per_week=Decimal("40"),
            positions=1,
            duration_months=12,
            duties=COOK_DUTIES,
            requirements=Requirements(
                education="Secondary school", experience="2 years", languages=("English",)
            ),
            benefits="Dental plan",
            terms="Full-time, permanent",
        ),
        recruitment=(
            posting(
                "jb",
                "job_bank",
                "2026-01-05",
                reference="JB-3012345",
                direct_apply=True,
                ad=cook_ad,
            ),
            posting(
                "yc",
                "underrepresented_group_org",
                "2026-01-05",
                "2026-02-15",
                platform="Youth Employment Services",
                target_groups=("vulnerable_youth",),
                ad=cook_ad,
            ),
            posting(
                "nc",
                "community_organization",
                "2026-01-06",
                "2026-02-20",
                platform="Newcomer Centre",
                target_groups=("newcomers",),
                ad=cook_ad,
            ),
        ),
        job_match=JobMatch(
            mode="default",
            matches=(
                Match(first_seen=day("2026-01-10"), stars=3, invited_on=day("2026-01-11")),
                Match(first_seen=day("2026-01-12"), stars=1),
            ),
        ),
        applicants=(
            Applicant(
                name="Anna Roy",
                status="citizen",
                source="jb",
                channel="direct_apply",
                applied_on=day("2026-01-20"),
                resume_downloaded_on=day("2026-01-22"),
                interviewed_on=day("2026-01-28"),
                hired=False,
                reason_code="lacks_experience",
                reason_detail="Six months in a kitchen.",
            ),
            Applicant(
                name="Bo Chen",
                status="permanent_resident",
                source="nc",
                channel="email",
                applied_on=day("2026-01-25"),
                interviewed_on=day("2026-02-02"),
                offered=True,
                hired=False,
                reason_code="declined_offer",
            ),
            Applicant(
                name="Carlos Vega",
                status="foreign",
                source="jb",
                channel="email",
                applied_on=day("2026-01-26"),
            ),
        ),
        offer=Offer(
            date=day("2026-02-25"),
            worker_name="Ravi Kumar",
            employer_legal_name="Marchetti Hospitality Inc.",
            employer_address=Address(
                street=address, city="Toronto", province="ON", postal_code="M5V 2A9"
            ),
            title="Cook",
            noc="63200",
            duties=COOK_DUTIES,
            work_location=Address(
                street=address, city="Toronto", province="ON", postal_code="M5V 2A9"
            ),
            wage=hourly("19.50"),
            hours_per_week=Decimal("40"),
            overtime="1.5 times after 44 hours a week",
            vacation="2 weeks a year",
            benefits="Dental plan",
            start_date=day("2026-07-01"),
            duration_months=12,
            employer_paid=(
                "round_trip_travel",
                "health_insurance",
                "housing",
                "workplace_safety_insurance",
            ),
            states_no_fees=True,
            language="en",
            signed_by_employer_on=day("2026-02-26"),
            signed_by_worker_on=day("2026-02-27"),
        ),
        third_parties=(
            ThirdParty(
                name="Harbourfront Law",
                role="representative",
                paid=True,
                law_society="Law Society of Ontario",
            ),
        ),
        payments=(),
        document_custody=(),
    )


def high_wage_case() -> Case:
    """A compliant high-wage case: a software engineer in Toronto (NOC 21231) at $60/hour."""
    base = low_wage_case()
    address = "100 King Street West"
    engineer_ad = replace(
        _ad(
            "Software Engineer",
            ENGINEER_DUTIES,
            "60",
            "Toronto, ON",
            address,
            benefits="Health and dental",
        ),
        operating_name="Northern Code",
        education="Bachelor's degree in computer science",
        experience="3 years",
    )
    case = replace(
        base,
        employer=replace(
            base.employer,
            legal_name="Northern Code Inc.",
            operating_name="Northern Code",
            naics="541511",
            employees_at_location=120,
            low_wage_tfws_at_location=0,
        ),
        position=replace(
            base.position,
            title="Software Engineer",
            noc="21231",
            stream="high_wage",
            wage=Wage(amount=Decimal("124800"), per="year"),
            duties=ENGINEER_DUTIES,
            benefits="Health and dental",
            duration_months=24,
            requirements=Requirements(
                education="Bachelor's degree", experience="3 years", languages=("English",)
            ),
        ),
        recruitment=(
            posting(
                "jb",
                "job_bank",
                "2026-01-05",
                reference="JB-3019999",
                direct_apply=True,
                ad=engineer_ad,
            ),
            posting(
                "ind",
                "job_board",
                "2026-01-05",
                "2026-02-20",
                platform="Indeed",
                national=True,
                ad=engineer_ad,
            ),
            posting(
                "cips",
                "professional_association",
                "2026-01-07",
                "2026-02-28",
                platform="CIPS",
                ad=engineer_ad,
            ),
        ),
        job_match=JobMatch(
            mode="default",
            matches=(
                Match(first_seen=day("2026-01-08"), stars=5, invited_on=day("2026-01-09")),
                Match(first_seen=day("2026-01-15"), stars=3),
            ),
        ),
        applicants=tuple(
            replace(a, source="cips") if a.source == "nc" else a for a in base.applicants
        ),
        transition_plan=TransitionPlan(
            activities=(
                PlanActivity(kind="recruit", description="Campus recruiting at two colleges"),
                PlanActivity(kind="train", description="Fund certification for two juniors"),
                PlanActivity(kind="retain", description="Retention bonus for local staff"),
                PlanActivity(
                    kind="underrepresented",
                    description="Partner with an Indigenous employment centre",
                ),
            )
        ),
        offer=replace(
            base.offer,
            employer_legal_name="Northern Code Inc.",
            title="Software Engineer",
            noc="21231",
            duties=ENGINEER_DUTIES,
            wage=Wage(amount=Decimal("124800"), per="year"),
            duration_months=24,
        ),
    )
    return case


def pr_only_case() -> Case:
    """The high-wage case filed to support permanent residence only (HW group, no plan)."""
    case = position(high_wage_case(), stream="pr_only")
    return replace(case, transition_plan=None)


def agricultural_case() -> Case:
    """A compliant agricultural case (NOC 85100) filed after advertising was reinstated."""
    base = low_wage_case()
    address = "55 Greenhouse Road"
    farm_ad = replace(
        _ad("Livestock Labourer", FARM_DUTIES, "17.50", "Guelph, ON", address),
        operating_name="Prairie Greens",
        benefits=None,
    )
    return replace(
        base,
        employer=replace(base.employer, naics="112120", operating_name="Prairie Greens"),
        position=replace(
            base.position,
            title="Livestock Labourer",
            noc="85100",
            stream="agricultural",
            work_location=WorkLocation(
                street=address,
                city="Guelph",
                province="ON",
                postal_code="N1H 1A1",
                economic_region="ER3550",
            ),
            wage=hourly("17.50"),
            duties=FARM_DUTIES,
            benefits=None,
            duration_months=8,
            seasonal=True,
        ),
        recruitment=(
            posting(
                "jb",
                "job_bank",
                "2026-02-01",
                reference="JB-3020000",
                direct_apply=True,
                ad=farm_ad,
            ),
            posting(
                "yth",
                "underrepresented_group_org",
                "2026-02-01",
                "2026-02-20",
                target_groups=("vulnerable_youth",),
                ad=farm_ad,
            ),
            event("fair", "job_fair", "2026-02-10", target_groups=("indigenous",)),
        ),
        job_match=JobMatch(
            mode="default",
            matches=(Match(first_seen=day("2026-02-03"), stars=2, invited_on=day("2026-02-04")),),
        ),
        applicants=(
            Applicant(
                name="Dana Blake",
                status="citizen",
                source="jb",
                channel="direct_apply",
                applied_on=day("2026-02-05"),
                resume_downloaded_on=day("2026-02-06"),
                interviewed_on=day("2026-02-09"),
                hired=True,
            ),
        ),
        offer=replace(
            base.offer,
            title="Livestock Labourer",
            noc="85100",
            duties=FARM_DUTIES,
            wage=hourly("17.50"),
            work_location=Address(
                street=address, city="Guelph", province="ON", postal_code="N1H 1A1"
            ),
            duration_months=8,
            benefits=None,
        ),
    )


def global_talent_case() -> Case:
    """A Global Talent Stream case: exempt from advertising, otherwise the high-wage case."""
    case = position(high_wage_case(), stream="global_talent")
    return replace(case, transition_plan=None, recruitment=(), job_match=None, applicants=())


EXAMPLES = {"two_workers.json": two_workers_case}

BASES = {
    "low_wage": low_wage_case,
    "high_wage": high_wage_case,
    "pr_only": pr_only_case,
    "agricultural": agricultural_case,
    "global_talent": global_talent_case,
}
