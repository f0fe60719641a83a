"""Job offer and employment agreement rules, OFFER [lmia-domain.md §6].

Each rule runs once per offer (``Context.offers``): the case's one ``offer`` (lmia-case/1) or
each worker's ``workers[i].offer`` (lmia-case/2), the finding's subject naming which.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from portal.rules import sources as src
from portal.rules.context import Context, OfferOf
from portal.rules.phrase import Joined, phrase
from portal.rules.registry import ALL_STREAMS, ERROR, WARNING, Hit, rule
from portal.rules.text import blank, listing, norm_name

AREA = "offer"
SOR_2022_142 = date(2022, 9, 26)
CORE_ITEMS = (
    ("worker_name", phrase("worker's name")),
    ("employer_legal_name", phrase("employer's legal name")),
    ("employer_address", phrase("employer's address")),
    ("title", phrase("job title")),
    ("noc", phrase("NOC")),
    ("duties", phrase("duties")),
    ("work_location", phrase("work location")),
    ("wage", phrase("wage")),
    ("hours_per_week", phrase("hours per week")),
    ("overtime", phrase("overtime")),
    ("vacation", phrase("vacation")),
    ("start_date", phrase("start date")),
    ("duration_months", phrase("duration")),
)


def _lacks(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@rule(
    "OFFER-CORE",
    title=phrase("Core terms in the job offer"),
    severity=ERROR,
    area=AREA,
    citation=src.S13,
    streams=ALL_STREAMS,
    applies="an offer exists",
)
def offer_missing_core_terms(ctx: Context) -> Iterator[Hit]:
    """The job offer must state its core terms.

    Worker, employer legal name and address, title, NOC, duties, work location, wage, hours,
    overtime, vacation, start date and duration. Per offer; in lmia-case/2 the worker's name
    and planned start date stand in for an offer that leaves them out (the letter prints them).
    """
    for item in ctx.offers:
        given = {"worker_name": item.worker_name, "start_date": item.start_date}
        missing = [
            words
            for key, words in CORE_ITEMS
            if _lacks(given[key] if key in given else getattr(item.offer, key))
        ]
        if missing:
            yield Hit(
                item.subject,
                phrase(
                    "%(offer)s is missing: %(terms)s.",
                    offer=item.words,
                    terms=listing(missing, limit=len(CORE_ITEMS)),
                ),
                phrase("Complete the offer with every missing term before it is signed."),
            )


@rule(
    "OFFER-MATCH",
    title=phrase("Offer matches the position"),
    severity=ERROR,
    area=AREA,
    citation=src.S20,
    streams=ALL_STREAMS,
    applies="an offer exists",
)
def offer_differs_from_position(ctx: Context) -> Iterator[Hit]:
    """The offer must be for the same job: NOC, title, at least the hours, and the work city.

    Terms the offer leaves out are OFFER-CORE's finding. Per offer.
    """
    for item in ctx.offers:
        yield from _offer_mismatches(ctx, item)


def _offer_mismatches(ctx: Context, item: OfferOf) -> Iterator[Hit]:
    offer = item.offer
    position = ctx.position
    problems = []
    if offer.noc is not None and not blank(offer.noc) and offer.noc.strip() != position.noc:
        problems.append(
            phrase(
                "its NOC %(offer_noc)s is not the position's %(noc)s",
                offer_noc=offer.noc.strip(),
                noc=position.noc,
            )
        )
    if (
        offer.title is not None
        and not blank(offer.title)
        and norm_name(offer.title) != norm_name(position.title)
    ):
        problems.append(
            phrase(
                'its title "%(offer_title)s" is not "%(title)s"',
                offer_title=offer.title.strip(),
                title=position.title.strip(),
            )
        )
    if offer.hours_per_week is not None and offer.hours_per_week < position.hours_per_week:
        problems.append(
            phrase(
                "it offers %(hours)s hours a week, fewer than the position's %(position_hours)s",
                hours=offer.hours_per_week,
                position_hours=position.hours_per_week,
            )
        )
    if offer.work_location is not None:
        city = offer.work_location.city
        if norm_name(city) != norm_name(position.work_location.city):
            problems.append(
                phrase(
                    "its work city %(offer_city)s is not %(city)s",
                    offer_city=city.strip(),
                    city=position.work_location.city.strip(),
                )
            )
    if problems:
        yield Hit(
            item.subject,
            phrase(
                "%(offer)s does not match the LMIA position: %(problems)s.",
                offer=item.words,
                problems=Joined(problems, "; "),
            ),
            phrase(
                "Make the offer's NOC, title, hours and work location the same as the position's."
            ),
        )


@rule(
    "OFFER-SIGNED",
    title=phrase("Employment agreement signed, dated and in English or French"),
    severity=ERROR,
    area=AREA,
    citation=src.S26,
    streams=ALL_STREAMS,
    applies="an offer exists",
    effective_from=SOR_2022_142,
    evidence=phrase("the employment agreement signed and dated by the employer and the worker"),
)
def agreement_not_signed_in_time(ctx: Context) -> Iterator[Hit]:
    """The employment agreement must be signed by both by the first day, in English or French.

    Fires when work has started (start date on or before the as-of date T) without both
    signatures, when a signature is dated after the start date, or when the agreement's language
    is not recorded. Per offer; in lmia-case/2 the worker's planned start date and preferred
    language count when the offer gives none (the letter is written in that language).
    """
    for item in ctx.offers:
        yield from _agreement_problems(ctx, item)


def _agreement_problems(ctx: Context, item: OfferOf) -> Iterator[Hit]:
    offer = item.offer
    problems = []
    start = item.start_date
    employer_day, worker_day = offer.signed_by_employer_on, offer.signed_by_worker_on
    if start is not None and start <= ctx.as_of:
        if employer_day is None and worker_day is None:
            problems.append(
                phrase(
                    "work started on %(start)s but the employer and the worker have not signed",
                    start=start,
                )
            )
        elif employer_day is None:
            problems.append(
                phrase("work started on %(start)s but the employer has not signed", start=start)
            )
        elif worker_day is None:
            problems.append(
                phrase("work started on %(start)s but the worker has not signed", start=start)
            )
    if start is not None:
        if employer_day is not None and employer_day > start:
            problems.append(
                phrase(
                    "the employer signed on %(day)s, after the start date %(start)s",
                    day=employer_day,
                    start=start,
                )
            )
        if worker_day is not None and worker_day > start:
            problems.append(
                phrase(
                    "the worker signed on %(day)s, after the start date %(start)s",
                    day=worker_day,
                    start=start,
                )
            )
    if item.language is None:
        problems.append(phrase("the language of the agreement (English or French) is not recorded"))
    if problems:
        yield Hit(
            item.subject,
            (
                phrase(
                    "The employment agreement is not in order: %(problems)s.",
                    problems=Joined(problems, "; "),
                )
                if item.worker is None
                else phrase(
                    "%(worker)s employment agreement is not in order: %(problems)s.",
                    worker=item.owner,
                    problems=Joined(problems, "; "),
                )
            ),
            phrase(
                "Have both parties sign and date the agreement on or before the first day of "
                "work, in the official language the worker chose, and record that language."
            ),
        )


@rule(
    "OFFER-NO-FEES",
    title=phrase("Offer states that no fees are charged"),
    severity=WARNING,
    area=AREA,
    citation=src.S22,
    streams=ALL_STREAMS,
    applies="an offer exists",
    effective_from=SOR_2022_142,
)
def offer_silent_on_fees(ctx: Context) -> Iterator[Hit]:
    """The offer should state that no recruitment or LMIA fee is charged or recovered. Per offer."""
    for item in ctx.offers:
        if item.offer.states_no_fees is True:
            continue
        yield Hit(
            item.subject,
            phrase(
                "%(offer)s does not state that no recruitment or LMIA fee is charged to or "
                "recovered from the worker.",
                offer=item.words,
            ),
            phrase(
                "Add a clause saying that no recruitment fee, LMIA fee or representative fee is "
                "or will be charged to or recovered from the worker."
            ),
        )
