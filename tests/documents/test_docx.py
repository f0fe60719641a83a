"""html_to_docx: the HTML subset mapped to real Word structure, user text kept as text."""

import html as html_lib
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from portal.documents.docx import clean_text, html_to_docx

PAGE = """<!doctype html><html lang="en"><head><title>Job offer — Jane</title>
<style>p { color: red }</style><script>var hidden = 1;</script></head><body>
<h1>Employment agreement</h1>
<h2>Parties</h2>
<h3>Employer</h3>
<p>Paid <strong>$18.00</strong> an <em>hour</em>, <b>bi</b><i>weekly</i><br>second line</p>
<nav data-docx="skip"><p>Edit this offer</p></nav>
<ol>
  <li>Duties</li>
  <li>Pay
    <ol><li>Wage</li><li>Deductions</li></ol>
  </li>
  <li><p>Hours</p><p>At least 30 a week.</p></li>
</ol>
<ol start="5"><li>Five</li></ol>
<ol><li>Again one</li></ol>
<ul><li>Round-trip travel<ul><li>economy</li></ul></li></ul>
<section class="page-break"><h2>Signatures</h2></section>
<table>
  <thead><tr><th>Item</th><th>Amount</th></tr></thead>
  <tbody><tr><td>Housing</td><td>$30.00 a week</td></tr>
  <tr><td colspan="2">Total deductions: $30.00</td></tr></tbody>
</table>
<div class="signature">
  <div><p>For the employer</p><p>Date:</p></div>
  <div><p>The worker</p><p>Date:</p></div>
</div>
</body></html>"""


def read(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def xml_part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def numbering(paragraph):
    """(numId, ilvl) of a paragraph, or None when it is not numbered."""
    p_pr = paragraph._p.pPr
    if p_pr is None or p_pr.numPr is None:
        return None
    return p_pr.numPr.numId.val, p_pr.numPr.ilvl.val


@pytest.fixture(scope="module")
def page() -> bytes:
    return html_to_docx(PAGE, header="DRAFT — not for signature")


@pytest.fixture(scope="module")
def paragraphs(page):
    return {p.text: p for p in read(page).paragraphs if p.text}


def test_headings_use_words_heading_styles(paragraphs):
    assert paragraphs["Employment agreement"].style.name == "Heading 1"
    assert paragraphs["Parties"].style.name == "Heading 2"
    assert paragraphs["Employer"].style.name == "Heading 3"


def test_bold_italic_runs_and_line_breaks(paragraphs):
    paragraph = paragraphs["Paid $18.00 an hour, biweekly\nsecond line"]
    runs = [(r.text, r.bold, r.italic) for r in paragraph.runs if r.text]
    assert ("$18.00", True, None) in runs
    assert ("hour", None, True) in runs
    assert ("bi", True, None) in runs and ("weekly", None, True) in runs
    assert paragraph._p.xpath(".//w:br")


def test_ordered_lists_are_real_numbered_paragraphs(page, paragraphs):
    duties, pay, wage, deductions, hours = (
        paragraphs[t] for t in ("Duties", "Pay", "Wage", "Deductions", "Hours")
    )
    num_id = numbering(duties)[0]
    assert [numbering(p) for p in (duties, pay, hours)] == [(num_id, 0)] * 3
    # The nested list is the same list one level down (Word shows 2.1, 2.2).
    assert numbering(wage) == numbering(deductions) == (num_id, 1)
    # A second paragraph of an item is not numbered, but indented under the item's text.
    more = paragraphs["At least 30 a week."]
    assert numbering(more) is None
    assert more.paragraph_format.left_indent > 0
    assert more.style.name == "Normal"
    # The number is Word's, not typed.
    assert not any(p.startswith(("1.", "2.")) for p in paragraphs)

    element = read(page).part.numbering_part.element
    abstract = element.num_having_numId(num_id).abstractNumId.val
    levels = f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl'
    assert element.xpath(f"{levels}/w:lvlText/@w:val")[:3] == ["%1.", "%1.%2", "%1.%2.%3"]
    assert set(element.xpath(f"{levels}/w:numFmt/@w:val")[:3]) == {"decimal"}


def test_each_ordered_list_restarts_and_start_is_kept(page, paragraphs):
    element = read(page).part.numbering_part.element
    first = numbering(paragraphs["Duties"])[0]
    five = numbering(paragraphs["Five"])[0]
    again = numbering(paragraphs["Again one"])[0]
    assert len({first, five, again}) == 3

    def start(num_id):
        return element.num_having_numId(num_id).xpath(
            './w:lvlOverride[@w:ilvl="0"]/w:startOverride/@w:val'
        )

    assert start(first) == ["1"] and start(five) == ["5"] and start(again) == ["1"]


def test_unordered_lists_are_bullets(page, paragraphs):
    travel, economy = paragraphs["Round-trip travel"], paragraphs["economy"]
    num_id = numbering(travel)[0]
    assert numbering(economy) == (num_id, 1)
    assert numbering(travel) == (num_id, 0)
    element = read(page).part.numbering_part.element
    abstract = element.num_having_numId(num_id).abstractNumId.val
    formats = element.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl/w:numFmt/@w:val')
    assert set(formats) == {"bullet"}


def test_tables_are_word_tables_with_a_repeated_bold_header(page):
    document = read(page)
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Item", "Amount"],
        ["Housing", "$30.00 a week"],
        ["Total deductions: $30.00", "Total deductions: $30.00"],  # merged across two columns
    ]
    header, body = table.rows[0], table.rows[1]
    assert header._tr.xpath("./w:trPr/w:tblHeader")
    assert not body._tr.xpath("./w:trPr/w:tblHeader")
    assert all(r.bold for c in header.cells for p in c.paragraphs for r in p.runs)
    assert not any(r.bold for c in body.cells for p in c.paragraphs for r in p.runs)
    assert table.style.name == "Table Grid"


