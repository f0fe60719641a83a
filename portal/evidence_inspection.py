"""Inspect an uploaded evidence file by its content, and clean the name it is shown under.

Plain Python: no Flask, no SQLAlchemy. The upload view streams the request body to a temporary
file on disk, calls :func:`inspect_upload` on that path, and stores the file only if no
:class:`RejectedFile` was raised. ``str(error)`` is a sentence that can be shown to the user.

What the client says about the file (its name, its ``Content-Type``) is never used to judge it.
The kind is decided from the bytes: magic bytes first, then a full parse with the library that
reads that kind (security bar §2(c) and §3 point 3: polyglots fool every magic-byte sniffer, so a
strict parse is required). The client's name is only cleaned for display (:func:`clean_filename`).

Accepted kinds and what each must pass:

* **PDF**: starts with ``%PDF-``; ``pypdf.PdfReader(strict=True)`` parses it, walks every page
  and decodes every page's content stream (pypdf caps each at 75 MB); not encrypted.
  **Policy: active content is rejected, not quarantined.** A PDF with ``/JavaScript``, ``/JS``,
  ``/AA``, ``/Launch``, ``/EmbeddedFile(s)``, ``/RichMedia``, ``/XFA``, ``/GoToE``,
  ``/ImportData``, ``/SubmitForm``, a ``/URI`` with a ``javascript:``, ``vbscript:``, ``data:``
  or ``file:`` target, or an ``/OpenAction`` that is anything but a plain page destination (an
  array, or a ``/GoTo`` action), in any of its objects (reachable or not), is refused and the user
  is told to print it to a new PDF. (``/OpenAction [page /Fit]`` only says which page to open at;
  LibreOffice writes one, so it is allowed.) Web-page markup (``<script``, ``<html``,
  ``<iframe``, ``<svg``, ``<body``, ``<!doctype html``, ``javascript:``) anywhere in the raw
  bytes -- which covers the first 1024 bytes -- or any tag after the last ``%%EOF`` is refused
  as a PDF/HTML polyglot.
* **PNG / JPEG**: our own structure walk first -- PNG: every chunk and CRC, IHDR first, the IDAT
  stream inflating (as a stream) to exactly the size IHDR implies, IEND, and not one byte after
  it; JPEG: every marker segment and scan up to EOI, then only zero or 0xFF padding (cameras
  pad) and the further images the MPF index declares (phones' gain and depth maps, stereo
  views), each a complete JPEG where the index says. **Policy: data after an image's end is
  refused, not stripped**: re-encoding would change the bytes the user (and the bundle's
  SHA256SUMS) can verify against their own copy, and the bundle copies images byte for byte.
  (Samsung's "SEFT" trailer and motion-photo videos are such data: the user is told to
  export a plain photo.) (Pillow cannot be trusted with this alone: WeasyPrint sets
  ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` on import, after which Pillow accepts torn files.)
  Then Pillow opens it with only the PNG or JPEG decoder allowed, ``verify()``, re-open and
  ``load()``. More than :data:`MAX_IMAGE_PIXELS` pixels is refused (pixel flood), whether we,
  Pillow's ``DecompressionBombError`` or its ``DecompressionBombWarning`` notice it first.
  GIF, BMP, WebP, TIFF, HEIC, SVG ... are refused.
* **DOCX**: a ZIP checked with :mod:`zipfile` *before* anything is extracted: the central
  directory is bounded before zipfile reads it; at most :data:`DOCX_MAX_MEMBERS` members,
  :data:`DOCX_MAX_UNCOMPRESSED` bytes unpacked in total, at most :data:`DOCX_MAX_XML_PART` per
  XML part, a compression ratio of at most :data:`DOCX_MAX_RATIO` for members over
  :data:`DOCX_RATIO_MIN_SIZE`; no absolute, drive-letter, backslash or ``..`` member names, no
  duplicates, no encrypted members; ``[Content_Types].xml`` and ``word/document.xml`` present;
  no macros (``vbaProject.bin``, ``vbaData.xml``, a ``macroEnabled`` content type) or ActiveX;
  no remote template, frame, sub-document or OLE link (``TargetMode="External"``); no
  ``<!DOCTYPE``/``<!ENTITY`` in any XML part (Word never writes DTDs). Then every member is
  inflated as a stream (zipfile caps each at its declared size and checks its CRC); every member
  must be a part of the OPC package -- reached from ``_rels/.rels`` through internal
  relationships and typed by ``[Content_Types].xml`` (a PDF stored as the first member made a
  DOCX that is also a PDF) -- and python-docx opens the document.
* **TXT**: valid UTF-8 (a UTF-8 BOM is allowed), no NUL, no control characters other than tab,
  LF, CR and form feed, does not start with ``<`` (HTML, SVG, XML), and carries no web-page or
  script markers (``<script``, ``<?php``, ``javascript:``, ``document.cookie`` ... see
  ``_TEXT_TAGS`` and ``_TEXT_WORDS``). A text file with none of those markers is accepted even
  if it is source code: it is served as ``text/plain``, as an attachment, with ``nosniff``.

Also refused: an empty file, a file over ``max_bytes`` (checked before anything is read),
polyglots (a ZIP hidden inside a PDF/PNG/JPEG; ``%PDF-`` anywhere in a PNG, JPEG or DOCX),
executables and scripts (``MZ``, ELF, Mach-O, ``#!``), other archives and formats, and
anything carrying the EICAR test signature (:func:`virus_signature_found`). Our own passes
read the file in 64 KiB chunks; pypdf and python-docx hold the file (at most ``max_bytes``) in
memory while they parse it.
"""

from __future__ import annotations

import codecs
import hashlib
import mmap
import os
import pathlib
import posixpath
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import docx
from lxml import etree
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

