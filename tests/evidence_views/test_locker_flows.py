"""The locker's rules through HTTP: retention and legal hold before deleting, archive for the
owner only, a sign-off that goes "outdated" when the file changes, and the representative's
requests showing up as the employer's to-do list."""

import re
from datetime import date

from dateutil.relativedelta import relativedelta

from portal.models import Role
from tests.evidence_views.support import png
from tests.helpers import text_of
from tests.security.support import tenant_body
from tests.signoff.support import confirmed_sign_off

REQUESTS = "Asked by your representative"


def _one_file(locker, n: int = 1) -> int:
    response = locker.upload(png(n), f"ad-{n}.png")
    assert response.status_code == 302
    return locker.rows()[-1].id


def _set_retention(locker, first_work_day, legal_hold=False):
    data = {"first_work_day": first_work_day.isoformat() if first_work_day else ""}
    if legal_hold:
        data["legal_hold"] = "y"
    response = locker.post("/retention", data)
    assert response.status_code == 302, text_of(response)


def _delete(locker, evidence_id: int, role=Role.OWNER):
    page = f"{locker.url}/{evidence_id}"
    return locker.post(f"/evidence/{evidence_id}/delete", {}, role=role, page=page)


def test_deleting_is_refused_while_records_must_be_kept(locker):
    evidence_id = _one_file(locker)
    stored = locker.stored()

    # No first day of work recorded: the 6 years cannot even start.
    refused = _delete(locker, evidence_id)
    assert refused.status_code == 409
    assert "first day of work, which is not recorded yet" in text_of(refused)

    # The worker started last year: kept for 6 years from then.
    first_day = date.today() - relativedelta(years=1)
    _set_retention(locker, first_day)
    refused = _delete(locker, evidence_id, role=Role.STAFF)
    assert refused.status_code == 409
    keep_until = (first_day + relativedelta(years=6)).isoformat()
    assert f"Records must be kept until {keep_until}" in text_of(refused)
    assert "archive" in text_of(refused)  # and says what can be done instead
    assert [row.id for row in locker.rows()] == [evidence_id]
    assert locker.stored() == stored


def test_deleting_is_allowed_once_the_period_is_over(locker):
    evidence_id = _one_file(locker)
    _set_retention(locker, date(2015, 1, 5))  # kept until 2021-01-05
    response = _delete(locker, evidence_id, role=Role.STAFF)
    assert response.status_code == 302
    assert locker.rows() == []
    assert locker.stored() == []  # the stored bytes go too
    assert "The file is deleted." in text_of(locker.client(Role.STAFF).get(locker.url))


def test_a_legal_hold_blocks_deleting_whatever_the_date(locker):
    evidence_id = _one_file(locker)
    _set_retention(locker, date(2015, 1, 5), legal_hold=True)
    refused = _delete(locker, evidence_id)
    assert refused.status_code == 409
    assert "legal hold" in text_of(refused)
    assert len(locker.rows()) == 1 and len(locker.stored()) == 1
    # Lifting the hold lets it go.
    _set_retention(locker, date(2015, 1, 5), legal_hold=False)
    assert _delete(locker, evidence_id).status_code == 302
    assert locker.rows() == []


def test_the_owner_archives_and_staff_cannot(locker):
    evidence_id = _one_file(locker)
    page = f"{locker.url}/{evidence_id}"
    refused = locker.post(f"/evidence/{evidence_id}/archive", {}, role=Role.STAFF, page=page)
    assert refused.status_code == 403
    assert locker.rows()[0].archived_at is None

    response = locker.post(f"/evidence/{evidence_id}/archive", {}, page=page)
    assert response.status_code == 302
    (row,) = locker.rows()
    assert row.archived_at is not None
    assert len(locker.stored()) == 1  # archived is kept, not deleted
    listing = text_of(locker.client().get(locker.url))
    assert "ad-1.png" not in listing and "No files yet." in listing
    # Still reachable by its own page (and downloadable): kept for the retention period.
    assert locker.client().get(f"{page}/download").data == png(1)


def _sign_off_state(locker) -> str:
    html = text_of(locker.client(Role.REPRESENTATIVE).get(locker.signing_url))
    if "outdated: the data or the evidence changed since" in html:
        return "outdated"
    if re.search(r'<strong class="status status-accepted">\s*current\s*</strong>', html):
        return "current"
    return "none"


