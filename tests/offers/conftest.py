import pytest

from portal.extensions import db
from tests.offers.support import make_hiring, offers_app


@pytest.fixture
def offers(database_url, tmp_path):
    app = offers_app(database_url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def hiring(offers):
    return make_hiring(offers)
