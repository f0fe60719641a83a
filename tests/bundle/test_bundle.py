"""The filing bundle: names, order, conversions, checksums, the index, safety and atomicity."""

import io
import os
import re
import socket
import subprocess
import time
import zipfile
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from portal import bundle as bundle_module
from portal.bundle import (
    MAX_FILE_BYTES,
    BlockedFetch,
    BundleError,
    DataOnlyFetcher,
    build_bundle,
    remove_stale_temp_files,
)
from tests.bundle.conftest import (
    EMPLOYER,
    RULE_ID,
    docx_bytes,
    jpeg_bytes,
    make_context,
    make_evidence,
    noise,
    noise_pdf_bytes,
    pdf_bytes,
    png_bytes,
    sha256,
)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def five_kinds():
    """One evidence item of each accepted upload type."""
    return {
        "pdf": (pdf_bytes("Job Bank advertisement text"), ".pdf"),
        "png": (png_bytes(), ".png"),
        "jpg": (jpeg_bytes(), ".jpg"),
        "docx": (docx_bytes(), ".docx"),
        "txt": (b"Applicant log\nline two\n", ".txt"),
    }


def standard_evidence():
    files = five_kinds()
    return [
        make_evidence(3, "job_bank_ad", files["pdf"][0], ".pdf", date(2026, 1, 5)),
        make_evidence(1, "proof of advertising", files["png"][0], ".png", date(2026, 1, 6)),
        make_evidence(2, "Indeed Ad", files["jpg"][0], ".jpg", None),
        make_evidence(4, "interview_notes", files["docx"][0], ".docx", date(2026, 1, 12)),
        make_evidence(
            5,
            "applicant_log",
            files["txt"][0],
            ".txt",
            date(2026, 2, 1),
            description="<img src=x onerror=alert(1)>",
        ),
    ]


EXPECTED_NAMES = [
    "00-index.pdf",
    "01-proof-of-advertising-2026-01-06.jpg",
    "02-indeed-ad-undated.jpg",
    "03-job-bank-ad-2026-01-05.pdf",
    "04-interview-notes-2026-01-12.pdf",
    "05-applicant-log-2026-02-01.txt",
    "case.json",
    "SHA256SUMS",
]


def unzip(path, into):
    into.mkdir()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            assert "/" not in name and "\\" not in name and not name.startswith(".")
        zf.extractall(into)
    return into


@pytest.fixture
def built(tmp_path, context):
    out = tmp_path / "out" / "bundle.zip"
    out.parent.mkdir()
    evidence = standard_evidence()
    result = build_bundle(out, context, evidence)
    return out, result, evidence


def test_names_and_order(built):
    out, result, _ = built
    with zipfile.ZipFile(out) as zf:
        assert zf.namelist() == EXPECTED_NAMES
        assert zf.testzip() is None
    assert result.members == EXPECTED_NAMES


def test_result_describes_the_written_file(built):
    out, result, _ = built
    data = out.read_bytes()
    assert result.size == len(data)
    assert result.sha256 == sha256(data)


def test_real_sha256sum_verifies_every_member(built, tmp_path):
    out, _, _ = built
    folder = unzip(out, tmp_path / "unzipped")
    sums = (folder / "SHA256SUMS").read_text()
    lines = sums.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == EXPECTED_NAMES[:-1]
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S+", line) for line in lines)
    assert sums.endswith("\n")
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(EXPECTED_NAMES) - 1


def test_sha256sum_notices_a_tampered_member(built, tmp_path):
    out, _, _ = built
    folder = unzip(out, tmp_path / "unzipped")
    (folder / "05-applicant-log-2026-02-01.txt").write_bytes(b"tampered\n")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True)
    assert check.returncode != 0


