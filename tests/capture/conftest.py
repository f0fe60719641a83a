import pytest

from tests.capture.support import ad_servers
from tests.positions.support import first_activity_id, make_shop


@pytest.fixture
def shop(app, make):
    return make_shop(app, make)


@pytest.fixture
def servers(app):
    """The local ad server, allowed by the guard for this app only, and a forbidden one."""
    with ad_servers() as (base, host, forbidden):
        app.config["CAPTURE_ALLOWED_HOSTS"] = [host]
        yield base, forbidden


@pytest.fixture
def ad(shop, app):
    """A position with its Job Bank ad (an online posting): (position id, URL, activity id,
    the activity's capture page)."""
    position_id, url = shop.create_position()
    shop.add_activity(url)
    activity_id = first_activity_id(app, position_id)
    return position_id, url, activity_id, f"{url}activities/{activity_id}/capture"