ACCEPTED = {  # kind -> (content type, extension)
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "txt": ("text/plain", ".txt"),
}
ACCEPTED_NAMES = "PDF, PNG, JPEG, DOCX or TXT"

MAX_IMAGE_PIXELS = 50_000_000
DOCX_MAX_MEMBERS = 1000
DOCX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
DOCX_MAX_RATIO = 100
# lxml needs about 20 times an XML part's size in memory (a 10 MB part of empty paragraphs took
# 230 MB and 1.2 s), so each XML part is capped well below the 50 MB total.
DOCX_MAX_XML_PART = 10 * 1024 * 1024
# Tiny XML parts of a genuine document can compress 100:1; the ratio rule is for big members.
DOCX_RATIO_MIN_SIZE = 64 * 1024
# The ZIP central directory is read into memory by zipfile; bound it before opening.
DOCX_MAX_CENTRAL_DIRECTORY = 1024 * 1024
FILENAME_MAX_CHARS = 120
FILENAME_MAX_BYTES = 240  # UTF-8; most file systems allow 255 bytes per name

_CHUNK = 64 * 1024

# The EICAR test signature, split so that this source file does not carry it in one piece.
_EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

_MSG_NOT_ACCEPTED = f"This file type is not accepted. Upload a {ACCEPTED_NAMES} file."
_MSG_PROGRAM = f"Programs and scripts are not accepted. Upload a {ACCEPTED_NAMES} file."
_MSG_ARCHIVE = f"ZIP files and other archives are not accepted. Upload a {ACCEPTED_NAMES} file."
_MSG_MARKUP = f"Web pages, SVG and XML files are not accepted. Upload a {ACCEPTED_NAMES} file."
_MSG_EMPTY = "The file is empty."
_MSG_VIRUS = "This file was flagged by the virus scanner and was not accepted."
_MSG_PDF_ACTIVE = (
    "This PDF contains scripts or embedded files, which are not accepted. "
    "Print it to a new PDF and upload that."
)
_MSG_PDF_POLYGLOT = (
    "This PDF also contains web-page code, which is not accepted. "
    "Print it to a new PDF and upload that."
)
_MSG_PDF_DAMAGED = (
    "This PDF is damaged or could not be read. Print it to a new PDF and upload that."
)
_MSG_PDF_ENCRYPTED = (
    "This PDF is password-protected. Remove the password (or print it to a new PDF) "
    "and upload it again."
)
_MSG_HIDDEN_ARCHIVE = (
    "This file has a ZIP archive hidden inside it, which is not accepted. "
    "Save it again and upload that."
)
_MSG_IMAGE_FLOOD = (
    f"This image is too large to process (more than {MAX_IMAGE_PIXELS // 1_000_000} million "
    "pixels). Reduce its size and upload it again."
)
_MSG_IMAGE_DAMAGED = (
    "This image is damaged or incomplete. Save it again as PNG or JPEG and upload that."
)
_MSG_DOCX_DAMAGED = (
    "This Word document is damaged or could not be read. Save it again as .docx and upload that."
)
_MSG_IMAGE_TRAILING = (
    "This image has data after its end (another file or an attached video), which is not "
    "accepted. Save or export it again as a plain PNG or JPEG and upload that."
)
_MSG_HIDDEN_PDF = (
    "This file has a PDF document hidden inside it, which is not accepted. "
    "Save it again and upload that."
)
_MSG_DOCX_FOREIGN = (
    "This Word document contains files that are not part of the document, which is not "
    "accepted. Save it again in Word and upload that."
)
_MSG_DOCX_TOO_MANY = (
    f"This Word document has too many parts (more than {DOCX_MAX_MEMBERS}) to check safely."
)
_MSG_DOCX_TOO_BIG = (
    f"This Word document is too large when unpacked (more than "
    f"{DOCX_MAX_UNCOMPRESSED // (1024 * 1024)} MB)."
)
_MSG_DOCX_XML_PART = (
    f"This Word document has a part too large to check safely (more than "
    f"{DOCX_MAX_XML_PART // (1024 * 1024)} MB of text and formatting). Split it and upload "
    "the parts."
)
_MSG_DOCX_DIRECTORY = (
    "This Word document has too many or too long internal file names to check safely."
)
_MSG_DOCX_RATIO = "This Word document is compressed too heavily to check safely."
_MSG_DOCX_PATHS = "This Word document contains unsafe file paths and was not accepted."
_MSG_DOCX_MACROS = (
    "This Word document contains macros or ActiveX controls, which are not accepted. "
    "Save it as a .docx without macros and upload that."
)
_MSG_DOCX_REMOTE = (
    "This Word document loads a template or object from another location, which is not "
    "accepted. Save a copy without links and upload that."
)
_MSG_DOCX_DTD = (
    "This Word document contains XML declarations (DTDs) that Word itself does not write. "
    "Save it again in Word and upload that."
)
_MSG_TEXT_BINARY = (
    f"This file contains binary data, so it is not a plain-text file. "
    f"Upload a {ACCEPTED_NAMES} file."
)
_MSG_TEXT_ENCODING = (
    "Text files must be saved as UTF-8. Upload a PDF, PNG, JPEG, DOCX or UTF-8 TXT file."
)
_MSG_TEXT_CONTROL = (
    "This text file contains control characters, which are not accepted. "
    f"Upload a {ACCEPTED_NAMES} file."
)
_MSG_TEXT_ACTIVE = (
    "This text file contains web-page or script code, which is not accepted. "
    f"Upload a {ACCEPTED_NAMES} file."
)


@dataclass(frozen=True)
class InspectedFile:
    """What the server decided a file is: its kind, served type and extension, size and hash."""

    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str