def test_conversions(built):
    out, _, evidence = built
    by_number = {item.number: item for item in evidence}
    with zipfile.ZipFile(out) as zf:
        png = Image.open(io.BytesIO(zf.read("01-proof-of-advertising-2026-01-06.jpg")))
        assert (png.format, png.mode, png.size) == ("JPEG", "RGB", (320, 200))
        # transparent areas become white, not black
        assert png.getpixel((2, 2)) > (240, 240, 240)
        # small JPEG, PDF and TXT files are carried byte for byte
        assert sha256(zf.read("02-indeed-ad-undated.jpg")) == by_number[2].sha256
        assert sha256(zf.read("03-job-bank-ad-2026-01-05.pdf")) == by_number[3].sha256
        assert sha256(zf.read("05-applicant-log-2026-02-01.txt")) == by_number[5].sha256
        docx_pdf = zf.read("04-interview-notes-2026-01-12.pdf")
        assert docx_pdf.startswith(b"%PDF-")
        text = squash(pdf_text(docx_pdf))
        for expected in (
            "Interview record",
            "Interview notes for the cook position.",
            "A. Tremblay",
            "Declined <offer> & left",
            "Closing paragraph after the table.",
        ):
            assert expected in text
        assert zf.read("case.json").decode() == make_context().case_json
        for name in zf.namelist():
            assert zf.getinfo(name).file_size <= MAX_FILE_BYTES


def test_index_pdf_content(built):
    out, _, evidence = built
    with zipfile.ZipFile(out) as zf:
        text = pdf_text(zf.read("00-index.pdf"))
    flat = squash(text)
    assert EMPLOYER in flat
    assert "Cook" in flat and "63200" in flat and "Low-wage" in flat
    assert RULE_ID in flat
    assert "ADV-WAGE" in flat and "Range starts at the median wage." in flat
    assert "Program requirements, section 4.2" in flat
    assert "Lacks the experience" in flat and "Odd code" in flat
    assert "outdated" in flat
    for item in evidence:
        assert item.sha256[:16] in text
    for name in EXPECTED_NAMES[1:6]:
        assert name in flat
    assert "Converted from PNG to JPEG." in flat
    assert "Converted from DOCX to PDF" in flat


def test_html_in_fields_is_text(built):
    out, _, _ = built
    with zipfile.ZipFile(out) as zf:
        text = squash(pdf_text(zf.read("00-index.pdf")))
    assert "<img src=x onerror=alert(1)>" in text


def test_index_template_escapes_user_fields():
    context = make_context(
        employer_name='<script>alert("x")</script>',
        findings=[{"rule": "X-1", "severity": "error", "message": "<b>bold</b>"}],
    )
    document = bundle_module._index_html(context, [], 3)
    assert "<script>alert" not in document
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in document
    assert "&lt;b&gt;bold&lt;/b&gt;" in document


# --- no network, no disk ---------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Fail any socket connection, and record every URL WeasyPrint asks the fetcher for."""
    attempts, asked = [], []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    original = DataOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(DataOnlyFetcher, "fetch", spy)
    return attempts, asked


HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="200" height="50">'
    '<image href="file:///etc/passwd" width="10" height="10"/>'
    '<image xlink:href="http://169.254.169.254/latest/meta-data/" width="10" height="10"/>'
    '<rect width="20" height="20" fill="#000"/></svg>'
)


def test_urls_in_fields_are_never_fetched(tmp_path, no_network):
    attempts, asked = no_network
    context = make_context(
        employer_name="http://169.254.169.254/latest/meta-data/",
        work_location="file:///etc/passwd",
        reference_sources=["file:///etc/passwd", "http://169.254.169.254/"],
        activities=[
            {
                "key": "<a href='http://169.254.169.254/'>x</a>",
                "method": '<img src="file:///etc/passwd">',
                "where": "<link rel=stylesheet href=http://169.254.169.254/s.css>",
                "dates": "<style>@import 'http://169.254.169.254/';</style>",
                "groups": [],
            }
        ],
        timeline_svg=HOSTILE_SVG,
    )
    evidence = [
        make_evidence(
            1,
            "job_bank_ad",
            docx_bytes('<img src="http://169.254.169.254/">'),
            ".docx",
            description='<img src="file:///etc/passwd">',
        )
    ]
    out = tmp_path / "b.zip"
    build_bundle(out, context, evidence)
    assert attempts == []
    fetched = [url for url in asked if not url.startswith("data:")]
    # The only non-data URLs asked for are the ones inside the SVG picture, and they were refused
    # by the fetcher itself (the HTML fields were text, so they were never URLs at all).
    assert sorted(fetched) == [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
    ]
    assert any(url.startswith("data:image/svg+xml") for url in asked)
    with zipfile.ZipFile(out) as zf:
        text = pdf_text(zf.read("00-index.pdf"))
    assert "root:" not in text
    assert "file:///etc/passwd" in squash(text)


