"""Spreadsheets through HTTP (issue 13's second "done when"): an XLSX of 500 applicants with two
bad rows is refused naming both rows and saving nothing; a good one imports, and the log exported
as XLSX imports again into another position unchanged. The findings and the risk view download
as XLSX (GET and HEAD), never holding a formula."""

import io
import re
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models import Applicant
from portal.recruitment.applicant_csv import COLUMNS
from portal.spreadsheets import XLSX_MIMETYPE
from tests.helpers import text_of
from tests.positions.support import count, upload

_PROBLEM = re.compile(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>")
FIELDS = ("name", "status", "source_activity_id", "channel", "applied_on",
          "resume_downloaded_on", "interviewed_on", "offered", "hired", "reason_code",
          "reason_detail")  # fmt: skip


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
        for cell in workbook.active[workbook.active.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                # Text typed with a leading apostrophe in Excel: a quoted text cell.
                cell.data_type, cell.quotePrefix = "s", True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _applicant_rows(n: int) -> list[list]:
    """``n`` applicants as a spreadsheet program stores them: dates as dates, yes/no as text."""
    first = date(2026, 3, 1)
    rows = []
    for i in range(n):
        local = i % 3 != 0
        rows.append(
            [
                f"Applicant {i:03d}" if i % 50 else f"=Applicant {i:03d}",  # a formula-like name
                "citizen" if local else "foreign",
                "A1" if i % 2 else "",
                "email",
                first + timedelta(days=i % 60),
                None,
                first + timedelta(days=i % 60 + 3) if local else None,
                "no" if local else None,
                "no" if local else None,
                "lacks_experience" if local else None,
                f"Note {i}: - two years asked, one held" if local else None,
            ]
        )
    return rows


def _import(shop, url, content, name="applicants.xlsx"):
    return shop.post(url + "applicants/import", upload(content, name))


def _log(app, position_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Applicant).filter_by(position_id=position_id).order_by(Applicant.id)
        ).all()
        return [
            tuple(
                getattr(row, f) if f != "source_activity_id" else bool(row.source_activity_id)
                for f in FIELDS
            )  # fmt: skip
            for row in rows
        ]


def test_500_applicants_with_two_bad_rows_are_refused_naming_both(shop, app):
    position_id, url = shop.create_position()
    shop.add_activity(url)
    rows = _applicant_rows(500)
    rows[41][1] = "tourist"  # spreadsheet row 43: no such status
    rows[377][4] = "next Tuesday"  # row 379: not a date
    response = _import(shop, url, _workbook([COLUMNS, *rows]))

    assert response.status_code == 422
    problems = {(int(r), c) for r, c, _m in _PROBLEM.findall(text_of(response))}
    assert problems == {(43, "status"), (379, "applied_on")}
    assert count(app, Applicant, position_id=position_id) == 0


def test_a_good_xlsx_imports_and_its_export_imports_again_unchanged(shop, app):
    position_id, url = shop.create_position()
    shop.add_activity(url)
    response = _import(shop, url, _workbook([COLUMNS, *_applicant_rows(500)]))
    assert response.status_code == 302, text_of(response)
    imported = _log(app, position_id)
    assert len(imported) == 500 and imported[0][0] == "=Applicant 000"

    exported = shop.client().get(url + "applicants.xlsx")
    assert exported.status_code == 200 and exported.mimetype == XLSX_MIMETYPE
    assert "attachment" in exported.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(exported.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["A2"].value == "=Applicant 000" and sheet["A2"].quotePrefix

    other_id, other_url = shop.create_position(title="Second cook")
    shop.add_activity(other_url)
    again = _import(shop, other_url, exported.data, "from-the-export.xlsx")
    assert again.status_code == 302, text_of(again)
    assert _log(app, other_id) == imported


def test_a_pdf_named_xlsx_is_refused_by_its_content(shop, app):
    position_id, url = shop.create_position()
    response = _import(shop, url, b"%PDF-1.7\n1 0 obj\n", "applicants.xlsx")
    assert response.status_code == 422
    assert "not a CSV or XLSX file (it is a PDF)" in text_of(response)
    assert count(app, Applicant, position_id=position_id) == 0


def test_the_findings_and_the_risk_signs_download_as_xlsx(shop, app):
    position_id, url = shop.create_position()
    shop.add_activity(url)
    owner = shop.client()
    page = text_of(owner.get(url + "compliance"))
    assert "findings.xlsx" in page
    for path in (url + "findings.xlsx", url + "findings.xlsx?as_of=2026-06-01", url + "risk.xlsx"):
        got, head = owner.get(path), owner.head(path)
        assert (got.status_code, head.status_code) == (200, 200), path
        assert got.mimetype == head.mimetype == XLSX_MIMETYPE
        assert head.data == b""
        book = load_workbook(io.BytesIO(got.data))
        assert all(c.data_type != "f" for s in book.worksheets for r in s.iter_rows() for c in r)
    findings = load_workbook(io.BytesIO(owner.get(url + "findings.xlsx").data))
    rules = [row[0] for row in findings["Findings"].iter_rows(min_row=2, values_only=True)]
    assert rules and all(re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", rule) for rule in rules)
    about = dict(findings["About this check"].iter_rows(min_row=2, values_only=True))
    assert about["Position"] == "Cook" and about["Errors"] >= 1
    assert shop.client("rep").get("/risk.xlsx").status_code == 200
    assert owner.get(url + "findings.xlsx?as_of=someday").status_code == 400