def _sign_off(locker):
    # The position has open errors: signing off needs the recorded confirmation (issue 7, U2).
    page = text_of(locker.client(Role.REPRESENTATIVE).get(locker.signing_url))
    response = locker.post("/sign-off", confirmed_sign_off(page), role=Role.REPRESENTATIVE)
    assert response.status_code == 302


def test_a_sign_off_goes_outdated_after_an_upload_or_a_position_edit(locker):
    _one_file(locker, 1)
    assert _sign_off_state(locker) == "none"
    _sign_off(locker)
    assert _sign_off_state(locker) == "current"

    _one_file(locker, 2)  # a new file after the sign-off
    assert _sign_off_state(locker) == "outdated"
    _sign_off(locker)
    assert _sign_off_state(locker) == "current"

    values = {"position_id": locker.position_id}
    body = tenant_body(locker.app, "positions.edit", locker.employer_id, values)
    response = locker.post("/edit", body, page=f"{locker.base}/edit")
    assert response.status_code == 302, text_of(response)
    assert _sign_off_state(locker) == "outdated"


def test_the_representatives_request_is_the_owners_to_do_until_accepted(locker):
    evidence_id = _one_file(locker)
    page = f"{locker.url}/{evidence_id}"
    assert REQUESTS not in text_of(locker.client().get(locker.url))

    ask = "Please capture the whole page, with the job number."
    response = locker.post(
        f"/evidence/{evidence_id}/review",
        {"decision": "changes_requested", "comment": ask},
        role=Role.REPRESENTATIVE,
        page=page,
    )
    assert response.status_code == 302
    owner_page = text_of(locker.client().get(locker.url))
    assert REQUESTS in owner_page
    to_do = owner_page.split(REQUESTS, 1)[1].split("</section>", 1)[0]
    assert ask.replace(",", "") in to_do.replace(",", "")
    assert f"about file #{evidence_id}" in to_do
    assert "changes requested" in text_of(locker.client().get(page))

    # The owner answers in the thread; the request stays open until the representative accepts.
    reply = locker.post(f"/evidence/{evidence_id}/comments", {"body": "Done, see the new one."})
    assert reply.status_code == 302
    assert REQUESTS in text_of(locker.client().get(locker.url))

    accept = locker.post(
        f"/evidence/{evidence_id}/review",
        {"decision": "accepted", "comment": ""},
        role=Role.REPRESENTATIVE,
        page=page,
    )
    assert accept.status_code == 302
    assert REQUESTS not in text_of(locker.client().get(locker.url))
    thread = text_of(locker.client().get(page))
    assert "asks for a change" in thread and "(done)" in thread
    assert "Done, see the new one." in thread


def test_only_the_representative_reviews(locker):
    evidence_id = _one_file(locker)
    page = f"{locker.url}/{evidence_id}"
    body = {"decision": "accepted", "comment": "Looks fine to me."}
    for role in (Role.OWNER, Role.STAFF, Role.VIEWER):
        refused = locker.post(f"/evidence/{evidence_id}/review", body, role=role, page=page)
        assert refused.status_code == 403, role
    assert locker.rows()[0].review_status == "pending"


def test_a_replacement_archives_the_old_file_and_closes_its_request(locker):
    """The usual answer to "please capture the whole page" is a new file, not an edit of the old
    one: the upload says which file it replaces, the old one is archived (kept, out of the
    bundle) and the request about it is closed."""
    old_id = _one_file(locker, 1)
    response = locker.post(
        f"/evidence/{old_id}/review",
        {"decision": "changes_requested", "comment": "Capture the whole page."},
        role=Role.REPRESENTATIVE,
        page=f"{locker.url}/{old_id}",
    )
    assert response.status_code == 302
    assert REQUESTS in text_of(locker.client().get(locker.url))
    response = locker.upload(png(2), "ad-2.png", replaces=str(old_id))
    assert response.status_code == 302
    new_id = locker.rows()[-1].id
    assert [row.archived_at is not None for row in locker.rows()] == [True, False]
    response = locker.post(
        f"/evidence/{new_id}/review",
        {"decision": "accepted", "comment": ""},
        role=Role.REPRESENTATIVE,
        page=f"{locker.url}/{new_id}",
    )
    assert response.status_code == 302
    assert REQUESTS not in text_of(locker.client().get(locker.url))
