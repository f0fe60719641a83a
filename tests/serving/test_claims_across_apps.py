"""A create form posted twice, each post answered by another process (two apps on one database,
each with an instance folder of its own, as two machines behind a load balancer): one record.
The claim is a row committed with the record, not a file one machine alone can see."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Applicant, SubmissionClaim
from tests.conftest import build_app
from tests.factories import Factories
from tests.helpers import post_form, text_of
from tests.offers.support import form_values, make_hiring, offers_app

APPLICANT = {"name": "Dana Double", "status": "citizen", "applied_on": "2026-03-05"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_form_posted_to_two_processes_makes_one_record(database_url, tmp_path):
    first_app = offers_app(database_url, tmp_path / "first")
    hiring = make_hiring(first_app)
    other_app = build_app(database_url, STORAGE_DIR=str(tmp_path / "first" / "store"))
    other_app.instance_path = str(tmp_path / "other" / "instance")
    owner = hiring.shop.users["owner"]
    # The owner's browser, its requests answered by the other process (a session of its own).
    other_browser = Factories(other_app).signed_in_client(owner)
    try:
        url = f"{hiring.position_url}applicants/new"
        body = form_values(text_of(hiring.get(url))) | APPLICANT
        claims = _count(first_app, SubmissionClaim)
        assert hiring.post(url, body, form_page=url).status_code == 302
        again = post_form(other_browser, url, body, token_from=url, follow_redirects=True)
        assert again.status_code == 200
        assert "This form was sent twice; it is saved once." in text_of(again)
        assert _count(first_app, Applicant) == 1
        assert _count(first_app, SubmissionClaim) == claims + 1
        # A new showing of the form on the other process is a new key: saved.
        body = form_values(text_of(other_browser.get(url))) | APPLICANT
        assert post_form(other_browser, url, body, token_from=url).status_code == 302
        assert _count(other_app, Applicant) == 2
    finally:
        for app in (first_app, other_app):
            with app.app_context():
                db.engine.dispose()