class RejectedFile(ValueError):
    """An upload that is refused. ``str(error)`` is a sentence for the user.

    ``code`` is a short machine-readable reason (``"type"``, ``"empty"``, ``"too_large"``,
    ``"virus"``, ``"pdf_active"``, ...) for the audit event; it is never shown to the user.
    """

    def __init__(self, message: str, code: str = "rejected") -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------------
# Entry point


def inspect_upload(path: pathlib.Path, max_bytes: int) -> InspectedFile:
    """Decide from its bytes what the file at ``path`` is; raise :class:`RejectedFile` if refused.

    ``path`` is the server's own temporary file (already on disk, not changing); ``max_bytes``
    is the per-upload limit. The size is checked before any byte is read. Raises
    :class:`RejectedFile` (``str(error)`` for the user, ``error.code`` for the audit log).
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    path = pathlib.Path(path)
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path} is not a regular file")
    size = info.st_size
    if size == 0:
        raise RejectedFile(_MSG_EMPTY, "empty")
    if size > max_bytes:
        raise RejectedFile(f"The file is larger than {_describe_size(max_bytes)}.", "too_large")
    if virus_signature_found(path):
        raise RejectedFile(_MSG_VIRUS, "virus")

    with open(path, "rb") as stream:
        head = stream.read(8192)
    kind = _sniff(head)
    if kind == "pdf":
        _inspect_pdf(path)
    elif kind in ("png", "jpeg"):
        _inspect_image(path, kind)
    elif kind == "docx":
        _inspect_docx(path)
    else:
        _inspect_text(path, head)
    if kind in ("png", "jpeg", "docx") and _pdf_signature_found(path):
        raise RejectedFile(_MSG_HIDDEN_PDF, "polyglot")

    digest, hashed = _sha256(path, max_bytes)
    if hashed != size:  # the file changed under us; never record a hash of other bytes
        raise RejectedFile("The upload could not be read completely. Upload it again.", "io")
    content_type, extension = ACCEPTED[kind]
    return InspectedFile(kind, content_type, extension, size, digest)


def virus_signature_found(path: str | os.PathLike[str]) -> bool:
    """Return True if the file at ``path`` carries the EICAR antivirus test signature.

    This is the antivirus hook (ASVS 5.0 5.4.3). Here it only detects the EICAR test string,
    anywhere in the file, so that tests and CI can prove a positive scan blocks the upload. In
    production it should hand the file to a real scanner -- ClamAV through ``clamd``'s
    ``INSTREAM`` command -- and return True on any detection. It does not look inside archives
    (``inspect_upload`` scans each DOCX member for the test string itself; ClamAV unpacks them).
    """
    finder = _Finder(re.compile(re.escape(_EICAR)), len(_EICAR))
    with open(path, "rb") as stream:
        return any(finder.feed(chunk) for chunk in _chunks(stream))


def _pdf_signature_found(path: pathlib.Path) -> bool:
    """True if ``%PDF-`` occurs anywhere in the raw bytes: PDF readers look for it (within the
    first kilobyte, or anywhere when repairing), so an image or a document carrying it --
    in a PNG text chunk, a JPEG comment, a stored ZIP member -- also opens as a PDF."""
    finder = _Finder(re.compile(re.escape(b"%PDF-")), 5)
    with open(path, "rb") as stream:
        return any(finder.feed(chunk) for chunk in _chunks(stream))


# --------------------------------------------------------------------------------------------
# Display names

_WINDOWS_RESERVED = re.compile(
    r"(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])", re.IGNORECASE
)
_SEPARATOR_LOOKALIKES = str.maketrans(dict.fromkeys("\uff0f\uff3c\u2215\u2044\u29f8\u29f9", "/"))
# Characters Windows refuses in names, plus ";" which would end a header parameter.
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*;]')
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}")
_OLD_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


def clean_filename(name: str | None, extension: str) -> str:
    """Return a safe name to show and to offer as the download name, ending in ``extension``.

    Removes directories (``/`` and ``\\``), NUL and other control characters (CR/LF included),
    bidi controls (U+202A-U+202E, U+2066-U+2069, LRM/RLM) and zero-width characters (every
    Unicode "format" character); replaces ``< > : " | ? * ;`` with ``_``; collapses whitespace;
    strips leading dots and Windows-reserved names (CON, PRN, AUX, NUL, COM1-9, LPT1-9); keeps
    at most 120 characters (240 UTF-8 bytes) including the extension; and replaces the last
    extension with ``extension`` (``x.PdF`` -> ``x.pdf``; ``report.html.pdf`` stays as it is).
    Falls back to ``evidence`` + ``extension``. The result contains no quote, semicolon,
    backslash, slash or control character, so it cannot break a ``Content-Disposition`` header
    (the view should still send it as ``filename*=UTF-8''<percent-encoded>``).
    """
    if not _EXTENSION.fullmatch(extension or ""):
        raise ValueError(f"not an extension: {extension!r}")
    extension = extension.lower()
    text = unicodedata.normalize("NFC", name or "").translate(_SEPARATOR_LOOKALIKES)
    text = text.replace("\t", " ")  # a tab separates words; CR, LF and the rest are dropped
    # Control (Cc), format (Cf: bidi, zero-width, BOM, soft hyphen), surrogate (Cs) characters.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE_NAME_CHARS.sub("_", text)
    text = " ".join(text.split())  # every Unicode space, incl. U+2028/U+2029, becomes one " "

    base, dot, old = text.rpartition(".")
    stem = base if dot and _OLD_EXTENSION.fullmatch(old) else text
    stem = _strip_stem(stem)
    while True:  # "CON", "con.backup" and "AUX .txt" are all reserved on Windows
        first, _, rest = stem.partition(".")
        if not _WINDOWS_RESERVED.fullmatch(first.rstrip(" ")):
            break
        stem = _strip_stem(rest)

    limit = FILENAME_MAX_CHARS - len(extension)
    stem = stem[:limit]
    while len((stem + extension).encode("utf-8")) > FILENAME_MAX_BYTES:
        stem = stem[:-1]
    stem = _strip_stem(stem)
    return (stem or "evidence") + extension


def _strip_stem(stem: str) -> str:
    return stem.lstrip(". ").rstrip(". ")


# --------------------------------------------------------------------------------------------
# Sniffing

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux and other Unix binaries
    b"#!",  # scripts
    b"\xfe\xed\xfa\xce",  # Mach-O, both byte orders, 32 and 64 bit
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary / Java class
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
_OTHER_MAGIC = (
    b"GIF87a",
    b"GIF89a",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: .doc, .xls, password-protected .docx, .msi
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"{\\rtf",
    b"%!PS",
    b"\x00\x00\x01\x00",  # ICO
)
_ARCHIVE_MAGIC = (
    b"PK\x05\x06",  # empty or spanned ZIP
    b"PK\x07\x08",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"MSCF",  # .cab
)


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    # "MZ" with binary header fields is a DOS/Windows program; "MZ Logistics ..." is text.
    if head.startswith(_EXECUTABLE_MAGIC) or (head.startswith(b"MZ") and b"\x00" in head[:64]):
        raise RejectedFile(_MSG_PROGRAM, "program")
    if head.startswith(_ARCHIVE_MAGIC):
        raise RejectedFile(_MSG_ARCHIVE, "archive")
    if head.startswith(_OTHER_MAGIC) or head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        raise RejectedFile(_MSG_NOT_ACCEPTED, "type")
    if head.startswith(b"RIFF") or (head.startswith(b"BM") and b"\x00" in head[:32]):
        raise RejectedFile(_MSG_NOT_ACCEPTED, "type")
    return "txt"


def _contains_zip(path: pathlib.Path) -> bool:
    """True if the file is also a readable ZIP (zipfile finds archives appended to any data)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.infolist())
    except Exception:  # not a readable ZIP, which is what we want
        return False


