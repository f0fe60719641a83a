"""HTML → DOCX a lawyer can edit in Word: real headings, numbered clauses, tables.

:func:`html_to_docx` converts the small HTML subset the portal's documents are written in (the
same HTML WeasyPrint prints, so the PDF and the DOCX carry the same content):

- ``h1``–``h3`` → Word's Heading 1–3 styles (``h4``–``h6`` → Heading 3); ``p`` → a paragraph;
  a heading that opens an ``ol > li`` is that item's numbered paragraph ("3. Wages");
- ``ol > li`` → paragraphs numbered by one multi-level numbering definition in numbering.xml
  ("1.", "2.", a nested ``ol`` "3.1", "3.2"), so Word renumbers when a clause is inserted;
  ``<ol start="4">`` starts at 4; each top-level ``ol`` restarts at 1, as in HTML;
- ``ul > li`` → bulleted paragraphs (a nested list one level deeper);
- ``table`` (``thead``/``tbody``/``tfoot``/``tr``/``th``/``td``, ``colspan``, ``caption``) →
  a Word table; ``th`` text bold; the ``thead`` rows (or a first row of ``th`` only) repeat at
  the top of every page;
- ``br`` → a line break; ``strong``/``b`` → bold runs, ``em``/``i`` → italic runs, ``u``
  underlined; ``span``, ``a`` and any other inline element → plain runs;
- ``div section article header footer main`` → containers (their loose text → paragraphs);
- ``data-docx="skip"`` → the element and everything in it is left out (screen-only parts);
- class ``page-break`` → the element's content starts on a new page;
- class ``signature`` → a two-column borderless table: each child element is one column
  (``<div class="signature"><div>employer…</div><div>worker…</div></div>``); a
  ``<table class="signature">`` keeps its own rows, without borders.

``script``, ``style``, ``head``, ``template`` and the like are dropped. Text is only ever written
as run text, after the parser has decoded the HTML's entities: markup typed by a user
(``&lt;script&gt;``), ``{ MERGEFIELD }`` or ``DDEAUTO`` end up as the literal characters, never as
elements or Word fields. Characters XML cannot hold (C0/C1 controls other than tab and newline,
U+FFFE/U+FFFF, lone surrogates) are removed; whitespace collapses as in HTML.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html.parser import HTMLParser

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

# --- parsing: the standard library's tolerant parser into a small tree --------------------------


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


VOID = _tags("area base br col embed hr img input link meta param source track wbr")
DROPPED = _tags(
    "script style head title template noscript iframe object embed svg math "
    "select option textarea button input img canvas audio video"
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
BLOCKS = _tags(
    "html body div section article header footer main nav aside address blockquote figure "
    "figcaption p h1 h2 h3 h4 h5 h6 ul ol li table caption thead tbody tfoot tr th td dl dt dd "
    "pre hr form fieldset legend"
)
# Elements an end tag may close implicitly when the HTML leaves them open (``<p>a<p>b``).
IMPLICIT_END = {"p", "li", "td", "th", "tr", "thead", "tbody", "tfoot", "dt", "dd", "caption"}

# Not allowed in XML 1.0 (or allowed but meaningless in a letter: DEL and C1 controls).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# HTML's collapsible white space: ASCII only, so no-break spaces and bidi marks are kept.
_COLLAPSIBLE = re.compile("[ \t\n\r\f]+")


def clean_text(text: str) -> str:
    """``text`` with the characters a DOCX cannot hold removed."""
    return _UNWRITABLE.sub("", text)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li", "tr", "td", "th", "dt", "dd"):
            self._close_implicit(tag)
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
            if self.stack[depth].tag not in IMPLICIT_END:
                return  # a stray end tag: ignore it rather than close unrelated elements

    def handle_data(self, data):
        self.stack[-1].children.append(data)

    def _close_implicit(self, tag):
        # A new <p> closes an open <p>; a new <li> the open <li> of the same list, and so on.
        closes = {
            "p": {"p"},
            "li": {"li", "p"},
            "tr": {"tr", "td", "th", "p"},
            "td": {"td", "th", "p"},
            "th": {"td", "th", "p"},
            "dt": {"dt", "dd", "p"},
            "dd": {"dt", "dd", "p"},
        }[tag]
        while len(self.stack) > 1 and self.stack[-1].tag in closes:
            self.stack.pop()
            if tag == "p":
                break


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- numbering definitions ---------------------------------------------------------------------

_NUMBERED_INDENT = 567  # twips (1 cm) per level, and the hanging number's room
_BULLETS = ("•", "◦", "▪")


def _level_xml(level: int, *, numbered: bool) -> str:
    left = _NUMBERED_INDENT * (level + 1) + (170 * level if numbered else 0)
    hanging = _NUMBERED_INDENT + (170 * level if numbered else 0)
    if numbered:
        # "1." at the top, then "3.1", "3.1.2": the clause numbering lawyers use.
        text = "%1." if level == 0 else ".".join(f"%{n + 1}" for n in range(level + 1))
        kind = '<w:numFmt w:val="decimal"/>'
    else:
        text = _BULLETS[level % len(_BULLETS)]
        kind = '<w:numFmt w:val="bullet"/>'
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/>{kind}<w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
        "</w:lvl>"
    )


def _level_indent(level: int, *, numbered: bool) -> int:
    return _NUMBERED_INDENT * (level + 1) + (170 * level if numbered else 0)


class _Numbering:
    """The document's two list definitions (clauses, bullets) and one ``w:num`` per list."""

    def __init__(self, document) -> None:
        self.element = document.part.numbering_part.element
        used = [int(v) for v in self.element.xpath("./w:abstractNum/@w:abstractNumId")]
        first = max(used, default=-1) + 1
        self.clauses = self._add_abstract(first, numbered=True)
        self.bullets = self._add_abstract(first + 1, numbered=False)
        self._bullet_num: int | None = None

    def _add_abstract(self, abstract_id: int, *, numbered: bool) -> int:
        levels = "".join(_level_xml(n, numbered=numbered) for n in range(9))
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        )
        # Schema order: every w:abstractNum before the first w:num.
        nums = self.element.findall(qn("w:num"))
        if nums:
            nums[0].addprevious(abstract)
        else:
            self.element.append(abstract)
        return abstract_id

    def new_clause_list(self, start: int = 1) -> int:
        num = self.element.add_num(self.clauses)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId

    def bullet_list(self) -> int:
        if self._bullet_num is None:
            self._bullet_num = self.element.add_num(self.bullets).numId
        return self._bullet_num


