"""The evidence pages as the employer walks them: the evidence page lists what is missing and
links to "Add a file" with the upload filled in for it; a refused upload comes back on "Add a
file" with what was typed; signing off, the bundle and retention have their own page."""

import html
import re
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Position, RecruitmentActivity, Role
from tests.evidence_views.support import make_locker, png
from tests.helpers import text_of


@pytest.fixture
def locker(database_url, tmp_path):
    locker = make_locker(database_url, tmp_path)
    with locker.app.app_context():
        position = db.session.get(Position, locker.position_id)
        # An online ad running since last week: its proof is missing and a capture is due.
        position.activities.append(
            RecruitmentActivity(
                employer_id=locker.employer_id,
                case_key="A1",
                method="job_board",
                kind="posting",
                start_date=date.today() - timedelta(days=8),
                platform="Indeed",
            )
        )
        db.session.commit()
        locker.activity_id = position.activities[0].id
    yield locker
    with locker.app.app_context():
        db.engine.dispose()


def _links(page: str, text: str) -> list[str]:
    return [
        html.unescape(href)
        for href, label in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', page)
        if label.strip() == text
    ]


def _selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert select, f"no {name} select"
    chosen = re.search(r'<option selected value="([^"]*)"', select.group(0)) or re.search(
        r'<option value="([^"]*)" selected', select.group(0)
    )
    return chosen.group(1) if chosen else None


def test_a_missing_proof_links_to_an_upload_filled_in_for_it(locker):
    page = text_of(locker.client().get(locker.url))
    (add_proof,) = _links(page, "Add the proof")
    assert add_proof.startswith(locker.new_url + "?")
    form = locker.client().get(add_proof)
    assert form.status_code == 200
    form_page = text_of(form)
    assert _selected(form_page, "attach_to") == f"activity-{locker.activity_id}"
    assert _selected(form_page, "category") == "ad_proof"
    assert not re.search(r'name="is_snapshot"[^>]*checked', form_page)

    (add_capture,) = _links(page, "Add the capture")
    capture_page = text_of(locker.client().get(add_capture))
    assert _selected(capture_page, "attach_to") == f"activity-{locker.activity_id}"
    assert re.search(r'<input[^>]*checked[^>]*name="is_snapshot"', capture_page) or re.search(
        r'<input[^>]*name="is_snapshot"[^>]*checked', capture_page
    )

    # Uploaded through that form, the checklist item is no longer missing.
    response = locker.upload(
        png(1), "indeed-ad.png", attach_to=f"activity-{locker.activity_id}", url=locker.url
    )
    assert response.status_code == 302
    assert response.headers["Location"] == locker.url
    assert _links(text_of(locker.client().get(locker.url)), "Add the proof") == []


def test_a_preset_that_is_not_a_choice_is_ignored(locker):
    page = text_of(locker.client().get(f"{locker.new_url}?attach_to=activity-999999&category=x"))
    assert _selected(page, "attach_to") in (None, "position")
    assert _selected(page, "category") != "x"


def test_a_refused_upload_comes_back_on_add_a_file_with_what_was_typed(locker):
    response = locker.client().post(
        locker.url,
        data={
            "csrf_token": locker.token(),
            "category": "invoice",
            "attach_to": f"activity-{locker.activity_id}",
            "description": "Indeed receipt, week 2",
            "evidence_date": "2026-11-02",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "<h1>Add a file</h1>" in page
    assert "File: Choose a file." in re.sub(r"<[^>]+>", "", page) or "Choose a file" in page
    assert "Indeed receipt, week 2" in page
    assert _selected(page, "category") == "invoice"
    assert locker.rows() == []


def test_who_sees_what(locker):
    viewer = locker.client(Role.VIEWER)
    assert viewer.get(locker.new_url).status_code == 403
    evidence_page = text_of(viewer.get(locker.url))
    assert _links(evidence_page, "Add a file") == []
    assert _links(evidence_page, "Add the proof") == []
    signing = viewer.get(locker.signing_url)
    assert signing.status_code == 200
    assert 'name="note"' not in text_of(signing)  # only a reviewer signs off

    owner_page = text_of(locker.client().get(locker.url))
    assert _links(owner_page, "Add a file") == [locker.new_url]
    assert _links(owner_page, "Sign-off and filing bundle") == [locker.signing_url]
    representative = text_of(locker.client(Role.REPRESENTATIVE).get(locker.signing_url))
    assert 'name="note"' in representative and "Build the filing bundle" in representative
    assert re.search(r'<a href="[^"]+/sign-off" aria-current="page">Sign-off</a>', representative)
    # The evidence page carries none of the sign-off page's forms.
    assert 'name="open_fingerprint"' not in owner_page and 'name="legal_hold"' not in owner_page


def test_a_refused_retention_comes_back_on_the_sign_off_page(locker):
    response = locker.post("/retention", {"first_work_day": "not a date"})
    assert response.status_code == 422
    page = text_of(response)
    assert "<h1>Sign-off and filing bundle</h1>" in page
    assert 'value="not a date"' in page
