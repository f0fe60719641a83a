"""Low-wage stream rules, LW, and the Québec Montréal/Laval freeze [lmia-domain.md §3, §1.8]."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from portal.rules import sources as src
from portal.rules.context import Context
from portal.rules.high_wage import PRIMARY_AGRICULTURE_NOCS
from portal.rules.phrase import Joined, phrase, plural_phrase
from portal.rules.registry import ALL_STREAMS, ERROR, LW, WARNING, Hit, rule
from portal.rules.text import listing, money, norm_name, percent
from portal.rules.wording import field

AREA = "low_wage"
CAP_INTRODUCED = date(2014, 6, 20)
ROAD_MAP = date(2022, 4, 30)
MAY_2024 = date(2024, 5, 1)
SEPTEMBER_2024 = date(2024, 9, 26)

# (first day, sectors with the higher cap, higher cap, general cap); the latest period first.
CAP_PERIODS: tuple[tuple[date, tuple[str, ...], Fraction, Fraction], ...] = (
    (SEPTEMBER_2024, ("23", "311", "622", "623"), Fraction(20, 100), Fraction(10, 100)),
    (MAY_2024, ("23", "622", "623"), Fraction(30, 100), Fraction(20, 100)),
    (
        ROAD_MAP,
        ("311", "321", "337", "721", "722", "23", "622", "623"),
        Fraction(30, 100),
        Fraction(20, 100),
    ),
    (CAP_INTRODUCED, (), Fraction(10, 100), Fraction(10, 100)),
)
CMA_EXEMPT_NAICS = ("111", "112", "1151", "1152", "311", "23", "622", "623")
# Primary-agriculture occupations and in-home caregiver occupations (with ``caregiver`` true)
# are outside the CMA refusal whatever the employer's NAICS (rules.md, corrected 2026-12-04).
# There is no general exemption for seasonal positions: that one belongs to the cap (LW-CAP).
CMA_EXEMPT_AGRICULTURE_NOCS = PRIMARY_AGRICULTURE_NOCS
CMA_EXEMPT_CAREGIVER_NOCS = frozenset({"31301", "32101", "44100", "44101"})
QC_FREEZE_EXEMPT_NAICS = ("11", "23", "311", "61", "62")
QC_FREEZE_END = date(2026, 12, 31)
QC_FREEZE = {
    "montreal": ("Montréal", date(2024, 9, 3), QC_FREEZE_END),
    "laval": ("Laval", date(2025, 3, 3), QC_FREEZE_END),
}
OBLIGATIONS = {
    "round_trip_travel": phrase("round-trip travel"),
    "health_insurance": phrase("health insurance"),
    "workplace_safety_insurance": phrase("workplace safety insurance"),
}
RENT_SHARE = Fraction(30, 100)


def low_wage_cap(day: date, naics: str) -> tuple[Fraction, bool]:
    """The cap on the share of low-wage TFWs on ``day`` for ``naics``; and is it a sector cap?"""
    for first, sectors, sector_cap, general_cap in CAP_PERIODS:
        if day >= first:
            in_sector = bool(naics) and naics.startswith(sectors) if sectors else False
            return (sector_cap if in_sector else general_cap), in_sector
    return CAP_PERIODS[-1][3], False


@rule(
    "LW-CAP",
    title=phrase("Cap on the share of low-wage TFWs"),
    severity=ERROR,
    area=AREA,
    citation=src.S3,
    streams=LW,
    applies="LW, not seasonal, not caregiver",
    effective_from=CAP_INTRODUCED,
    evidence=phrase("payroll records showing the headcount at the work location"),
)
def low_wage_cap_exceeded(ctx: Context) -> Iterator[Hit]:
    """Low-wage TFWs at the work location, with these positions, must not exceed the cap.

    (TFWs + positions) ÷ (employees + positions) against the cap for the submission date and the
    NAICS sector: from 2024-09-26, 20% for NAICS 23, 311, 622, 623, else 10%; 2024-05-01 to
    2024-09-25, 30% for 23, 622, 623, else 20%; 2022-04-30 to 2024-04-30, 30% for 311, 321, 337,
    721, 722, 23, 622, 623, else 20%; before, 10%. Seasonal and caregiver positions are outside
    the cap. A warning when the headcounts are missing.
    """
    if ctx.position.seasonal or ctx.position.caregiver:
        return
    employer = ctx.case.employer
    tfws, employees = employer.low_wage_tfws_at_location, employer.employees_at_location
    positions = ctx.position.positions
    if tfws is None or employees is None:
        missing = [
            field(name)
            for name, value in (
                ("employees_at_location", employees),
                ("low_wage_tfws_at_location", tfws),
            )
            if value is None
        ]
        yield Hit(
            "position",
            plural_phrase(
                "The cap on low-wage TFWs cannot be verified: %(fields)s is not filled in.",
                "The cap on low-wage TFWs cannot be verified: %(fields)s are not filled in.",
                len(missing),
                fields=listing(missing),
            ),
            phrase(
                "Record the total workforce and the low-wage TFWs already employed at the work "
                "location."
            ),
            severity=WARNING,
        )
        return
    cap, in_sector = low_wage_cap(ctx.d, ctx.naics)
    share = Fraction(tfws + positions, employees + positions)
    if share <= cap:
        return
    if ctx.naics and in_sector:
        sector = phrase("NAICS %(naics)s, sector cap", naics=ctx.naics)
    elif ctx.naics:
        sector = phrase("NAICS %(naics)s", naics=ctx.naics)
    else:
        sector = phrase("no NAICS code given")
    allowed_positions = _allowed_positions(tfws, employees, cap)
    yield Hit(
        "position",
        plural_phrase(
            "With this %(num)d position, low-wage TFWs would be %(tfws)s of %(workers)s workers "
            "at the location (%(share)s), above the %(cap)s cap on %(date)s (%(sector)s).",
            "With these %(num)d positions, low-wage TFWs would be %(tfws)s of %(workers)s "
            "workers at the location (%(share)s), above the %(cap)s cap on %(date)s "
            "(%(sector)s).",
            positions,
            tfws=tfws + positions,
            workers=employees + positions,
            share=percent(share),
            cap=percent(cap),
            date=ctx.d,
            sector=sector,
        ),
        (
            plural_phrase(
                "Request at most %(num)d position, or reduce the number of low-wage TFWs at the "
                "location first.",
                "Request at most %(num)d positions, or reduce the number of low-wage TFWs at the "
                "location first.",
                allowed_positions,
            )
            if allowed_positions > 0
            else phrase("Reduce the number of low-wage TFWs at the location before applying.")
        ),
    )


def _allowed_positions(tfws: int, employees: int, cap: Fraction) -> int:
    """The most positions that keep (tfws + p) ÷ (employees + p) within the cap."""
    if cap >= 1:
        return 10**9
    # tfws + p <= cap (employees + p)  <=>  p (1 - cap) <= cap * employees - tfws
    bound = (cap * employees - tfws) / (1 - cap)
    return max(0, int(bound))


def cma_exempt(ctx: Context) -> bool:
    """Is the position outside the CMA refusal: an exempt sector, a primary-agriculture
    occupation, or an in-home caregiver position?"""
    noc = ctx.position.noc
    return (
        ctx.naics_starts_with(CMA_EXEMPT_NAICS)
        or noc in CMA_EXEMPT_AGRICULTURE_NOCS
        or (bool(ctx.position.caregiver) and noc in CMA_EXEMPT_CAREGIVER_NOCS)
    )


@rule(
    "LW-CMA",
    title=phrase("Not in a CMA where low-wage LMIAs are refused"),
    severity=ERROR,
    area=AREA,
    citation=src.S90,
    streams=LW,
    applies="LW",
    effective_from=SEPTEMBER_2024,
    revised="2",
)
def work_location_in_refused_cma(ctx: Context) -> Iterator[Hit]:
    """Low-wage LMIAs are refused in CMAs whose unemployment rate is 6% or more.

    Exempt: NAICS 111, 112, 1151, 1152, 311, 23, 622, 623; the primary-agriculture NOCs (80020,
    80021, 82030, 82031, 84120, 85100, 85101, 85103); in-home caregiver positions (caregiver,
    NOC 31301, 32101, 44100 or 44101). There is no general exemption for seasonal positions.
    Checked against the quarterly list in force on the submission date (CMA names compared with
    inner dashes and spaces read alike); a warning when no loaded list covers it.
    """
    cma = ctx.position.work_location.cma
    if cma is None or not cma.strip() or cma_exempt(ctx):
        return
    refusal = ctx.reference.cma_refusal(cma, ctx.d, ctx.province)
    if refusal.status == "refused":
        rate, start, end = refusal.unemployment_rate, refusal.period_from, refusal.period_to
        listed = (
            phrase("the list for %(start)s to %(end)s", start=start, end=end)
            if start and end
            else phrase("the list")
        )
        unemployment = (
            phrase("unemployment %(rate)s%%", rate=rate)
            if rate is not None
            else phrase("unemployment 6%% or more")
        )
        yield Hit(
            "position",
            phrase(
                "The work location is in the %(cma)s CMA, which is on %(listed)s of CMAs where "
                "low-wage LMIAs are refused (%(unemployment)s); the submission date is %(date)s.",
                cma=cma.strip(),
                listed=listed,
                unemployment=unemployment,
                date=ctx.d,
            ),
            phrase(
                "File in a quarter in which the CMA is off the list, or check whether the "
                "position is exempt (primary agriculture, food processing, construction, health "
                "care, in-home caregivers) or can be filled in another stream."
            ),
        )
    elif refusal.status == "unknown":
        yield Hit(
            "position",
            phrase(
                "No loaded CMA list covers %(date)s; whether low-wage LMIAs are refused in "
                "%(cma)s cannot be verified.",
                date=ctx.d,
                cma=cma.strip(),
            ),
            phrase(
                "Check ESDC's current list of CMAs where low-wage LMIAs are refused, or update "
                "the reference data."
            ),
            severity=WARNING,
        )


@rule(
    "LW-DURATION",
    title=phrase("Low-wage employment duration"),
    severity=ERROR,
    area=AREA,
    citation=src.S90,
    streams=LW,
    applies="LW",
)
def low_wage_duration_too_long(ctx: Context) -> Iterator[Hit]:
    """Low-wage employment may be requested for at most 12 months (24 before 2024-09-26)."""
    limit = 12 if ctx.d >= SEPTEMBER_2024 else 24
    months = ctx.position.duration_months
    if months > limit:
        yield Hit(
            "position",
            phrase(
                "The position requests %(months)s months of employment; low-wage LMIAs "
                "submitted on %(date)s allow at most %(limit)s.",
                months=months,
                date=ctx.d,
                limit=limit,
            ),
            phrase("Request %(limit)s months or fewer.", limit=limit),
        )


@rule(
    "LW-OBLIGATIONS",
    title=phrase("Employer-paid travel, insurance and affordable housing"),
    severity=WARNING,
    area=AREA,
    citation=src.S104,
    streams=ALL_STREAMS,
    applies="LW, AG, caregiver, with an offer",
    evidence=phrase("the signed offer listing what the employer pays"),
)
def low_wage_obligations_missing(ctx: Context) -> Iterator[Hit]:
    """The offer should show the employer paying travel, insurance, and affordable rent.

    Round-trip travel, health insurance and workplace safety insurance in ``employer_paid``; rent
    charged to the worker at most 30% of monthly gross pay (hourly × hours × 52 ÷ 12). Per offer
    (each worker's in lmia-case/2), with that offer's pay.
    """
    if not (ctx.group in ("LW", "AG") or ctx.position.caregiver):
        return
    for item in ctx.offers:
        offer = item.offer
        paid = set(offer.employer_paid or ())
        problems = []
        lacking = [words for key, words in OBLIGATIONS.items() if key not in paid]
        if lacking:
            problems.append(
                phrase("it does not say the employer pays %(costs)s", costs=listing(lacking))
            )
        rent = offer.housing_rent_monthly
        if rent is not None:
            gross = ctx.monthly_gross(offer)
            limit = RENT_SHARE * gross
            if rent > limit:
                problems.append(
                    phrase(
                        "the rent of %(rent)s a month is more than 30%% of the monthly gross pay "
                        "of %(gross)s (%(limit)s)",
                        rent=money(rent),
                        gross=money(gross),
                        limit=money(limit),
                    )
                )
        if problems:
            yield Hit(
                item.subject,
                phrase(
                    "%(offer)s falls short of the employer's obligations: %(problems)s.",
                    offer=item.words,
                    problems=Joined(problems, "; "),
                ),
                phrase(
                    "State in the offer that the employer pays round-trip travel, health "
                    "insurance and workplace safety insurance, and keep rent at or below 30%% "
                    "of gross pay."
                ),
            )


@rule(
    "QC-MTL-FREEZE",
    title=phrase("Québec freeze on low-wage LMIAs in Montréal and Laval"),
    severity=ERROR,
    area=AREA,
    citation=src.S69,
    streams=LW,
    applies="LW, province QC",
    effective_from=QC_FREEZE["montreal"][1],
    effective_to=QC_FREEZE_END,
)
def quebec_montreal_laval_freeze(ctx: Context) -> Iterator[Hit]:
    """Québec does not process low-wage LMIAs in Montréal or Laval during the freeze.

    Montréal from 2024-09-03 and Laval from 2025-03-03, both to 2026-12-31, by submission date;
    NAICS 11, 23, 311, 61 and 62 are exempt.
    """
    region = ctx.position.work_location.admin_region
    if ctx.province != "QC" or region is None:
        return
    frozen = QC_FREEZE.get(norm_name(region))
    if frozen is None or ctx.naics_starts_with(QC_FREEZE_EXEMPT_NAICS):
        return
    name, first, last = frozen
    if not first <= ctx.d <= last:
        return
    yield Hit(
        "position",
        phrase(
            "Québec is not processing low-wage LMIAs for work in %(region)s from %(first)s to "
            "%(last)s; the submission date is %(date)s.",
            region=name,
            first=first,
            last=last,
            date=ctx.d,
        ),
        phrase(
            "Wait for the freeze to end, or check whether the position can be filled in "
            "another stream or region."
        ),
    )