def test_css_imports_in_the_timeline_are_not_fetched(no_network):
    attempts, asked = no_network
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50">'
        "<style>@import url(http://169.254.169.254/css);</style>"
        '<rect width="20" height="20"/></svg>'
    )
    page = f'<img src="{bundle_module._svg_data_uri(svg)}"><p>after</p>'
    assert b"%PDF" in bundle_module.render_pdf(page)
    assert attempts == []
    assert all(url.startswith("data:") for url in asked)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "relative/path.png",
        "/etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_data_uris(url, no_network):
    attempts, _ = no_network
    fetcher = DataOnlyFetcher()
    with pytest.raises(BlockedFetch):
        fetcher.fetch(url)
    with pytest.raises(BlockedFetch):
        fetcher(url)
    assert fetcher.blocked == [url, url]
    assert attempts == []


def test_the_fetcher_serves_data_uris():
    response = DataOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


# --- ESDC size rules -------------------------------------------------------------------------


def test_big_pdf_is_split_into_parts_under_the_limit(tmp_path, context):
    data = noise_pdf_bytes(pages=10)
    assert len(data) > MAX_FILE_BYTES
    out = tmp_path / "b.zip"
    result = build_bundle(out, context, [make_evidence(7, "job_bank_ad", data, ".pdf")])
    parts = [name for name in result.members if name.startswith("07-")]
    assert parts == [f"07-job-bank-ad-2026-01-05-part{n}.pdf" for n in range(1, len(parts) + 1)]
    assert len(parts) >= 2
    pages = 0
    with zipfile.ZipFile(out) as zf:
        for name in parts:
            part = zf.read(name)
            assert len(part) <= MAX_FILE_BYTES
            pages += len(PdfReader(io.BytesIO(part)).pages)
        index = squash(pdf_text(zf.read("00-index.pdf")))
    assert pages == 10
    assert f"Split into {len(parts)} parts" in index
    assert "too large" not in index


def test_a_pdf_that_fits_once_rewritten_keeps_its_plain_name(tmp_path, context):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(pages=3))))
    writer.add_attachment("padding.bin", os.urandom(MAX_FILE_BYTES + 100_000))
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    assert len(data) > MAX_FILE_BYTES
    out = tmp_path / "b.zip"
    result = build_bundle(out, context, [make_evidence(1, "job_bank_ad", data, ".pdf")])
    assert result.members[1] == "01-job-bank-ad-2026-01-05.pdf"
    with zipfile.ZipFile(out) as zf:
        part = zf.read(result.members[1])
        index = squash(pdf_text(zf.read("00-index.pdf")))
    assert len(part) <= MAX_FILE_BYTES
    assert len(PdfReader(io.BytesIO(part)).pages) == 3
    assert "Rewritten without unused data" in index


def test_a_single_page_over_the_limit_is_kept_whole_and_flagged(tmp_path, context):
    big = noise(2600, 2600)
    small = noise(300, 300)
    buffer = io.BytesIO()
    small.save(buffer, "PDF", save_all=True, append_images=[big, small], quality=95)
    data = buffer.getvalue()
    assert len(data) > MAX_FILE_BYTES
    out = tmp_path / "b.zip"
    result = build_bundle(out, context, [make_evidence(1, "lmia_form", data, ".pdf")])
    parts = [name for name in result.members if name.startswith("01-")]
    with zipfile.ZipFile(out) as zf:
        sizes = [len(zf.read(name)) for name in parts]
        index = squash(pdf_text(zf.read("00-index.pdf")))
    assert sum(size > MAX_FILE_BYTES for size in sizes) == 1
    assert "too large for the ESDC portal" in index
    assert "cannot be uploaded to the ESDC portal" in index


def test_big_png_and_jpeg_are_shrunk_under_the_limit(tmp_path, context):
    big_png = io.BytesIO()
    noise(2600, 2600).save(big_png, "PNG", compress_level=1)
    big_jpeg = jpeg_bytes(image=noise(2600, 2600), quality=98)
    assert len(big_jpeg) > MAX_FILE_BYTES
    evidence = [
        make_evidence(1, "photo", big_png.getvalue(), ".png"),
        make_evidence(2, "photo", big_jpeg, ".jpg"),
    ]
    out = tmp_path / "b.zip"
    build_bundle(out, context, evidence)
    with zipfile.ZipFile(out) as zf:
        for name in ("01-photo-2026-01-05.jpg", "02-photo-2026-01-05.jpg"):
            data = zf.read(name)
            assert len(data) <= MAX_FILE_BYTES
            assert Image.open(io.BytesIO(data)).format == "JPEG"
        index = squash(pdf_text(zf.read("00-index.pdf")))
    assert "Re-encoded to fit" in index


