"""The Money & recruiters pages: reachable (GET and HEAD), records saved and refused, scoped."""

from decimal import Decimal

import pytest

from portal.models import AuditEvent
from portal.models.protection import DocumentCustody, Payment, ThirdParty
from tests.helpers import text_of
from tests.positions.support import count, field_errors
from tests.protection.support import (
    WORKER_NAME,
    add_evidence_row,
    add_third_party,
    add_worker,
    make_ledger_shop,
    rows_of,
)

PAYMENT = {
    "paid_on": "2026-10-01",
    "payer": "worker",
    "payee": "recruiter",
    "amount": "3,000.00",
    "purpose": "processing_fee",
    "via": "transfer",
    "note": "Paid before the offer",
}
PARTY = {
    "name": "Global Kitchen Staffing",
    "role": "recruiter",
    "province": "ON",
    "paid": "yes",
    "contract_evidence_id": "",
    "contract_forbids_worker_fees": "",
}


def _pages(s):
    return [
        f"{s.employer_url}/third-parties/",
        f"{s.employer_url}/third-parties/new",
        f"{s.money}/",
        f"{s.money}/third-parties",
        f"{s.money}/third-parties/new",
        f"{s.money}/payments/new",
        f"{s.money}/payments/import",
        f"{s.money}/payments/template.csv",
        f"{s.money}/custody",
        f"{s.money}/custody/new",
    ]


def test_every_page_answers_get_and_head(shop):
    client = shop.client()
    for url in _pages(shop):
        got = client.get(url)
        assert got.status_code == 200, url
        head = client.head(url)
        assert head.status_code == 200, url
        assert head.get_data() == b"", url


def test_the_position_tab_and_the_employer_overview_link_to_the_pages(shop):
    page = text_of(shop.client().get(f"{shop.shop.base}/{shop.position_id}/"))
    assert f'href="{shop.money}/"' in page and ">Money & recruiters<" in page
    overview = text_of(shop.client().get(f"{shop.employer_url}/"))
    assert f'href="{shop.employer_url}/third-parties/"' in overview


def test_deleting_a_recruiter_keeps_the_payments_that_named_it(shop, app):
    party_id = add_third_party(app, shop.shop.employer_id, shop.shop.users["owner"].id)
    body = PAYMENT | {"worker_id": str(shop.worker_id), "third_party_id": str(party_id)}
    assert shop.post(f"{shop.money}/payments/new", body).status_code == 302
    delete = f"{shop.employer_url}/third-parties/{party_id}/delete"
    assert shop.post(delete, {}).status_code == 302
    (payment,) = rows_of(app, Payment, position_id=shop.position_id)
    # Unnamed on SQLite too (it does not enforce ON DELETE SET NULL), not pointing at nothing.
    assert (payment.third_party_id, payment.amount) == (None, Decimal("3000.00"))
    assert shop.client().get(f"{shop.shop.base}/{shop.position_id}/case.json").status_code == 200


def test_a_viewer_reads_but_cannot_add(shop):
    assert shop.client("viewer").get(f"{shop.money}/").status_code == 200
    assert shop.client("viewer").get(f"{shop.money}/payments/new").status_code == 403


def test_a_payment_is_saved_with_an_exact_amount_and_edited_through_the_audit_log(shop, app):
    party_id = add_third_party(app, shop.shop.employer_id, shop.shop.users["owner"].id)
    body = PAYMENT | {"worker_id": str(shop.worker_id), "third_party_id": str(party_id)}
    response = shop.post(f"{shop.money}/payments/new", body)
    assert response.status_code == 302, text_of(response)
    (payment,) = rows_of(app, Payment, position_id=shop.position_id)
    assert payment.amount == Decimal("3000.00")
    assert (payment.worker_id, payment.third_party_id) == (shop.worker_id, party_id)
    page = text_of(shop.client().get(f"{shop.money}/"))
    assert "$3,000.00" in page and WORKER_NAME in page and "Global Kitchen Staffing" in page

    edit = f"{shop.money}/payments/{payment.id}/edit"
    assert 'value="3000.00"' in text_of(shop.client().get(edit))
    response = shop.post(edit, body | {"amount": "0.10", "via": "deduction"})
    assert response.status_code == 302
    (payment,) = rows_of(app, Payment, position_id=shop.position_id)
    assert (payment.amount, payment.via) == (Decimal("0.10"), "deduction")
    actions = [e.action for e in rows_of(app, AuditEvent, entity_type="Payment")]
    assert len(actions) == 2 and actions[0] != actions[1]

    assert shop.post(f"{shop.money}/payments/{payment.id}/delete", {}).status_code == 302
    assert count(app, Payment) == 0
    assert len(rows_of(app, AuditEvent, entity_type="Payment")) == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "3.000,00"),
        ("amount", "-5"),
        ("amount", "12.345"),
        ("amount", "1e3"),
        ("amount", ""),
        ("payer", "boss"),
        ("purpose", ""),
        ("paid_on", "2026-13-01"),
        ("payee", "worker"),  # the payer too
    ],
)
def test_a_bad_payment_names_the_field_saves_nothing_and_keeps_what_was_typed(
    shop, app, field, value
):
    response = shop.post(f"{shop.money}/payments/new", PAYMENT | {field: value})
    assert response.status_code == 422
    assert field in field_errors(response)
    assert count(app, Payment) == 0
    assert "Paid before the offer" in text_of(response)


