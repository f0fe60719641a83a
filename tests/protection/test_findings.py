"""Fee and fraud findings beside their records; the employer's recruiter in every case file."""

import json

from portal.models.protection import ThirdParty
from tests.helpers import text_of
from tests.protection.support import add_third_party, rows_of

PAYMENT = {
    "paid_on": "2026-10-01",
    "payer": "worker",
    "payee": "recruiter",
    "amount": "3000.00",
    "purpose": "processing_fee",
    "via": "transfer",
}


def test_the_employers_recruiter_is_in_every_positions_case_export(shop, app):
    owner = shop.shop.users["owner"].id
    add_third_party(app, shop.shop.employer_id, owner, name="Everywhere Recruiting")
    second_id, _url = shop.shop.create_position(title="Dishwasher")
    add_third_party(app, shop.shop.employer_id, owner, second_id, name="Only Dishwashers Inc")
    for position_id, expected in (
        (shop.position_id, ["Everywhere Recruiting"]),
        (second_id, ["Everywhere Recruiting", "Only Dishwashers Inc"]),
    ):
        raw = shop.client().get(f"{shop.shop.base}/{position_id}/case.json")
        assert raw.status_code == 200
        parties = json.loads(raw.get_data())["third_parties"]
        assert [p["name"] for p in parties] == expected
        assert parties[0]["employer_wide"] is True


def test_an_unlicensed_recruiter_and_a_fee_show_their_findings_beside_them(shop, app):
    owner = shop.shop.users["owner"].id
    party_id = add_third_party(app, shop.shop.employer_id, owner, province="ON", paid=True)
    body = PAYMENT | {"worker_id": str(shop.worker_id), "third_party_id": str(party_id)}
    assert shop.post(f"{shop.money}/payments/new", body).status_code == 302
    page = text_of(shop.client().get(f"{shop.money}/third-parties"))
    row = page.split(f'id="third-party-{party_id}"')[1].split("</tr>")[0]
    assert "FEE-RECRUITER-LICENSED" in row
    ledger = text_of(shop.client().get(f"{shop.money}/"))
    (payment_row,) = [part.split("</tr>")[0] for part in ledger.split('id="payment-')[1:]]
    assert "FEE-" in payment_row or "FRAUD-" in payment_row
    # Licensed: the recruiter's finding goes away.
    edit = f"{shop.employer_url}/third-parties/{party_id}/edit"
    version = rows_of(app, ThirdParty)[0].version
    form = {
        "name": "Global Kitchen Staffing",
        "role": "recruiter",
        "province": "ON",
        "paid": "yes",
        "licence_number": "RL-9",
        "version": str(version),
    }
    assert shop.post(edit, form).status_code == 302
    page = text_of(shop.client().get(f"{shop.money}/third-parties"))
    row = page.split(f'id="third-party-{party_id}"')[1].split("</tr>")[0]
    assert "FEE-RECRUITER-LICENSED" not in row