# --------------------------------------------------------------------------------------------
# PDF

# Web-page markup that must not appear anywhere in a PDF's raw bytes (PDF/HTML polyglots).
_PDF_MARKUP = re.compile(rb"<(?:script|html|iframe|svg|body)\b|<!doctype\s+html|javascript:")
# After the last %%EOF nothing tag-like may follow.
_PDF_TRAILING_MARKUP = re.compile(rb"<[a-z!?/]|javascript:", re.IGNORECASE)
_PDF_FORBIDDEN = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/GoToE",
        "/ImportData",
        "/SubmitForm",
    }
)
_PDF_BAD_URI = re.compile(r"\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def _inspect_pdf(path: pathlib.Path) -> None:
    last_eof = -1
    finder = _Finder(_PDF_MARKUP, 64)
    offset = 0
    tail = b""  # the end of the previous chunk, for a "%%EOF" split across two chunks
    with open(path, "rb") as stream:
        for chunk in _chunks(stream):
            # Lower-cased so the pattern needs no IGNORECASE (which made it 7 times slower).
            if finder.feed(chunk.lower()):
                raise RejectedFile(_MSG_PDF_POLYGLOT, "pdf_polyglot")
            found = (tail + chunk).rfind(b"%%EOF")
            if found >= 0:
                last_eof = max(last_eof, offset - len(tail) + found)
            offset += len(chunk)
            tail = chunk[-4:]
        if last_eof < 0:
            raise RejectedFile(_MSG_PDF_DAMAGED, "pdf_damaged")
        stream.seek(last_eof + len(b"%%EOF"))
        trailing = stream.read()  # bounded: the file is at most max_bytes
    if _PDF_TRAILING_MARKUP.search(trailing):
        raise RejectedFile(_MSG_PDF_POLYGLOT, "pdf_polyglot")
    if _contains_zip(path):
        raise RejectedFile(_MSG_HIDDEN_ARCHIVE, "polyglot")

    try:
        reader = PdfReader(path, strict=True)
        if reader.is_encrypted:
            raise RejectedFile(_MSG_PDF_ENCRYPTED, "pdf_encrypted")
        for page in reader.pages:
            _ = page.mediabox
            # Decode (not tokenise) the content: pypdf's tokeniser is slow on big vector pages
            # and has its own budget, which would refuse some genuine drawings.
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
        active = _pdf_active_content(reader)
    except RejectedFile:
        raise
    except Exception as error:  # pypdf raises many types on malformed input
        raise RejectedFile(_MSG_PDF_DAMAGED, "pdf_damaged") from error
    if active:
        raise RejectedFile(_MSG_PDF_ACTIVE, "pdf_active")


def _pdf_active_content(reader: PdfReader) -> str | None:
    """Return the first forbidden name found in any object of the PDF, or None.

    Walks the trailer and every object listed in the cross-reference tables (object streams
    included), so unreachable objects are checked too. pypdf decodes ``#xx`` escapes in names,
    so ``/J#61vaScript`` is seen as ``/JavaScript``.
    """
    stack: list[object] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in numbers)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # stream objects included
            for key, value in dict.items(item):
                if key in _PDF_FORBIDDEN:
                    return key
                if key == "/OpenAction" and not _is_plain_destination(value):
                    return key
                if key == "/URI" and _PDF_BAD_URI.match(_pdf_text(value)):
                    return key
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in _PDF_FORBIDDEN:
            return str(item)
    return None


def _is_plain_destination(value: object) -> bool:
    action = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(action, ArrayObject):
        return True
    return (
        isinstance(action, DictionaryObject)
        and action.get("/S") == "/GoTo"
        and "/Next" not in action
    )


def _pdf_text(value: object) -> str:
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


# --------------------------------------------------------------------------------------------
# Images