def test_a_first_row_of_th_cells_repeats_without_a_thead():
    data = html_to_docx("<table><tr><th>A</th></tr><tr><td>b</td></tr></table>")
    table = read(data).tables[0]
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert not table.rows[1]._tr.xpath("./w:trPr/w:tblHeader")


def test_the_signature_block_is_a_borderless_two_column_table(page):
    table = read(page).tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "For the employer\nDate:",
        "The worker\nDate:",
    ]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    # Schema order: borders before tblLook, or Word reports the file as damaged.
    tags = [child.tag for child in table._tbl.tblPr]
    assert tags.index(qn("w:tblBorders")) < tags.index(qn("w:tblLook"))


def test_skipped_elements_scripts_and_styles_are_left_out(page):
    text = "\n".join(p.text for p in read(page).paragraphs)
    assert "Edit this offer" not in text
    assert "hidden" not in text and "color" not in text
    assert "Job offer" not in text  # the <title> is metadata, not body text


def test_page_break_starts_the_next_content_on_a_new_page(paragraphs):
    assert paragraphs["Signatures"].paragraph_format.page_break_before is True
    assert not paragraphs["Parties"].paragraph_format.page_break_before


def test_a_page_break_before_a_table_gets_its_own_paragraph():
    data = html_to_docx('<p>a</p><div class="page-break"></div><table><tr><td>x</td></tr></table>')
    body = read(data).element.body
    table = body.find(qn("w:tbl"))
    before = table.getprevious()
    assert before.tag == qn("w:p") and before.xpath("./w:pPr/w:pageBreakBefore")


def test_the_header_is_on_the_section_and_so_on_every_page(page):
    section = read(page).sections[0]
    assert not section.header.is_linked_to_previous
    assert section.header.paragraphs[0].text == "DRAFT — not for signature"
    assert not section.different_first_page_header_footer
    assert not read(page).settings.odd_and_even_pages_header_footer


def test_no_header_by_default():
    section = read(html_to_docx("<p>x</p>")).sections[0]
    assert section.header.is_linked_to_previous  # nothing of its own


def test_title_and_language_properties():
    data = html_to_docx(PAGE, language="fr")
    document = read(data)
    assert document.core_properties.title == "Job offer — Jane"
    assert document.core_properties.language == "fr-CA"
    assert 'w:lang w:val="fr-CA"' in xml_part(data, "word/styles.xml")
    explicit = read(html_to_docx("<p>x</p>", title="Offre", language="en_CA"))
    assert explicit.core_properties.title == "Offre"
    assert explicit.core_properties.language == "en-CA"


def test_whitespace_collapses_as_in_html():
    data = html_to_docx("<p>\n   one\n   <strong> two </strong>  three  </p><p>   </p>")
    texts = [p.text for p in read(data).paragraphs]
    assert texts == ["one two three"]


