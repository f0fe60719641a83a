"""Replacing a file archives the old one, so it needs the archive button's permission (S2).

Before the fix staff, who get 403 from ``…/evidence/N/archive``, archived an employer-wide file
(out of every position's checklist and bundle) by uploading anything with ``replaces=N``.
"""

from portal.models import Role
from tests.evidence_views.support import png


def employer_wide_file(locker) -> int:
    response = locker.upload(png(1), "business-licence.png", attach_to="employer")
    assert response.status_code == 302, response.status_code
    (row,) = locker.rows()
    assert row.position_id is None  # shared by every position of the employer
    return row.id


def test_staff_cannot_archive_a_file_through_replace(locker):
    old_id = employer_wide_file(locker)
    assert locker.post(f"/evidence/{old_id}/archive", {}, role=Role.STAFF).status_code == 403

    response = locker.upload(png(2), "other.png", role=Role.STAFF, replaces=str(old_id))

    assert response.status_code == 403
    rows = locker.rows()
    assert [(r.id, r.archived_at) for r in rows] == [(old_id, None)]  # still active, alone
    assert len(locker.stored()) == 1 and locker.temp_files() == []  # nothing new kept


def test_staff_are_not_offered_the_replace_choice_but_can_upload(locker):
    employer_wide_file(locker)
    page = locker.client(Role.STAFF).get(locker.new_url).get_data(as_text=True)
    assert 'name="file"' in page and 'name="replaces"' not in page
    owner_page = locker.client(Role.OWNER).get(locker.new_url).get_data(as_text=True)
    assert 'name="replaces"' in owner_page

    response = locker.upload(png(3), "new-ad.png", role=Role.STAFF, replaces="")

    assert response.status_code == 302
    assert [r.archived_at for r in locker.rows()] == [None, None]


def test_an_owner_replaces_a_file(locker):
    old_id = employer_wide_file(locker)

    response = locker.upload(png(4), "licence-2026.png", replaces=str(old_id))

    assert response.status_code == 302
    old, new = locker.rows()
    assert old.id == old_id and old.archived_at is not None
    assert new.archived_at is None and new.original_filename == "licence-2026.png"