# Pillow's own limit: DecompressionBombWarning above it, DecompressionBombError above twice it.
# It is global to Pillow, so lower it only (never raise a stricter limit set elsewhere).
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_IMAGE_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_IMAGE_FORMATS = {"png": ("PNG",), "jpeg": ("JPEG", "MPO")}  # MPO: phone cameras' JPEGs


def _inspect_image(path: pathlib.Path, kind: str) -> None:
    if _contains_zip(path):
        raise RejectedFile(_MSG_HIDDEN_ARCHIVE, "polyglot")
    # Our own structure walk first. Pillow alone is not enough: WeasyPrint sets the global
    # ImageFile.LOAD_TRUNCATED_IMAGES = True when it is imported, after which Pillow silently
    # accepts truncated and corrupt images -- and the portal imports WeasyPrint.
    if kind == "png":
        _check_png_structure(path)
    else:
        _check_jpeg_structure(path)
    formats = _IMAGE_FORMATS[kind]
    decoder = [formats[0]]  # only the decoder the magic bytes call for may open the file
    try:
        with Image.open(path, formats=decoder) as image:
            if image.format not in formats:
                raise RejectedFile(_MSG_NOT_ACCEPTED, "type")
            _check_pixels(image.size)
            image.verify()
        with Image.open(path, formats=decoder) as image:
            _check_pixels(image.size)
            image.load()
    except RejectedFile:
        raise
    # The warning arrives as an exception only when warnings are errors (as under pytest);
    # otherwise _check_pixels refuses the same image.
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise RejectedFile(_MSG_IMAGE_FLOOD, "image_flood") from error
    except Exception as error:  # Pillow raises many types on malformed input
        raise RejectedFile(_MSG_IMAGE_DAMAGED, "image_damaged") from error


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise RejectedFile(_MSG_IMAGE_FLOOD, "image_flood")


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
          (0, 1, 1, 2))  # fmt: skip


