"""The filing bundle: one ZIP with an index PDF, the evidence in ESDC's upload formats, the case
file and a SHA256SUMS manifest.

Plain Python (no Flask, no SQLAlchemy). The index is rendered from ``templates/bundle/index.html``
with a Jinja environment of its own (autoescape on) and printed by WeasyPrint
(``portal.documents.pdf``) through a URL fetcher that only serves ``data:`` URIs and the packaged
static files, so nothing in a bundle can make the server read a local file or reach the network.

ZIP layout, in this order::

    00-index.pdf
    NN-<category>-<date|undated>.<ext>      one or more per evidence item, by number
    agreement-NN-<worker>-vN.pdf            each worker's issued employment agreement
    case.json                               the case document (lmia-case/2)
    SHA256SUMS                              "<hex>  <name>" for every other member

ESDC's online upload takes PDF, JPG, TXT and RTF files of at most 6 MB each. PNG becomes JPEG,
DOCX becomes PDF (text and tables), JPEG over the limit is re-encoded smaller, PDF and TXT over
the limit are split into ``-partN`` files. A single PDF page over the limit is kept whole and
flagged in the index. A file that cannot be converted (damaged, encrypted) is included as
uploaded and flagged too. Evidence whose bytes do not match its recorded SHA-256 stops the build.

Employment agreements (:class:`BundleAgreement`): the PDF of each worker's issued version, checked
against the SHA-256 recorded when it was generated (a mismatch stops the build too), listed in the
index with its signatures, its signed copy in the evidence, the waivers it was issued under, and
what is still open about it (not issued, out of date, unsigned) on the cover.

Crash safety (security bar 2(i)): everything is written to a temp file and a work directory beside
``out_path`` (names starting with ``.<out_path name>.``) and the ZIP is ``os.replace``\\ d into
place at the end; on failure both are removed. A killed process can leave them behind:
:func:`remove_stale_temp_files` clears them after a grace period.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from markupsafe import Markup

from portal.rules.phrase import Fragment, Joined, Language, in_language, phrase

# The reasons and languages as the forms word them (one copy, kept in step with the form by a test).
from portal.rules.wording import LANGUAGE_LABELS, REASON_LABELS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# A bundle's language -> the catalogue's locale. ESDC takes a filing in English or French.
LOCALES = {"en": "en_CA", "fr": "fr_CA"}

MAX_FILE_BYTES = 6_000_000  # ESDC: "6 MB" per file; 6,000,000 is under both readings of MB.
JPEG_QUALITY = 85
ACCEPTED_EXTENSIONS = frozenset({".pdf", ".jpg", ".txt", ".rtf"})
CHUNK = 1024 * 1024
INDEX_NAME = "00-index.pdf"
CASE_NAME = "case.json"
SUMS_NAME = "SHA256SUMS"
TOO_LARGE = phrase("too large for the ESDC portal")
NOT_ACCEPTED = phrase("file type not accepted by the ESDC portal")

STREAM_LABELS = {
    "high_wage": phrase("High-wage"),
    "low_wage": phrase("Low-wage"),
    "global_talent": phrase("Global Talent Stream"),
    "agricultural": phrase("Agricultural"),
    "pr_only": phrase("Permanent residence only"),
}
SEVERITY_LABELS = {"error": phrase("Error"), "warning": phrase("Warning"), "info": phrase("Info")}
REVIEW_LABELS = {
    "pending": phrase("waiting"),
    "accepted": phrase("accepted"),
    "changes_requested": phrase("changes requested"),
}
SUMMARY_KEYS = (
    "local_applied",
    "local_interviewed",
    "local_offered",
    "local_hired",
    "foreign_applied",
)


class BundleError(Exception):
    """The bundle cannot be built (bad input, or evidence that does not match its record)."""


@dataclass(frozen=True)
class BundleEvidence:
    number: int
    category: str
    description: str | None
    evidence_date: date | None
    original_filename: str
    extension: str  # ".pdf" ".png" ".jpg" ".docx" ".txt"
    sha256: str
    size: int
    review_status: str
    open: Callable[[], BinaryIO]
    # The category as the upload form words it, in the bundle's language (None: the code).
    category_label: str | None = None


@dataclass(frozen=True)
class BundleAgreement:
    """One worker's employment agreement: the issued version (``version`` None: none issued yet),
    the signatures recorded on the worker's offer, and the evidence items that are its signed
    copy (their numbers in the bundle)."""

    worker: str
    version: int | None = None
    language: str | None = None  # "en" / "fr"
    issued_at: datetime | None = None
    issued_by: str | None = None
    sha256: str | None = None  # of the PDF, recorded when the version was generated
    size: int | None = None
    open: Callable[[], BinaryIO] | None = None
    employer_signed_on: date | None = None
    employer_signed_by: str | None = None
    worker_signed_on: date | None = None
    worker_signed_by: str | None = None
    out_of_date: bool = False  # the position or the offer changed after it was issued
    # The errors waived when it was issued: {"rule", "about", "reason", "by"}.
    waivers: tuple[dict, ...] = ()
    signed_copies: tuple[int, ...] = ()

    @property
    def issued(self) -> bool:
        return self.version is not None

    @property
    def signed(self) -> bool:
        return self.employer_signed_on is not None and self.worker_signed_on is not None

    def open_items(self) -> list[str]:
        """What is still to do before the agreement can be relied on, in words."""
        if not self.issued:
            return [phrase("no agreement issued")]
        items = []
        if self.out_of_date:
            items.append(
                phrase(
                    "version %(version)s is out of date: the position or the offer changed "
                    "after it was issued",
                    version=self.version,
                )
            )
        employer_missing = self.employer_signed_on is None
        worker_missing = self.worker_signed_on is None
        if employer_missing and worker_missing:
            items.append(phrase("not signed by the employer or the worker"))
        elif employer_missing:
            items.append(phrase("not signed by the employer"))
        elif worker_missing:
            items.append(phrase("not signed by the worker"))
        elif not self.signed_copies:
            items.append(phrase("signed, but no signed copy is in the evidence"))
        return items


@dataclass(frozen=True)
class BundleContext:
    employer_name: str
    employer_legal_name: str
    business_number: str
    position_title: str
    noc: str
    stream: str
    work_location: str
    submission_date: date | None
    generated_at: datetime
    generated_by: str
    ruleset: str
    reference_sources: list[str]
    summary: dict
    activities: list[dict]
    findings: list[dict]
    timeline_svg: str | None
    sign_off: dict | None
    case_json: str
    # What is open when the bundle is built (portal/open_items.py ``OpenItems.to_dict``); the
    # cover page shows it next to the sign-off. None: not computed (older callers).
    open_items: dict | None = None
    # Each named worker's employment agreement, in the position's order of workers.
    agreements: tuple[BundleAgreement, ...] = ()
    # The index's language ("en" / "fr"): its headings and the findings' messages and fixes.
    language: str = "en"


@dataclass(frozen=True)
class BundleResult:
    sha256: str
    size: int
    members: list[str]


# --- WeasyPrint without network or disk -----------------------------------------------------

# The one WeasyPrint call site (portal.documents.pdf) is imported when a PDF is made, not with
# this module: loading WeasyPrint and Pango is half a second, which every command and every
# web worker paid at start. Its fetcher and refusal are re-exported under the names the bundle
# has always used (its tests spy on ``DataOnlyFetcher``; besides ``data:`` URIs it now also
# serves the packaged static files, which the index does not use).
_FROM_PDF = {"DataOnlyFetcher": "PackagedFilesFetcher", "BlockedFetch": "BlockedFetch"}


def __getattr__(name: str):
    if name in _FROM_PDF:
        from portal.documents import pdf

        return getattr(pdf, _FROM_PDF[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_pdf(document: str) -> bytes:
    """Print an HTML string to PDF with nothing loaded from outside the string (and the
    portal's packaged static files): :func:`portal.documents.pdf.html_to_pdf`."""
    from portal.documents.pdf import html_to_pdf

    return html_to_pdf(document)


# --- the index template ----------------------------------------------------------------------


def _text(value: Any, empty: str = "—") -> str:
    """Any field as display text (lists joined, dates in ISO form); autoescape does the rest.
    A phrase stays a phrase (the template's ``text`` filter renders it in the index's language)."""
    if value is None or value == "" or value == [] or value == {}:
        return empty
    if isinstance(value, datetime):
        return _datetime_label(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return phrase("yes") if value else phrase("no")
    if isinstance(value, dict):
        return Joined((Joined((_text(k), _text(v)), ": ") for k, v in value.items()), "; ")
    if isinstance(value, list | tuple | set | frozenset):
        return Joined((_text(item) for item in value), ", ")
    if isinstance(value, Fragment):
        return value
    return str(value)


def _datetime_label(value: datetime) -> str:
    if value.tzinfo is not None:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M")


def language_of(language: str) -> Language:
    """The portal's catalogue for a bundle language ("en" / "fr"), without Flask. English, or a
    catalogue not compiled (``make`` compiles it), gives the English the portal is written in."""
    from babel import Locale
    from babel.support import Translations

    locale = LOCALES.get(language)
    if locale is None:
        raise BundleError(f"no index in the language {language!r}")
    return Language(Translations.load(str(TRANSLATIONS), [locale]), Locale.parse(locale))


def _environment(language: str):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    words = language_of(language)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / "bundle"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(words.gettext, words.ngettext, newstyle=True)
    env.filters["text"] = lambda value, empty="—": in_language(_text(value, empty), words)
    env.filters["phrase"] = lambda value: in_language(value, words)
    return env


_ENVIRONMENTS: dict[str, Any] = {}


def _template(language: str = "en"):
    env = _ENVIRONMENTS.get(language)
    if env is None:
        env = _ENVIRONMENTS[language] = _environment(language)
    return env.get_template("index.html")


def _humanize(code: Any) -> str:
    return str(code).replace("_", " ").strip().capitalize()


class _Size(Fragment):
    """A file size ("6.0 MB", "6,0 Mo"): its number written the reader's way."""

    size: int

    def __new__(cls, size: int) -> _Size:
        text = super().__new__(cls, cls._words(size, lambda msgid: msgid, "en_CA"))
        text.size = size
        return text

    def in_language(self, catalogue) -> str:
        return self._words(self.size, catalogue.gettext, getattr(catalogue, "locale", "en_CA"))

    @staticmethod
    def _words(size: int, gettext, locale) -> str:
        from babel.numbers import format_decimal

        if size >= 1_000_000:
            amount = format_decimal(round(size / 1_000_000, 1), format="0.0", locale=locale)
            return gettext("%(amount)s MB") % {"amount": amount}
        if size >= 1_000:
            amount = format_decimal(round(size / 1_000), format="0", locale=locale)
            return gettext("%(amount)s kB") % {"amount": amount}
        return gettext("%(amount)s bytes") % {"amount": size}


def _size_label(size: int) -> str:
    return _Size(size)


def _case_format(case_json: str) -> str | None:
    """The case file's format (``lmia-case/2``), for the contents list."""
    try:
        document = json.loads(case_json)
    except ValueError:
        return None
    return document.get("format") if isinstance(document, dict) else None


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# --- evidence conversion ---------------------------------------------------------------------


@dataclass
class _Member:
    name: str
    path: Path
    problem: str | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass
class _Prepared:
    evidence: BundleEvidence
    members: list[_Member]
    notes: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug[:60].strip("-") or "evidence"


def _extension(evidence: BundleEvidence) -> str:
    ext = str(evidence.extension).lower()
    if not ext.startswith("."):
        ext = "." + ext
    if ext == ".jpeg":
        ext = ".jpg"
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", ext):
        raise BundleError(f"evidence {evidence.number}: unusable extension {evidence.extension!r}")
    return ext


def _copy_and_hash(evidence: BundleEvidence, dest: Path) -> str:
    digest = hashlib.sha256()
    stream = evidence.open()
    try:
        with open(dest, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
    finally:
        stream.close()
    return digest.hexdigest()


class _Converter:
    def __init__(self, work: Path) -> None:
        self.work = work

    def _out(self, name: str) -> Path:
        return self.work / "members" / name

    def keep(self, source: Path, name: str, problem: str | None = None) -> _Member:
        dest = self._out(name)
        source.replace(dest)
        if problem is None and dest.stat().st_size > MAX_FILE_BYTES:
            problem = TOO_LARGE
        return _Member(name, dest, problem)

    # PDF ----------------------------------------------------------------------------------

    def pdf(self, source: Path, stem: str, notes: list[str]) -> list[_Member]:
        if source.stat().st_size <= MAX_FILE_BYTES:
            return [self.keep(source, f"{stem}.pdf")]
        from pypdf import PdfReader

        reader = PdfReader(source)
        if reader.is_encrypted and not reader.decrypt(""):
            raise BundleError("the PDF is encrypted")
        page_count = len(reader.pages)
        if page_count <= 1:
            notes.append(
                phrase(
                    "A single page over %(limit)s: kept whole.", limit=_size_label(MAX_FILE_BYTES)
                )
            )
            return [self.keep(source, f"{stem}.pdf", TOO_LARGE)]
        parts = _split_pdf(reader, page_count)
        if len(parts) == 1:  # pypdf's rewrite alone (unused objects dropped) made it fit
            dest = self._out(f"{stem}.pdf")
            dest.write_bytes(parts[0][0])
            notes.append(
                phrase(
                    "Rewritten without unused data to fit under %(limit)s.",
                    limit=_size_label(MAX_FILE_BYTES),
                )
            )
            return [_Member(dest.name, dest)]
        members = []
        for number, (data, too_large) in enumerate(parts, start=1):
            dest = self._out(f"{stem}-part{number}.pdf")
            dest.write_bytes(data)
            members.append(_Member(dest.name, dest, TOO_LARGE if too_large else None))
        notes.append(
            phrase(
                "Split into %(parts)s parts of at most %(limit)s (%(pages)s pages in all).",
                parts=len(members),
                limit=_size_label(MAX_FILE_BYTES),
                pages=page_count,
            )
        )
        if any(member.problem for member in members):
            notes.append(
                phrase(
                    "A single page over %(limit)s is kept whole in its own part.",
                    limit=_size_label(MAX_FILE_BYTES),
                )
            )
        return members

    # images -------------------------------------------------------------------------------

    def image(self, source: Path, stem: str, notes: list[str], png: bool) -> list[_Member]:
        if not png and source.stat().st_size <= MAX_FILE_BYTES:
            return [self.keep(source, f"{stem}.jpg")]
        data, original, final = _to_jpeg(source)
        dest = self._out(f"{stem}.jpg")
        dest.write_bytes(data)
        if png:
            notes.append(phrase("Converted from PNG to JPEG."))
        else:
            notes.append(
                phrase("Re-encoded to fit under %(limit)s.", limit=_size_label(MAX_FILE_BYTES))
            )
        if final != original:
            notes.append(
                phrase(
                    "Scaled from %(before)s to %(after)s pixels to fit under %(limit)s.",
                    before=f"{original[0]}×{original[1]}",
                    after=f"{final[0]}×{final[1]}",
                    limit=_size_label(MAX_FILE_BYTES),
                )
            )
        return [_Member(dest.name, dest)]

    # DOCX ---------------------------------------------------------------------------------

    def docx(self, source: Path, stem: str, notes: list[str], original: str) -> list[_Member]:
        pdf = self.work / f"{stem}.docx.pdf"
        pdf.write_bytes(render_pdf(_docx_html(source, original)))
        notes.append(phrase("Converted from DOCX to PDF (text and tables only)."))
        return self.pdf(pdf, stem, notes)

    # TXT ----------------------------------------------------------------------------------

    def txt(self, source: Path, stem: str, notes: list[str]) -> list[_Member]:
        if source.stat().st_size <= MAX_FILE_BYTES:
            return [self.keep(source, f"{stem}.txt")]
        parts = _split_text(source.read_bytes(), MAX_FILE_BYTES)
        members = []
        for number, data in enumerate(parts, start=1):
            dest = self._out(f"{stem}-part{number}.txt")
            dest.write_bytes(data)
            members.append(_Member(dest.name, dest))
        notes.append(phrase("Split by lines into %(parts)s parts.", parts=len(members)))
        return members


def _write_pages(reader, start: int, end: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for index in range(start, end):
        writer.add_page(reader.pages[index])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _split_pdf(reader, page_count: int) -> list[tuple[bytes, bool]]:
    """Consecutive page ranges, each as large as fits under the limit (galloping then binary
    search on the written size). A page that is too large alone becomes a part by itself."""
    parts: list[tuple[bytes, bool]] = []
    start = 0
    while start < page_count:
        good_end, good = start + 1, _write_pages(reader, start, start + 1)
        if len(good) > MAX_FILE_BYTES:
            parts.append((good, True))
            start = good_end
            continue
        bad_end = page_count + 1
        while good_end < page_count:  # gallop: double the range while it fits
            trial_end = min(page_count, start + 2 * (good_end - start))
            trial = _write_pages(reader, start, trial_end)
            if len(trial) <= MAX_FILE_BYTES:
                good_end, good = trial_end, trial
            else:
                bad_end = trial_end
                break
        while bad_end - good_end > 1 and good_end < page_count:  # binary search in between
            middle = (good_end + bad_end) // 2
            trial = _write_pages(reader, start, middle)
            if len(trial) <= MAX_FILE_BYTES:
                good_end, good = middle, trial
            else:
                bad_end = middle
        parts.append((good, False))
        start = good_end
    return parts


def _split_text(data: bytes, limit: int) -> list[bytes]:
    """Split at line ends into parts of at most ``limit`` bytes (a longer line is cut, at a
    UTF-8 character boundary)."""
    parts: list[bytes] = []
    current: list[bytes] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        if current:
            parts.append(b"".join(current))
        current, size = [], 0

    for line in data.splitlines(keepends=True):
        while len(line) > limit:
            flush()
            cut = limit
            while cut > limit - 4 and line[cut] & 0xC0 == 0x80:
                cut -= 1
            parts.append(line[:cut])
            line = line[cut:]
        if size + len(line) > limit:
            flush()
        current.append(line)
        size += len(line)
    flush()
    return parts or [b""]


def _flatten_to_rgb(image):
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    return image.convert("RGB") if image.mode != "RGB" else image


def _to_jpeg(source: Path) -> tuple[bytes, tuple[int, int], tuple[int, int]]:
    """JPEG bytes (RGB, quality 85) under the limit, shrinking the picture as needed."""
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    image = _flatten_to_rgb(image)
    original = image.size
    for _ in range(40):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
        size = buffer.tell()
        if size <= MAX_FILE_BYTES:
            return buffer.getvalue(), original, image.size
        factor = min(0.9, max(0.5, (MAX_FILE_BYTES / size) ** 0.5 * 0.95))
        width, height = image.size
        image = image.resize(
            (max(1, int(width * factor)), max(1, int(height * factor))), Image.Resampling.LANCZOS
        )
    raise BundleError("the image cannot be made small enough")


DOCX_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: letter; margin: 20mm 18mm; }}
body {{ font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10pt; }}
p {{ margin: 0 0 2.5mm 0; white-space: pre-wrap; overflow-wrap: break-word; }}
.origin {{ font-size: 8pt; color: #555; border-bottom: 0.5pt solid #999; padding-bottom: 2mm; }}
table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 4mm 0; table-layout: fixed; }}
td {{ border: 0.5pt solid #888; padding: 1.2mm; vertical-align: top; white-space: pre-wrap;
      overflow-wrap: break-word; }}
h1 {{ font-size: 15pt; }} h2 {{ font-size: 13pt; }} h3 {{ font-size: 11pt; }}
</style></head><body>
<p class="origin">Converted for the LMIA filing bundle from {title}. Text and tables only;
pictures, headers, footers and layout are not reproduced.</p>
{body}
</body></html>
"""


def _docx_html(source: Path, original_filename: str) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(source))
    esc = html.escape
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text
            if not text.strip():
                continue
            try:
                style = block.style.name if block.style is not None else ""
            except (KeyError, ValueError):
                style = ""
            heading = re.fullmatch(r"Heading ([1-9])", style or "")
            if style == "Title":
                blocks.append(f"<h1>{esc(text)}</h1>")
            elif heading:
                level = min(3, int(heading.group(1)) + 1)
                blocks.append(f"<h{level}>{esc(text)}</h{level}>")
            elif "List" in (style or ""):
                blocks.append(f"<p>• {esc(text)}</p>")
            else:
                blocks.append(f"<p>{esc(text)}</p>")
        elif isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(f"<td>{esc(cell.text)}</td>")
                rows.append("<tr>" + "".join(cells) + "</tr>")
            blocks.append("<table>" + "".join(rows) + "</table>")
    if not blocks:
        blocks.append("<p>(The document has no text.)</p>")
    return DOCX_PAGE.format(title=esc(original_filename), body="\n".join(blocks))


def _prepare(converter: _Converter, evidence: BundleEvidence, index: int, width: int) -> _Prepared:
    ext = _extension(evidence)
    date_part = evidence.evidence_date.isoformat() if evidence.evidence_date else "undated"
    stem = f"{evidence.number:0{width}d}-{_slug(evidence.category)}-{date_part}"
    source = converter.work / f"source-{index}"
    digest = _copy_and_hash(evidence, source)
    if digest != str(evidence.sha256).lower():
        raise BundleError(
            f"evidence {evidence.number} ({evidence.original_filename}): the stored file does "
            f"not match its recorded SHA-256"
        )
    notes: list[str] = []
    try:
        if ext == ".pdf":
            members = converter.pdf(source, stem, notes)
        elif ext in (".png", ".jpg"):
            members = converter.image(source, stem, notes, png=ext == ".png")
        elif ext == ".docx":
            members = converter.docx(source, stem, notes, evidence.original_filename)
        elif ext == ".txt":
            members = converter.txt(source, stem, notes)
        elif ext in ACCEPTED_EXTENSIONS:
            members = [converter.keep(source, f"{stem}{ext}")]
        else:
            members = [converter.keep(source, f"{stem}{ext}", NOT_ACCEPTED)]
    except Exception as error:  # a damaged or unusual file: include it as it is, flagged
        if not source.exists():
            raise
        for leftover in (converter.work / "members").glob(f"{stem}*"):
            leftover.unlink()
        reason = str(error) if isinstance(error, BundleError) else type(error).__name__
        notes[:] = [
            phrase("Could not be converted (%(reason)s); included as uploaded.", reason=reason)
        ]
        problem = None if ext in ACCEPTED_EXTENSIONS else NOT_ACCEPTED
        members = [converter.keep(source, f"{stem}{ext}", problem)]
    source.unlink(missing_ok=True)
    return _Prepared(evidence, members, notes)


@dataclass
class _PreparedAgreement:
    agreement: BundleAgreement
    members: list[_Member]


def _ascii_slug(text: str) -> str:
    """A name as a file-name part: accents dropped (José → jose), not the letters."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:40].strip("-") or "worker"


def _prepare_agreement(
    converter: _Converter, agreement: BundleAgreement, ordinal: int
) -> _PreparedAgreement:
    """The issued PDF, copied from storage and checked against its recorded SHA-256."""
    if not agreement.issued or agreement.open is None:
        return _PreparedAgreement(agreement, [])
    stem = f"agreement-{ordinal:02d}-{_ascii_slug(agreement.worker)}-v{agreement.version}"
    source = converter.work / f"{stem}.source"
    digest = _copy_and_hash(agreement, source)
    if digest != str(agreement.sha256).lower():
        raise BundleError(
            f"employment agreement of {agreement.worker} (version {agreement.version}): the "
            "stored file does not match its recorded SHA-256"
        )
    return _PreparedAgreement(agreement, converter.pdf(source, stem, []))


# --- the ZIP ---------------------------------------------------------------------------------


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    if moment.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _add_member(zf: zipfile.ZipFile, name: str, source: Path, when) -> str:
    info = zipfile.ZipInfo(name, when)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED if name.endswith(".jpg") else zipfile.ZIP_DEFLATED
    info.file_size = source.stat().st_size
    digest = hashlib.sha256()
    with open(source, "rb") as src, zf.open(info, "w", force_zip64=info.file_size > 2**31) as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
    return digest.hexdigest()


def _check_inputs(evidence: list[BundleEvidence]) -> None:
    numbers = [item.number for item in evidence]
    if any(not isinstance(n, int) or n < 1 for n in numbers):
        raise BundleError("evidence numbers must be whole numbers from 1")
    if len(set(numbers)) != len(numbers):
        raise BundleError("evidence numbers must be unique")


def _agreement_row(item: _PreparedAgreement) -> dict:
    a = item.agreement
    return {
        "worker": a.worker,
        "issued": a.issued,
        "version": a.version,
        "language": LANGUAGE_LABELS.get(a.language or "", a.language),
        "issued_at": _datetime_label(a.issued_at) if a.issued_at else None,
        "issued_by": a.issued_by,
        "sha256": str(a.sha256 or "").lower(),
        "size_label": _size_label(a.size) if a.size else None,
        "members": [
            {"name": m.name, "size_label": _size_label(m.size), "problem": m.problem}
            for m in item.members
        ],
        "signatures": [
            {"who": "employer", "on": a.employer_signed_on, "by": a.employer_signed_by},
            {"who": "worker", "on": a.worker_signed_on, "by": a.worker_signed_by},
        ],
        "signed": a.signed,
        "signed_copies": list(a.signed_copies),
        "out_of_date": a.out_of_date,
        "waivers": list(a.waivers),
        "open_items": a.open_items(),
    }


def _index_html(
    context: BundleContext,
    prepared: list[_Prepared],
    member_count: int,
    agreements: list[_PreparedAgreement] = (),
) -> str:
    summary = {key: (context.summary or {}).get(key, 0) for key in SUMMARY_KEYS}
    reasons = [
        (REASON_LABELS.get(str(code), _humanize(code)), count)
        for code, count in ((context.summary or {}).get("reasons_not_hired") or {}).items()
    ]
    rows = [
        {
            "number": item.evidence.number,
            "category": item.evidence.category_label or _humanize(item.evidence.category),
            "description": item.evidence.description,
            "evidence_date": item.evidence.evidence_date,
            "review_status": item.evidence.review_status,
            "original_filename": item.evidence.original_filename,
            "size_label": _size_label(item.evidence.size),
            "sha256": str(item.evidence.sha256).lower(),
            "members": [
                {"name": m.name, "size_label": _size_label(m.size), "problem": m.problem}
                for m in item.members
            ],
            "notes": item.notes,
        }
        for item in prepared
    ]
    return _template(context.language).render(
        c=context,
        language=context.language,
        severity_labels=SEVERITY_LABELS,
        review_labels=REVIEW_LABELS,
        case_name=CASE_NAME,
        sha_command=Markup('<span class="hash">sha256sum -c SHA256SUMS</span>'),
        stream_label=STREAM_LABELS.get(context.stream, _humanize(context.stream)),
        generated_at=_datetime_label(context.generated_at),
        summary=summary,
        reasons=reasons,
        timeline_uri=_svg_data_uri(context.timeline_svg) if context.timeline_svg else None,
        evidence_rows=rows,
        agreement_rows=[_agreement_row(item) for item in agreements],
        agreement_files=sum(len(item.members) for item in agreements),
        case_format=_case_format(context.case_json),
        file_count=sum(len(item.members) for item in prepared),
        member_count=member_count,
        problem_count=sum(1 for item in prepared for m in item.members if m.problem),
        limit_label=_size_label(MAX_FILE_BYTES),
    )


def build_bundle(
    out_path: Path,
    context: BundleContext,
    evidence: list[BundleEvidence],
    progress: Callable[[int, int], None] = lambda done, total: None,
    stage: Callable[[str], None] = lambda name: None,
) -> BundleResult:
    """Write the filing bundle to ``out_path`` (atomically) and describe what was written.

    ``progress(done, total)`` is called after each evidence file; ``stage(name)`` when the
    build moves on: "converting" (the files), "index" (the index PDF), "packing" (the ZIP).
    Either may raise to stop the build (a time limit); nothing is left behind then.
    """
    out_path = Path(out_path)
    _check_inputs(evidence)
    ordered = sorted(evidence, key=lambda item: item.number)
    width = max(2, len(str(max((item.number for item in ordered), default=0))))
    total = len(ordered)
    directory = out_path.parent
    prefix = f".{out_path.name}."
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    temp = Path(temp_name)
    try:
        with tempfile.TemporaryDirectory(dir=directory, prefix=prefix, suffix=".work") as work:
            work_dir = Path(work)
            (work_dir / "members").mkdir()
            converter = _Converter(work_dir)
            prepared = []
            stage("converting")
            for done, item in enumerate(ordered, start=1):
                prepared.append(_prepare(converter, item, done, width))
                progress(done, total)

            issued = [a for a in context.agreements if a.issued]
            ordinals = {id(a): n for n, a in enumerate(issued, start=1)}
            agreements = [
                _prepare_agreement(converter, a, ordinals.get(id(a), 0)) for a in context.agreements
            ]

            evidence_members = [m for item in prepared for m in item.members]
            agreement_members = [m for item in agreements for m in item.members]
            member_count = len(evidence_members) + len(agreement_members) + 3
            stage("index")
            index = work_dir / INDEX_NAME
            html_index = _index_html(context, prepared, member_count, agreements)
            index.write_bytes(render_pdf(html_index))
            case = work_dir / CASE_NAME
            case.write_text(context.case_json, encoding="utf-8")

            files = [(INDEX_NAME, index)]
            files += [(m.name, m.path) for m in evidence_members]
            files += [(m.name, m.path) for m in agreement_members]
            files.append((CASE_NAME, case))
            stage("packing")
            when = _zip_time(context.generated_at)
            sums: list[str] = []
            with os.fdopen(fd, "w+b") as raw:
                fd = -1
                with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
                    for name, path in files:
                        sums.append(f"{_add_member(zf, name, path, when)}  {name}\n")
                    info = zipfile.ZipInfo(SUMS_NAME, when)
                    info.external_attr = 0o644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, "".join(sums))
                raw.flush()
                os.fsync(raw.fileno())
                raw.seek(0)
                digest = hashlib.sha256()
                while chunk := raw.read(CHUNK):
                    digest.update(chunk)
                size = raw.tell()
        os.replace(temp, out_path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_dir(directory)
    return BundleResult(
        sha256=digest.hexdigest(),
        size=size,
        members=[name for name, _ in files] + [SUMS_NAME],
    )


def _fsync_dir(directory: Path) -> None:
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def remove_stale_temp_files(directory: Path, older_than_seconds: float = 3600) -> int:
    """Remove temp files and work directories that interrupted builds left in ``directory``
    (``.<name>.*.tmp`` and ``.<name>.*.work``) once untouched for ``older_than_seconds``."""
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in Path(directory).glob(".*.*"):
        if not (path.name.endswith(".tmp") or path.name.endswith(".work")):
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    return removed
