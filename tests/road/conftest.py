import pytest

from portal.extensions import db
from tests.offers.support import make_hiring, offers_app


@pytest.fixture
def road_app(database_url, tmp_path):
    app = offers_app(database_url, tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def hiring(road_app):
    return make_hiring(road_app)
