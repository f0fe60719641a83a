"""Pieces shared by the sign-off tests (and the older tests that sign off on the way)."""

import re

_FINGERPRINT = re.compile(r'name="open_fingerprint"[^>]*value="([0-9a-f]*)"')
REASON = "The client files today; the open items are explained in the cover letter."


def open_fingerprint(html: str) -> str:
    """The open items the sign-off page showed (its sign-off form's hidden field)."""
    match = _FINGERPRINT.search(html)
    assert match, "the page has no sign-off form"
    return match.group(1)


def confirmed_sign_off(html: str, note: str = "Ready to file.") -> dict:
    """A sign-off body that confirms exactly what the page ``html`` listed as open."""
    return {
        "note": note,
        "confirm_open": "y",
        "confirmation_reason": REASON,
        "open_fingerprint": open_fingerprint(html),
    }