def test_a_payment_cannot_name_another_employers_worker_or_recruiter(shop, app, make):
    other = make_ledger_shop(app, make)
    party_id = add_third_party(app, other.shop.employer_id, other.shop.users["owner"].id)
    for field, value in (("worker_id", other.worker_id), ("third_party_id", party_id)):
        response = shop.post(f"{shop.money}/payments/new", PAYMENT | {field: str(value)})
        assert response.status_code == 422
        assert field in field_errors(response)
    assert count(app, Payment) == 0


def test_another_employers_or_positions_records_are_404(shop, app, make):
    other = make_ledger_shop(app, make)
    owner = other.shop.users["owner"].id
    party = add_third_party(app, other.shop.employer_id, owner)
    assert other.post(f"{other.money}/payments/new", PAYMENT).status_code == 302
    assert (
        other.post(
            f"{other.money}/custody/new", {"document": "passport", "held_by": "employer"}
        ).status_code
        == 302
    )
    (payment,) = rows_of(app, Payment, position_id=other.position_id)
    (custody,) = rows_of(app, DocumentCustody, position_id=other.position_id)
    client = shop.client()
    for url in (
        f"{shop.employer_url}/third-parties/{party}/edit",
        f"{shop.money}/payments/{payment.id}/edit",
        f"{shop.money}/custody/{custody.id}/edit",
        f"{other.money}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"{shop.employer_url}/third-parties/{party}/delete",
        f"{shop.money}/payments/{payment.id}/delete",
        f"{shop.money}/custody/{custody.id}/delete",
    ):
        assert shop.post(url, {}).status_code == 404, url
    assert count(app, ThirdParty) == 1 and count(app, Payment) == 1

    # Another position of the same employer: its payment is not this position's.
    second_id, _url = shop.shop.create_position(title="Dishwasher")
    assert shop.post(f"{shop.money}/payments/new", PAYMENT).status_code == 302
    (mine,) = rows_of(app, Payment, position_id=shop.position_id)
    second = f"{shop.shop.base}/{second_id}/money"
    assert client.get(f"{second}/payments/{mine.id}/edit").status_code == 404
    assert shop.post(f"{second}/payments/{mine.id}/delete", {}).status_code == 404
    assert count(app, Payment, position_id=shop.position_id) == 1


def test_the_employers_recruiter_and_its_hints(shop, app):
    response = shop.post(f"{shop.employer_url}/third-parties/new", PARTY)
    assert response.status_code == 302, text_of(response)
    (party,) = rows_of(app, ThirdParty)
    assert party.position_id is None and party.paid is True
    page = text_of(shop.client().get(f"{shop.employer_url}/third-parties/"))
    assert "Ontario requires a recruiter licence since 2024-07-01" in page
    assert "https://www.ontario.ca/page/licensing-temporary-help-agencies-and-recruiters" in page
    assert "No contract on file." in page
    # Listed with every position.
    assert "Global Kitchen Staffing" in text_of(shop.client().get(f"{shop.money}/third-parties"))

    contract = add_evidence_row(app, shop.shop.employer_id, shop.shop.users["owner"].id, "c.pdf")
    edit = f"{shop.employer_url}/third-parties/{party.id}/edit"
    body = PARTY | {
        "licence_number": "RL-1234",
        "contract_evidence_id": str(contract),
        "version": str(party.version),
    }
    assert shop.post(edit, body).status_code == 302
    page = text_of(shop.client().get(f"{shop.employer_url}/third-parties/"))
    assert "requires a recruiter licence" not in page and "No contract on file." not in page
    assert "The contract does not say workers are never charged." in page
    assert len(rows_of(app, AuditEvent, entity_type="ThirdParty")) == 2


