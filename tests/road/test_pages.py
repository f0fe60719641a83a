"""The After the LMIA pages through HTTP: the tab, the decision, each worker's road, who may do
what, another employer's worker, stale saves and the position's retention."""

import re
from datetime import date, timedelta

from portal.extensions import db
from portal.models import Position
from tests.helpers import text_of
from tests.offers.support import field_errors, form_values, make_hiring

TODAY = date.today()


def road_url(hiring):
    return f"{hiring.position_url}road/"


def worker_road_url(hiring, worker_id):
    return f"{road_url(hiring)}workers/{worker_id}"


def save_decision(hiring, **changes):
    url = f"{road_url(hiring)}decision"
    body = form_values(text_of(hiring.get(url))) | changes
    return hiring.post(url, body, form_page=url)


def save_road(hiring, worker_id, who="owner", **changes):
    url = f"{worker_road_url(hiring, worker_id)}/edit"
    body = form_values(text_of(hiring.get(url, who=who))) | changes
    return hiring.post(url, body, who=who, form_page=url)


def position_of(hiring) -> Position:
    with hiring.app.app_context():
        position = db.session.get(Position, hiring.position_id)
        db.session.expunge(position)
        return position


def approve(hiring, decided_on=None):
    response = save_decision(
        hiring,
        lmia_decision="approved",
        lmia_number="9876543",
        lmia_decided_on=(decided_on or TODAY - timedelta(days=30)).isoformat(),
        lmia_positions_approved="2",
    )
    assert response.status_code == 302, field_errors(response)


def test_every_page_answers_get_and_head_and_the_tab_is_in_the_nav(hiring):
    worker_id, _ = hiring.add_worker()
    assert ">After the LMIA<" in text_of(hiring.get(hiring.position_url))
    pages = [
        road_url(hiring),
        f"{road_url(hiring)}decision",
        worker_road_url(hiring, worker_id),
        f"{worker_road_url(hiring, worker_id)}/edit",
    ]
    client = hiring.shop.client("owner")
    for url in pages:
        got = client.get(url)
        assert got.status_code == 200, (url, got.status_code)
        head = client.head(url)
        assert head.status_code == 200 and head.get_data() == b"", url
    page = text_of(hiring.get(road_url(hiring)))
    assert 'aria-current="page">After the LMIA<' in page
    assert "Waiting for ESDC" in page and "Amélie Tremblay" in page


def test_viewers_read_and_only_owner_and_staff_edit(hiring):
    worker_id, _ = hiring.add_worker()
    for who in ("viewer", "rep"):
        assert hiring.get(road_url(hiring), who=who).status_code == 200
        assert hiring.get(worker_road_url(hiring, worker_id), who=who).status_code == 200
        assert hiring.get(f"{road_url(hiring)}decision", who=who).status_code == 403
        assert hiring.get(f"{worker_road_url(hiring, worker_id)}/edit", who=who).status_code == 403
        assert "Update the road" not in text_of(hiring.get(road_url(hiring), who=who))
    assert (
        save_road(hiring, worker_id, who="staff", permit_applied_on="2026-07-01").status_code == 302
    )


def test_another_employers_worker_is_a_404(hiring, road_app):
    other = make_hiring(road_app)
    their_worker, _ = other.add_worker()
    mine, _ = hiring.add_worker()
    assert hiring.get(worker_road_url(hiring, their_worker)).status_code == 404
    assert hiring.get(f"{worker_road_url(hiring, their_worker)}/edit").status_code == 404
    assert (
        hiring.shop.client("owner").head(worker_road_url(hiring, their_worker)).status_code == 404
    )
    # Their position with my worker's id: also nothing.
    assert hiring.get(f"{other.position_url}road/").status_code == 404
    assert other.get(worker_road_url(hiring, mine)).status_code == 404


def test_decision_saved_and_validity_shown(hiring):
    hiring.add_worker()
    approve(hiring, decided_on=date(2026, 1, 10))
    page = text_of(hiring.get(road_url(hiring)))
    assert "9876543" in page and "Approved" in page
    assert "6 months from the decision" in page
    position = position_of(hiring)
    assert position.lmia_decision == "approved" and position.lmia_positions_approved == 2


def test_decision_errors_name_the_field_and_keep_the_form(hiring):
    response = save_decision(hiring, lmia_decision="approved", lmia_number="", lmia_decided_on="")
    assert response.status_code == 422
    errors = field_errors(response)
    assert "LMIA number" in errors["lmia_number"]
    assert "decision letter" in errors["lmia_decided_on"]
    assert 'value="approved" selected' in text_of(response) or "selected" in text_of(response)
    assert position_of(hiring).lmia_decision is None


def test_a_stale_decision_is_refused_and_the_form_comes_back_filled(hiring):
    url = f"{road_url(hiring)}decision"
    stale = form_values(text_of(hiring.get(url)))
    approve(hiring)
    body = stale | {"lmia_decision": "refused", "lmia_decided_on": "2026-02-01"}
    response = hiring.post(url, body, form_page=url)
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed" in page and 'value="2026-02-01"' in page
    assert position_of(hiring).lmia_decision == "approved"


