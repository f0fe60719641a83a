"""The security suite's ``app``: like tests/conftest.py's, but with its own evidence store and
instance directory (``support.new_app``), so uploads and bundles never touch the checkout's
instance/ and ``support.snapshot`` can see every file a request leaves behind."""

import pytest

from tests.security.support import dispose, new_app


@pytest.fixture
def app(database_url):
    app = new_app(database_url)
    yield app
    dispose(app)
