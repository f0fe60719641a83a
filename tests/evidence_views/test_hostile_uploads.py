"""Security bar 2(c) through HTTP: every hostile sample of tests/evidence/corpus.py is posted to the
upload form of a position's evidence locker by its owner, with a valid CSRF token.

Each must be refused with 422 and a message under the file field ("File: ..."), and leave nothing
behind: no evidence row, no file in the evidence store, no file in instance/tmp (the upload
spool). The refusal itself is audited once. A body over ``MAX_CONTENT_LENGTH`` gets 413. Every
benign sample round-trips byte-identical through the download, served as an attachment that no
browser renders.
"""

import hashlib
import re
from urllib.parse import unquote

import pytest

from portal.evidence_inspection import ACCEPTED
from portal.models import Role
from tests.evidence import corpus
from tests.evidence_views.support import add_position, file_error, png
from tests.helpers import text_of

HOSTILE = [pytest.param(sample, id=sample.name) for sample in corpus.HOSTILE]
BENIGN = [pytest.param(sample, id=sample.name) for sample in corpus.BENIGN]
NOTHING = {"rows": 0, "stored_files": 0, "temp_files": 0}


def _bytes(sample, tmp_path) -> bytes:
    path = tmp_path / "sample"
    sample.write(path)
    return path.read_bytes()


def test_the_corpus_is_big_enough():
    assert len(corpus.HOSTILE) >= 25
    assert {sample.kind for sample in corpus.BENIGN} == set(ACCEPTED)


@pytest.mark.parametrize("sample", HOSTILE)
def test_hostile_upload_is_refused_and_leaves_nothing(locker, sample, tmp_path):
    content = _bytes(sample, tmp_path)
    locker.app.config["EVIDENCE_MAX_BYTES"] = sample.max_bytes
    response = locker.upload(content, sample.client_name)

    expected = 413 if sample.code == "too_large" else 422  # issue 7 U4: too large is 413
    assert response.status_code == expected, (sample.name, response.status_code)
    html = text_of(response)
    message = file_error(html)
    assert message and message.startswith("File: ") and len(message) > len("File: ") + 10, message
    # The summary at the top links to the field too.
    assert re.search(r'<a href="#file">File</a>: \S', html), "no error summary naming the file"
    assert locker.leftovers() == NOTHING
    assert locker.audit_count("evidence.upload_refused") == 1


def _over_the_request_limit(locker):
    limit = locker.app.config["MAX_CONTENT_LENGTH"]
    content = b"a" * (limit + 1)  # the file alone is over the request limit
    return locker.upload(content, "huge.txt")


def test_a_body_over_max_content_length_is_413_and_leaves_nothing(locker):
    response = _over_the_request_limit(locker)
    assert response.status_code == 413
    assert "The file is larger than" in text_of(response)
    assert locker.leftovers() == NOTHING


def test_the_413_page_names_the_file_field(locker):
    """Security bar 2(c): every refusal names the field, the over-limit body included."""
    response = _over_the_request_limit(locker)
    assert response.status_code == 413
    assert re.search(r"\bFile\b", text_of(response)), "the 413 page does not name the file field"


def test_an_upload_aimed_at_another_employer_stores_nothing(locker):
    """A's owner posts a valid file at B's position, under A's employer and under B's: 404."""
    b_owner = locker.make.user(name="Bob Other")
    b = locker.make.employer(b_owner, legal_name="Other Bakery Ltd.")
    b_position = add_position(locker.app, b.id, "Baker")
    targets = [
        f"/employers/{locker.employer_id}/positions/{b_position}/evidence",  # A's id, B's position
        f"/employers/{b.id}/positions/{b_position}/evidence",  # B's ids
        f"/employers/{b.id}/positions/{locker.position_id}/evidence",  # B's id, A's position
    ]
    for n, url in enumerate(targets, start=1):
        response = locker.upload(png(n), f"ad-{n}.png", url=url)
        assert response.status_code == 404, (url, response.status_code)
        assert locker.leftovers() == NOTHING, url


@pytest.mark.parametrize("sample", BENIGN)
def test_benign_file_round_trips_byte_identical(locker, sample, tmp_path):
    content = _bytes(sample, tmp_path)
    response = locker.upload(content, sample.client_name)
    assert response.status_code == 302, file_error(text_of(response))
    (row,) = locker.rows()
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert (row.content_type, row.extension) == ACCEPTED[sample.kind]
    assert row.original_filename.endswith(row.extension)
    assert len(locker.stored()) == 1 and locker.temp_files() == []

    download = locker.client(Role.OWNER).get(f"{locker.url}/{row.id}/download")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == row.sha256
    headers = download.headers
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Content-Type"].split(";")[0] == row.content_type


