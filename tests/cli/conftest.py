import pytest

from tests.cli.support import demo_shell


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """(shell, seed-demo's result): migrated and seeded once per test module."""
    return demo_shell(tmp_path_factory.mktemp("user-shell"))


@pytest.fixture(scope="module")
def shell(seeded):
    return seeded[0]
