"""Text conventions every rule uses: name comparison, languages, duty words, money in messages."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from portal.cases.wages import to_decimal
from portal.rules.phrase import Joined, Money, phrase

OFFICIAL_LANGUAGES = frozenset({"english", "french", "anglais", "français", "francais", "en", "fr"})
_WORD = re.compile(r"[^\W\d_]+")
_CENT = Decimal("0.01")
_FOUR_PLACES = Decimal("0.0001")
# Typographic quotes and the modifier apostrophe compare as the ASCII apostrophe.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'"})
# Whitespace and dashes: hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em
# dash, horizontal bar, minus sign, two- and three-em dashes, small and full-width hyphen-minus.
_SPACES_AND_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]+")


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PZ"


def norm_name(text: str) -> str:
    """Normalize a title, city, CMA or region for comparison.

    NFKD, accents dropped, typographic apostrophes made ASCII, case folded, whitespace and
    punctuation removed at both ends; any inner run of spaces and dashes (hyphen, en dash, em
    dash) read as one hyphen ("Belleville – Quinte West" = "Belleville-Quinte West"); other
    inner characters count ("Montreal" = "Montréal", "Cook." = "cook", "St. John's" keeps its
    period). The same key as ``portal.reference.loaders.normalise_name`` gives CMA names (kept
    apart: the rules do not import the reference package).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.translate(_APOSTROPHES).casefold()
    start, end = 0, len(bare)
    while start < end and _is_edge(bare[start]):
        start += 1
    while end > start and _is_edge(bare[end - 1]):
        end -= 1
    return _SPACES_AND_DASHES.sub("-", bare[start:end])


def same_name(left: str, right: str) -> bool:
    return norm_name(left) == norm_name(right)


def is_official_language(name: str) -> bool:
    """English or French, however written (``English``, ``français``, ``fr``, any case)."""
    return name.strip().casefold() in OFFICIAL_LANGUAGES


def duty_words(text: str | None) -> frozenset[str]:
    """The distinct words of 4 or more letters in ``text``, case ignored."""
    if not text:
        return frozenset()
    return frozenset(word.casefold() for word in _WORD.findall(text) if len(word) >= 4)


def blank(text: str | None) -> bool:
    """Is a free-text field empty (absent, null, or only whitespace)?"""
    return text is None or not text.strip()


def money(value: Fraction | Decimal) -> Money:
    """Dollars for a message: cents when exact, else four places truncated, marked "about"
    (a ``Money``: a page writes it the reader's way)."""
    exact = value if isinstance(value, Decimal) else to_decimal(value)
    cents = exact.quantize(_CENT)
    if cents == exact:
        return Money(f"${cents:,}", cents, True)
    shown = exact.quantize(_FOUR_PLACES, rounding=ROUND_DOWN)
    return Money(f"about ${shown:,}", shown, False)


def percent(value: Fraction) -> str:
    """A share as a percentage for a message, to one decimal place when not whole."""
    exact = to_decimal(value * 100)
    whole = exact.to_integral_value()
    if whole == exact:
        return f"{whole}%"
    return f"{exact.quantize(Decimal('0.1'))}%"


def listing(items: list[str], limit: int = 6) -> str:
    """Join items for a message ("A, B and C"), naming at most ``limit`` of them ("A, B and 4
    more"); each item may be a phrase, and the joining words are one too."""
    shown, more = items[:limit], max(len(items) - limit, 0)
    if more:
        return phrase("%(items)s and %(more)s more", items=Joined(shown, ", "), more=more)
    if len(shown) <= 1:
        return shown[0] if shown else ""
    return phrase("%(items)s and %(last)s", items=Joined(shown[:-1], ", "), last=shown[-1])
