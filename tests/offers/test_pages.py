"""The Workers & offers pages through HTTP: workers, the offer form, the worker page with its
checks and preview, versions (generate, issue, download), signatures, and who may do what."""

import hashlib
import io
import re
from datetime import date, timedelta

from sqlalchemy import select

from portal.evidence.services import evidence_storage
from portal.extensions import db
from portal.models import EvidenceFile, OfferVersion, Waiver, Worker
from tests.evidence_views.support import png
from tests.helpers import post_form, text_of
from tests.offers.support import WORKER_FORM, field_errors, form_values, make_hiring
from tests.positions.support import POSITION_FORM

COMPLETE = {
    "overtime": "Overtime after 44 hours a week, at 1.5 times the wage.",
    "vacation": "Two weeks of vacation a year, with 4% vacation pay.",
    "statutory_holidays": "The nine public holidays of Ontario, paid.",
    "pay_frequency": "biweekly",
}


def complete_offer(hiring, worker_url, **changes):
    response = hiring.save_offer(worker_url, **(COMPLETE | changes))
    assert response.status_code == 302, field_errors(response) or text_of(response)[:2000]
    return response


def stored(app, key: str) -> bytes:
    with app.app_context(), evidence_storage().open(key) as stream:
        return stream.read()


# --- Pages and HEAD --------------------------------------------------------------------------