# A name with every trick: directories, CR/LF (a header injection), a right-to-left override
# (U+202E makes "evil.gnp.txt" read "evil.txt.png"), and markup.
TRICKY = "../../etc/ad\r\nSet-Cookie: stolen=1\u202egnp.txt<img src=x onerror=alert`1`>.txt"


def _multipart(token: str, content: bytes, filename: str) -> tuple[bytes, str]:
    """A form body naming the file with RFC 2231 ``filename*=``, so that the server really sees
    CR, LF and U+202E in the name (a test client's plain filename cannot carry CR/LF)."""
    boundary = "----portal-test-boundary"
    encoded = "".join(
        ch if ch.isalnum() or ch in "-_." else "".join(f"%{b:02X}" for b in ch.encode())
        for ch in filename
    )
    fields = {
        "csrf_token": token,
        "category": "ad_proof",
        "attach_to": "position",
        "description": "<img src=x onerror=alert(1)> described",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="ad.txt"; '
        f"filename*=UTF-8''{encoded}\r\nContent-Type: text/html\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_a_tricky_file_name_is_cleaned_in_the_header_and_escaped_in_the_pages(locker):
    client = locker.client(Role.OWNER)
    body, content_type = _multipart(locker.token(), b"Ad text, nothing else.\n", TRICKY)
    response = client.post(locker.url, data=body, content_type=content_type)
    assert response.status_code == 302, file_error(text_of(response))
    (row,) = locker.rows()
    name = row.original_filename
    for bad in ("\r", "\n", "\u202e", "/", "\\", "<", ">", '"', ";", ".."):
        assert bad not in name, (bad, name)
    assert name.endswith(".txt")

    download = client.get(f"{locker.url}/{row.id}/download")
    assert download.data == b"Ad text, nothing else.\n"
    disposition = download.headers["Content-Disposition"]
    decoded = unquote(disposition)
    assert disposition.startswith("attachment;")
    for bad in ("\r", "\n", "\u202e", "/", "<", "Set-Cookie: stolen"):
        assert bad not in decoded.replace("Set-Cookie_ stolen", ""), (bad, disposition)
    assert "stolen" not in download.headers.get("Set-Cookie", "")
    assert download.headers["Content-Type"].startswith("text/plain")  # not the client's text/html

    for page in (locker.url, f"{locker.url}/{row.id}"):
        html = text_of(client.get(page))
        assert "<img src=x" not in html and "\u202e" not in html, page
    item = text_of(client.get(f"{locker.url}/{row.id}"))
    assert "&lt;img src=x onerror=alert(1)&gt; described" in item


def test_a_plain_tricky_name_from_a_browser_is_cleaned_too(locker):
    name = "..\\..\\evil\u202egnp.txt<img src=x onerror=alert(1)>.txt"
    response = locker.upload(b"Plain ad text.\n", name)
    assert response.status_code == 302
    (row,) = locker.rows()
    assert not set("\u202e\\/<>") & set(row.original_filename), row.original_filename
    html = text_of(locker.client().get(locker.url))
    assert "<img src=x" not in html


def test_the_same_file_twice_is_refused_the_second_time(locker):
    content = png(7)
    assert locker.upload(content, "ad.png").status_code == 302
    again = locker.upload(content, "ad-again.png", description="the same ad again")
    assert again.status_code == 422
    message = file_error(text_of(again))
    assert message.startswith("File: ") and "already in the locker" in message, message
    assert "ad.png" in message  # says which file it duplicates
    assert len(locker.rows()) == 1
    assert len(locker.stored()) == 1 and locker.temp_files() == []
    # Staff uploading the same bytes under another name: still refused.
    assert locker.upload(content, "copy.png", role=Role.STAFF).status_code == 422
    assert len(locker.rows()) == 1


# Issue 7 S3: the probe's three polyglots, each with the sentence the user sees.
PROBE_POLYGLOTS = {
    "PNG with a JavaScript PDF appended after IEND (polyglot)": "data after its end",
    "DOCX whose first member is a JavaScript PDF (polyglot)": "not part of the document",
    "JPEG with <script> HTML appended after EOI (polyglot)": "data after its end",
}


@pytest.mark.parametrize("name", PROBE_POLYGLOTS)
def test_the_probes_polyglots_are_refused_with_a_reason_and_nothing_is_kept(locker, name, tmp_path):
    (sample,) = [sample for sample in corpus.HOSTILE if sample.name == name]
    response = locker.upload(_bytes(sample, tmp_path), sample.client_name)

    assert response.status_code == 422
    message = file_error(text_of(response))
    assert PROBE_POLYGLOTS[name] in message, message
    assert locker.leftovers() == NOTHING
