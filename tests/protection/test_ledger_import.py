"""The ledger import page: 422 with every bad row and nothing saved; a good file saves all."""

from decimal import Decimal

from portal.models.protection import Payment
from portal.protection.ledger_csv import COLUMNS
from tests.helpers import text_of
from tests.positions.support import count, upload
from tests.protection.support import WORKER_NAME, add_third_party, rows_of

HEADER = "Paid On, Payer ,payee,AMOUNT,purpose,via,worker,third_party,note"


def _line(n, **overrides):
    values = {
        "paid_on": "2026-10-01",
        "payer": "worker",
        "payee": "recruiter",
        "amount": f"{n},000.{n % 100:02d}" if n < 1000 else f"{n}.01",
        "purpose": "processing_fee",
        "via": "deduction",
        "worker": WORKER_NAME,
        "third_party": "Global Kitchen Staffing",
        "note": f"payment {n}",
    } | overrides
    return ",".join(f'"{values[c]}"' for c in COLUMNS)


def test_two_bad_rows_among_fifty_list_both_and_save_nothing(shop, app):
    add_third_party(app, shop.shop.employer_id, shop.shop.users["owner"].id)
    lines = [HEADER] + [_line(n) for n in range(1, 51)]
    lines[7] = _line(7, amount="7.001")  # row 8
    lines[33] = _line(33, payee="the bank")  # row 34
    response = shop.post(f"{shop.money}/payments/import", upload("\n".join(lines).encode()))
    assert response.status_code == 422
    page = text_of(response)
    assert "<td>8</td><td>amount</td>" in page
    assert "<td>34</td><td>payee</td>" in page
    problems = page.split('<table class="problems">')[1].split("</table>")[0]
    assert problems.count("<tr><td>") == 2
    assert "Nothing was imported" in page
    assert count(app, Payment) == 0


def test_a_good_file_saves_every_row_with_exact_decimals(shop, app):
    add_third_party(app, shop.shop.employer_id, shop.shop.users["owner"].id)
    lines = [HEADER] + [_line(n) for n in range(1, 51)]
    response = shop.post(f"{shop.money}/payments/import", upload("\n".join(lines).encode()))
    assert response.status_code == 302, text_of(response)
    payments = rows_of(app, Payment, position_id=shop.position_id)
    assert len(payments) == 50
    assert payments[0].amount == Decimal("1000.01") and payments[49].amount == Decimal("50000.50")
    assert sum(p.amount for p in payments) == sum(Decimal(f"{n}000.{n:02d}") for n in range(1, 51))
    assert {p.worker_id for p in payments} == {shop.worker_id}
    assert {p.via for p in payments} == {"deduction"}


def test_the_page_documents_the_columns_and_the_template_downloads(shop):
    page = text_of(shop.client().get(f"{shop.money}/payments/import"))
    assert "$3,000.00" in page and "ledger-template" not in page
    assert WORKER_NAME in page
    template = shop.client().get(f"{shop.money}/payments/template.csv")
    assert template.mimetype == "text/csv"
    assert template.get_data(as_text=True).splitlines()[0] == ",".join(COLUMNS)


def test_no_file_is_a_field_error(shop, app):
    response = shop.post(f"{shop.money}/payments/import", {})
    assert response.status_code == 422 and "file-error" in text_of(response)
    assert count(app, Payment) == 0
