"""The evidence views' locker (an employer, a position, its members), for the sign-off tests."""

import pytest

from portal.extensions import db
from tests.evidence_views.support import make_locker


@pytest.fixture
def locker(database_url, tmp_path):
    locker = make_locker(database_url, tmp_path)
    yield locker
    with locker.app.app_context():
        db.engine.dispose()