def test_the_road_form_and_its_steps(hiring):
    worker_id, _ = hiring.add_worker()
    approve(hiring)
    issued = TODAY - timedelta(days=20)
    response = save_road(
        hiring,
        worker_id,
        permit_applied_on=(TODAY - timedelta(days=25)).isoformat(),
        ircc_reference="W307123456",
        visa_required="no",
        permit_number="U987654321",
        permit_issued_on=issued.isoformat(),
        permit_expires_on=(TODAY + timedelta(days=90)).isoformat(),
        permit_employer="Some Other Employer Inc.",
        permit_occupation="63200 Cooks",
        permit_location="Toronto, ON",
        first_day_on=(issued + timedelta(days=2)).isoformat(),
    )
    assert response.status_code == 302, field_errors(response)
    tab = text_of(hiring.get(road_url(hiring)))
    worker = text_of(hiring.get(worker_road_url(hiring, worker_id)))
    # The steps and the list mask identity numbers; the worker's page shows them whole to
    # the owner, who files them (a viewer sees them masked: tests/security/test_identity_numbers).
    assert "U987654321" not in tab and "W307123456" not in tab and "•••321" in tab
    assert "U987654321" in worker and "W307123456" in worker
    for page in (tab, worker):
        assert "ROAD-PERMIT-MISMATCH" in page and "ROAD-PERMIT-EXPIRY" in page
        assert "The worker&#39;s passport does not need a visitor visa." in page
        assert "The work location is outside Québec." in page
    assert "Some Other Employer Inc." in worker
    assert re.search(r"Dates to keep", worker)


def test_road_errors_name_the_field_and_save_nothing(hiring):
    worker_id, _ = hiring.add_worker()
    response = save_road(
        hiring,
        worker_id,
        permit_issued_on="2026-05-01",
        permit_expires_on="2026-04-01",
        visa_required="no",
        visa_issued_on="2026-03-01",
        arrived_on="not a date",
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert set(errors) >= {"permit_expires_on", "visa_issued_on", "arrived_on"}
    assert 'value="2026-05-01"' in text_of(response)
    assert "Waiting for the work-permit application." in text_of(
        hiring.get(worker_road_url(hiring, worker_id))
    )


def test_a_stale_road_save_is_refused_and_the_form_comes_back_filled(hiring):
    worker_id, _ = hiring.add_worker()
    url = f"{worker_road_url(hiring, worker_id)}/edit"
    stale = form_values(text_of(hiring.get(url)))
    assert save_road(hiring, worker_id, permit_applied_on="2026-07-01").status_code == 302
    response = hiring.post(url, stale | {"arrived_on": "2026-08-01"}, form_page=url)
    assert response.status_code == 409
    assert "Someone else changed" in text_of(response)
    assert 'value="2026-08-01"' in text_of(response)
    # A second browser that opened the form before the row existed is refused too.
    worker_two, _ = hiring.add_worker(name="Second Worker")
    url_two = f"{worker_road_url(hiring, worker_two)}/edit"
    first = form_values(text_of(hiring.get(url_two)))
    assert (
        hiring.post(url_two, first | {"arrived_on": "2026-08-02"}, form_page=url_two).status_code
        == 302
    )
    assert (
        hiring.post(url_two, first | {"arrived_on": "2026-08-03"}, form_page=url_two).status_code
        == 409
    )


def test_the_latest_first_day_sets_the_positions_retention(hiring):
    one, _ = hiring.add_worker()
    two, _ = hiring.add_worker(name="Second Worker")
    approve(hiring)
    permit = {"permit_issued_on": "2026-03-01", "permit_expires_on": "2028-03-01"}
    assert save_road(hiring, one, first_day_on="2026-03-02", **permit).status_code == 302
    position = position_of(hiring)
    assert (position.first_work_day, position.retain_until) == (date(2026, 3, 2), date(2032, 3, 2))
    assert save_road(hiring, two, first_day_on="2026-04-06", **permit).status_code == 302
    assert position_of(hiring).retain_until == date(2032, 4, 6)
    # An earlier first day of another worker does not shorten it.
    assert save_road(hiring, one, first_day_on="2026-03-05").status_code == 302
    assert position_of(hiring).first_work_day == date(2026, 4, 6)


def test_an_exempt_position_skips_the_lmia(hiring):
    worker_id, _ = hiring.add_worker()
    edit = f"{hiring.position_url}edit"
    body = form_values(text_of(hiring.get(edit))) | {"lmia_exemption_code": "c10"}
    assert hiring.post(edit, body, form_page=edit).status_code == 302
    assert "LMIA-exempt (code C10)" in text_of(hiring.get(hiring.position_url))
    tab = text_of(hiring.get(road_url(hiring)))
    assert "Offer of employment in the Employer Portal" in tab and "Waiting for ESDC" not in tab
    response = save_road(
        hiring,
        worker_id,
        offer_of_employment_number="A1234567",
        offer_of_employment_submitted_on="2026-06-02",
        compliance_fee_paid_on="2026-06-02",
        permit_applied_on="2026-06-01",
    )
    assert response.status_code == 302, field_errors(response)
    assert "ROAD-EXEMPT-OFFER" in text_of(hiring.get(worker_road_url(hiring, worker_id)))


def test_a_bad_exemption_code_names_the_field(hiring):
    edit = f"{hiring.position_url}edit"
    body = form_values(text_of(hiring.get(edit))) | {"lmia_exemption_code": "exempt!"}
    response = hiring.post(edit, body, form_page=edit)
    assert response.status_code == 422
    assert "letter and two digits" in field_errors(response)["lmia_exemption_code"]
