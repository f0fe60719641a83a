"""End to end: the worker's answer raises the finding on the compliance page, in their words."""

import html

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Worker
from portal.models.protection import Attestation
from tests.attestations.conftest import good_answers, submit
from tests.helpers import form_token, text_of


def _compliance(place) -> str:
    url = f"/employers/{place.employer_id}/positions/{place.position_id}/compliance"
    response = place.client.get(url)
    assert response.status_code == 200
    return html.unescape(text_of(response))


def test_a_reported_payment_raises_fee_no_recovery_with_the_workers_words(app, place):
    assert "reports paying" not in _compliance(place)
    _response, path = place.send()
    answers = good_answers(holds_permit="yes")
    assert submit(app.test_client(), path, answers).status_code == 200

    page = _compliance(place)
    assert "FEE-NO-RECOVERY" in page
    assert (
        "Aminata Koné reports paying $3,000.00 to Global Kitchen Staffing (processing fee) "
        "on 2026-10-01." in page
    )
    assert "FRAUD-DOCUMENT-CUSTODY" not in page


def test_the_finding_links_to_the_workers_answers(app, place):
    _response, path = place.send()
    assert submit(app.test_client(), path, good_answers()).status_code == 200
    raw = place.client.get(
        f"/employers/{place.employer_id}/positions/{place.position_id}/compliance"
    ).get_data(as_text=True)
    links = {
        link.split('"')[0]
        for link in raw.split('href="')[1:]
        if "/attestations/" in link.split('"')[0]
    }
    assert len(links) == 1, links
    (link,) = links
    assert f"/workers/{place.worker_id}/attestations/" in link
    answers = place.client.get(html.unescape(link))
    assert answers.status_code == 200
    assert "Global Kitchen Staffing" in text_of(answers)


def test_not_holding_the_passport_raises_the_custody_finding(app, place):
    _response, path = place.send()
    answers = good_answers(
        paid="no",
        holds_passport="no",
        **{"payee-0": "", "amount-0": "", "paid_on-0": "", "what_for-0": ""},
    )
    assert submit(app.test_client(), path, answers).status_code == 200
    page = _compliance(place)
    assert "FRAUD-DOCUMENT-CUSTODY" in page
    assert "reports paying" not in page


def test_an_unanswered_link_raises_nothing(app, place):
    place.send()
    page = _compliance(place)
    assert "reports paying" not in page
    assert "FRAUD-DOCUMENT-CUSTODY" not in page


def _delete(place, worker_id):
    page = place.worker_url(worker_id)
    token = form_token(place.client, page)
    return place.client.post(f"{page}delete", data={"csrf_token": token})


def test_a_worker_who_answered_cannot_be_deleted_one_with_an_unanswered_link_can(app, place):
    _response, path = place.send()
    assert submit(app.test_client(), path, good_answers()).status_code == 200
    place.send(place.other_worker_id)  # sent, never answered

    page = text_of(place.client.get(place.worker_url()))
    assert "Delete the worker" not in page
    refused = _delete(place, place.worker_id)
    assert refused.status_code == 409
    assert "has answered an attestation, kept as evidence" in html.unescape(text_of(refused))
    with app.app_context():
        assert db.session.get(Worker, place.worker_id) is not None
        assert db.session.scalar(select(func.count()).select_from(Attestation)) == 2

    assert _delete(place, place.other_worker_id).status_code == 302
    with app.app_context():
        assert db.session.get(Worker, place.other_worker_id) is None
        # Its unanswered link went with it; the answered one stays.
        assert db.session.scalar(select(func.count()).select_from(Attestation)) == 1


def test_deleting_a_worker_keeps_their_payment_and_custody_rows_unnamed(app, place):
    from datetime import date
    from decimal import Decimal

    from portal.models.protection import DocumentCustody, Payment

    with app.app_context():
        common = {"employer_id": place.employer_id, "position_id": place.position_id}
        db.session.add_all(
            [
                Payment(
                    **common,
                    worker_id=place.other_worker_id,
                    paid_on=date(2026, 10, 1),
                    payer="worker",
                    payee="recruiter",
                    amount=Decimal("3000.00"),
                    purpose="processing_fee",
                    via="transfer",
                ),
                DocumentCustody(
                    **common,
                    worker_id=place.other_worker_id,
                    document="passport",
                    held_by="recruiter",
                ),
            ]
        )
        db.session.commit()
    assert _delete(place, place.other_worker_id).status_code == 302
    with app.app_context():
        payment = db.session.scalar(select(Payment))
        custody = db.session.scalar(select(DocumentCustody))
        assert (payment.worker_id, payment.amount) == (None, Decimal("3000.00"))
        assert (custody.worker_id, custody.held_by) == (None, "recruiter")


def test_a_reported_fee_is_shown_beside_the_letter_but_does_not_hold_it_back(app, place):
    from datetime import date

    from flask import g

    from portal.models import Employer, Position
    from portal.offers import services as offer_services

    _response, path = place.send()
    assert submit(app.test_client(), path, good_answers()).status_code == 200
    with app.test_request_context():
        g.employer = db.session.get(Employer, place.employer_id)
        position = db.session.get(Position, place.position_id)
        worker = db.session.get(Worker, place.worker_id)
        shown = offer_services.worker_findings(position, worker, date.today())
        blocking = offer_services.blocking_errors(position, worker, date.today())
    reported = [i for i in shown if i.finding.rule == "FEE-NO-RECOVERY"]
    assert reported and all(".attestation" in i.finding.subject for i in reported)
    assert not [i for i in blocking if ".attestation" in i.finding.subject]
