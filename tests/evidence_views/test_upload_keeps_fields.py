"""A file over the size limit is refused on the file field, and the rest of the form comes back
as typed (issue 7, U4): category, what it proves, date and description are kept.

The upload route reads bodies up to twice the per-file limit, so the view itself refuses the file
(413) with the form parsed; only a body past that hard limit is cut off unread by werkzeug.
"""

import re

from tests.evidence_views.support import file_error
from tests.helpers import text_of

NOTHING = {"rows": 0, "stored_files": 0, "temp_files": 0}
TYPED = {
    "category": "invoice",
    "evidence_date": "2026-10-15",
    "description": "Indeed invoice for the March ad & its renewal",
}


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    chosen = re.search(r'<option selected value="([^"]*)"', select.group(1)) if select else None
    return chosen and chosen.group(1)


def test_a_file_over_the_limit_is_refused_and_what_was_typed_is_kept(locker):
    locker.app.config["EVIDENCE_MAX_BYTES"] = 1024
    response = locker.upload(b"a" * 1025, "notes.txt", **TYPED)

    assert response.status_code == 413
    html = text_of(response)
    assert file_error(html) == "File: The file is larger than 1 KB."
    assert _selected(html, "category") == "invoice"
    assert _selected(html, "attach_to") == "position"
    assert 'name="evidence_date" type="date" value="2026-10-15"' in html
    assert "Indeed invoice for the March ad &amp; its renewal</textarea>" in html
    assert locker.leftovers() == NOTHING


def test_a_body_over_the_apps_request_limit_still_keeps_what_was_typed(locker):
    """The case the issue found: a 20 MB+ file made the whole body too large to be read."""
    content = b"a" * (locker.app.config["MAX_CONTENT_LENGTH"] + 1)
    response = locker.upload(content, "scan.txt", **TYPED)

    assert response.status_code == 413
    html = text_of(response)
    assert file_error(html) == "File: The file is larger than 20 MB."
    assert _selected(html, "category") == "invoice"
    assert 'name="evidence_date" type="date" value="2026-10-15"' in html
    assert "Indeed invoice for the March ad &amp; its renewal</textarea>" in html
    assert locker.leftovers() == NOTHING


def test_a_file_at_the_limit_is_kept(locker):
    locker.app.config["EVIDENCE_MAX_BYTES"] = 1024
    response = locker.upload(b"a" * 1024, "notes.txt", **TYPED)
    assert response.status_code == 302, file_error(text_of(response))
    assert len(locker.rows()) == 1


def test_a_body_past_the_hard_limit_is_refused_unread(locker):
    """Past twice the file limit nothing is read: a 413 on the file field, nothing kept."""
    locker.app.config["EVIDENCE_MAX_BYTES"] = 1024
    locker.app.config["MAX_CONTENT_LENGTH"] = 4096
    hard_limit = 2 * 1024 + 64 * 1024
    response = locker.upload(b"a" * (hard_limit + 1), "notes.txt", **TYPED)
    assert response.status_code == 413
    message = file_error(text_of(response))
    assert message.startswith("File: The file is larger than")
    assert "fill in the other fields again" in message
    assert locker.leftovers() == NOTHING


def test_other_routes_keep_the_ordinary_request_limit(locker):
    locker.app.config["MAX_CONTENT_LENGTH"] = 4096
    response = locker.post("/retention", {"first_work_day": "2026-01-01", "pad": "x" * 5000})
    assert response.status_code == 413