def test_a_stale_third_party_edit_is_refused(shop, app):
    party_id = add_third_party(app, shop.shop.employer_id, shop.shop.users["owner"].id)
    edit = f"{shop.employer_url}/third-parties/{party_id}/edit"
    response = shop.post(edit, PARTY | {"name": "Renamed", "version": "0"})
    assert response.status_code == 409
    assert rows_of(app, ThirdParty)[0].name == "Global Kitchen Staffing"
    assert "Renamed" in text_of(response)


@pytest.mark.parametrize(
    ("field", "value"),
    [("cicc_number", "R12345"), ("role", "broker"), ("name", ""), ("province", "XX")],
)
def test_a_bad_third_party_names_the_field_and_saves_nothing(shop, app, field, value):
    body = PARTY | {"name": "Kept Name" if field != "name" else ""} | {field: value}
    response = shop.post(f"{shop.money}/third-parties/new", body)
    assert response.status_code == 422
    assert field in field_errors(response)
    assert count(app, ThirdParty) == 0
    if field != "name":
        assert "Kept Name" in text_of(response)


def test_a_contract_must_be_one_of_the_employers_files(shop, app, make):
    other = make_ledger_shop(app, make)
    foreign = add_evidence_row(app, other.shop.employer_id, other.shop.users["owner"].id, "x.pdf")
    body = PARTY | {"contract_evidence_id": str(foreign)}
    response = shop.post(f"{shop.money}/third-parties/new", body)
    assert response.status_code == 422 and "contract_evidence_id" in field_errors(response)
    assert "x.pdf" not in text_of(shop.client().get(f"{shop.money}/third-parties/new"))
    mine = add_evidence_row(app, shop.shop.employer_id, shop.shop.users["owner"].id, "mine.pdf")
    assert "mine.pdf" in text_of(shop.client().get(f"{shop.money}/third-parties/new"))
    body = PARTY | {"contract_evidence_id": str(mine)}
    assert shop.post(f"{shop.money}/third-parties/new", body).status_code == 302
    (party,) = rows_of(app, ThirdParty)
    assert (party.position_id, party.contract_evidence_id) == (shop.position_id, mine)


def test_a_representative_without_authorization_is_hinted(shop, app):
    body = PARTY | {"name": "Vic Adviser", "role": "representative", "cicc_number": "r512345"}
    assert shop.post(f"{shop.money}/third-parties/new", body).status_code == 302
    assert rows_of(app, ThirdParty)[0].cicc_number == "R512345"
    page = text_of(shop.client().get(f"{shop.money}/third-parties"))
    assert "needs a CICC number" not in page
    body |= {"name": "Una Adviser", "cicc_number": ""}
    assert shop.post(f"{shop.money}/third-parties/new", body).status_code == 302
    page = text_of(shop.client().get(f"{shop.money}/third-parties"))
    assert page.count("needs a CICC number") == 1


def test_custody_is_recorded_edited_and_refused_when_bad(shop, app):
    url = f"{shop.money}/custody/new"
    body = {
        "worker_id": str(shop.worker_id),
        "document": "passport",
        "held_by": "employer",
        "since": "2026-11-02",
    }
    bad = shop.post(url, body | {"held_by": "bank"})
    assert bad.status_code == 422 and "held_by" in field_errors(bad)
    assert count(app, DocumentCustody) == 0
    assert shop.post(url, body).status_code == 302
    (row,) = rows_of(app, DocumentCustody)
    assert (row.worker_id, row.document, str(row.since)) == (
        shop.worker_id,
        "passport",
        "2026-11-02",
    )
    assert WORKER_NAME in text_of(shop.client().get(f"{shop.money}/custody"))
    edit = f"{shop.money}/custody/{row.id}/edit"
    assert shop.post(edit, body | {"held_by": "recruiter"}).status_code == 302
    assert rows_of(app, DocumentCustody)[0].held_by == "recruiter"
    assert len(rows_of(app, AuditEvent, entity_type="DocumentCustody")) == 2


def test_payment_form_lists_only_this_positions_workers(shop, app):
    second_id, _url = shop.shop.create_position(title="Dishwasher")
    other_worker = add_worker(app, second_id, shop.shop.users["owner"].id, "Other Person")
    page = text_of(shop.client().get(f"{shop.money}/payments/new"))
    assert WORKER_NAME in page and "Other Person" not in page
    response = shop.post(f"{shop.money}/payments/new", PAYMENT | {"worker_id": str(other_worker)})
    assert response.status_code == 422