# --- writing ------------------------------------------------------------------------------------


@dataclass
class _Run:
    text: str = ""
    bold: bool = False
    italic: bool = False
    underline: bool = False
    line_break: bool = False


@dataclass(frozen=True)
class _ListItem:
    num_id: int
    level: int
    numbered: bool
    first: bool = True  # the item's first paragraph carries the number; later ones are indented


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False


class _Container:
    """Where paragraphs and tables go: the document body or a table cell."""

    def __init__(self, target, *, reuse_first: bool = False) -> None:
        self.target = target
        self._unused = target.paragraphs[0] if reuse_first else None

    def paragraph(self, style: str | None = None):
        if self._unused is not None:
            paragraph, self._unused = self._unused, None
            if style:
                paragraph.style = style
            return paragraph
        return self.target.add_paragraph(style=style)

    def table(self, rows: int, cols: int):
        self._unused = None  # keep the cell's first paragraph above a nested table
        return self.target.add_table(rows, cols)


class _Writer:
    def __init__(self, document) -> None:
        self.document = document
        self.numbering = _Numbering(document)
        self.page_break_pending = False

    # blocks

    def blocks(
        self,
        node: Node,
        into: _Container,
        *,
        item: _ListItem | None = None,
        fmt: _Format = _Format(),
        style: str | None = None,
    ) -> None:
        """Write ``node``'s children: runs of inline content become paragraphs, block
        children are written in turn. In a list item, the first paragraph carries the number
        and later ones are indented to the item's text."""
        pending: list[_Run] = []
        state = {"item": item}

        def flush():
            if _has_text(pending):
                self._paragraph(into, pending, style=style, item=state["item"])
                state["item"] = _continuation(state["item"])
            pending.clear()

        for child in node.children:
            if isinstance(child, str):
                pending.append(_Run(child, fmt.bold, fmt.italic, fmt.underline))
                continue
            if _skipped(child):
                continue
            if child.tag in BLOCKS or "page-break" in child.classes or "signature" in child.classes:
                flush()
                self.block(child, into, item=state["item"], fmt=fmt)
                if state["item"] is not None and self._wrote_text:
                    state["item"] = _continuation(state["item"])
            else:
                self.inline(child, pending, fmt)
        flush()

    _wrote_text = False

    def block(self, node: Node, into: _Container, *, item: _ListItem | None, fmt: _Format) -> None:
        self._wrote_text = False
        if "page-break" in node.classes:
            self.page_break_pending = True
        if "signature" in node.classes:
            self.signature(node, into, fmt)
            return
        tag = node.tag
        if tag in HEADINGS:
            # A heading that opens a list item carries the item's number: "3. Wages" is a
            # numbered Word heading, as in ``<ol><li><h2>Wages</h2><p>…</p></li></ol>``.
            self.blocks(node, into, item=item, fmt=fmt, style=f"Heading {HEADINGS[tag]}")
        elif tag in ("ol", "ul"):
            self.list(node, into, parent=item, fmt=fmt)
        elif tag == "table":
            # A table in a clause lines up with the clause's text, not the page margin.
            indent = 0 if item is None else _level_indent(item.level, numbered=item.numbered)
            self.table(node, into, fmt, indent=indent)
        elif tag == "hr":
            pass
        elif tag == "li":  # a stray <li> outside a list: a bullet
            self.list(Node("ul", children=[node]), into, parent=item, fmt=fmt)
        elif tag == "caption":
            self.blocks(node, into, fmt=fmt, style="Caption")
        elif tag in ("dt", "legend"):
            self.blocks(node, into, item=item, fmt=_Format(True, fmt.italic, fmt.underline))
        else:
            self.blocks(node, into, item=item, fmt=fmt)

    def list(self, node: Node, into: _Container, *, parent: _ListItem | None, fmt: _Format) -> None:
        numbered = node.tag == "ol"
        level = 0 if parent is None else min(parent.level + 1, 8)
        if numbered and parent is not None and parent.numbered:
            num_id = parent.num_id  # the same clauses one level down: 3.1, 3.2
        elif numbered:
            # A new list of clauses (an ol in a bulleted item starts its own, at "1.").
            num_id = self.numbering.new_clause_list(_start(node))
            level = 0
        else:
            num_id = self.numbering.bullet_list()
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    self._paragraph(
                        into,
                        [_Run(child, fmt.bold, fmt.italic, fmt.underline)],
                        item=_ListItem(num_id, level, numbered),
                    )
                continue
            if _skipped(child):
                continue
            if child.tag == "li":
                self.blocks(child, into, item=_ListItem(num_id, level, numbered), fmt=fmt)
            else:
                self.block(child, into, item=_ListItem(num_id, level, numbered), fmt=fmt)

    def table(
        self,
        node: Node,
        into: _Container,
        fmt: _Format,
        *,
        borderless: bool = False,
        indent: int = 0,
    ) -> None:
        rows: list[tuple[Node, bool]] = []  # (tr, in thead)
        for child in node.elements():
            if _skipped(child):
                continue
            if child.tag == "caption":
                self.blocks(child, into, fmt=fmt, style="Caption")
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows += [
                    (tr, child.tag == "thead")
                    for tr in child.elements()
                    if tr.tag == "tr" and not _skipped(tr)
                ]
            elif child.tag == "tr":
                rows.append((child, False))
        cells_of = [
            [c for c in tr.elements() if c.tag in ("td", "th") and not _skipped(c)]
            for tr, _ in rows
        ]
        width = max((sum(_colspan(c) for c in cells) for cells in cells_of), default=0)
        if width == 0:
            return
        table = self._new_table(into, 0, width, indent=indent)
        if borderless:
            _remove_borders(table)
        else:
            table.style = "Table Grid"
        header_done = False
        for (_tr, in_head), cells in zip(rows, cells_of, strict=True):
            row = table.add_row()
            # thead rows repeat on every page; so does a leading row of header cells only.
            is_header = in_head or (
                not header_done
                and cells
                and all(c.tag == "th" for c in cells)
                and not any(h for _, h in rows)
            )
            if is_header:
                row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            else:
                header_done = True
            column = 0
            for cell_node in cells:
                span = min(_colspan(cell_node), width - column)
                if span <= 0:
                    break
                cell = row.cells[column]
                if span > 1:
                    cell = cell.merge(row.cells[column + span - 1])
                bold = fmt.bold or cell_node.tag == "th"
                self.blocks(
                    cell_node,
                    _Container(cell, reuse_first=True),
                    fmt=_Format(bold, fmt.italic, fmt.underline),
                )
                column += span
        self._wrote_text = True

    def _new_table(self, into: _Container, rows: int, cols: int, *, indent: int = 0):
        table = into.table(rows, cols)
        if indent and into.target is self.document:
            _indent_table(table, self.document, indent)
        if self.page_break_pending:  # a table cannot start a page itself: a paragraph before
            self.page_break_pending = False
            p = OxmlElement("w:p")
            table._tbl.addprevious(p)
            p.get_or_add_pPr().append(OxmlElement("w:pageBreakBefore"))
        return table

    def signature(self, node: Node, into: _Container, fmt: _Format) -> None:
        if node.tag == "table":
            self.table(node, into, fmt, borderless=True)
            return
        columns = [c for c in node.elements() if not _skipped(c)]
        if not columns:
            self.blocks(node, into, fmt=fmt)
            return
        table = self._new_table(into, 1, len(columns))
        _remove_borders(table)
        for cell, column in zip(table.rows[0].cells, columns, strict=True):
            wrapper = Node("div", children=[column])
            self.blocks(wrapper, _Container(cell, reuse_first=True), fmt=fmt)
        self._wrote_text = True

    # inline

    def inline(self, node: Node, runs: list[_Run], fmt: _Format) -> None:
        if node.tag == "br":
            runs.append(_Run(line_break=True))
            return
        if node.tag in DROPPED:
            return
        if node.tag in ("strong", "b"):
            fmt = _Format(True, fmt.italic, fmt.underline)
        elif node.tag in ("em", "i", "cite", "var"):
            fmt = _Format(fmt.bold, True, fmt.underline)
        elif node.tag == "u":
            fmt = _Format(fmt.bold, fmt.italic, True)
        for child in node.children:
            if isinstance(child, str):
                runs.append(_Run(child, fmt.bold, fmt.italic, fmt.underline))
            elif not _skipped(child):
                self.inline(child, runs, fmt)

    def _paragraph(
        self,
        into: _Container,
        runs: list[_Run],
        *,
        style: str | None = None,
        item: _ListItem | None = None,
    ) -> None:
        if item is not None and item.first and style is None:
            # Word's list style; an item's later paragraphs stay Normal (indented below), as
            # List Paragraph's contextual spacing would run a clause's paragraphs together.
            style = "List Paragraph"
        paragraph = into.paragraph(style)
        if self.page_break_pending:
            self.page_break_pending = False
            paragraph.paragraph_format.page_break_before = True
        if item is not None and item.first:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = item.level
            num_pr.get_or_add_numId().val = item.num_id
        elif item is not None:  # a later paragraph of the same item: under its text, no number
            indent = _level_indent(item.level, numbered=item.numbered)
            paragraph.paragraph_format.left_indent = Twips(indent)
        for run in _collapse(runs):
            if run.line_break:
                paragraph.add_run().add_break()
                continue
            added = paragraph.add_run(run.text)
            if run.bold:
                added.bold = True
            if run.italic:
                added.italic = True
            if run.underline:
                added.underline = True
        self._wrote_text = True


