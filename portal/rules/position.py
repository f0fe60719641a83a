"""Position rules, POS [lmia-domain.md §3.3, §9]."""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.rules import sources as src
from portal.rules.context import Context
from portal.rules.phrase import phrase
from portal.rules.registry import ALL_STREAMS, ERROR, HW, LW, Hit, rule

AREA = "position"
FULL_TIME_HOURS = 30
_BUSINESS_NUMBER = re.compile(r"[0-9]{9}")


@rule(
    "POS-NOC",
    title=phrase("A NOC 2021 unit group"),
    severity=ERROR,
    area=AREA,
    citation=src.S166,
    streams=ALL_STREAMS,
    applies="all",
)
def noc_not_a_unit_group(ctx: Context) -> Iterator[Hit]:
    """The NOC must be one of the 516 NOC 2021 unit groups (5 digits)."""
    noc = ctx.position.noc
    if ctx.reference.noc(noc) is None:
        yield Hit(
            "position",
            phrase('"%(noc)s" is not one of the 516 NOC 2021 unit groups.', noc=noc),
            phrase(
                "Pick the 5-digit NOC 2021 unit group that matches the duties (NOC 2016 4-digit "
                "codes are no longer accepted)."
            ),
        )


@rule(
    "POS-FULLTIME",
    title=phrase("Full-time hours"),
    severity=ERROR,
    area=AREA,
    citation=src.S1,
    streams=HW | LW,
    applies="HW, LW",
)
def fewer_than_30_hours(ctx: Context) -> Iterator[Hit]:
    """High-wage and low-wage positions must be full-time: at least 30 hours a week."""
    hours = ctx.position.hours_per_week
    if hours < FULL_TIME_HOURS:
        yield Hit(
            "position",
            phrase(
                "The position is %(hours)s hours a week; at least %(needed)s are needed.",
                hours=hours,
                needed=FULL_TIME_HOURS,
            ),
            phrase("Offer at least %(needed)s hours a week.", needed=FULL_TIME_HOURS),
        )


@rule(
    "POS-BN",
    title=phrase("A 9-digit business number"),
    severity=ERROR,
    area=AREA,
    citation=src.S115,
    streams=ALL_STREAMS,
    applies="all",
)
def business_number_not_nine_digits(ctx: Context) -> Iterator[Hit]:
    """The employer's CRA business number must be 9 digits."""
    number = ctx.case.employer.business_number
    if not _BUSINESS_NUMBER.fullmatch(number):
        yield Hit(
            "employer",
            phrase('The business number "%(number)s" is not 9 digits.', number=number),
            phrase(
                "Enter the 9-digit CRA business number only (without the program account suffix "
                "such as RT0001, and without spaces)."
            ),
        )