def test_big_text_is_split_by_lines(tmp_path, context):
    line = ("Applicant " * 9 + "é\n").encode()
    data = line * (MAX_FILE_BYTES // len(line) + 5000)
    out = tmp_path / "b.zip"
    result = build_bundle(out, context, [make_evidence(9, "applicant_log", data, ".txt")])
    parts = [name for name in result.members if name.startswith("09-")]
    assert parts == [
        "09-applicant-log-2026-01-05-part1.txt",
        "09-applicant-log-2026-01-05-part2.txt",
    ]
    with zipfile.ZipFile(out) as zf:
        chunks = [zf.read(name) for name in parts]
    assert all(len(chunk) <= MAX_FILE_BYTES and chunk.endswith(b"\n") for chunk in chunks)
    assert b"".join(chunks) == data


def test_split_text_cuts_an_overlong_line_at_a_character_boundary():
    data = "é".encode() * 10 + b"\nshort\n"
    parts = bundle_module._split_text(data, 7)
    assert b"".join(parts) == data
    assert all(len(part) <= 7 for part in parts)
    for part in parts:
        part.decode("utf-8")


# --- numbering, inputs, damaged files ---------------------------------------------------------


def test_numbers_pad_to_three_digits_past_99(tmp_path, context):
    txt = b"x\n"
    evidence = [make_evidence(n, "note", txt, ".txt", None) for n in (100, 5, 42)]
    result = build_bundle(tmp_path / "b.zip", context, evidence)
    assert result.members == [
        "00-index.pdf",
        "005-note-undated.txt",
        "042-note-undated.txt",
        "100-note-undated.txt",
        "case.json",
        "SHA256SUMS",
    ]
    assert sorted(result.members[:4]) == result.members[:4]


@pytest.mark.parametrize("numbers", [(1, 1), (0, 1), (-3,)])
def test_bad_numbers_are_refused(tmp_path, context, numbers):
    evidence = [make_evidence(n, "note", b"x", ".txt") for n in numbers]
    with pytest.raises(BundleError):
        build_bundle(tmp_path / "b.zip", context, evidence)
    assert list(tmp_path.iterdir()) == []


def test_hostile_category_and_extension_cannot_make_paths(tmp_path, context):
    evidence = [make_evidence(1, "../../etc/passwd", b"x\n", ".txt")]
    result = build_bundle(tmp_path / "b.zip", context, evidence)
    assert result.members[1] == "01-etc-passwd-2026-01-05.txt"
    with pytest.raises(BundleError):
        build_bundle(tmp_path / "c.zip", context, [make_evidence(1, "x", b"x", ".txt/../../evil")])


def test_damaged_files_are_included_as_uploaded_and_flagged(tmp_path, context):
    evidence = [
        make_evidence(1, "photo", b"not really a png", ".png"),
        make_evidence(2, "letter", b"not really a docx", ".docx"),
        make_evidence(3, "form", b"%PDF-1.7 broken" + b"0" * (MAX_FILE_BYTES + 10), ".pdf"),
    ]
    out = tmp_path / "b.zip"
    result = build_bundle(out, context, evidence)
    assert result.members[1:4] == [
        "01-photo-2026-01-05.png",
        "02-letter-2026-01-05.docx",
        "03-form-2026-01-05.pdf",
    ]
    with zipfile.ZipFile(out) as zf:
        assert zf.read("01-photo-2026-01-05.png") == b"not really a png"
        index = squash(pdf_text(zf.read("00-index.pdf")))
    assert index.count("included as uploaded") == 3
    assert index.count("file type not accepted by the ESDC portal") == 2
    assert "too large for the ESDC portal" in index


def test_no_evidence_still_makes_a_bundle(tmp_path):
    context = make_context(findings=[], activities=[], timeline_svg=None, sign_off=None, summary={})
    result = build_bundle(tmp_path / "b.zip", context, [])
    assert result.members == ["00-index.pdf", "case.json", "SHA256SUMS"]


# --- progress and failures -------------------------------------------------------------------


def test_progress_is_called_once_per_evidence_file(tmp_path, context):
    calls = []
    build_bundle(
        tmp_path / "b.zip", context, standard_evidence(), progress=lambda *a: calls.append(a)
    )
    assert calls == [(n, 5) for n in range(1, 6)]


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_failing_evidence_stream_leaves_nothing(tmp_path, context):
    evidence = standard_evidence()

    def broken():
        raise OSError("storage unavailable")

    evidence[2] = bundle_module.BundleEvidence(**{**evidence[2].__dict__, "open": broken})
    with pytest.raises(OSError, match="storage unavailable"):
        build_bundle(tmp_path / "b.zip", context, evidence)
    assert listing(tmp_path) == []


def test_a_checksum_mismatch_stops_the_build(tmp_path, context):
    evidence = standard_evidence()
    evidence[0] = bundle_module.BundleEvidence(**{**evidence[0].__dict__, "sha256": "0" * 64})
    with pytest.raises(BundleError, match="does not match"):
        build_bundle(tmp_path / "b.zip", context, evidence)
    assert listing(tmp_path) == []


def test_a_failure_in_progress_or_index_leaves_nothing(tmp_path, context, monkeypatch):
    def stop(done, total):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_bundle(tmp_path / "b.zip", context, standard_evidence(), progress=stop)
    assert listing(tmp_path) == []

    def broken_index(*args):
        raise RuntimeError("template broke")

    monkeypatch.setattr(bundle_module, "_index_html", broken_index)
    with pytest.raises(RuntimeError):
        build_bundle(tmp_path / "b.zip", context, standard_evidence())
    assert listing(tmp_path) == []


def test_a_failed_rebuild_keeps_the_previous_bundle(tmp_path, context, monkeypatch):
    out = tmp_path / "b.zip"
    build_bundle(out, context, standard_evidence())
    before = out.read_bytes()

    def broken_replace(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(bundle_module.os, "replace", broken_replace)
    with pytest.raises(OSError, match="rename failed"):
        build_bundle(out, context, standard_evidence())
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert listing(tmp_path) == ["b.zip"]


def test_remove_stale_temp_files(tmp_path):
    (tmp_path / ".b.zip.abc.tmp").write_bytes(b"half")
    (tmp_path / ".b.zip.def.work").mkdir()
    (tmp_path / ".b.zip.def.work" / "x").write_bytes(b"x")
    (tmp_path / ".b.zip.new.tmp").write_bytes(b"in progress")
    (tmp_path / "b.zip").write_bytes(b"done")
    for name in (".b.zip.abc.tmp", ".b.zip.def.work"):
        os.utime(tmp_path / name, (1, 1))
    assert remove_stale_temp_files(tmp_path, older_than_seconds=60) == 2
    assert listing(tmp_path) == [".b.zip.new.tmp", "b.zip"]


# --- timing (reported, not asserted) ----------------------------------------------------------


def test_timing_100_mixed_files(tmp_path, context, capsys):
    kinds = list(five_kinds().items())
    evidence = []
    for number in range(1, 101):
        kind, (data, ext) = kinds[(number - 1) % len(kinds)]
        evidence.append(make_evidence(number, f"{kind} evidence", data, ext))
    out = tmp_path / "b.zip"
    started = time.perf_counter()
    result = build_bundle(out, context, evidence)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\n[bundle timing] 100 evidence files (20 each PDF/PNG/JPEG/DOCX/TXT): "
            f"{elapsed:.2f} s, {len(result.members)} members, {result.size / 1e6:.2f} MB"
        )
    assert len(result.members) == 103


def test_evidence_streams_from_local_storage(tmp_path, context):
    from portal.storage import LocalStorage, new_key

    store = LocalStorage(tmp_path / "store")
    data = pdf_bytes("Stored advertisement")
    key = new_key()
    (tmp_path / "upload").write_bytes(data)
    store.save(key, tmp_path / "upload")
    item = make_evidence(1, "job_bank_ad", data, ".pdf")
    item = bundle_module.BundleEvidence(**{**item.__dict__, "open": lambda: store.open(key)})
    (tmp_path / "out").mkdir()
    result = build_bundle(tmp_path / "out" / "b.zip", context, [item])
    with zipfile.ZipFile(tmp_path / "out" / "b.zip") as zf:
        assert zf.read(result.members[1]) == data
