"""The payroll pages over HTTP: the worker's periods with their checks, the import (a bad file
saves nothing), the template, one period's form, access (another employer's worker is a 404)."""

import io
import re
from decimal import Decimal

from openpyxl import Workbook

from portal.models import PayrollPeriod
from tests.helpers import text_of
from tests.payroll.support import WORKER_NAME, add_worker
from tests.positions.support import count, make_shop, upload

HEADER = "period_start,period_end,paid_on,hours,gross,deduction_statutory"
GOOD = "\n".join(
    [
        HEADER,
        "2026-10-05,2026-10-18,2026-10-23,80,1480.00,250",
        "2026-10-19,2026-11-01,2026-11-06,80,1479.99,250",  # a cent short of 80 × $18.50
        "2026-11-02,2026-11-15,2026-11-20,72,1332.00,230",  # 8 hours short
    ]
).encode()


def _import(payroll, raw: bytes, name="payroll.csv"):
    return payroll.post(f"{payroll.url}import", upload(raw, name), form_page=f"{payroll.url}import")


def _period_form(**overrides) -> dict:
    return {
        "period_start": "2026-11-16",
        "period_end": "2026-11-29",
        "paid_on": "2026-12-04",
        "hours": "80",
        "gross": "1480.00",
        "deductions-0-purpose": "statutory",
        "deductions-0-amount": "250.00",
        "deductions-0-note": "tax, CPP, EI",
        "deductions-1-purpose": "",
        "deductions-1-amount": "",
    } | overrides


def test_without_an_issued_offer_the_page_says_the_comparison_waits(payroll):
    assert _import(payroll, GOOD).status_code == 302
    page = text_of(payroll.get(payroll.url))
    assert 'id="waiting-for-offer"' in page
    assert "PAY-" not in page and "waits for an issued offer" in page
    head = payroll.shop.client().head(payroll.url)
    assert head.status_code == 200 and head.data == b""


def test_an_import_saves_every_period_and_the_page_flags_the_short_ones(payroll, app):
    payroll.issue_offer()
    response = _import(payroll, GOOD)
    assert response.status_code == 302, text_of(response)
    flash = text_of(payroll.get(response.headers["Location"]))
    assert "3 pay periods imported" in flash
    periods = payroll.periods()
    assert [p.gross for p in periods] == [
        Decimal("1480.00"),
        Decimal("1479.99"),
        Decimal("1332.00"),
    ]
    assert {p.source for p in periods} == {"csv"}
    assert periods[0].deductions == [{"purpose": "statutory", "amount": "250.00", "note": None}]
    page = text_of(payroll.get(f"{payroll.url}?as_of=2026-12-04"))
    # Newest first.
    assert page.index("Nov 2, 2026") < page.index("Oct 19, 2026") < page.index("Oct 5, 2026")
    row = page.split(f'id="period-{periods[1].id}"')[1].split("</tr>")[0]
    assert "PAY-BELOW-OFFER" in row and "$1,479.99" in row and "$1,480.00" in row
    short = page.split(f'id="period-{periods[2].id}"')[1].split("</tr>")[0]
    assert "PAY-HOURS-SHORT" in short and "72 hours" in short
    clean = page.split(f'id="period-{periods[0].id}"')[1].split("</tr>")[0]
    assert "PAY-" not in clean and "as offered" in clean
    totals = page.split('id="totals"')[1].split("</tr>")[0]
    assert "$4,291.99" in totals and "$730.00" in totals and "$3,561.99" in totals
    assert "232.00" in totals and "2 findings" in totals  # below the offer, hours short


def test_a_bad_file_lists_row_errors_and_saves_nothing(payroll, app):
    raw = GOOD.replace(b"1479.99", b'"1,479.999"').replace(b"2026-11-15", b"2026-11-31")
    response = _import(payroll, raw)
    assert response.status_code == 422
    page = text_of(response)
    assert (
        '<td data-label="Row">3</td><td data-label="Column">gross</td>' in page
        and '<td data-label="Row">4</td><td data-label="Column">period_end</td>' in page
    )
    assert "Nothing was imported" in page
    assert count(app, PayrollPeriod) == 0


def test_a_picture_renamed_xlsx_is_refused_by_content(payroll, app):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = _import(payroll, png, name="payroll.xlsx")
    assert response.status_code == 422
    assert "not a CSV or XLSX file (it is a PNG image)" in text_of(response)
    assert count(app, PayrollPeriod) == 0


def test_an_xlsx_import_and_a_second_import_that_overlaps(payroll):
    book = Workbook()
    book.active.append(["period_start", "period_end", "hours", "gross"])
    book.active.append(["2026-10-05", "2026-10-18", 80, 1480])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _import(payroll, buffer.getvalue(), name="pay.csv").status_code == 302
    assert [p.source for p in payroll.periods()] == ["xlsx"]
    again = _import(payroll, GOOD)
    assert again.status_code == 422
    assert "overlaps the period already saved from 2026-10-05 to 2026-10-18" in text_of(again)
    assert len(payroll.periods()) == 1