def _continuation(item: _ListItem | None) -> _ListItem | None:
    return None if item is None else replace(item, first=False)


def _skipped(node: Node) -> bool:
    return node.attrs.get("data-docx", "").strip().lower() == "skip" or node.tag in DROPPED


def _start(node: Node) -> int:
    try:
        return max(0, int(node.attrs.get("start", "1")))
    except ValueError:
        return 1


def _colspan(node: Node) -> int:
    try:
        return max(1, min(int(node.attrs.get("colspan", "1")), 63))
    except ValueError:
        return 1


def _has_text(runs: list[_Run]) -> bool:
    return any(run.line_break or _COLLAPSIBLE.sub("", clean_text(run.text)) for run in runs)


def _collapse(runs: list[_Run]) -> list[_Run]:
    """HTML white-space collapsing over the runs of one paragraph."""
    out: list[_Run] = []
    after_space = True  # at the start of the paragraph or of a line: drop leading space
    for run in runs:
        if run.line_break:
            if out and not out[-1].line_break:
                out[-1].text = out[-1].text.rstrip(" ")
            out.append(run)
            after_space = True
            continue
        text = _COLLAPSIBLE.sub(" ", clean_text(run.text))
        if after_space:
            text = text.lstrip(" ")
        if not text:
            continue
        after_space = text.endswith(" ")
        out.append(_Run(text, run.bold, run.italic, run.underline))
    while out and not out[-1].line_break and not out[-1].text.rstrip(" "):
        out.pop()
    if out and not out[-1].line_break:
        out[-1].text = out[-1].text.rstrip(" ")
    return out


