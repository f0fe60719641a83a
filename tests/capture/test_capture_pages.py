"""Capture this ad through HTTP, with the portal's real headless Chromium against a local ad
server: the PDF and PNG are filed as evidence of the activity with their SHA-256, the capture
checklist counts them; a refused or failing URL saves nothing and says why."""

import hashlib
import io

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from portal.evidence.services import evidence_storage
from portal.extensions import db
from portal.models import AdCapture, EvidenceFile
from portal.recruitment.evidence_checklist import snapshots_due
from tests.helpers import text_of
from tests.positions.support import count


def _files(app, position_id):
    with app.app_context():
        rows = db.session.scalars(
            select(EvidenceFile).filter_by(position_id=position_id).order_by(EvidenceFile.id)
        ).all()
        stored = [
            (row.extension, row.sha256, row.activity_id, row.captured_at, row.description,
             evidence_storage().open(row.storage_key).read())
            for row in rows
        ]  # fmt: skip
        return stored


def test_an_ad_is_captured_as_a_pdf_and_a_png_of_the_activity(shop, app, servers, ad):
    base, _forbidden = servers
    position_id, _url, activity_id, page = ad
    assert shop.client().get(page).status_code == 200
    assert shop.client().head(page).status_code == 200

    response = shop.post(page, {"url": f"{base}/moved"})

    assert response.status_code == 302
    files = _files(app, position_id)
    assert [f[0] for f in files] == [".pdf", ".png"]
    for _extension, sha256, on_activity, captured_at, description, content in files:
        assert on_activity == activity_id and captured_at is not None
        assert hashlib.sha256(content).hexdigest() == sha256
        assert f"SHA-256 {sha256}" in description and f"final address {base}/ad" in description
    pdf, png = files[0][5], files[1][5]
    assert "Line cook wanted" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert Image.open(io.BytesIO(png)).format == "PNG"
    shown = text_of(shop.client().get(page))
    assert "captured" in shown and files[0][1] in shown and files[1][1] in shown
    with app.app_context():
        attempt = db.session.scalars(select(AdCapture)).one()
        assert (attempt.status, attempt.final_url) == ("done", f"{base}/ad")
        # The checklist's weekly capture of this week is taken (the ad started on 2026-03-02).
        activity = attempt.activity
        evidence = db.session.scalars(select(EvidenceFile)).all()
        today = files[0][3].date()
        due = snapshots_due([activity], evidence, today)
        if activity.start_date <= today <= activity.end_date:
            assert due[-1].done


def test_a_redirect_to_a_private_address_is_refused_and_nothing_is_saved(shop, app, servers, ad):
    base, _forbidden = servers
    position_id, _url, _activity_id, page = ad
    response = shop.post(page, {"url": f"{base}/to-private"})
    assert response.status_code == 302
    shown = text_of(shop.client().get(page))
    assert "private, loopback or reserved" in shown
    assert count(app, EvidenceFile, position_id=position_id) == 0
    with app.app_context():
        assert db.session.scalars(select(AdCapture.status)).all() == ["failed"]


def test_refused_addresses_answer_422_naming_the_field_and_record_nothing(shop, app, servers, ad):
    _base, forbidden = servers
    position_id, _url, _activity_id, page = ad
    for url, says in (
        (f"{forbidden}/admin", "private, loopback or reserved"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("", "Paste the ad"),
    ):
        response = shop.post(page, {"url": url})
        assert response.status_code == 422, url
        assert says in text_of(response)
        assert 'id="url-error"' in text_of(response)
    assert count(app, AdCapture) == 0
    assert count(app, EvidenceFile, position_id=position_id) == 0


def test_an_error_page_is_not_captured(shop, app, servers, ad):
    base, _forbidden = servers
    position_id, _url, _activity_id, page = ad
    shop.post(page, {"url": f"{base}/gone"})
    assert "HTTP 404" in text_of(shop.client().get(page))
    assert count(app, EvidenceFile, position_id=position_id) == 0


def test_a_viewer_sees_the_captures_but_cannot_capture(shop, servers, ad):
    base, _forbidden = servers
    _position_id, _url, _activity_id, page = ad
    assert "Capture now" not in text_of(shop.client("viewer").get(page))
    assert shop.post(page, {"url": f"{base}/ad"}, who="viewer").status_code == 403


def test_without_the_browser_the_attempt_says_so_and_saves_nothing(shop, app, servers, ad):
    base, _forbidden = servers
    position_id, _url, _activity_id, page = ad
    app.config["CAPTURE_CHROMIUM"] = "/nonexistent/chromium"

    response = shop.post(page, {"url": f"{base}/ad"})

    assert response.status_code == 302
    assert _files(app, position_id) == []
    with app.app_context():
        attempt = db.session.scalars(select(AdCapture)).one()
        assert attempt.status == "failed"
        assert "browser is not installed" in attempt.message
