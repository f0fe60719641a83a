"""A rule's message or fix that a page can show in the reader's language.

The rules are plain Python and speak English: a finding's message is a ``str`` everywhere it
is stored, compared, exported or hashed. A ``Phrase`` is that same English text which also
keeps the catalogue's message id and the values put into it, so the web layer can look the
id up in the reader's catalogue and put the same values in (``portal.web``'s ``phrase``
filter). ``phrase(...)`` is the keyword ``make messages`` extracts.
"""

from __future__ import annotations

from typing import Any


class Phrase(str):
    """English text (``msgid % values``) that remembers ``msgid`` and ``values``.

    A value may itself be a ``Phrase`` (a fragment a helper words), translated with it.
    """

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> Phrase:
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid = msgid
        text.values = values
        return text


def phrase(msgid: str, **values: Any) -> Phrase:
    """Mark ``msgid`` (with ``%(name)s`` placeholders) for the catalogue and fill it in."""
    return Phrase(msgid, **values)


def in_language(text: Any, gettext) -> Any:
    """``text`` in the language of ``gettext`` (a catalogue's ``gettext(msgid) -> str``):
    a ``Phrase`` looked up and filled in again, its values translated first; anything else
    as it is. A catalogue without the id gives the English back."""
    if not isinstance(text, Phrase):
        return text
    values = {name: in_language(value, gettext) for name, value in text.values.items()}
    translated = gettext(text.msgid)
    return translated % values if values else translated
