"""A rule's message or fix that a page can show in the reader's language.

The rules are plain Python and speak English: a finding's message is a ``str`` everywhere it
is stored, compared, exported or hashed. A ``Phrase`` is that same English text which also
keeps the catalogue's message id and the values put into it, so the web layer can look the
id up in the reader's catalogue and put the same values in (``portal.web``'s ``phrase``
filter). ``phrase(...)`` is the keyword ``make messages`` extracts.

A value may be a fragment worded in another place: a ``Phrase``, a form's ``Label`` (already
in the catalogue through the form) or an amount of ``Money`` (written the reader's way:
"$1,234.50", "1 234,50 $"). Each renders itself through the ``Catalogue`` it is given.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Protocol


class Catalogue(Protocol):
    """What a language gives a phrase: its words and its way of writing dollars."""

    def gettext(self, msgid: str) -> str: ...

    def money(self, amount: Decimal, exact: bool) -> str: ...


class Phrase(str):
    """English text (``msgid % values``) that remembers ``msgid`` and ``values``."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Phrase:
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid = msgid
        text.values = values
        return text

    def in_language(self, catalogue: Catalogue) -> str:
        translated = catalogue.gettext(self.msgid)
        if not self.values:
            return translated
        return translated % {name: in_language(v, catalogue) for name, v in self.values.items()}


_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")


class Label(str):
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


class Money(str):
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


def in_language(text: Any, catalogue: Catalogue) -> Any:
    """``text`` as ``catalogue``'s language writes it: a phrase, label or amount rendered again
    (an id the catalogue lacks gives the English back); anything else as it is."""
    render = getattr(text, "in_language", None)
    return render(catalogue) if render is not None and isinstance(text, str) else text
