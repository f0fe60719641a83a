import pytest

from tests.payroll.support import make_payroll_shop


@pytest.fixture
def payroll(app, make):
    return make_payroll_shop(app, make)