HOSTILE = [
    "<script>alert(1)</script>",
    '<w:fldSimple w:instr="DDEAUTO c:\\\\x"/>',
    "{ MERGEFIELD x }",
    "{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe }",
    "&lt; &amp; &#x41;",
    "\u202eevil\u202c right\u200fto\u200eleft",
    "Ünïcödé « guillemets » ‘’ — 18,50 $",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_is_inserted_as_literal_text(text):
    escaped = html_lib.escape(text)
    page = (
        f"<h2>{escaped}</h2><p>{escaped}</p><ol><li>{escaped}</li></ol>"
        f"<table><tr><th>{escaped}</th></tr><tr><td>{escaped}</td></tr></table>"
    )
    data = html_to_docx(page, header=text)
    document = read(data)
    body = [p.text for p in document.paragraphs]
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert body == [text, text, text]
    assert cells == [text, text]
    assert document.sections[0].header.paragraphs[0].text == text
    for name in ("word/document.xml", "word/header1.xml"):
        xml = xml_part(data, name)
        tags = {etree.QName(e).localname for e in etree.fromstring(xml.encode()).iter()}
        assert tags.isdisjoint({"fldSimple", "instrText", "fldChar", "script", "hyperlink"})
        assert "<script" not in xml


def test_control_characters_are_stripped_and_bidi_marks_kept():
    text = "a\x00b\x01c\x07d\x0be\x1ff\x7fg\x85h\ufffei\u200fj"
    data = html_to_docx(f"<p>{html_lib.escape(text)}</p>", header="DRAFT\x08")
    document = read(data)
    assert document.paragraphs[0].text == "abcdefgh" + "i\u200fj"
    assert document.sections[0].header.paragraphs[0].text == "DRAFT"
    assert clean_text("ok\ttab") == "ok\ttab"


def test_an_unclosed_tag_soup_still_converts():
    data = html_to_docx("<p>one<p>two<ul><li>a<li>b</ul></div></span><p>three")
    texts = [p.text for p in read(data).paragraphs]
    assert texts == ["one", "two", "a", "b", "three"]


def test_a_heading_opening_a_clause_is_a_numbered_heading():
    data = html_to_docx(
        "<ol><li><h2>Position</h2><p>Cook.</p></li><li><h2>Wages</h2><p>$18.00</p>"
        "<ol><li>Overtime</li></ol></li></ol><h2>Signatures</h2>"
    )
    paragraphs = {p.text: p for p in read(data).paragraphs}
    position, wages = paragraphs["Position"], paragraphs["Wages"]
    assert position.style.name == wages.style.name == "Heading 2"
    num_id = numbering(position)[0]
    assert numbering(position) == numbering(wages) == (num_id, 0)
    assert numbering(paragraphs["Overtime"]) == (num_id, 1)
    assert numbering(paragraphs["Cook."]) is None  # the clause's text, under its heading
    assert paragraphs["Cook."].paragraph_format.left_indent > 0
    assert numbering(paragraphs["Signatures"]) is None


def test_the_title_falls_back_to_the_first_h1_and_the_dates_are_today():
    from datetime import UTC, datetime

    document = read(html_to_docx("<article><h1>Offre <em>d’emploi</em></h1><p>x</p></article>"))
    assert document.core_properties.title == "Offre d’emploi"
    assert document.core_properties.created.date() == datetime.now(UTC).date()


def test_a_table_in_a_clause_is_indented_with_the_clause_and_stays_on_the_page():
    data = html_to_docx(
        "<ol><li><h2>Wages</h2><table><tr><th>Pay</th><th>Amount</th></tr>"
        "<tr><td>Hourly</td><td>$18.00</td></tr></table></li></ol>"
        "<table><tr><td>outside</td></tr></table>"
    )
    document = read(data)
    inside, outside = document.tables
    tags = [child.tag for child in inside._tbl.tblPr]
    ind = inside._tbl.tblPr.find(qn("w:tblInd"))
    assert int(ind.get(qn("w:w"))) > 0
    assert tags.index(qn("w:tblInd")) < tags.index(qn("w:tblLook"))
    section = document.sections[0]
    available = section.page_width - section.left_margin - section.right_margin
    grid = sum(int(w) for w in inside._tbl.xpath("./w:tblGrid/w:gridCol/@w:w"))
    assert grid * 635 + int(ind.get(qn("w:w"))) * 635 <= available  # twips → EMU
    assert all(c.width == inside.columns[0].width for c in inside.rows[1].cells)
    assert outside._tbl.tblPr.find(qn("w:tblInd")) is None
