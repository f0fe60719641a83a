import pytest

from tests.positions.support import make_shop


@pytest.fixture
def shop(app, make):
    return make_shop(app, make)
