"""Plain-text mail shown as HTML: escaped, with its http(s) links made clickable."""

import re

from markupsafe import Markup, escape

# A URL runs to the next space or character that cannot appear unescaped in one; trailing
# sentence punctuation ("…at https://x.example/a.") is not part of it.
_URL = re.compile(r"""https?://[^\s<>"'`]+""", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def link_urls(text: str | None) -> Markup:
    """Escape ``text`` and wrap each http(s) URL in a link; nothing else becomes markup."""
    text = text or ""
    parts: list[Markup] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        end = match.end()
        while url and url[-1] in _TRAILING:
            url = url[:-1]
            end -= 1
        parts.append(escape(text[position : match.start()]))
        # Markup.format escapes the URL, in the attribute and in the text alike.
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
