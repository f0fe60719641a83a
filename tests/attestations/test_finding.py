"""End to end: the worker's answer raises the finding on the compliance page, in their words."""

import html

from tests.attestations.conftest import good_answers, submit
from tests.helpers import text_of


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
