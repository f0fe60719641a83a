"""The worker's private link: sent from the worker page, answered once, without an account."""

from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models import Attestation, OutboxMessage
from tests.attestations.conftest import good_answers, submit
from tests.helpers import text_of


def _rows(app):
    with app.app_context():
        return db.session.scalars(select(Attestation).order_by(Attestation.id)).all()


def test_send_mails_the_link_and_shows_it_once(app, place):
    response, path = place.send()
    assert response.status_code == 200
    assert path and path.startswith("/attest/")
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage)).all()[-1]
        assert mail.recipient == "aminata@example.com"
        assert path in mail.body
        assert "1-866-602-9448" in mail.body
    [row] = _rows(app)
    assert row.sent_to == "aminata@example.com"
    assert row.language == "en"
    assert row.answered_at is None
    # The worker page lists it, with its expiry, and offers the button.
    page = text_of(place.client.get(place.worker_url()))
    assert "Not answered yet; expires on" in page
    assert "Send the worker a link" in page
    assert path not in page  # shown once, on the answer to the send, never again


def test_the_public_page_opens_without_a_session_get_and_head(app, place):
    _response, path = place.send()
    fresh = app.test_client()
    got = fresh.get(path)
    assert got.status_code == 200
    body = text_of(got)
    assert '<html lang="en">' in body
    assert "Maple Test Bistro" in body
    assert "ESDC or IRCC" in body
    assert "1-866-602-9448" in body
    assert "<script" not in body
    assert 'name="csrf_token"' in body
    for i in range(3):
        assert f'name="payee-{i}"' in body
    assert 'name="payee-3"' not in body
    head = app.test_client().head(path)
    assert head.status_code == 200
    assert head.data == b""


def test_answers_are_stored_exactly_and_the_link_then_says_so(app, place):
    _response, path = place.send()
    worker = app.test_client()
    response = submit(worker, path, good_answers())
    assert response.status_code == 200, text_of(response)
    assert "Your answers were sent on" in text_of(response)
    [row] = _rows(app)
    assert row.answered_at is not None
    assert row.answered_ip == "127.0.0.1"
    assert row.answers == {
        "language": "en",
        "paid": True,
        "payments": [
            {
                "payee": "Global Kitchen Staffing",
                "amount": 3000.0,
                "paid_on": "2026-10-01",
                "what_for": "processing fee",
            }
        ],
        "holds_passport": True,
        "holds_permit": False,
        "contract_before_start_in_language": None,
        "knows_help": False,
    }
    # Works once: a GET or another POST says plainly it was used, and shows no form.
    again = worker.get(path)
    assert again.status_code == 410
    assert "These answers were already sent on" in text_of(again)
    assert "<form" not in text_of(again)
    second = worker.post(path, data={**good_answers(), "csrf_token": "x"})
    assert second.status_code in (400, 410)
    assert _rows(app)[0].answers["payments"][0]["payee"] == "Global Kitchen Staffing"
    # The members' read-only page shows the worker's words.
    show = place.client.get(
        f"/employers/{place.employer_id}/positions/{place.position_id}/workers/"
        f"{place.worker_id}/attestations/{row.id}"
    )
    assert show.status_code == 200
    assert "Global Kitchen Staffing" in text_of(show)
    assert "$3,000.00" in text_of(show)
    assert "<form" not in text_of(show).split('id="attestation"')[1]


def test_add_more_rows_without_script_keeps_what_was_typed(app, place):
    _response, path = place.send()
    worker = app.test_client()
    data = good_answers(more="1")
    response = submit(worker, path, data)
    assert response.status_code == 200
    body = text_of(response)
    assert 'name="payee-5"' in body and 'name="payee-6"' not in body
    assert 'value="Global Kitchen Staffing"' in body
    assert _rows(app)[0].answered_at is None


def test_bad_input_is_422_with_named_fields_and_the_form_refilled(app, place):
    _response, path = place.send()
    worker = app.test_client()
    data = good_answers(**{"amount-0": "three thousand", "paid_on-0": "2999-01-01"})
    del data["knows_help"]
    response = submit(worker, path, data)
    assert response.status_code == 422
    body = text_of(response)
    assert 'id="amount-0-error"' in body and "Write the amount as a number" in body
    assert 'id="paid_on-0-error"' in body and "cannot be in the future" in body
    assert 'id="knows_help-error"' in body
    assert 'value="three thousand"' in body
    assert 'value="Global Kitchen Staffing"' in body
    assert _rows(app)[0].answered_at is None


def test_french_page_and_the_switch(app, place):
    from tests.attestations.conftest import add_worker

    worker_id = add_worker(
        app, place.employer_id, place.position_id, place.owner.id, "Awa Diallo", "awa@ex.com", "fr"
    )
    _response, path = place.send(worker_id)
    assert _rows(app)[-1].language == "fr"
    with app.app_context():
        mail = db.session.scalars(select(OutboxMessage)).all()[-1]
        assert "Bonjour" in mail.body
    page = app.test_client().get(path)
    body = text_of(page)
    assert '<html lang="fr">' in body
    assert "Vous ou votre famille avez-vous payé quelqu’un" in body
    assert "EDSC ou IRCC" in body
    assert f"{path}?lang=en" in body
    english = app.test_client().get(f"{path}?lang=en")
    assert '<html lang="en">' in text_of(english)
    assert app.test_client().get(f"{path}?lang=de").status_code == 400
    response = submit(app.test_client(), path, good_answers(lang="fr", **{"amount-0": "3 000,50"}))
    assert response.status_code == 200
    stored = _rows(app)[-1].answers
    assert stored["language"] == "fr"
    assert Decimal(str(stored["payments"][0]["amount"])) == Decimal("3000.50")
    assert "Vos réponses ont été envoyées le" in text_of(response)


def test_unknown_link_is_404(app, place):
    place.send()
    response = app.test_client().get("/attest/" + "A" * 43)
    assert response.status_code == 404
    assert "<form" not in text_of(response)
    assert app.test_client().get("/attest/short").status_code == 404
