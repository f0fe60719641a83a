"""A rule's message or fix that a page can show in the reader's language.

The rules are plain Python and speak English: a finding's message is a ``str`` everywhere it
is stored, compared, exported or hashed. A ``Phrase`` is that same English text which also
keeps the catalogue's message id and the values put into it, so the web layer can look the
id up in the reader's catalogue and put the same values in (``portal.web``'s ``phrase``
filter). ``phrase(...)`` is the keyword ``make messages`` extracts.

A value may be a fragment worded in another place: a ``Phrase``, a count's ``Plural``, a
fragment that begins a sentence (``Capitalised``), a form's ``Label`` (already in the catalogue
through the form) or an amount of ``Money`` (written the reader's way: "$1,234.50",
"1 234,50 $"). Each renders itself through the ``Catalogue`` it is given.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Protocol


class Catalogue(Protocol):
    """What a language gives a phrase: its words and its way of writing dollars."""

    def gettext(self, msgid: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def money(self, amount: Decimal, exact: bool) -> str: ...


class Language:
    """A ``Catalogue`` from gettext translations (``babel.support.Translations``) and a Babel
    locale: what a page (``portal.web``) and the bundle's index (``portal.bundle``) give phrases."""

    def __init__(self, translations, locale) -> None:
        self.locale = locale
        self.gettext, self.ngettext = translations.ugettext, translations.ungettext

    def money(self, amount: Decimal, exact: bool) -> str:
        from babel.numbers import format_currency

        shown = format_currency(amount, "CAD", locale=self.locale, decimal_quantization=exact)
        return shown if exact else self.gettext("about %(amount)s") % {"amount": shown}


class Fragment(str):
    """Text the rules wrote in English that can render itself in another language."""

    def in_language(self, catalogue: Catalogue) -> str:
        raise NotImplementedError


class Phrase(Fragment):
    """English text (``msgid % values``) that remembers ``msgid`` and ``values``."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Phrase:
        # Always %-formatted, as gettext's python-format strings are: a literal % is %%.
        text = super().__new__(cls, msgid % values)
        text.msgid = msgid
        text.values = values
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        translated = catalogue.gettext(self.msgid)
        return translated % {name: in_language(v, catalogue) for name, v in self.values.items()}


class Plural(Fragment):
    """A phrase whose words follow a count (``%(num)d``): "1 day", "3 days"; French counts 0
    and 1 as singular. ``plural_phrase(...)`` is its extraction keyword."""

    singular: str
    plural: str
    num: int
    values: dict[str, Any]

    def __new__(cls, singular: str, plural: str, num: int, **values: Any) -> Plural:
        values = {"num": num, **values}
        text = super().__new__(cls, (singular if num == 1 else plural) % values)
        text.singular, text.plural, text.num, text.values = singular, plural, num, values
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        translated = catalogue.ngettext(self.singular, self.plural, self.num)
        return translated % {name: in_language(v, catalogue) for name, v in self.values.items()}


class Joined(Fragment):
    """Fragments joined by a separator that reads the same in both languages ("; ", ", ")."""

    items: tuple[str, ...]
    separator: str

    def __new__(cls, items, separator: str) -> Joined:
        items = tuple(items)
        text = super().__new__(cls, separator.join(items))
        text.items, text.separator = items, separator
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        return self.separator.join(in_language(item, catalogue) for item in self.items)


class Capitalised(Fragment):
    """A fragment that begins a sentence: its first letter upper case, in any language."""

    fragment: str

    def __new__(cls, fragment: str) -> Capitalised:
        text = super().__new__(cls, fragment[:1].upper() + fragment[1:])
        text.fragment = fragment
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        shown = in_language(self.fragment, catalogue)
        return shown[:1].upper() + shown[1:]


_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")


class Label(Fragment):
    """A form's label or choice as the form shows it (its msgid is the form's own). With
    ``drop_note``, a trailing "(optional)" or "(rare)" is left out, in any language."""

    label: str
    drop_note: bool

    def __new__(cls, label: str, drop_note: bool = False) -> Label:
        text = super().__new__(cls, _TRAILING_NOTE.sub("", label) if drop_note else label)
        text.label = label
        text.drop_note = drop_note
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        translated = catalogue.gettext(self.label)
        return _TRAILING_NOTE.sub("", translated) if self.drop_note else translated


class Money(Fragment):
    """Dollars in a message: "$18.50", or "about $18.5012" when not a whole cent."""

    amount: Decimal
    exact: bool

    def __new__(cls, english: str, amount: Decimal, exact: bool) -> Money:
        text = super().__new__(cls, english)
        text.amount = amount
        text.exact = exact
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        return catalogue.money(self.amount, self.exact)


def phrase(msgid: str, **values: Any) -> Phrase:
    """Mark ``msgid`` (with ``%(name)s`` placeholders) for the catalogue and fill it in."""
    return Phrase(msgid, **values)


def plural_phrase(singular: str, plural: str, num: int, **values: Any) -> Plural:
    """Mark a singular and a plural msgid (``%(num)d`` is the count) and fill one in."""
    return Plural(singular, plural, num, **values)


def in_language(text: Any, catalogue: Catalogue) -> Any:
    """``text`` as ``catalogue``'s language writes it: a phrase, label or amount rendered again
    (an id the catalogue lacks gives the English back); anything else as it is."""
    return text.in_language(catalogue) if isinstance(text, Fragment) else text
