"""Evidence previews through HTTP (issue 7, U6): PDF, PNG and JPEG open in the browser
(``inline``) with the download's sandboxing headers; other types stay downloads only."""

import pytest

from portal.models import Role
from tests.evidence.corpus import jpeg_bytes, text_pdf
from tests.evidence_views.support import png
from tests.helpers import text_of

SANDBOX = "sandbox; default-src 'none'; frame-ancestors 'none'"
KINDS = {
    "png": (png(7), "ad.png", "image/png"),
    "jpeg": (jpeg_bytes(), "ad.jpg", "image/jpeg"),
    "pdf": (text_pdf(), "ad.pdf", "application/pdf"),
}


def stored(locker, content: bytes, filename: str) -> int:
    response = locker.upload(content, filename)
    assert response.status_code == 302, text_of(response)
    return locker.rows()[-1].id


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_pdf_and_images_open_inline_in_the_sandbox(locker, kind):
    content, filename, content_type = KINDS[kind]
    evidence_id = stored(locker, content, filename)
    response = locker.client(Role.VIEWER).get(f"{locker.url}/{evidence_id}/preview")
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == content_type
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    # The download of the same file stays an attachment.
    download = locker.client(Role.VIEWER).get(f"{locker.url}/{evidence_id}/download")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    page = text_of(locker.client(Role.VIEWER).get(f"{locker.url}/{evidence_id}"))
    assert "Open in the browser" in page
    assert (f'<img src="{locker.url}/{evidence_id}/preview"' in page) == kind.startswith(
        ("png", "jpeg")
    )


def test_other_types_stay_attachments(locker):
    content = b"Interview notes: the applicant declined.\n"
    evidence_id = stored(locker, content, "notes.txt")
    response = locker.client().get(f"{locker.url}/{evidence_id}/preview")
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Open in the browser" not in text_of(locker.client().get(f"{locker.url}/{evidence_id}"))


def test_a_file_of_another_position_has_no_preview_here(locker):
    from tests.evidence_views.support import add_position

    evidence_id = stored(locker, png(8), "ad-8.png")
    other = add_position(locker.app, locker.employer_id, "Baker")
    url = f"/employers/{locker.employer_id}/positions/{other}/evidence/{evidence_id}/preview"
    assert locker.client().get(url).status_code == 404