def test_the_template_downloads_as_csv(payroll):
    response = payroll.get(f"{payroll.url}template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert text_of(response).startswith("period_start,period_end,paid_on,hours,gross")


def test_add_edit_and_delete_one_period(payroll):
    payroll.issue_offer()
    new = f"{payroll.url}new"
    assert payroll.get(new).status_code == 200
    response = payroll.post(new, _period_form(), form_page=new)
    assert response.status_code == 302, text_of(response)
    (saved,) = payroll.periods()
    assert saved.source == "form" and saved.hours == Decimal("80.00")
    assert saved.deductions == [
        {"purpose": "statutory", "amount": "250.00", "note": "tax, CPP, EI"}
    ]
    edit = f"{payroll.url}{saved.id}/edit"
    page = text_of(payroll.get(edit))
    assert 'value="1480.00"' in page and 'value="tax, CPP, EI"' in page
    body = _period_form(
        gross="1479.00", **{"deductions-1-purpose": "housing", "deductions-1-amount": "50"}
    )
    assert payroll.post(edit, body, form_page=edit).status_code == 302
    (changed,) = payroll.periods()
    assert changed.gross == Decimal("1479.00") and len(changed.deductions) == 2
    flagged = text_of(payroll.get(payroll.url))
    assert "PAY-BELOW-OFFER" in flagged and "PAY-DEDUCTION-UNLISTED" in flagged
    delete = payroll.post(f"{payroll.url}{saved.id}/delete", {}, form_page=edit)
    assert delete.status_code == 302 and payroll.periods() == []


def test_form_errors_name_the_field_and_the_form_comes_back_filled(payroll):
    new = f"{payroll.url}new"
    body = _period_form(
        gross="14,00.00",
        hours="",
        **{"deductions-1-purpose": "housing", "deductions-1-amount": ""},
    )
    response = payroll.post(new, body, form_page=new)
    assert response.status_code == 422
    errors = dict(
        re.findall(r'<p class="error" id="([a-z_0-9-]+)-error">([^<]*)</p>', text_of(response))
    )
    assert "gross" in errors and "hours" in errors and "deductions-1-amount" in errors
    page = text_of(response)
    assert 'value="14,00.00"' in page and 'value="2026-11-16"' in page
    assert payroll.periods() == []


def test_an_overlapping_period_is_refused_naming_the_start(payroll):
    new = f"{payroll.url}new"
    assert payroll.post(new, _period_form(), form_page=new).status_code == 302
    again = payroll.post(
        new, _period_form(period_start="2026-11-29", period_end="2026-12-05"), form_page=new
    )
    assert again.status_code == 422
    assert "overlaps the period already saved from 2026-11-16 to 2026-11-29" in text_of(again)
    wrong = payroll.post(
        new, _period_form(period_start="2026-12-10", period_end="2026-12-01"), form_page=new
    )
    assert wrong.status_code == 422 and "is before the period" in text_of(wrong)
    assert len(payroll.periods()) == 1


def test_another_employers_worker_is_a_404_and_a_viewer_only_reads(payroll, app, make):
    other = make_shop(app, make)
    position_id, _ = other.create_position()
    foreign = add_worker(app, position_id, other.users["owner"].id, "Someone Else")
    base = f"{payroll.shop.base}/{payroll.position_id}/workers/{foreign}/payroll/"
    for url in (base, f"{base}import", f"{base}new", f"{base}template.csv"):
        assert payroll.get(url).status_code == 404, url
    theirs = f"{other.base}/{position_id}/workers/{foreign}/payroll/"
    assert payroll.get(theirs).status_code == 404
    assert payroll.get(payroll.url, who="viewer").status_code == 200
    assert payroll.get(f"{payroll.url}new", who="viewer").status_code == 403
    refused = payroll.post(f"{payroll.url}new", _period_form(), who="viewer", form_page=payroll.url)
    assert refused.status_code == 403 and payroll.periods() == []


def test_the_worker_page_links_to_the_payroll(payroll):
    worker_url = payroll.url.removesuffix("payroll/")
    page = text_of(payroll.get(worker_url))
    assert 'id="payroll-link"' in page and f'href="{payroll.url}"' in page
    assert WORKER_NAME in text_of(payroll.get(payroll.url))


def test_every_get_page_answers_head(payroll):
    payroll.issue_offer()
    assert _import(payroll, GOOD).status_code == 302
    period_id = payroll.periods()[0].id
    client = payroll.shop.client()
    for url in (
        payroll.url,
        f"{payroll.url}import",
        f"{payroll.url}new",
        f"{payroll.url}template.csv",
        f"{payroll.url}{period_id}/edit",
    ):
        got, head = client.get(url), client.head(url)
        assert got.status_code == head.status_code == 200, url
        assert head.data == b""


def test_a_worker_with_pay_periods_cannot_be_deleted(payroll):
    worker_page = f"{payroll.shop.base}/{payroll.position_id}/workers/{payroll.worker_id}/"
    assert "Delete the worker" in text_of(payroll.get(worker_page))
    assert _import(payroll, GOOD).status_code == 302
    assert "Delete the worker" not in text_of(payroll.get(worker_page))
    refused = payroll.post(f"{worker_page}delete", {}, form_page=worker_page)
    assert refused.status_code == 409
    assert "has pay periods recorded, kept as evidence" in text_of(refused)
    assert len(payroll.periods()) == 3
