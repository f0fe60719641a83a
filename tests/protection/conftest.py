import pytest

from tests.protection.support import make_ledger_shop


@pytest.fixture
def shop(app, make):
    return make_ledger_shop(app, make)
