"""Job offer and employment agreement rules, OFFER [lmia-domain.md §6]."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from portal.rules import sources as src
from portal.rules.context import Context
from portal.rules.registry import ALL_STREAMS, ERROR, WARNING, Hit, rule
from portal.rules.text import blank, listing, norm_name

AREA = "offer"
SOR_2022_142 = date(2022, 9, 26)
CORE_ITEMS = (
    ("worker_name", "worker's name"),
    ("employer_legal_name", "employer's legal name"),
    ("employer_address", "employer's address"),
    ("title", "job title"),
    ("noc", "NOC"),
    ("duties", "duties"),
    ("work_location", "work location"),
    ("wage", "wage"),
    ("hours_per_week", "hours per week"),
    ("overtime", "overtime"),
    ("vacation", "vacation"),
    ("start_date", "start date"),
    ("duration_months", "duration"),
)


def _lacks(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@rule(
    "OFFER-CORE",
    title="Core terms in the job offer",
    severity=ERROR,
    area=AREA,
    citation=src.S13,
    streams=ALL_STREAMS,
    applies="an offer exists",
)
def offer_missing_core_terms(ctx: Context) -> Iterator[Hit]:
    """The job offer must state its core terms.

    Worker, employer legal name and address, title, NOC, duties, work location, wage, hours,
    overtime, vacation, start date and duration.
    """
    offer = ctx.case.offer
    if offer is None:
        return
    missing = [words for key, words in CORE_ITEMS if _lacks(getattr(offer, key))]
    if missing:
        yield Hit(
            "offer",
            f"The offer is missing: {listing(missing, limit=len(CORE_ITEMS))}.",
            "Complete the offer with every missing term before it is signed.",
        )


@rule(
    "OFFER-MATCH",
    title="Offer matches the position",
    severity=ERROR,
    area=AREA,
    citation=src.S20,
    streams=ALL_STREAMS,
    applies="an offer exists",
)
def offer_differs_from_position(ctx: Context) -> Iterator[Hit]:
    """The offer must be for the same job: NOC, title, at least the hours, and the work city.

    Terms the offer leaves out are OFFER-CORE's finding.
    """
    offer = ctx.case.offer
    if offer is None:
        return
    position = ctx.position
    problems = []
    if offer.noc is not None and not blank(offer.noc) and offer.noc.strip() != position.noc:
        problems.append(f"its NOC {offer.noc.strip()} is not the position's {position.noc}")
    if (
        offer.title is not None
        and not blank(offer.title)
        and norm_name(offer.title) != norm_name(position.title)
    ):
        problems.append(f'its title "{offer.title.strip()}" is not "{position.title.strip()}"')
    if offer.hours_per_week is not None and offer.hours_per_week < position.hours_per_week:
        problems.append(
            f"it offers {offer.hours_per_week} hours a week, fewer than the position's "
            f"{position.hours_per_week}"
        )
    if offer.work_location is not None:
        city = offer.work_location.city
        if norm_name(city) != norm_name(position.work_location.city):
            problems.append(
                f"its work city {city.strip()} is not {position.work_location.city.strip()}"
            )
    if problems:
        yield Hit(
            "offer",
            "The offer does not match the LMIA position: " + "; ".join(problems) + ".",
            "Make the offer's NOC, title, hours and work location the same as the position's.",
        )


@rule(
    "OFFER-SIGNED",
    title="Employment agreement signed, dated and in English or French",
    severity=ERROR,
    area=AREA,
    citation=src.S26,
    streams=ALL_STREAMS,
    applies="an offer exists",
    effective_from=SOR_2022_142,
    evidence="the employment agreement signed and dated by the employer and the worker",
)
def agreement_not_signed_in_time(ctx: Context) -> Iterator[Hit]:
    """The employment agreement must be signed by both by the first day, in English or French.

    Fires when work has started (start date on or before the as-of date T) without both
    signatures, when a signature is dated after the start date, or when the agreement's language
    is not recorded.
    """
    offer = ctx.case.offer
    if offer is None:
        return
    problems = []
    start = offer.start_date
    signatures = (
        ("employer", offer.signed_by_employer_on),
        ("worker", offer.signed_by_worker_on),
    )
    if start is not None and start <= ctx.as_of:
        unsigned = [who for who, day in signatures if day is None]
        if unsigned:
            problems.append(
                f"work started on {start} but the {' and the '.join(unsigned)} "
                f"{'has' if len(unsigned) == 1 else 'have'} not signed"
            )
    if start is not None:
        for who, day in signatures:
            if day is not None and day > start:
                problems.append(f"the {who} signed on {day}, after the start date {start}")
    if offer.language is None:
        problems.append("the language of the agreement (English or French) is not recorded")
    if problems:
        yield Hit(
            "offer",
            "The employment agreement is not in order: " + "; ".join(problems) + ".",
            "Have both parties sign and date the agreement on or before the first day of work, "
            "in the official language the worker chose, and record that language.",
        )


@rule(
    "OFFER-NO-FEES",
    title="Offer states that no fees are charged",
    severity=WARNING,
    area=AREA,
    citation=src.S22,
    streams=ALL_STREAMS,
    applies="an offer exists",
    effective_from=SOR_2022_142,
)
def offer_silent_on_fees(ctx: Context) -> Iterator[Hit]:
    """The offer should state that no recruitment or LMIA fee is charged or recovered."""
    offer = ctx.case.offer
    if offer is not None and offer.states_no_fees is not True:
        yield Hit(
            "offer",
            "The offer does not state that no recruitment or LMIA fee is charged to or recovered "
            "from the worker.",
            "Add a clause saying that no recruitment fee, LMIA fee or representative fee is or "
            "will be charged to or recovered from the worker.",
        )