def _png_raw_size(width: int, height: int, bits: int, interlaced: bool) -> int:
    """Bytes of filtered scanlines the IDAT stream must inflate to."""

    def size(w: int, h: int) -> int:
        return h * (1 + (w * bits + 7) // 8) if w and h else 0

    if not interlaced:
        return size(width, height)
    return sum(
        size(max(0, -(-(width - x) // dx)), max(0, -(-(height - y) // dy)))
        for x, y, dx, dy in _ADAM7
    )


def _check_png_structure(path: pathlib.Path) -> None:
    """Walk every chunk: CRCs, IHDR first, one run of IDATs inflating to exactly the right size,
    IEND. Inflates as a stream, so a pixel flood costs no memory (it is refused from IHDR)."""
    damaged = RejectedFile(_MSG_IMAGE_DAMAGED, "image_damaged")
    inflater = zlib.decompressobj()
    expected = produced = -1
    idat_state = 0  # 0 before the IDATs, 1 inside them, 2 after them
    with open(path, "rb") as stream:
        if stream.read(8) != _PNG_SIGNATURE:
            raise damaged
        while True:
            header = stream.read(8)
            if len(header) < 8:
                raise damaged  # no IEND
            length, chunk_type = struct.unpack(">I4s", header)
            if length > 0x7FFFFFFF or (expected < 0 and chunk_type != b"IHDR"):
                raise damaged
            if chunk_type == b"IDAT":
                if idat_state == 2:
                    raise damaged
                idat_state = 1
            elif idat_state == 1:
                idat_state = 2
            crc = zlib.crc32(chunk_type)
            body = bytearray()
            remaining = length
            while remaining:
                piece = stream.read(min(remaining, _CHUNK))
                if not piece:
                    raise damaged
                remaining -= len(piece)
                crc = zlib.crc32(piece, crc)
                if chunk_type == b"IDAT":
                    produced += _inflate(inflater, piece, expected - produced)
                elif chunk_type == b"IHDR":
                    body += piece
            if stream.read(4) != struct.pack(">I", crc):
                raise damaged
            if chunk_type == b"IHDR":
                if expected >= 0 or length != 13:
                    raise damaged
                width, height, depth, colour, method, filtering, interlace = struct.unpack(
                    ">IIBBBBB", bytes(body)
                )
                if not (0 < width < 2**31 and 0 < height < 2**31):
                    raise damaged
                _check_pixels((width, height))
                if depth not in _PNG_DEPTHS.get(colour, ()) or method or filtering:
                    raise damaged
                if interlace not in (0, 1):
                    raise damaged
                bits = depth * _PNG_CHANNELS[colour]
                expected = _png_raw_size(width, height, bits, bool(interlace))
                produced = 0
            elif chunk_type == b"IEND":
                break
        # IEND ends the datastream. No PNG writer pads, so nothing at all may follow.
        if stream.read(1):
            raise RejectedFile(_MSG_IMAGE_TRAILING, "image_trailing")
    if idat_state == 0 or not inflater.eof or produced != expected:
        raise damaged


def _inflate(inflater: zlib._Decompress, data: bytes, room: int) -> int:
    """Inflate ``data``, never producing more than ``room`` (+1) bytes; return the count."""
    produced = 0
    while data and not inflater.eof:
        try:
            out = inflater.decompress(data, _CHUNK)
        except zlib.error as error:
            raise RejectedFile(_MSG_IMAGE_DAMAGED, "image_damaged") from error
        produced += len(out)
        if produced > room:
            raise RejectedFile(_MSG_IMAGE_DAMAGED, "image_damaged")
        if not out and inflater.unconsumed_tail == data:
            break
        data = inflater.unconsumed_tail
    return produced


_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Bytes an image may be padded with after its end: some cameras and card writers fill the
# file up to a block size. Neither can carry a payload.
_PADDING = b"\x00\xff"


def _check_jpeg_structure(path: pathlib.Path) -> None:
    """Walk the marker segments and entropy-coded scans up to EOI; a truncated JPEG has none.

    After EOI only padding may follow, or the further images an MPF index (APP2 "MPF") declares
    -- phones store HDR gain maps and depth maps, and stereo cameras the second view, that way
    -- each of them a complete JPEG exactly where the index says, padding between them. Any other
    trailing data is refused: a browser or PDF reader would read it, and the bundle copies
    JPEGs byte for byte.
    """
    with open(path, "rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
        end = len(data)
        after, mp_header = _walk_jpeg(data, 0, end)
        extents = _mpf_extents(data, mp_header, end) if mp_header is not None else []
        for start, size in extents:
            if start < after or not _is_padding(data[after:start]):
                raise RejectedFile(_MSG_IMAGE_TRAILING, "image_trailing")
            image_end, _ = _walk_jpeg(data, start, start + size, trailing=_MSG_IMAGE_TRAILING)
            if not _is_padding(data[image_end : start + size]):
                raise RejectedFile(_MSG_IMAGE_TRAILING, "image_trailing")
            after = start + size
        if not _is_padding(data[after:end]):
            raise RejectedFile(_MSG_IMAGE_TRAILING, "image_trailing")


def _is_padding(data: bytes) -> bool:
    return not data.translate(None, _PADDING)


def _walk_jpeg(data, start: int, end: int, trailing: str | None = None) -> tuple[int, int | None]:
    """Walk one JPEG in ``data[start:end]``; return the offset after its EOI and, if it has an
    MPF index, the offset of the index's header (the base of its offsets)."""
    damaged = RejectedFile(
        trailing or _MSG_IMAGE_DAMAGED, "image_trailing" if trailing else "image_damaged"
    )
    if data[start : start + 3] != b"\xff\xd8\xff":
        raise damaged
    pos = start + 2  # after SOI
    frame = scan = False
    mp_header = None
    while True:
        if pos + 2 > end or data[pos] != 0xFF:
            raise damaged
        marker = data[pos + 1]
        pos += 2
        if marker == 0xFF:  # fill byte
            pos -= 1
            continue
        if marker == 0xD9:  # EOI
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length field
            continue
        if pos + 2 > end:
            raise damaged
        length = (data[pos] << 8) | data[pos + 1]
        if length < 2 or pos + length > end:
            raise damaged
        if marker == 0xE2 and mp_header is None and data[pos + 2 : pos + 6] == b"MPF\x00":
            mp_header = pos + 6
        pos += length
        frame = frame or marker in _JPEG_FRAMES
        if marker != 0xDA:  # SOS: entropy-coded data follows, up to the next real marker
            continue
        if not frame:
            raise damaged
        scan = True
        while True:
            pos = data.find(b"\xff", pos, end)
            if pos < 0 or pos + 1 >= end:
                raise damaged
            following = data[pos + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart
                pos += 2
            elif following == 0xFF:
                pos += 1
            else:
                break
    if not scan:
        raise damaged
    return pos, mp_header


def _mpf_extents(data, header: int, end: int) -> list[tuple[int, int]]:
    """The (start, size) of every image but the first that an MPF index declares, in order.

    CIPA DC-007: the index is a TIFF-style IFD after "MPF\\0"; tag 0xB002 lists 16-byte
    entries (attributes, size, offset from the header, two dependent-image numbers). The first
    entry is the primary image (offset 0). A malformed index declares nothing, so whatever
    follows the first image is then refused as trailing data.
    """
    try:
        order = {b"II": "<", b"MM": ">"}[bytes(data[header : header + 2])]
        magic, first_ifd = struct.unpack_from(order + "HI", data, header + 2)
        if magic != 42:
            return []
        ifd = header + first_ifd
        (count,) = struct.unpack_from(order + "H", data, ifd)
        for number in range(min(count, 64)):
            tag, kind, length, value = struct.unpack_from(
                order + "HHII", data, ifd + 2 + 12 * number
            )
            if tag != 0xB002 or kind != 7 or length % 16 or length > 16 * 64:
                continue
            entries = []
            for at in range(header + value, header + value + length, 16):
                _, size, offset, _, _ = struct.unpack_from(order + "IIIHH", data, at)
                entries.append((header + offset, size))
            declared = sorted(entry for entry in entries[1:] if entry[1])
            if all(start + size <= end for start, size in declared):
                return declared
            return []
    except (KeyError, struct.error):
        return []
    return []


# --------------------------------------------------------------------------------------------
# DOCX

_DOCX_REQUIRED = ("[Content_Types].xml", "word/document.xml")
_DOCX_MACRO_PARTS = re.compile(r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml)$|(?:^|/)activeX/", re.I)
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.IGNORECASE)
_REL_EXTERNAL = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']", re.IGNORECASE)
_REL_REMOTE_TYPE = re.compile(
    rb"Type\s*=\s*[\"'][^\"']*/(?:attachedTemplate|subDocument|frame|oleObject|package)[\"']",
    re.IGNORECASE,
)
_XML_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _inspect_docx(path: pathlib.Path) -> None:
    _check_central_directory(path)
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:
        raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged") from error
    with archive:
        members = archive.infolist()
        _check_members(members)
        names = {member.filename for member in members}
        if not all(required in names for required in _DOCX_REQUIRED):
            raise RejectedFile(_MSG_ARCHIVE, "archive")
        total = sum(member.file_size for member in members)
        if total > DOCX_MAX_UNCOMPRESSED:
            raise RejectedFile(_MSG_DOCX_TOO_BIG, "docx_too_big")
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels")) and (
                member.file_size > DOCX_MAX_XML_PART
            ):
                raise RejectedFile(_MSG_DOCX_XML_PART, "docx_xml_part")
            compressed = max(member.compress_size, 1)
            if member.file_size > DOCX_RATIO_MIN_SIZE and member.file_size / compressed > (
                DOCX_MAX_RATIO
            ):
                raise RejectedFile(_MSG_DOCX_RATIO, "docx_ratio")
        if any(_DOCX_MACRO_PARTS.search(name) for name in names):
            raise RejectedFile(_MSG_DOCX_MACROS, "docx_macros")
        _scan_members(archive, members)
        _check_package(archive, members)
    try:
        document = docx.Document(str(path))  # parses the main part, styles, settings ...
        _ = (len(document.paragraphs), len(document.tables), len(document.sections))
    except Exception as error:  # python-docx/lxml raise many types
        raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged") from error


_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _check_package(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Refuse members that are not parts of the document's package (ECMA-376 Part 2, OPC).

    A part belongs to the package when the package relationships (``_rels/.rels``) reach it
    through internal relationships, part by part (each part's relationships are in
    ``dir/_rels/name.rels``), and ``[Content_Types].xml`` gives it a type (an Override for its
    name or a Default for its extension). Word, LibreOffice, Google Docs and python-docx write
    nothing else; anything else (a PDF stored as the first member, making the file a PDF too)
    is a payload no reader of the document would ever show. Names compare case-insensitively,
    as OPC says. The XML is parsed only after ``_scan_members`` refused DTDs.
    """
    files = {member.filename.lower(): member.filename for member in members}
    for member in members:
        if member.is_dir() and member.file_size:
            raise RejectedFile(_MSG_DOCX_FOREIGN, "docx_foreign")
    types = _package_xml(archive, files.get("[content_types].xml"))
    defaults = {
        element.get("Extension", "").lower()
        for element in types.iter(f"{_CONTENT_TYPES}Default")
        if element.get("ContentType")
    }
    overrides = {
        element.get("PartName", "").lower()
        for element in types.iter(f"{_CONTENT_TYPES}Override")
        if element.get("ContentType")
    }
    reached = {"[content_types].xml"}
    pending = [""]  # the package itself, then every part reached
    while pending:
        source = pending.pop()
        folder, _, name = source.rpartition("/")
        relationships = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
        if relationships.lower() not in files:
            continue
        reached.add(relationships.lower())
        for relationship in _package_xml(archive, files[relationships.lower()]).iter(
            f"{_RELATIONSHIPS}Relationship"
        ):
            if relationship.get("TargetMode", "Internal") != "Internal":
                continue
            # Part names are compared as written: a ZIP item name is the part name, with the
            # same percent-encoding (ECMA-376 Part 2, 9.1.1 and annex A), not decoded.
            target = relationship.get("Target", "").partition("#")[0]
            if not target:
                continue
            part = posixpath.normpath(
                target[1:] if target.startswith("/") else posixpath.join(folder, target)
            )
            if part.lower() in files and part.lower() not in reached:
                reached.add(part.lower())
                pending.append(files[part.lower()])
    for key, name in files.items():
        if name.endswith("/"):
            continue  # an empty directory entry carries nothing
        if key not in reached:
            raise RejectedFile(_MSG_DOCX_FOREIGN, "docx_foreign")
        extension = key.rpartition("/")[2].rpartition(".")[2] if "." in key else ""
        typed = f"/{key}" in overrides or (extension and extension in defaults)
        if key != "[content_types].xml" and not typed:
            raise RejectedFile(_MSG_DOCX_FOREIGN, "docx_foreign")


# lxml comes with python-docx. DTDs were refused already; this parser would not load one anyway.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def _package_xml(archive: zipfile.ZipFile, name: str | None) -> etree._Element:
    if name is None:
        raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")
    try:
        return etree.fromstring(archive.read(name), _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError, zipfile.BadZipFile) as error:
        raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged") from error


def _check_central_directory(path: pathlib.Path) -> None:
    """Read the ZIP end record ourselves and refuse a huge directory before zipfile loads it."""
    with open(path, "rb") as stream:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        start = max(0, size - (22 + 65535))
        stream.seek(start)
        tail = stream.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")
        _, _, _, _, entries, directory_size, _, _ = struct.unpack("<4s4H2LH", tail[at : at + 22])
        if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
            # ZIP64: the real figures are in the ZIP64 end record, found through its locator.
            locator = tail[at - 20 : at] if at >= 20 else b""
            if not locator.startswith(b"PK\x06\x07"):
                raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")
            (record_offset,) = struct.unpack("<Q", locator[8:16])
            stream.seek(record_offset)
            record = stream.read(56)
            if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
                raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")
            entries, directory_size = struct.unpack("<QQ", record[32:48])
    if entries > DOCX_MAX_MEMBERS:
        raise RejectedFile(_MSG_DOCX_TOO_MANY, "docx_too_many")
    if directory_size > DOCX_MAX_CENTRAL_DIRECTORY:
        raise RejectedFile(_MSG_DOCX_DIRECTORY, "docx_too_many")


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > DOCX_MAX_MEMBERS:
        raise RejectedFile(_MSG_DOCX_TOO_MANY, "docx_too_many")
    seen: set[str] = set()
    for member in members:
        name = member.filename
        parts = re.split(r"[\\/]", name)
        if (
            name.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", name)
            or ".." in parts
            or "\x00" in member.orig_filename  # zipfile cuts names at NUL
            or "\\" in member.orig_filename
        ):
            raise RejectedFile(_MSG_DOCX_PATHS, "docx_paths")
        if name.lower() in seen:
            raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")
        seen.add(name.lower())
        if member.flag_bits & 0x1:  # encrypted member
            raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged")


def _scan_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Stream every member once: EICAR, DTDs, macro content types, remote relationships.

    zipfile stops each member at its declared size and checks its CRC, so a member that lies
    about its size fails here instead of expanding.
    """
    eicar = re.compile(re.escape(_EICAR))
    for member in members:
        name = member.filename
        is_xml = name.lower().endswith((".xml", ".rels"))
        virus = _Finder(eicar, len(_EICAR))
        dtd = _Finder(_XML_DTD, 16)
        relationships = bytearray()
        try:
            with archive.open(member) as stream:
                for chunk in _chunks(stream):
                    if virus.feed(chunk):
                        raise RejectedFile(_MSG_VIRUS, "virus")
                    if is_xml and dtd.feed(chunk):
                        raise RejectedFile(_MSG_DOCX_DTD, "docx_dtd")
                    if name == "[Content_Types].xml" or name.lower().endswith(".rels"):
                        relationships += chunk
        except RejectedFile:
            raise
        except Exception as error:  # BadZipFile (CRC), zlib.error, EOFError ...
            raise RejectedFile(_MSG_DOCX_DAMAGED, "docx_damaged") from error
        if name == "[Content_Types].xml" and re.search(rb"macroEnabled", relationships, re.I):
            raise RejectedFile(_MSG_DOCX_MACROS, "docx_macros")
        for tag in _REL_TAG.findall(bytes(relationships)):
            if _REL_EXTERNAL.search(tag) and _REL_REMOTE_TYPE.search(tag):
                raise RejectedFile(_MSG_DOCX_REMOTE, "docx_remote")


# --------------------------------------------------------------------------------------------
# Plain text

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_LEADING_BLANK = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]*")
# Markers of web-page or script code, matched on lower-cased text. Tags must start right after
# "<" (as HTML requires), so prose such as "wage < base rate" is not caught. Each pattern starts
# with a literal, which keeps the scan fast (one combined case-insensitive pattern with word
# boundaries took 4.5 s on 20 MB); the word boundary is checked by hand (_looks_like_code).
_TEXT_TAGS = re.compile(
    r"<(?:/?(?:script|html|body|svg|iframe|frame|frameset|object|embed|img|meta|link|style"
    r"|form|base|math|input|button|video|audio|template|details|marquee|xml)\b"
    r"|a\s+href|\?(?:php|=|xml)|%|!(?:doctype|entity|\[cdata\[))"
)
_TEXT_WORDS = tuple(
    re.compile(pattern)
    for pattern in (
        r"javascript\s*:",
        r"vbscript\s*:",
        r"livescript\s*:",
        r"data\s*:\s*text/html",
        r"on(?:error|load|click|mouseover|focus|blur|submit|toggle|pageshow|animationstart)\s*=",
        r"document\s*\.\s*(?:cookie|write|location|domain)\b",
        r"window\s*\.\s*(?:location|open)\b",
        r"eval\(",
        r"fromcharcode\b",
        r"alert\(",
        r"activexobject\b",
        r"wscript\s*\.",
    )
)


def _looks_like_code(text: str) -> bool:
    lowered = text.lower()
    if _TEXT_TAGS.search(lowered):
        return True
    for pattern in _TEXT_WORDS:
        for match in pattern.finditer(lowered):
            before = lowered[match.start() - 1 : match.start()]
            if not (before.isalnum() or before == "_"):  # "retrieval(" is not "eval("
                return True
    return False


_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _inspect_text(path: pathlib.Path, head: bytes) -> None:
    if head.startswith(_OTHER_BOMS):
        raise RejectedFile(_MSG_TEXT_ENCODING, "txt_encoding")
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    started = False
    tail = ""
    with open(path, "rb") as stream:
        first = True
        for chunk in _chunks(stream):
            if first:
                chunk = chunk.removeprefix(codecs.BOM_UTF8)
                first = False
            if b"\x00" in chunk:
                raise RejectedFile(_MSG_TEXT_BINARY, "txt_binary")
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                raise RejectedFile(_MSG_TEXT_ENCODING, "txt_encoding") from error
            if _TEXT_CONTROL.search(text):
                raise RejectedFile(_MSG_TEXT_CONTROL, "txt_control")
            if not started:
                rest = text[_LEADING_BLANK.match(text).end() :]
                if rest:
                    started = True
                    if rest.startswith("<"):
                        raise RejectedFile(_MSG_MARKUP, "markup")
            window = tail + text
            if _looks_like_code(window):
                raise RejectedFile(_MSG_TEXT_ACTIVE, "txt_active")
            tail = window[-64:]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise RejectedFile(_MSG_TEXT_ENCODING, "txt_encoding") from error
    if not started:  # only a BOM and white space
        raise RejectedFile(_MSG_EMPTY, "empty")


# --------------------------------------------------------------------------------------------
# Streaming helpers


def _chunks(stream, size: int = _CHUNK) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk


class _Finder:
    """Search a pattern in a stream of chunks, also across chunk boundaries.

    ``keep`` must be at least the longest possible match.
    """

    def __init__(self, pattern: re.Pattern[bytes], keep: int) -> None:
        self.pattern = pattern
        self.keep = keep
        self.tail = b""

    def feed(self, chunk: bytes) -> bool:
        window = self.tail + chunk
        self.tail = window[-self.keep :]
        return self.pattern.search(window) is not None


def _sha256(path: pathlib.Path, max_bytes: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    total = 0
    with open(path, "rb") as stream:
        for chunk in _chunks(stream):
            total += len(chunk)
            if total > max_bytes:
                break
            digest.update(chunk)
    return digest.hexdigest(), total


def _describe_size(limit: int) -> str:
    for unit, binary, decimal in (("MB", 1 << 20, 10**6), ("KB", 1 << 10, 10**3)):
        if limit >= decimal:
            for base in (binary, decimal):
                if limit % base == 0:
                    return f"{limit // base} {unit}"
            return f"{limit / binary:.1f} {unit}"
    return f"{limit} bytes"
