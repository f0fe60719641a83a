"""Signing off through HTTP: what is open is listed, a sign-off over open errors is refused
without a waiver or the recorded confirmation, and what was open is kept with the sign-off, in
the audit log and on the bundle's first page."""

import io
import re
import zipfile
from datetime import date

from flask import g
from pypdf import PdfReader
from sqlalchemy import select

from portal.evidence import services
from portal.extensions import db
from portal.models import Employer, Position, Role, SignOff
from portal.positions import compliance
from tests.evidence_views.support import png
from tests.helpers import text_of
from tests.signoff.support import REASON, confirmed_sign_off, open_fingerprint

REP = Role.REPRESENTATIVE


def open_now(locker):
    with locker.app.test_request_context():
        position = db.session.get(Position, locker.position_id)
        g.employer = db.session.get(Employer, locker.employer_id)
        report = compliance.check(position, date.today())
        return services.open_items_of(position, report, services.evidence_of(position))


def sign_offs(locker) -> list[SignOff]:
    with locker.app.app_context():
        rows = db.session.scalars(select(SignOff).order_by(SignOff.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def page(locker, role=REP) -> str:
    return text_of(locker.client(role).get(locker.signing_url))


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_locker_lists_what_is_still_open(locker):
    locker.upload(png(1), "ad-1.png")
    items = open_now(locker)
    assert items.errors, "the test position must have open errors"
    html = page(locker)
    text = squash(html)
    assert f"{len(items.errors)} errors" in text
    for error in items.errors:
        assert error.rule in html
    assert "1 file awaiting review" in text
    assert "I sign off although these items are open" in text
    assert f"{len(items.errors)} errors, 1 files not accepted, 0 requests" in text


def test_open_errors_refuse_a_plain_sign_off_and_keep_the_note(locker):
    note = "Ready to file, as we agreed on the phone."
    response = locker.post("/sign-off", {"note": note}, role=REP)
    assert response.status_code == 422
    html = text_of(response)
    assert "Not signed off: see the open items." in html
    assert "waive each error with a reason" in html
    assert note in html  # what the user typed comes back
    assert sign_offs(locker) == []
    assert locker.audit_count("evidence.signed_off_with_open_items") == 0


def test_the_confirmation_needs_a_reason(locker):
    body = confirmed_sign_off(page(locker)) | {"confirmation_reason": "  urgent  "}
    response = locker.post("/sign-off", body, role=REP)
    assert response.status_code == 422
    assert "Say why you sign off with these items open (at least 10 characters)." in text_of(
        response
    )
    assert sign_offs(locker) == []


def test_a_confirmation_does_not_cover_items_opened_since_the_page_was_loaded(locker):
    body = confirmed_sign_off(page(locker))
    locker.upload(png(2), "ad-2.png")  # a new file awaiting review, after the page was shown
    response = locker.post("/sign-off", body, role=REP)
    assert response.status_code == 422
    html = text_of(response)
    assert "What is open changed since the page was loaded" in html
    assert open_fingerprint(html) == open_now(locker).fingerprint()  # the page shows the new
    assert sign_offs(locker) == []


def test_a_confirmed_sign_off_records_what_was_open_and_why(locker):
    locker.upload(png(1), "ad-1.png")
    items = open_now(locker)
    response = locker.post("/sign-off", confirmed_sign_off(page(locker)), role=REP)
    assert response.status_code == 302
    (row,) = sign_offs(locker)
    assert row.confirmation_reason == REASON
    assert row.open_items["counts"] == items.counts()
    assert [e["rule"] for e in row.open_items["errors"]] == [e.rule for e in items.errors]
    assert locker.audit_count("evidence.signed_off_with_open_items") == 1
    assert "with open items on record" in squash(page(locker))  # the representative's flash
    text = squash(page(locker, Role.OWNER))
    assert f"Signed off although {len(items.errors)} errors, 1 files not accepted" in text
    assert REASON in text


def test_with_every_error_waived_no_confirmation_is_needed(locker):
    compliance_page = f"{locker.base}/compliance"
    for error in open_now(locker).errors:
        response = locker.post(
            "/waivers",
            {"rule_id": error.rule, "subject": error.subject, "reason": "Accepted by counsel."},
            role=REP,
            page=compliance_page,
        )
        assert response.status_code == 302, text_of(response)
    assert not open_now(locker).needs_confirmation
    assert "I sign off although" not in page(locker)
    response = locker.post("/sign-off", {"note": "Ready."}, role=REP)
    assert response.status_code == 302
    (row,) = sign_offs(locker)
    assert row.confirmation_reason is None
    assert row.open_items["counts"]["errors"] == 0
    assert locker.audit_count("evidence.signed_off_with_open_items") == 0


def first_page_of_bundle(locker) -> str:
    response = locker.post("/bundles", {}, role=REP)
    assert response.status_code == 302, text_of(response)
    archive = locker.client(REP).get(response.headers["Location"] + "/download")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as bundle:
        index = bundle.read("00-index.pdf")
    return " ".join(PdfReader(io.BytesIO(index)).pages[0].extract_text().split())


def test_the_bundle_says_on_its_first_page_it_was_not_signed_off_and_what_is_open(locker):
    items = open_now(locker)
    cover = first_page_of_bundle(locker)
    assert "Not signed off." in cover
    assert f"Open when this bundle was built: {len(items.errors)} error(s)" in cover
    assert items.errors[0].rule in cover


def test_the_bundle_says_who_signed_off_over_what_and_why(locker):
    items = open_now(locker)
    assert locker.post("/sign-off", confirmed_sign_off(page(locker)), role=REP).status_code == 302
    cover = first_page_of_bundle(locker)
    assert "Signed off as ready to file by Representative Person" in cover
    assert f"Signed off although items were open: {len(items.errors)} error(s)" in cover
    assert "Reason given: The client files today" in cover