def test_every_page_answers_get_and_head(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    assert hiring.generate(worker_url).status_code == 302
    (version,) = hiring.versions(worker_id)
    pages = [
        hiring.workers_url,
        f"{hiring.workers_url}new",
        worker_url,
        f"{worker_url}?lang=fr",
        f"{worker_url}edit",
        f"{worker_url}offer",
        f"{worker_url}versions/{version.id}/offer.pdf",
        f"{worker_url}versions/{version.id}/offer.docx",
    ]
    client = hiring.shop.client("owner")
    for url in pages:
        got = client.get(url)
        assert got.status_code == 200, (url, got.status_code)
        head = client.head(url)
        assert head.status_code == 200, (url, head.status_code)
        assert head.get_data() == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"]
        if got.mimetype == "text/html":
            # The page's title is words, not a copy of the page (a stray block once put the
            # whole preview into <title>).
            title = re.search(r"<title>(.*?)</title>", got.get_data(as_text=True), re.S)
            assert title and "<" not in title.group(1) and len(title.group(1)) < 200, url


def test_the_tab_and_the_workers_list_show_each_offers_status(hiring):
    assert ">Workers & offers<" in text_of(hiring.get(hiring.position_url))
    worker_id, worker_url = hiring.add_worker()
    page = text_of(hiring.get(hiring.workers_url))
    assert "Amélie Tremblay" in page and "No version yet" in page
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    assert "Draft" in text_of(hiring.get(hiring.workers_url))
    (version,) = hiring.versions(worker_id)
    assert hiring.issue(worker_url, version.id).status_code == 302
    page = text_of(hiring.get(hiring.workers_url))
    assert "Issued" in page and "version 1" in page


def test_a_preview_language_other_than_en_or_fr_is_a_400(hiring):
    _, worker_url = hiring.add_worker()
    response = hiring.get(f"{worker_url}?lang=de")
    assert response.status_code == 400
    assert "lang" in text_of(response)


def test_the_preview_switches_language(hiring):
    _, worker_url = hiring.add_worker(language="en")
    assert 'lang="en"' in text_of(hiring.get(worker_url)).split('id="preview"')[1][:2000]
    french = text_of(hiring.get(f"{worker_url}?lang=fr")).split('id="preview"')[1]
    assert 'class="letter-preview" lang="fr"' in french[:2000]


# --- Workers ---------------------------------------------------------------------------------


def test_a_new_worker_gets_an_offer_prefilled_from_the_position(hiring):
    worker_id, _ = hiring.add_worker()
    worker = hiring.worker(worker_id)
    assert worker.name == "Amélie Tremblay"
    assert worker.planned_start_date == date(2027, 3, 1)
    offer = worker.offer
    assert offer["worker_name"] == "Amélie Tremblay"
    assert offer["language"] == "en"
    assert offer["start_date"] == "2027-03-01"
    assert offer["title"] == POSITION_FORM["title"]
    assert offer["wage"] == {"amount": 18.5, "per": "hour"}
    assert offer["states_no_fees"] is True
    assert "round_trip_travel" in offer["employer_paid"]  # a low-wage position


def test_a_new_workers_offer_states_the_provinces_standards_in_their_language(hiring):
    english_id, english_url = hiring.add_worker()
    offer = hiring.worker(english_id).offer
    assert "Employment Standards Act, 2000 (Ontario)" in offer["overtime"]
    assert "vacation" in offer["vacation"] and "public holidays" in offer["statutory_holidays"]
    french_id, _ = hiring.add_worker(name="Jean Roy", language="fr")
    assert "Loi de 2000 sur les normes d'emploi" in hiring.worker(french_id).offer["overtime"]
    # Prefilled from the position, the offer lacks no core term and matches the position.
    checks = text_of(hiring.get(english_url)).split('id="checks"')[1].split("</section>")[0]
    assert "OFFER-CORE" not in checks and "OFFER-MATCH" not in checks
    assert "WAGE-AD-OFFER" not in checks


def test_no_more_workers_than_the_position_is_approved_for(offers):
    hiring = make_hiring(offers, positions="1")
    hiring.add_worker()
    listing = text_of(hiring.get(hiring.workers_url))
    assert "Add a worker" not in listing and "approved for 1 workers" in listing
    assert hiring.get(f"{hiring.workers_url}new").status_code == 302
    refused = hiring.post(
        f"{hiring.workers_url}new", WORKER_FORM | {"name": "Second"}, form_page="/account/"
    )
    assert refused.status_code == 409
    assert "approved for 1 workers" in text_of(refused)
    with offers.app_context():
        assert db.session.scalar(select(Worker).where(Worker.name == "Second")) is None


def test_a_quebec_worker_is_french_unless_they_asked_for_english_in_writing(offers):
    hiring = make_hiring(
        offers,
        street_address="1 rue Sainte-Catherine",
        city="Montréal",
        province="QC",
        postal_code="H2X 1Y4",
        economic_region="ER2465",
        cma="Montréal",
    )
    form = text_of(hiring.get(f"{hiring.workers_url}new"))
    assert '<option selected value="fr">' in form or '<option value="fr" selected' in form
    refused = hiring.post(f"{hiring.workers_url}new", WORKER_FORM | {"language": "en"})
    assert refused.status_code == 422
    errors = field_errors(refused)
    assert "in writing" in errors["english_requested_on"]
    assert 'value="Amélie Tremblay"' in text_of(refused)  # what was typed comes back
    with offers.app_context():
        assert db.session.scalar(select(Worker)) is None
    future = (date.today() + timedelta(days=1)).isoformat()
    refused = hiring.post(
        f"{hiring.workers_url}new",
        WORKER_FORM | {"language": "en", "english_requested_on": future},
    )
    assert refused.status_code == 422
    worker_id, _ = hiring.add_worker(language="en", english_requested_on="2026-11-20")
    worker = hiring.worker(worker_id)
    assert (worker.language, worker.english_requested_on) == ("en", date(2026, 11, 20))
    french_id, _ = hiring.add_worker(name="Jean Roy", language="fr")
    assert hiring.worker(french_id).offer["language"] == "fr"


def test_editing_a_worker_carries_name_language_and_start_into_the_offer(hiring):
    worker_id, worker_url = hiring.add_worker()
    response = hiring.post(
        f"{worker_url}edit",
        WORKER_FORM | {"name": "Amélie Roy", "language": "fr", "planned_start_date": "2027-04-01"},
    )
    assert response.status_code == 302
    offer = hiring.worker(worker_id).offer
    assert (offer["worker_name"], offer["language"], offer["start_date"]) == (
        "Amélie Roy",
        "fr",
        "2027-04-01",
    )


def test_a_worker_without_a_name_is_refused_and_nothing_is_saved(hiring):
    response = hiring.post(f"{hiring.workers_url}new", WORKER_FORM | {"name": " "})
    assert response.status_code == 422
    assert "name" in field_errors(response)
    with hiring.app.app_context():
        assert db.session.scalar(select(Worker)) is None


def test_a_worker_is_deleted_until_a_version_is_issued(hiring):
    worker_id, worker_url = hiring.add_worker()
    other_id, other_url = hiring.add_worker(name="Second Worker")
    assert hiring.post(f"{other_url}delete", {}, form_page=other_url).status_code == 302
    with hiring.app.app_context():
        assert db.session.get(Worker, other_id) is None
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    (version,) = hiring.versions(worker_id)
    hiring.issue(worker_url, version.id)
    refused = hiring.post(f"{worker_url}delete", {}, form_page=worker_url)
    assert refused.status_code == 409
    assert "kept as evidence" in text_of(refused)
    assert hiring.worker(worker_id).id == worker_id


# --- The offer form --------------------------------------------------------------------------


def test_bad_offer_terms_are_refused_by_field_and_nothing_is_saved(hiring):
    worker_id, worker_url = hiring.add_worker()
    before = hiring.worker(worker_id).offer
    response = hiring.save_offer(
        worker_url, wage_amount="abc", noc="6320", duration_months="0", schedule="Tue–Sat"
    )
    assert response.status_code == 422
    errors = field_errors(response)
    assert {"wage_amount", "noc", "duration_months"} <= set(errors)
    assert errors["wage_amount"].startswith("Wage:")
    page = text_of(response)
    assert 'value="Tue–Sat"' in page and 'value="abc"' in page  # typed values come back
    assert hiring.worker(worker_id).offer == before


def test_a_half_filled_deduction_row_names_its_missing_part(hiring):
    worker_id, worker_url = hiring.add_worker()
    response = hiring.save_offer(worker_url, **{"deductions-0-amount": "120.00"})
    assert response.status_code == 422
    assert "Purpose: Choose the purpose." in text_of(response)
    assert "deductions" not in hiring.worker(worker_id).offer


def test_deduction_rows_are_added_and_removed(hiring):
    worker_id, worker_url = hiring.add_worker()
    body = hiring.offer_form(worker_url) | COMPLETE
    # "Add a row" posts the form back with one more empty row, saving nothing.
    more = hiring.post(f"{worker_url}offer", body | {"add_deduction": "1"})
    assert more.status_code == 200
    assert 'name="deductions-1-purpose"' in text_of(more)
    assert "deductions" not in hiring.worker(worker_id).offer
    body |= {
        "deductions-0-purpose": "housing",
        "deductions-0-amount": "400",
        "deductions-0-per": "month",
        "deductions-1-purpose": "statutory",
        "deductions-1-amount": "55.10",
        "deductions-1-per": "week",
    }
    assert hiring.post(f"{worker_url}offer", body).status_code == 302
    assert hiring.worker(worker_id).offer["deductions"] == [
        {"purpose": "housing", "amount": 400, "per": "month"},
        {"purpose": "statutory", "amount": 55.1, "per": "week"},
    ]
    body = hiring.offer_form(worker_url)
    assert body["deductions-1-amount"] == "55.10"
    body["deductions-0-remove"] = "y"
    assert hiring.post(f"{worker_url}offer", body).status_code == 302
    assert hiring.worker(worker_id).offer["deductions"] == [
        {"purpose": "statutory", "amount": 55.1, "per": "week"}
    ]


def test_the_offer_form_saves_every_term_in_the_case_shape(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(
        hiring,
        worker_url,
        schedule="Tuesday to Saturday",
        probation="3 months",
        termination_notice="Two weeks",
        housing_terms="A room near the restaurant.",
        housing_rent_monthly="450",
        lmia_number="1234567",
        rights_information_given_on="2026-11-30",
        employer_paid=["round_trip_travel", "housing"],
        start_date="2027-03-15",
    )
    worker = hiring.worker(worker_id)
    offer = worker.offer
    assert offer["pay_frequency"] == "biweekly"
    assert offer["schedule"] == "Tuesday to Saturday"
    assert offer["probation"] == "3 months"
    assert offer["housing_rent_monthly"] == 450
    assert offer["employer_paid"] == ["round_trip_travel", "housing"]
    assert offer["rights_information_given_on"] == "2026-11-30"
    assert offer["lmia_number"] == "1234567"
    assert offer["start_date"] == "2027-03-15"
    assert worker.planned_start_date == date(2027, 3, 15)
    assert offer["worker_name"] == "Amélie Tremblay"
    # The case export carries the offer, under its worker.
    case = hiring.get(f"{hiring.position_url}case.json").get_json()
    assert case["workers"][0]["offer"]["schedule"] == "Tuesday to Saturday"


# --- Checks, issuing and waivers --------------------------------------------------------------


def test_issuing_is_blocked_by_a_mismatch_then_allowed_after_the_fix(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url, wage_amount="17.00")
    page = text_of(hiring.get(worker_url))
    assert "WAGE-AD-OFFER" in page
    assert hiring.generate(worker_url).status_code == 302
    (draft,) = hiring.versions(worker_id)
    assert draft.is_draft
    assert any(e["rule"] == "WAGE-AD-OFFER" for e in draft.open_errors)
    refused = hiring.issue(worker_url, draft.id)
    assert refused.status_code == 409
    assert "WAGE-AD-OFFER" in text_of(refused)
    assert hiring.versions(worker_id)[0].issued_at is None

    complete_offer(hiring, worker_url, wage_amount="18.50")
    assert "WAGE-AD-OFFER" not in text_of(hiring.get(worker_url)).split('id="checks"')[1][:3000]
    # The draft no longer states the terms: issuing it is refused.
    assert hiring.issue(worker_url, draft.id).status_code == 409
    hiring.generate(worker_url)
    versions = hiring.versions(worker_id)
    assert [v.number for v in versions] == [1, 2]
    assert not versions[1].is_draft
    assert hiring.issue(worker_url, versions[1].id).status_code == 302
    issued = hiring.versions(worker_id)[1]
    assert issued.issued_at is not None and issued.waived_errors is None
    # Issued is frozen: a second issue is refused.
    assert hiring.issue(worker_url, issued.id).status_code == 409


def test_a_representatives_waiver_lets_the_offer_be_issued(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url, wage_amount="17.00")
    page = text_of(hiring.get(worker_url, who="rep"))
    assert "Waive this finding" in page
    waiver = {
        "rule_id": "WAGE-AD-OFFER",
        "subject": "workers[0].offer",
        "reason": "Too short",
    }
    short = hiring.post(f"{worker_url}waivers", waiver, who="rep", form_page=worker_url)
    assert short.status_code == 422
    assert "10 characters" in text_of(short) or "at least 10" in text_of(short)
    unknown = hiring.post(
        f"{worker_url}waivers",
        waiver | {"rule_id": "REC-JOBBANK", "reason": "A reason long enough here."},
        who="rep",
        form_page=worker_url,
    )
    assert unknown.status_code == 422
    reason = "The ad's wage is a typo; the worker is paid 17.00 by agreement."
    done = hiring.post(
        f"{worker_url}waivers", waiver | {"reason": reason}, who="rep", form_page=worker_url
    )
    assert done.status_code == 302
    # Staff cannot waive.
    staff = hiring.post(f"{worker_url}waivers", waiver | {"reason": reason}, who="staff")
    assert staff.status_code == 403
    hiring.generate(worker_url)
    version = hiring.versions(worker_id)[-1]
    assert not version.is_draft
    assert hiring.issue(worker_url, version.id).status_code == 302
    issued = hiring.versions(worker_id)[-1]
    (waived,) = issued.waived_errors
    assert waived["rule"] == "WAGE-AD-OFFER" and waived["reason"] == reason
    assert waived["waived_by"] == "Rita Counsel"
    with hiring.app.app_context():
        assert db.session.scalar(select(Waiver).where(Waiver.reason == reason))


def test_generating_again_with_the_same_terms_reuses_the_version(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    again = hiring.generate(worker_url)
    assert again.status_code == 302
    assert len(hiring.versions(worker_id)) == 1


def test_a_later_position_change_marks_the_issued_version_out_of_date(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    (version,) = hiring.versions(worker_id)
    hiring.issue(worker_url, version.id)
    position = hiring.get(f"{hiring.position_url}edit")
    body = form_values(text_of(position)) | {"wage_amount": "19.25"}
    assert hiring.post(f"{hiring.position_url}edit", body).status_code == 302
    # The offer still mirrored the wage: it follows.
    assert hiring.worker(worker_id).offer["wage"] == {"amount": 19.25, "per": "hour"}
    page = text_of(hiring.get(worker_url))
    notice = page.split('id="out-of-date"')[1].split("</div>")[0]
    assert "Version 1 was issued on" in notice and "is out of date" in notice
    assert "18.50" in notice and "19.25" in notice
    assert "Issued, out of date" in text_of(hiring.get(hiring.workers_url))
    hiring.generate(worker_url)
    versions = hiring.versions(worker_id)
    assert len(versions) == 2 and versions[1].inputs["wage_amount"] == "19.25"


def test_a_deliberate_difference_does_not_follow_the_position(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url, wage_amount="20.00")
    position = hiring.get(f"{hiring.position_url}edit")
    body = form_values(text_of(position)) | {"wage_amount": "19.00", "title": "Cook II"}
    assert hiring.post(f"{hiring.position_url}edit", body).status_code == 302
    offer = hiring.worker(worker_id).offer
    assert offer["wage"] == {"amount": 20, "per": "hour"}
    assert offer["title"] == "Cook II"


def test_downloads_are_the_stored_bytes_as_attachments(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    (version,) = hiring.versions(worker_id)
    pdf = hiring.get(f"{worker_url}versions/{version.id}/offer.pdf")
    docx = hiring.get(f"{worker_url}versions/{version.id}/offer.docx")
    assert pdf.data.startswith(b"%PDF-")
    assert docx.data.startswith(b"PK\x03\x04")
    assert hashlib.sha256(pdf.data).hexdigest() == version.pdf_sha256
    assert hashlib.sha256(docx.data).hexdigest() == version.docx_sha256
    assert stored(hiring.app, version.pdf_key) == pdf.data
    assert (version.pdf_size, version.docx_size) == (len(pdf.data), len(docx.data))
    for response, extension in ((pdf, "pdf"), (docx, "docx")):
        disposition = response.headers["Content-Disposition"]
        assert disposition == (f"attachment; filename=offer-worker-{worker_id}-v1-en.{extension}")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert docx.headers["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_history_says_what_changed_and_who_made_each_version(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    complete_offer(hiring, worker_url, hours_per_week="42")
    hiring.generate(worker_url)
    page = text_of(hiring.get(worker_url, who="rep"))
    history = page.split('id="versions"')[1]
    assert "Version 2" in history and "Version 1" in history
    assert "What changed from version 1" in history
    assert "42" in history.split('id="version-1"')[0]
    assert "by Olive Owner" in history


# --- Signatures ------------------------------------------------------------------------------


def issued_worker(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    (version,) = hiring.versions(worker_id)
    hiring.issue(worker_url, version.id)
    return worker_id, worker_url


def test_signatures_come_after_issuing_and_their_dates_are_checked(hiring):
    worker_id, worker_url = hiring.add_worker()
    today = date.today()
    body = {
        "employer_name": "Olive Owner",
        "employer_on": today.isoformat(),
        "worker_name": "Amélie Tremblay",
        "worker_on": today.isoformat(),
    }
    early = hiring.post(f"{worker_url}signatures", body, form_page="/account/")
    assert early.status_code == 409
    worker_id, worker_url = issued_worker(hiring)
    future = hiring.post(
        f"{worker_url}signatures", body | {"worker_on": (today + timedelta(1)).isoformat()}
    )
    assert future.status_code == 422
    assert "future" in field_errors(future)["worker_on"]
    before = hiring.post(
        f"{worker_url}signatures", body | {"employer_on": (today - timedelta(1)).isoformat()}
    )
    assert before.status_code == 422
    assert "before" in field_errors(before)["employer_on"]
    nameless = hiring.post(f"{worker_url}signatures", body | {"worker_name": ""})
    assert nameless.status_code == 422 and "worker_name" in field_errors(nameless)
    assert "signed_by_worker_on" not in hiring.worker(worker_id).offer
    done = hiring.post(f"{worker_url}signatures", body)
    assert done.status_code == 302
    offer = hiring.worker(worker_id).offer
    assert offer["signed_by_employer_name"] == "Olive Owner"
    assert offer["signed_by_worker_on"] == today.isoformat()
    assert "Signed" in text_of(hiring.get(hiring.workers_url))
    # Signing does not make the issued version out of date.
    assert 'id="out-of-date"' not in text_of(hiring.get(worker_url))


def test_the_signed_copy_is_uploaded_into_the_locker_for_its_worker(hiring):
    worker_id, worker_url = issued_worker(hiring)
    locker = text_of(hiring.get(f"{hiring.position_url}evidence"))
    assert "Signed agreement · Amélie Tremblay" in locker
    page = text_of(hiring.get(worker_url))
    assert f'name="worker_id" value="{worker_id}"' in page
    upload = {
        "file": (io.BytesIO(png(7)), "signed.png"),
        "category": "signed_offer",
        "attach_to": "position",
        "worker_id": str(worker_id),
        "evidence_date": date.today().isoformat(),
    }
    response = post_form(
        hiring.shop.client("owner"),
        f"{hiring.position_url}evidence",
        upload,
        token_from=worker_url,
    )
    assert response.status_code == 302, text_of(response)[:3000]
    assert response.headers["Location"].endswith(f"/workers/{worker_id}/#signatures")
    with hiring.app.app_context():
        row = db.session.scalar(select(EvidenceFile).where(EvidenceFile.worker_id == worker_id))
        assert row.category == "signed_offer"
    assert "signed.png" in text_of(hiring.get(worker_url))
    # A text file posing as the agreement is judged by its content like every upload.
    fake = upload | {"file": (io.BytesIO(b"MZ\x90\x00binary"), "signed.pdf")}
    refused = post_form(
        hiring.shop.client("owner"), f"{hiring.position_url}evidence", fake, token_from=worker_url
    )
    assert refused.status_code == 422


def test_a_signed_copy_cannot_name_another_positions_worker(offers, hiring):
    other = make_hiring(offers)  # another employer
    other_worker, _ = other.add_worker()
    upload = {
        "file": (io.BytesIO(png(8)), "signed.png"),
        "category": "signed_offer",
        "attach_to": "position",
        "worker_id": str(other_worker),
    }
    response = post_form(
        hiring.shop.client("owner"),
        f"{hiring.position_url}evidence",
        upload,
        token_from=hiring.position_url,
    )
    assert response.status_code == 404
    with offers.app_context():
        assert db.session.scalar(select(EvidenceFile)) is None


# --- Who may do what -------------------------------------------------------------------------


def test_another_employers_worker_or_version_is_a_404(offers, hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    (version,) = hiring.versions(worker_id)
    other = make_hiring(offers)
    other_worker, other_url = other.add_worker(name="Other Worker")
    # Hiring's owner, on their own position, naming the other employer's worker.
    mine = hiring.workers_url
    assert hiring.get(f"{mine}{other_worker}/").status_code == 404
    assert hiring.get(f"{mine}{other_worker}/offer").status_code == 404
    # The other employer's owner, asking for hiring's version under their own worker.
    theirs = f"{other_url}versions/{version.id}/offer.pdf"
    assert other.get(theirs).status_code == 404
    assert other.get(f"{worker_url}").status_code == 404  # not a member: 404
    # A second position of the same employer does not show the first one's worker.
    second_id, second_url = hiring.shop.create_position(title="Dishwasher")
    assert hiring.get(f"{second_url}workers/{worker_id}/").status_code == 404
    with offers.app_context():
        assert db.session.scalar(select(OfferVersion).where(OfferVersion.id == version.id))


def test_the_representative_reads_everything_and_changes_nothing_but_waivers(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    (version,) = hiring.versions(worker_id)
    page = text_of(hiring.get(worker_url, who="rep"))
    for absent in ("Edit the offer terms", "Generate version", "Issue version", "Edit the worker"):
        assert absent not in page, absent
    assert "Download PDF" in page
    assert hiring.get(f"{worker_url}versions/{version.id}/offer.pdf", who="rep").status_code == 200
    for url in (f"{worker_url}offer", f"{worker_url}edit", f"{hiring.workers_url}new"):
        assert hiring.get(url, who="rep").status_code == 403, url
    assert hiring.issue(worker_url, version.id, who="rep").status_code == 403
    assert hiring.get(worker_url, who="viewer").status_code == 200
    assert hiring.issue(worker_url, version.id, who="viewer").status_code == 403
    assert hiring.issue(worker_url, version.id, who="staff").status_code == 302
    staff_page = text_of(hiring.get(worker_url, who="staff"))
    assert "Edit the offer terms" in staff_page


def test_the_compliance_page_links_a_worker_finding_to_the_worker(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url, wage_amount="17.00")
    page = text_of(hiring.get(f"{hiring.position_url}compliance", who="rep"))
    assert f'href="{worker_url}">Worker: Amélie Tremblay · job offer</a>' in page


def test_an_employer_profile_change_follows_into_the_offers(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    profile_url = f"/employers/{hiring.shop.employer_id}/profile"
    body = form_values(text_of(hiring.get(profile_url)))
    body |= {"operating_name": "Renamed Bistro", "street_address": "9 New Street"}
    assert hiring.post(profile_url, body).status_code == 302
    offer = hiring.worker(worker_id).offer
    assert offer["employer_operating_name"] == "Renamed Bistro"
    assert offer["employer_address"]["street"] == "9 New Street"


def test_a_draft_made_before_a_waiver_is_not_issued_a_clean_version_is(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url, wage_amount="17.00")
    hiring.generate(worker_url)
    (draft,) = hiring.versions(worker_id)
    assert 'id="issue-blocked"' in text_of(hiring.get(worker_url))
    reason = "Agreed with the worker; the ad's figure was a typo."
    waiver = {"rule_id": "WAGE-AD-OFFER", "subject": "workers[0].offer", "reason": reason}
    assert hiring.post(f"{worker_url}waivers", waiver, who="rep", form_page=worker_url).status_code
    page = text_of(hiring.get(worker_url))
    assert "generate a clean version" in page and "Issue version 1" not in page
    refused = hiring.issue(worker_url, draft.id)
    assert refused.status_code == 409 and "says DRAFT" in text_of(refused)
    hiring.generate(worker_url)
    clean = hiring.versions(worker_id)[1]
    assert not clean.is_draft and clean.inputs_sha256 == draft.inputs_sha256
    assert "no change in the terms" in text_of(hiring.get(worker_url))
    assert hiring.issue(worker_url, clean.id).status_code == 302


def test_an_offer_saved_meanwhile_by_someone_else_is_not_overwritten(hiring):
    worker_id, worker_url = hiring.add_worker()
    stale = hiring.offer_form(worker_url) | COMPLETE
    complete_offer(hiring, worker_url, schedule="Saved first")
    response = hiring.post(f"{worker_url}offer", stale | {"schedule": "Saved second"})
    assert response.status_code == 409
    assert 'value="Saved second"' in text_of(response)
    assert hiring.worker(worker_id).offer["schedule"] == "Saved first"


def test_the_locker_expects_a_signed_agreement_only_once_a_version_is_issued(hiring):
    worker_id, worker_url = hiring.add_worker()
    complete_offer(hiring, worker_url)
    hiring.generate(worker_url)
    locker_url = f"{hiring.position_url}evidence"
    assert "Signed agreement" not in text_of(hiring.get(locker_url))
    (version,) = hiring.versions(worker_id)
    hiring.issue(worker_url, version.id)
    row = text_of(hiring.get(locker_url)).split("Signed agreement · Amélie Tremblay")[1][:400]
    assert "missing" in row.lower()


def test_a_worker_imported_without_an_offer_gets_one_from_the_form(hiring):
    worker_id, worker_url = hiring.add_worker()
    with hiring.app.app_context():
        db.session.get(Worker, worker_id).offer = None
        db.session.commit()
    page = hiring.get(worker_url)
    assert page.status_code == 200 and "No offer yet" in text_of(page)
    assert "Generate version" not in text_of(page)
    assert hiring.generate(worker_url).status_code == 409
    assert hiring.get(hiring.workers_url).status_code == 200
    body = form_values(text_of(hiring.get(f"{worker_url}offer")))
    assert body["title"] == "Cook" and body["wage_amount"] == "18.50"  # from the position
    assert hiring.worker(worker_id).offer is None  # nothing saved by showing the form
    filled = body | {"wage_amount": "19.00"}
    assert hiring.post(f"{worker_url}offer", filled).status_code == 302
    offer = hiring.worker(worker_id).offer
    assert offer["worker_name"] == "Amélie Tremblay" and offer["wage"]["amount"] == 19
    assert offer["employer_legal_name"]  # the prefill's terms the form does not show are kept