def _remove_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{edge} w:val="nil"/>' for edge in edges)
        + "</w:tblBorders>"
    )
    # Word rejects a tblPr whose children are out of schema order: borders go before these.
    later = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
    follower = next((c for c in tbl_pr if c.tag in {qn(t) for t in later}), None)
    if follower is not None:
        follower.addprevious(borders)
    else:
        tbl_pr.append(borders)


def _indent_table(table, document, indent: int) -> None:
    """Shift ``table`` right by ``indent`` twips and narrow its columns to keep it on the page
    (set before rows are added: python-docx sizes new cells from the column grid)."""
    section = document.sections[-1]
    available = section.page_width - section.left_margin - section.right_margin
    width = max(int((available - Twips(indent)) / len(table.columns)), Twips(720))
    for column in table.columns:
        column.width = width
    tbl_pr = table._tbl.tblPr
    ind = parse_xml(f'<w:tblInd {nsdecls("w")} w:w="{indent}" w:type="dxa"/>')
    later = ("w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
    follower = next((c for c in tbl_pr if c.tag in {qn(t) for t in later}), None)
    if follower is not None:
        follower.addprevious(ind)
    else:
        tbl_pr.append(ind)


def _language_tag(language: str) -> str:
    """ "fr", "fr_CA", "fr-ca" → "fr-CA" (Canadian unless a region is given)."""
    parts = language.replace("_", "-").split("-")
    lang = parts[0].lower()
    region = parts[1].upper() if len(parts) > 1 and parts[1] else "CA"
    return f"{lang}-{region}"


def _set_language(document, tag: str) -> None:
    """Proofing language of every style (docDefaults), so Word spell-checks in ``tag``."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if r_pr is None:
        return
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), tag)


def html_to_docx(
    html: str,
    *,
    header: str | None = None,
    title: str | None = None,
    language: str | None = None,
) -> bytes:
    """A Word document with ``html``'s content (the subset above), ``header`` (e.g. the DRAFT
    mark) at the top of every page, ``title`` in the file's properties and ``language`` ("en",
    "fr", "fr-CA"…) as its proofing and metadata language."""
    document = Document()
    writer = _Writer(document)
    root = parse_html(html)
    body = next((n for n in _walk(root) if n.tag == "body"), root)
    writer.blocks(body, _Container(document))

    if header:
        section = document.sections[0]
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(clean_text(header))
        run.bold = True
    properties = document.core_properties
    properties.title = clean_text(title or _title_of(root) or "")[:255]
    properties.author = properties.last_modified_by = "LMIA compliance portal"
    properties.comments = ""
    # The blank template's own dates are from 2013; Word shows these in the file's details.
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    if language:
        tag = _language_tag(language)
        properties.language = tag
        _set_language(document, tag)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _walk(node: Node):
    yield node
    for child in node.elements():
        yield from _walk(child)


def _title_of(root: Node) -> str | None:
    """The HTML's ``<title>``, else its first ``<h1>``."""
    for tag in ("title", "h1"):
        for node in _walk(root):
            if node.tag == tag and not _skipped_here(node):
                text = _COLLAPSIBLE.sub(" ", "".join(_texts(node))).strip()
                if text:
                    return text
    return None


def _skipped_here(node: Node) -> bool:
    return node.attrs.get("data-docx", "").strip().lower() == "skip"


def _texts(node: Node):
    for child in node.children:
        if isinstance(child, str):
            yield child
        elif not _skipped_here(child):
            yield from _texts(child)
