"""Advertisement content rules, AD [lmia-domain.md §1.9, §1.8]."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from portal.cases.model import Ad, Wage
from portal.rules import sources as src
from portal.rules.context import Context, activity_label
from portal.rules.phrase import Capitalised, Joined, phrase
from portal.rules.registry import AG, ALL_STREAMS, ERROR, WARNING, Hit, rule
from portal.rules.text import blank, duty_words, is_official_language, listing, norm_name
from portal.rules.wording import LANGUAGE_LABELS, field

AREA = "advertising"
BILL_96 = date(2022, 6, 1)


def ad_has_wage_figure(ad: Ad) -> bool:
    """Does the ad state a wage figure: an amount, or a range with a minimum?"""
    if ad.wage is None:
        return False
    if isinstance(ad.wage, Wage):
        return ad.wage.amount is not None
    return ad.wage.min is not None


def _ads(ctx: Context) -> Iterator[tuple[int, str, Ad]]:
    for index, activity in enumerate(ctx.activities):
        if activity.ad is not None:
            yield index, activity_label(activity), activity.ad


@rule(
    "AD-FIELDS",
    title=phrase("Every required item in each ad"),
    severity=ERROR,
    area=AREA,
    citation=src.S34,
    streams=ALL_STREAMS,
    applies="every activity with an ad, unless exempt",
    evidence=phrase("a dated copy of each ad as published"),
)
def ad_missing_required_items(ctx: Context) -> Iterator[Hit]:
    """Each ad must state the items ESDC requires.

    Operating name, business address (not for a caregiver position), title, duties, terms of
    employment, a wage figure (an amount, or a range with a minimum), work location, contact
    information, education and experience; and the benefits when the position has benefits.
    Not checked when the position is exempt from advertising.
    """
    if ctx.exempt:
        return
    caregiver = bool(ctx.position.caregiver)
    has_benefits = not blank(ctx.position.benefits)
    for index, label, ad in _ads(ctx):
        missing = []
        if blank(ad.operating_name):
            missing.append(phrase("operating name"))
        if not caregiver and blank(ad.business_address):
            missing.append(phrase("business address"))
        if blank(ad.title):
            missing.append(phrase("job title"))
        if blank(ad.duties):
            missing.append(phrase("duties"))
        if blank(ad.terms):
            missing.append(phrase("terms of employment"))
        if not ad_has_wage_figure(ad):
            missing.append(phrase("wage"))
        if blank(ad.work_location):
            missing.append(phrase("work location"))
        if blank(ad.contact):
            missing.append(phrase("contact information"))
        if blank(ad.education):
            missing.append(phrase("education"))
        if blank(ad.experience):
            missing.append(phrase("experience"))
        if has_benefits and blank(ad.benefits):
            missing.append(phrase("benefits"))
        if missing:
            yield Hit(
                f"recruitment[{index}]",
                phrase(
                    "%(ad)s is missing: %(items)s.",
                    ad=Capitalised(label),
                    items=listing(missing, limit=11),
                ),
                phrase(
                    "Publish a corrected ad that states every required item and keep a dated "
                    "copy; the corrected ad must then run its full period."
                ),
            )


def _other_languages(languages: tuple[str, ...] | None) -> list[str]:
    return [name for name in languages or () if not is_official_language(name)]


@rule(
    "AD-LANGUAGE",
    title=phrase("Only English or French required unless justified"),
    severity=ERROR,
    area=AREA,
    citation=src.S45,
    streams=ALL_STREAMS - AG,
    applies="all but AG",
)
def other_language_required_without_justification(ctx: Context) -> Iterator[Hit]:
    """Only English or French may be required, unless another language is justified.

    IRPR 203(1.01): an offer requiring another language is presumed to harm the labour market
    unless it is a bona fide requirement, stated under "Why another language is needed".
    """
    if not blank(ctx.position.language_justification):
        return
    requirements = ctx.position.requirements
    other = _other_languages(requirements.languages if requirements else None)
    fix = phrase(
        "Drop the requirement, or explain under %(field)s why the job genuinely needs that "
        "language.",
        field=field("language_justification"),
    )
    if other:
        yield Hit(
            "position",
            phrase(
                "The position requires %(languages)s, which is neither English nor French, and "
                "no justification is given.",
                languages=listing(other),
            ),
            fix,
        )
    for index, label, ad in _ads(ctx):
        other = _other_languages(ad.languages)
        if other:
            yield Hit(
                f"recruitment[{index}]",
                phrase(
                    "%(ad)s requires %(languages)s, which is neither English nor French, and no "
                    "justification is given.",
                    ad=Capitalised(label),
                    languages=listing(other),
                ),
                fix,
            )


@rule(
    "AD-CONSISTENT",
    title=phrase("Ad title and location match the position"),
    severity=ERROR,
    area=AREA,
    citation=src.S20,
    streams=ALL_STREAMS,
    applies="every ad",
)
def ad_title_or_location_differs(ctx: Context) -> Iterator[Hit]:
    """Each ad's title must be the position's, and its location must name the position's city.

    Titles compare ignoring case, accents, and surrounding space and punctuation; the city is
    looked for inside the ad's work location text the same way. A missing title or location is
    AD-FIELDS's finding, not this one.
    """
    title = norm_name(ctx.position.title)
    city = norm_name(ctx.position.work_location.city)
    for index, label, ad in _ads(ctx):
        problems = []
        if ad.title is not None and not blank(ad.title) and norm_name(ad.title) != title:
            problems.append(
                phrase(
                    'its title "%(ad_title)s" differs from the position\'s "%(title)s"',
                    ad_title=ad.title.strip(),
                    title=ctx.position.title.strip(),
                )
            )
        if (
            ad.work_location is not None
            and not blank(ad.work_location)
            and city not in norm_name(ad.work_location)
        ):
            problems.append(
                phrase(
                    'its work location "%(location)s" does not name %(city)s',
                    location=ad.work_location.strip(),
                    city=ctx.position.work_location.city.strip(),
                )
            )
        if problems:
            yield Hit(
                f"recruitment[{index}]",
                phrase(
                    "%(ad)s does not match the position: %(problems)s.",
                    ad=Capitalised(label),
                    problems=Joined(problems, "; "),
                ),
                phrase("Advertise the exact title and work location of the LMIA position."),
            )


@rule(
    "AD-DUTIES",
    title=phrase("Ad duties match the position's"),
    severity=WARNING,
    area=AREA,
    citation=src.S55,
    streams=ALL_STREAMS,
    applies="every ad",
)
def ad_duties_differ(ctx: Context) -> Iterator[Hit]:
    """An ad's duties should describe the position's duties.

    Warns when fewer than half of the distinct words of 4 or more letters in the ad's duties
    appear in the position's duties (case ignored); silent when the ad has no such words.
    """
    position_words = duty_words(ctx.position.duties)
    for index, label, ad in _ads(ctx):
        ad_words = duty_words(ad.duties)
        if not ad_words:
            continue
        shared = len(ad_words & position_words)
        if 2 * shared >= len(ad_words):
            continue
        yield Hit(
            f"recruitment[{index}]",
            phrase(
                "Only %(shared)s of the %(words)s distinct words in the duties of %(ad)s appear "
                "in the position's duties; at least half should.",
                shared=shared,
                words=len(ad_words),
                ad=label,
            ),
            phrase("Describe the same duties as the LMIA position (ideally the same wording)."),
        )


@rule(
    "AD-CG-LIVEIN",
    title=phrase("No live-in requirement for caregivers"),
    severity=ERROR,
    area=AREA,
    citation=src.S3,
    streams=ALL_STREAMS,
    applies="caregiver",
)
def caregiver_must_live_in(ctx: Context) -> Iterator[Hit]:
    """An in-home caregiver cannot be required to live in the employer's home."""
    if ctx.position.caregiver and ctx.position.live_in_required:
        yield Hit(
            "position",
            phrase(
                "The caregiver position requires the worker to live in the employer's home; "
                "ESDC refuses to process such applications."
            ),
            phrase(
                "Remove the live-in requirement; living in may only be offered as an option at "
                "no cost to the worker."
            ),
        )


@rule(
    "AD-QC-FRENCH",
    title=phrase("Québec ads published in French"),
    severity=ERROR,
    area=AREA,
    citation=src.S74,
    streams=ALL_STREAMS,
    applies="work province QC",
    effective_from=BILL_96,
)
def quebec_ad_not_in_french(ctx: Context) -> Iterator[Hit]:
    """In Québec, every ad must also be published in French (Charter of the French language)."""
    if ctx.province != "QC":
        return
    for index, label, ad in _ads(ctx):
        published = ad.published_languages or ()
        if "fr" in published:
            continue
        if published:
            shown = phrase(
                "published in %(languages)s",
                languages=listing([LANGUAGE_LABELS.get(c, c) for c in published]),
            )
        else:
            shown = phrase(
                "nothing is ticked under %(field)s", field=field("ad_published_languages")
            )
        yield Hit(
            f"recruitment[{index}]",
            phrase(
                "%(ad)s was not published in French (%(shown)s).",
                ad=Capitalised(label),
                shown=shown,
            ),
            phrase(
                "Publish the ad in French through comparable means, keep a dated copy, and tick "
                "French under %(field)s.",
                field=field("ad_published_languages"),
            ),
        )
