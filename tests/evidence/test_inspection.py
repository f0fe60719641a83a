"""Hostile-file suite for portal.evidence_inspection (security bar §2(c), §3 point 3).

Every sample comes from tests/evidence/corpus.py, generated in code. Hostile samples must raise
RejectedFile with the expected reason code and a user-facing sentence; benign samples must come
back with the right kind, served type and extension, and the sha256 hashlib computes.
``test_corpus_summary`` prints one line with the counts.
"""

import hashlib
import inspect
import io
import json
import os
import random
import struct
import subprocess
import sys
import tracemalloc
import unicodedata
import warnings
import zipfile
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest
from PIL import ImageFile

import portal.evidence_inspection as inspection
from portal.evidence_inspection import (
    ACCEPTED,
    ACCEPTED_NAMES,
    InspectedFile,
    RejectedFile,
    clean_filename,
    inspect_upload,
    virus_signature_found,
)
from tests.evidence import corpus as samples
from tests.evidence.corpus import BENIGN, DEFAULT_MAX_BYTES, EICAR, HOSTILE, MB, Sample

ROOT = Path(__file__).resolve().parents[2]
# Reasons whose message must tell the user which types are accepted.
NAMES_TYPES = {"type", "program", "archive", "markup", "txt_binary", "txt_control", "txt_active"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("corpus")
    paths = {}
    for number, sample in enumerate(HOSTILE + BENIGN):
        path = directory / f"sample-{number:03d}"  # no extension: the name carries no meaning
        sample.write(path)
        paths[sample.name] = path
    return paths


def _outcome(sample: Sample, path: Path) -> InspectedFile | RejectedFile:
    try:
        return inspect_upload(path, sample.max_bytes)
    except RejectedFile as error:
        return error


def _assert_user_sentence(error: RejectedFile, code: str) -> None:
    message = str(error)
    assert message[:1].isupper() and message.endswith("."), message
    assert 10 < len(message) < 240, message
    for word in ("Traceback", "Error", "pypdf", "PIL", "zipfile", "0x", "/tmp"):
        assert word not in message, message
    if code in NAMES_TYPES:
        assert all(name in message for name in ("PDF", "PNG", "JPEG", "DOCX", "TXT")), message


# --------------------------------------------------------------------------------------------
# The corpus


def test_the_corpus_is_big_enough_and_names_are_unique():
    names = [sample.name for sample in HOSTILE + BENIGN]
    assert len(names) == len(set(names))
    assert len(HOSTILE) >= 25  # security bar §2(c)
    assert {sample.kind for sample in BENIGN} == set(ACCEPTED)
    assert all(sample.code for sample in HOSTILE) and all(sample.kind for sample in BENIGN)


@pytest.mark.parametrize("sample", HOSTILE, ids=lambda sample: sample.name)
def test_hostile_sample_is_rejected_for_the_right_reason(corpus, sample):
    with pytest.raises(RejectedFile) as caught:
        inspect_upload(corpus[sample.name], sample.max_bytes)

    assert caught.value.code == sample.code, str(caught.value)
    _assert_user_sentence(caught.value, sample.code)


@pytest.mark.parametrize("sample", BENIGN, ids=lambda sample: sample.name)
def test_benign_sample_round_trips(corpus, sample):
    path = corpus[sample.name]

    result = inspect_upload(path, sample.max_bytes)

    assert result.kind == sample.kind
    assert (result.content_type, result.extension) == ACCEPTED[sample.kind]
    assert result.size == path.stat().st_size
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not virus_signature_found(path)


def test_benign_display_names_take_the_extension_the_content_earned(corpus):
    shown = {}
    for sample in BENIGN:
        result = inspect_upload(corpus[sample.name], sample.max_bytes)
        shown[sample.name] = clean_filename(sample.client_name, result.extension)
        assert shown[sample.name].endswith(result.extension)

    assert shown["hand-made text PDF"] == "ad.pdf"  # sent as "ad.PdF"
    assert shown["PNG named .jpg"] == "photo.png"
    assert shown["JPEG with EXIF"] == "IMG_0001.jpg"
    assert shown["WeasyPrint PDF"] == "Offre d'emploi.pdf"


def test_corpus_summary(corpus, figure):
    rejected = sum(
        isinstance(outcome := _outcome(sample, corpus[sample.name]), RejectedFile)
        and outcome.code == sample.code
        for sample in HOSTILE
    )
    round_trips = 0
    for sample in BENIGN:
        outcome = _outcome(sample, corpus[sample.name])
        digest = hashlib.sha256(corpus[sample.name].read_bytes()).hexdigest()
        round_trips += isinstance(outcome, InspectedFile) and (outcome.kind, outcome.sha256) == (
            sample.kind,
            digest,
        )
    summary = {
        "hostile": len(HOSTILE),
        "rejected": rejected,
        "benign": len(BENIGN),
        "round_trips": round_trips,
    }
    print("evidence-inspection " + json.dumps(summary))
    figure(
        "uploads",
        f"{rejected}/{len(HOSTILE)} hostile files rejected, "
        f"{round_trips}/{len(BENIGN)} benign files round-trip",
    )
    assert rejected == len(HOSTILE)
    assert round_trips == len(BENIGN)


# --------------------------------------------------------------------------------------------
# Judged by content, not by name


def test_the_path_name_does_not_matter(tmp_path, corpus):
    html = tmp_path / "receipt.pdf"
    html.write_bytes(corpus["HTML bytes named .pdf"].read_bytes())
    pdf = tmp_path / "photo.png"
    pdf.write_bytes(corpus["hand-made text PDF"].read_bytes())

    with pytest.raises(RejectedFile, match="Web pages"):
        inspect_upload(html, DEFAULT_MAX_BYTES)
    assert inspect_upload(pdf, DEFAULT_MAX_BYTES).kind == "pdf"


def test_no_name_or_client_type_reaches_the_inspection():
    assert list(inspect.signature(inspect_upload).parameters) == ["path", "max_bytes"]


@pytest.mark.parametrize("truncated_allowed", [False, True])
def test_damaged_images_are_refused_whatever_pillow_is_told(corpus, monkeypatch, truncated_allowed):
    # WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True when imported; Pillow then accepts
    # torn images. The inspection must not depend on that global.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_allowed)
    damaged = [sample for sample in HOSTILE if sample.code == "image_damaged"]
    assert len(damaged) >= 4

    for sample in damaged:
        with pytest.raises(RejectedFile) as caught:
            inspect_upload(corpus[sample.name], sample.max_bytes)
        assert caught.value.code == "image_damaged", sample.name


def test_pixel_floods_are_refused_even_when_warnings_are_ignored(corpus):
    floods = [sample for sample in HOSTILE if sample.code == "image_flood"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for sample in floods:
            with pytest.raises(RejectedFile, match="50 million pixels"):
                inspect_upload(corpus[sample.name], sample.max_bytes)
    assert len(floods) == 4


def test_a_huge_zip_directory_is_refused_before_zipfile_reads_it(corpus, monkeypatch):
    def no_zipfile(*args, **kwargs):
        raise AssertionError("zipfile was asked to read the directory")

    monkeypatch.setattr(zipfile, "ZipFile", no_zipfile)
    for name in (
        "DOCX with 1001 extra members",
        "DOCX with a 1.6 MB central directory (400 long names)",
    ):
        with pytest.raises(RejectedFile) as caught:
            inspect_upload(corpus[name], DEFAULT_MAX_BYTES)
        assert caught.value.code == "docx_too_many"


# --------------------------------------------------------------------------------------------
# Issue 7 S3: data after an image's end, parts outside a DOCX's package, hidden PDFs

PROBE_POLYGLOTS = {
    "PNG with a JavaScript PDF appended after IEND (polyglot)": "image_trailing",
    "DOCX whose first member is a JavaScript PDF (polyglot)": "docx_foreign",
    "JPEG with <script> HTML appended after EOI (polyglot)": "image_trailing",
}


def test_the_probes_three_polyglots_are_in_the_hostile_suite():
    codes = {sample.name: sample.code for sample in HOSTILE}
    assert {name: codes.get(name) for name in PROBE_POLYGLOTS} == PROBE_POLYGLOTS


def _judge(tmp_path, content: bytes) -> str:
    path = tmp_path / "upload"
    path.write_bytes(content)
    try:
        return inspect_upload(path, DEFAULT_MAX_BYTES).kind
    except RejectedFile as error:
        return error.code


def test_nothing_may_follow_a_png_iend_not_even_a_zero_byte(tmp_path):
    png = samples.png_bytes()
    assert _judge(tmp_path, png) == "png"
    for tail in (b"\x00", b"\xff", b"x", b"<html>", samples.png_bytes()):
        assert _judge(tmp_path, png + tail) == "image_trailing", tail[:8]


def test_a_jpeg_may_end_in_zero_or_ff_padding_and_nothing_else(tmp_path):
    jpeg = samples.jpeg_bytes()
    for padding in (b"\x00", bytes(4096), b"\xff" * 100, b"\x00\xff" * 50):
        assert _judge(tmp_path, jpeg + padding) == "jpeg", padding[:4]
    for tail in (b"\x00" * 64 + b"<", b"x", b"\xff\xd9", bytes(10) + samples.jpeg_bytes()):
        assert _judge(tmp_path, jpeg + tail) == "image_trailing", tail[:8]


def test_images_an_mpf_index_declares_are_accepted_and_nothing_beyond_them(tmp_path):
    mpo = samples._mpo_jpeg()
    assert _judge(tmp_path, mpo) == "jpeg"
    assert _judge(tmp_path, mpo + bytes(16)) == "jpeg"
    assert _judge(tmp_path, mpo + b"<script>alert(1)</script>") == "image_trailing"
    # The index says the second image is one byte longer than the file: declared nothing.
    after, header = inspection._walk_jpeg(mpo, 0, len(mpo))
    ((start, size),) = inspection._mpf_extents(mpo, header, len(mpo))
    order = "<" if mpo[header : header + 2] == b"II" else ">"
    at = mpo.index(struct.pack(order + "II", size, start - header))
    longer = mpo[:at] + struct.pack(order + "I", size + 1) + mpo[at + 4 :]
    assert _judge(tmp_path, longer) == "image_trailing"
    # The second image swapped for HTML of the same length: refused, not taken on trust.
    html = (b"<html><script>alert(1)</script>" * size)[:size]
    assert _judge(tmp_path, mpo[:start] + html) == "image_trailing"


def test_a_pdf_hidden_inside_an_image_or_a_document_is_refused(tmp_path):
    pdf = samples._js_pdf()
    png = samples.png_bytes()
    # Inside a PNG text chunk, before IEND: a well-formed PNG, and a PDF to a lenient reader.
    text_chunk = samples._png_chunk(b"tEXt", b"Comment\x00" + pdf)
    assert _judge(tmp_path, png[:33] + text_chunk + png[33:]) == "polyglot"
    # Inside a JPEG comment segment.
    jpeg = samples.jpeg_bytes()
    comment = b"\xff\xfe" + struct.pack(">H", len(pdf[:60000]) + 2) + pdf[:60000]
    assert _judge(tmp_path, jpeg[:2] + comment + jpeg[2:]) == "polyglot"
    # A stored DOCX part that the package declares and reaches (an "embedded" PDF).
    members = samples.docx_with(
        replace=_package_with("word/embeddings/offer.pdf", "application/pdf")
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(members)) as source,
        zipfile.ZipFile(out, "w") as archive,
    ):
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/embeddings/offer.pdf", pdf, zipfile.ZIP_STORED)
    assert _judge(tmp_path, out.getvalue()) == "polyglot"


def _package_with(part: str, content_type: str | None, reached: bool = True):
    """[Content_Types].xml and the document's relationships of the benign DOCX, extended so
    that ``part`` has ``content_type`` (None: no type) and, if ``reached``, a relationship."""
    with zipfile.ZipFile(io.BytesIO(samples.docx_bytes())) as archive:
        types = archive.read("[Content_Types].xml")
        rels = archive.read("word/_rels/document.xml.rels")
    if content_type:
        override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'.encode()
        types = types.replace(b"</Types>", override + b"</Types>")
    if reached:
        target = part.removeprefix("word/")
        relationship = (
            '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/package" Target="{target}"/>'
        ).encode()
        rels = rels.replace(b"</Relationships>", relationship + b"</Relationships>")
    return {"[Content_Types].xml": types, "word/_rels/document.xml.rels": rels}


@pytest.mark.parametrize(
    ("content_type", "reached", "expected"),
    [
        ("application/octet-stream", True, "docx"),  # typed and reached: a part
        ("application/octet-stream", False, "docx_foreign"),  # typed, but nothing reaches it
        (None, True, "docx_foreign"),  # reached, but no content type
        (None, False, "docx_foreign"),  # neither: just a file in the ZIP
    ],
)
def test_a_docx_member_must_be_a_typed_and_reached_part(tmp_path, content_type, reached, expected):
    part = "word/embeddings/data.bin"
    content = samples.docx_with(
        extra={part: b"\x00\x01 inert bytes"},
        replace=_package_with(part, content_type, reached),
    )
    assert _judge(tmp_path, content) == expected


def test_relationships_of_unreached_parts_and_directory_entries(tmp_path):
    rels = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    assert _judge(tmp_path, samples.docx_with({"word/_rels/ghost.xml.rels": rels})) == (
        "docx_foreign"
    )
    assert _judge(tmp_path, samples.docx_with({"word/media/": b""})) == "docx"


def test_package_targets_may_be_absolute_and_are_not_percent_decoded(tmp_path):
    with zipfile.ZipFile(io.BytesIO(samples.docx_bytes())) as archive:
        package = archive.read("_rels/.rels")
        document = archive.read("word/_rels/document.xml.rels")
    package = package.replace(b'Target="word/document.xml"', b'Target="/word/document.xml"')
    assert _judge(tmp_path, samples.docx_with(replace={"_rels/.rels": package})) == "docx"
    # "%31" is not "1": the theme part is then reached by nothing (python-docx agrees).
    document = document.replace(b'Target="theme/theme1.xml"', b'Target="theme/theme%31.xml"')
    content = samples.docx_with(replace={"word/_rels/document.xml.rels": document})
    assert _judge(tmp_path, content) == "docx_foreign"


# --------------------------------------------------------------------------------------------
# Size limits and streaming


def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not(tmp_path):
    path = tmp_path / "notes"
    path.write_bytes(b"a" * 1000)
    assert inspect_upload(path, 1000).size == 1000

    path.write_bytes(b"a" * 1001)
    with pytest.raises(RejectedFile, match=r"^The file is larger than 1 KB\.$"):
        inspect_upload(path, 1000)


def test_the_limit_is_shown_in_megabytes(tmp_path):
    path = tmp_path / "big"
    with open(path, "wb") as stream:
        stream.truncate(20 * MB + 1)  # sparse: costs no disk

    with pytest.raises(RejectedFile, match=r"^The file is larger than 20 MB\.$"):
        inspect_upload(path, 20 * MB)
    with pytest.raises(RejectedFile, match=r"^The file is larger than 10 MB\.$"):
        inspect_upload(path, 10_000_000)


@pytest.mark.parametrize(("content", "limit"), [(b"", 100), (b"x" * 101, 100)])
def test_empty_and_oversized_files_are_refused_before_any_read(
    tmp_path, monkeypatch, content, limit
):
    path = tmp_path / "upload"
    path.write_bytes(content)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(inspection, "open", no_open, raising=False)
    with pytest.raises(RejectedFile) as caught:
        inspect_upload(path, limit)
    assert caught.value.code in {"empty", "too_large"}


def _peak_memory(path: Path) -> int:
    tracemalloc.start()
    try:
        assert inspect_upload(path, DEFAULT_MAX_BYTES).kind == "txt"
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_text_is_streamed_not_read_whole(tmp_path):
    line = "Annonce publiée sur le Guichet-Emplois, salaire 25,50 $/h.\n".encode()
    small, large = tmp_path / "small", tmp_path / "large"
    small.write_bytes(line * (MB // len(line)))
    large.write_bytes(line * (8 * MB // len(line)))

    small_peak, large_peak = _peak_memory(small), _peak_memory(large)

    # Memory does not grow with the file: 8x the bytes, (almost) the same peak.
    assert large_peak < 2 * MB, large_peak
    assert large_peak < small_peak + 256 * 1024, (small_peak, large_peak)


def test_max_bytes_must_be_positive(tmp_path):
    path = tmp_path / "notes"
    path.write_bytes(b"hello")
    with pytest.raises(ValueError, match="positive"):
        inspect_upload(path, 0)


# --------------------------------------------------------------------------------------------
# Antivirus hook


def test_virus_hook_finds_the_test_signature_anywhere(tmp_path):
    path = tmp_path / "sample"
    for content in (EICAR, b"x" * 100 + EICAR, b"y" * (64 * 1024 - 7) + EICAR + b"z"):
        path.write_bytes(content)
        assert virus_signature_found(path)
    path.write_bytes(EICAR[:-1] + b"?")
    assert not virus_signature_found(path)
    assert "ClamAV" in virus_signature_found.__doc__


def test_this_source_does_not_carry_the_signature_in_one_piece():
    for path in (ROOT / "portal" / "evidence_inspection.py", Path(__file__).with_name("corpus.py")):
        assert EICAR not in path.read_bytes()


# --------------------------------------------------------------------------------------------
# clean_filename

CLEANED = [
    ("../../etc/passwd.pdf", ".pdf", "passwd.pdf"),
    ("..\\..\\win.ini.pdf", ".pdf", "win.ini.pdf"),
    ("/abs/x.pdf", ".pdf", "x.pdf"),
    ("C:\\Users\\me\\Desktop\\scan.PDF", ".pdf", "scan.pdf"),
    ("a\uff0fb\uff3cc.pdf", ".pdf", "c.pdf"),  # full-width slashes
    ("re\x00port.pdf", ".pdf", "report.pdf"),
    ("evil.php\x00.pdf", ".pdf", "evil.php.pdf"),
    ("invoice\r\nSet-Cookie: x=1.pdf", ".pdf", "invoiceSet-Cookie_ x=1.pdf"),
    ("invoice\u202egnp.pdf", ".pdf", "invoicegnp.pdf"),
    ("a\u200bb\u2066c\u2069d\ufeff.pdf", ".pdf", "abcd.pdf"),
    ("x" * 300 + ".pdf", ".pdf", "x" * 116 + ".pdf"),
    ("CON.pdf", ".pdf", "evidence.pdf"),
    ("con.txt.pdf", ".pdf", "txt.pdf"),
    ("LPT1", ".pdf", "evidence.pdf"),
    ("aux .pdf", ".pdf", "evidence.pdf"),
    ("COM10.pdf", ".pdf", "COM10.pdf"),
    ("...", ".pdf", "evidence.pdf"),
    (".pdf", ".pdf", "evidence.pdf"),
    (".hidden report.pdf", ".pdf", "hidden report.pdf"),
    ("<img src=x onerror=alert(1)>.pdf", ".pdf", "_img src=x onerror=alert(1)_.pdf"),
    ('say "hi"; rm -rf.pdf', ".pdf", "say _hi__ rm -rf.pdf"),
    ("x.PdF", ".pdf", "x.pdf"),
    ("report.html.pdf", ".pdf", "report.html.pdf"),
    ("receipt.pdf.html", ".pdf", "receipt.pdf.pdf"),
    ("photo.png", ".jpg", "photo.jpg"),
    ("Smith, J. 2024", ".pdf", "Smith, J. 2024.pdf"),
    ("  many   spaces\tand\ttabs  .txt", ".txt", "many spaces and tabs.txt"),
    ("line\u2028break.txt", ".txt", "line break.txt"),
    (unicodedata.normalize("NFD", "résumé.docx"), ".docx", "résumé.docx"),
    ("Offre d'emploi – cuisinier.pdf", ".PDF", "Offre d'emploi – cuisinier.pdf"),
    (None, ".pdf", "evidence.pdf"),
    ("", ".txt", "evidence.txt"),
]


@pytest.mark.parametrize(("name", "extension", "expected"), CLEANED)
def test_clean_filename(name, extension, expected):
    assert clean_filename(name, extension) == expected


def test_long_names_keep_the_extension_and_fit_in_255_bytes():
    assert clean_filename("é" * 300 + ".docx", ".docx") == "é" * 115 + ".docx"
    emoji = clean_filename("😀" * 100 + ".pdf", ".pdf")
    assert emoji == "😀" * 59 + ".pdf"
    assert len(emoji.encode()) == 240


@pytest.mark.parametrize("extension", ["pdf", ".p/df", "", ".pdf;x", None])
def test_clean_filename_refuses_a_bad_extension(extension):
    with pytest.raises(ValueError, match="not an extension"):
        clean_filename("x.pdf", extension)


_NASTY = (
    list("/\\\"';:<>|?*%&=. \t\r\n\x00\x1b\x7f\x85")
    + ["\u202a", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028"]
    + ["\uff0f", "\u2215", "\ud800", "é", "😀", "ß", "ﬁ"]
    + ["CON", "nul", "LPT9", "COM¹", "..", ".pdf", ".PDF", ".html", "a", "Z", "9"]
)


def test_clean_filename_properties_hold_for_random_hostile_names():
    generator = random.Random(20260115)
    checked = 0
    for _ in range(3000):
        name = "".join(generator.choice(_NASTY) for _ in range(generator.randint(0, 40)))
        extension = generator.choice([".pdf", ".png", ".jpg", ".docx", ".txt"])

        cleaned = clean_filename(name, extension)

        stem = cleaned[: -len(extension)]
        assert cleaned.endswith(extension) and stem, (name, cleaned)
        assert len(cleaned) <= 120 and len(cleaned.encode("utf-8")) <= 240, (name, cleaned)
        assert not set(cleaned) & set('/\\";:<>|?*\r\n\t'), (name, cleaned)
        assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs") for ch in cleaned)
        assert not stem.startswith((".", " ")) and not stem.endswith((".", " ")), cleaned
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "LPT9", "COM¹"}
        assert "  " not in cleaned
        assert clean_filename(cleaned, extension) == cleaned  # idempotent
        header = f"attachment; filename=\"{cleaned}\"; filename*=UTF-8''x"
        assert header.count('"') == 2 and header.count(";") == 2
        checked += 1
    assert checked == 3000


# --------------------------------------------------------------------------------------------
# Contract and isolation


def test_contract_is_exactly_what_the_upload_view_codes_against():
    assert ACCEPTED == {
        "pdf": ("application/pdf", ".pdf"),
        "png": ("image/png", ".png"),
        "jpeg": ("image/jpeg", ".jpg"),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        "txt": ("text/plain", ".txt"),
    }
    assert ACCEPTED_NAMES == "PDF, PNG, JPEG, DOCX or TXT"
    assert [field.name for field in fields(InspectedFile)] == [
        "kind",
        "content_type",
        "extension",
        "size",
        "sha256",
    ]
    result = InspectedFile("txt", "text/plain", ".txt", 1, "0" * 64)
    with pytest.raises(FrozenInstanceError):
        result.kind = "pdf"
    error = RejectedFile("The file is empty.")
    assert isinstance(error, ValueError) and str(error) == "The file is empty."
    assert list(inspect.signature(clean_filename).parameters) == ["name", "extension"]
    assert list(inspect.signature(virus_signature_found).parameters) == ["path"]
    assert "reject" in inspection.__doc__ and "quarantine" in inspection.__doc__


PROBE = """
import sys
for name in ("flask", "sqlalchemy", "flask_sqlalchemy", "portal.models", "portal.app"):
    sys.modules[name] = None
import portal.evidence_inspection
loaded = sorted(m for m in sys.modules if m.startswith(("flask", "sqlalchemy", "werkzeug")))
assert not [m for m in loaded if sys.modules[m] is not None], loaded
print("ok")
"""


@pytest.mark.parametrize("extra_import", ["", ", flask"])
def test_the_module_imports_without_flask_or_sqlalchemy(extra_import):
    probe = PROBE.replace(
        "import portal.evidence_inspection", "import portal.evidence_inspection" + extra_import
    )

    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )

    if extra_import:  # the probe itself can fail
        assert result.returncode != 0 and "flask" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "ok"
