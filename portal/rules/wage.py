"""Wage rules, WAGE [lmia-domain.md §2]."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from portal.cases.model import Wage
from portal.rules import sources as src
from portal.rules.advertising import ad_has_wage_figure
from portal.rules.context import Context, activity_label
from portal.rules.phrase import phrase
from portal.rules.registry import ALL_STREAMS, ERROR, GTS, WARNING, Hit, rule
from portal.rules.text import money
from portal.rules.wording import field

AREA = "wage"


# ESDC's transition to the thresholds of 2023-05-31: an application whose stream was correct under
# the threshold in force the day before was still accepted until 2023-08-29 (a warning then).
THRESHOLD_TRANSITION = (date(2023, 5, 31), date(2023, 8, 29))


def _stream_fits(stream: str, hourly: Fraction, threshold: Decimal) -> bool:
    return hourly >= threshold if stream == "high_wage" else hourly < threshold


@rule(
    "WAGE-STREAM",
    title=phrase("Wage matches the stream (high-wage threshold)"),
    severity=ERROR,
    area=AREA,
    citation=src.S79,
    streams=frozenset({"high_wage", "low_wage"}),
    applies="high_wage, low_wage",
    revised="2",
)
def wage_does_not_fit_stream(ctx: Context) -> Iterator[Hit]:
    """The stream must match the wage: high-wage at or above the threshold, low-wage below it.

    The threshold in force on the submission date for the work province (the provincial median
    hourly wage; from 2024-11-08 that median plus 20%). A warning, not an error, when no
    threshold row covers that date (it cannot be verified), and from 2023-05-31 to 2023-08-29
    (ESDC's transition) when the stream was correct under the threshold in force on 2023-05-30.
    """
    threshold = ctx.threshold
    if threshold is None:
        yield Hit(
            "position.wage",
            phrase(
                "No high-wage threshold for %(province)s is loaded for %(date)s; the stream "
                "cannot be verified against the wage.",
                province=ctx.province,
                date=ctx.d,
            ),
            phrase(
                "Check ESDC's median wage table for the province and date, or update the "
                "reference data."
            ),
            severity=WARNING,
        )
        return
    hourly = ctx.hourly
    if _stream_fits(ctx.stream, hourly, threshold):
        return
    if ctx.stream == "high_wage":
        message = phrase(
            "The offered wage is %(wage)s an hour, below the high-wage threshold of "
            "%(threshold)s for %(province)s on %(date)s.",
            wage=money(hourly),
            threshold=money(threshold),
            province=ctx.province,
            date=ctx.d,
        )
        fix = phrase(
            "Raise the wage to at least %(threshold)s an hour, or apply in the low-wage stream.",
            threshold=money(threshold),
        )
        transition_fix = phrase(
            "Keep proof that the application was prepared under the earlier threshold; "
            "otherwise: raise the wage to at least %(threshold)s an hour, or apply in the "
            "low-wage stream.",
            threshold=money(threshold),
        )
    else:
        message = phrase(
            "The offered wage is %(wage)s an hour, at or above the high-wage threshold of "
            "%(threshold)s for %(province)s on %(date)s.",
            wage=money(hourly),
            threshold=money(threshold),
            province=ctx.province,
            date=ctx.d,
        )
        fix = phrase("Apply in the high-wage stream (with a transition plan).")
        transition_fix = phrase(
            "Keep proof that the application was prepared under the earlier threshold; "
            "otherwise: apply in the high-wage stream (with a transition plan)."
        )
    first, last = THRESHOLD_TRANSITION
    if first <= ctx.d <= last:
        before = ctx.reference.wage_threshold(ctx.province, first - timedelta(days=1))
        if before is not None and _stream_fits(ctx.stream, hourly, before.hourly):
            yield Hit(
                "position.wage",
                phrase(
                    "%(message)s The stream was correct under the threshold of %(before)s in "
                    "force on %(day_before)s, which ESDC still accepted during its transition "
                    "(%(first)s to %(last)s).",
                    message=message,
                    before=money(before.hourly),
                    day_before=first - timedelta(days=1),
                    first=first,
                    last=last,
                ),
                transition_fix,
                severity=WARNING,
            )
            return
    yield Hit("position.wage", message, fix)


@rule(
    "WAGE-PREVAILING",
    title=phrase("Wage at least the prevailing wage"),
    severity=ERROR,
    area=AREA,
    citation=src.S86,
    streams=ALL_STREAMS - GTS,
    applies="all but global_talent",
    evidence=phrase("the Job Bank wage page for the NOC and region, dated"),
    revised="2",
)
def wage_below_prevailing(ctx: Context) -> Iterator[Hit]:
    """The offered wage must be at least the prevailing wage for the occupation and region.

    The Job Bank median for the NOC in the economic region, else the province, else Canada; when
    the case also states a prevailing wage, the higher of the two (a declared figure never lowers
    Job Bank's); the case's figure alone when Job Bank has none. The finding names the figure
    used. A warning when none is known.
    """
    prevailing = ctx.prevailing
    if prevailing is None:
        location = ctx.position.work_location
        where = location.economic_region or location.province
        yield Hit(
            "position.wage",
            phrase(
                "No prevailing wage is known for NOC %(noc)s in %(where)s; the offered wage "
                "cannot be verified against it.",
                noc=ctx.position.noc,
                where=where,
            ),
            phrase(
                "Look up the Job Bank median wage for the occupation and region and enter it "
                "under %(amount_field)s, with its %(source_field)s.",
                amount_field=field("prevailing_wage_amount"),
                source_field=field("prevailing_wage_source"),
            ),
            severity=WARNING,
        )
        return
    if ctx.hourly < prevailing.hourly:
        yield Hit(
            "position.wage",
            phrase(
                "The offered wage is %(wage)s an hour, below the prevailing wage of "
                "%(prevailing)s (%(source)s).",
                wage=money(ctx.hourly),
                prevailing=money(prevailing.hourly),
                source=prevailing.source,
            ),
            phrase(
                "Raise the wage to at least %(prevailing)s an hour.",
                prevailing=money(prevailing.hourly),
            ),
        )


def _advertised_hourly(ctx: Context) -> list[tuple[int, str, Fraction]]:
    """Each ad's stated wage per hour (a range: its minimum), for the position's hours."""
    result = []
    for index, activity in enumerate(ctx.activities):
        ad = activity.ad
        if ad is None or ad.wage is None or not ad_has_wage_figure(ad):
            continue
        wage = ad.wage
        amount = wage.amount if isinstance(wage, Wage) else wage.min
        assert amount is not None
        hourly = ctx.hourly_of(Wage(amount=amount, per=wage.per))
        result.append((index, activity_label(activity), hourly))
    return result


@rule(
    "WAGE-AD-FLOOR",
    title=phrase("Advertised wage at least the prevailing wage"),
    severity=ERROR,
    area=AREA,
    citation=src.S42,
    streams=ALL_STREAMS - GTS,
    applies="every ad with a wage, all but global_talent",
    revised="2",
)
def advertised_wage_below_prevailing(ctx: Context) -> Iterator[Hit]:
    """An ad's wage (the bottom of a range) must be at least the prevailing wage.

    Silent when the prevailing wage is unknown (WAGE-PREVAILING warns about that).
    """
    prevailing = ctx.prevailing
    if prevailing is None:
        return
    for index, label, hourly in _advertised_hourly(ctx):
        if hourly < prevailing.hourly:
            yield Hit(
                f"recruitment[{index}]",
                phrase(
                    "The wage in %(ad)s is %(wage)s an hour, below the prevailing wage of "
                    "%(prevailing)s (%(source)s).",
                    ad=label,
                    wage=money(hourly),
                    prevailing=money(prevailing.hourly),
                    source=prevailing.source,
                ),
                phrase(
                    "Advertise again with a wage (or the bottom of the range) of at least "
                    "%(prevailing)s an hour.",
                    prevailing=money(prevailing.hourly),
                ),
            )


@rule(
    "WAGE-AD-OFFER",
    title=phrase("Offered wage at least the position's and the advertised wage"),
    severity=ERROR,
    area=AREA,
    citation=src.S20,
    streams=ALL_STREAMS,
    applies="an offer exists",
)
def offer_wage_below_position_or_ad(ctx: Context) -> Iterator[Hit]:
    """The job offer's wage must not be below the position's wage or the lowest advertised wage.

    Per hour, with the offer's hours (else the position's); ads converted with the position's
    hours. Per offer (each worker's in lmia-case/2).
    """
    advertised = _advertised_hourly(ctx)
    for item in ctx.offers:
        offered = ctx.offer_hourly(item.offer)
        if offered is None:
            continue
        below_position = offered < ctx.hourly
        below_ad = None
        if advertised:
            _, label, lowest = min(advertised, key=lambda entry: entry[2])
            if offered < lowest:
                below_ad = phrase(
                    "the %(amount)s advertised in %(ad)s", amount=money(lowest), ad=label
                )
        if below_position and below_ad:
            message = phrase(
                "%(offer)s pays %(wage)s an hour, less than the position's %(position_wage)s "
                "and %(advertised)s.",
                offer=item.words,
                wage=money(offered),
                position_wage=money(ctx.hourly),
                advertised=below_ad,
            )
        elif below_position:
            message = phrase(
                "%(offer)s pays %(wage)s an hour, less than the position's %(position_wage)s.",
                offer=item.words,
                wage=money(offered),
                position_wage=money(ctx.hourly),
            )
        elif below_ad:
            message = phrase(
                "%(offer)s pays %(wage)s an hour, less than %(advertised)s.",
                offer=item.words,
                wage=money(offered),
                advertised=below_ad,
            )
        else:
            continue
        yield Hit(
            item.subject,
            message,
            phrase("Offer at least the wage of the LMIA position and of every ad."),
        )


@rule(
    "WAGE-INCUMBENT",
    title=phrase("Wage at least what current employees earn"),
    severity=ERROR,
    area=AREA,
    citation=src.S87,
    streams=ALL_STREAMS,
    applies="incumbent_wage given",
)
def wage_below_incumbents(ctx: Context) -> Iterator[Hit]:
    """The offered wage must be at least what current employees in the same job are paid."""
    incumbent = ctx.position.incumbent_wage
    if incumbent is None:
        return
    incumbent_hourly = ctx.hourly_of(incumbent)
    if ctx.hourly < incumbent_hourly:
        yield Hit(
            "position.wage",
            phrase(
                "The offered wage is %(wage)s an hour, below the %(incumbent)s paid to current "
                "employees in the same job and location.",
                wage=money(ctx.hourly),
                incumbent=money(incumbent_hourly),
            ),
            phrase(
                "Raise the wage to at least %(incumbent)s an hour.",
                incumbent=money(incumbent_hourly),
            ),
        )
