"""Security bar 2(f) credentials: argon2id at the ASVS 5.0 floor, length policy, no truncation,
common passwords refused, no composition rules (ASVS 5.0 6.2.x, 11.4.2). Plain Python first."""

import gzip
import re
from pathlib import Path

import pytest

from portal.auth import passwords
from portal.auth.passwords import MAX_LENGTH, MIN_LENGTH, PasswordHashing, password_problem
from portal.config import build_config
from portal.extensions import db
from portal.models import User
from tests.conftest import TEST_CONFIG
from tests.helpers import form_token

# ASVS 5.0 appendix: argon2id t=1, m >= 46 MiB (47104 KiB), p=1.
FLOOR = {"t": 1, "m": 47104, "p": 1}
_ARGON2 = re.compile(
    r"^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"
)


def parameters(stored_hash: str) -> dict:
    match = _ARGON2.match(stored_hash)
    assert match, f"not an argon2id hash: {stored_hash[:30]}..."
    version, m, t, p = (int(group) for group in match.groups())
    return {"v": version, "m": m, "t": t, "p": p}


def assert_at_floor(stored_hash: str) -> None:
    assert stored_hash.startswith("$argon2id$")
    found = parameters(stored_hash)
    assert found["v"] == 19
    assert found["t"] >= FLOOR["t"], found
    assert found["m"] >= FLOOR["m"], found
    assert found["p"] >= FLOOR["p"], found


@pytest.fixture(scope="module")
def hashing():
    return PasswordHashing(
        TEST_CONFIG["ARGON2_TIME_COST"],
        TEST_CONFIG["ARGON2_MEMORY_COST_KIB"],
        TEST_CONFIG["ARGON2_PARALLELISM"],
    )


def test_hash_is_argon2id_at_the_floor(hashing):
    assert_at_floor(hashing.hash("a perfectly fine passphrase"))


def test_production_parameters_are_at_least_the_floor(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    config = build_config(tmp_path)
    assert config["ARGON2_TIME_COST"] >= FLOOR["t"]
    assert config["ARGON2_MEMORY_COST_KIB"] >= FLOOR["m"]
    assert config["ARGON2_PARALLELISM"] >= FLOOR["p"]
    production = PasswordHashing(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"]
    )
    assert_at_floor(production.hash("a perfectly fine passphrase"))


def test_stored_hash_of_a_registered_user(app, make):
    user = make.user()
    with app.app_context():
        assert_at_floor(db.session.get(User, user.id).password_hash)


@pytest.mark.parametrize("alphabet", ["abcdefghij", "éßøæ€漢字🙂ğş"], ids=["ascii", "multibyte"])
def test_no_truncation_at_128_characters(hashing, alphabet):
    password = "".join(alphabet[i % len(alphabet)] for i in range(MAX_LENGTH))
    assert len(password) == 128
    assert password_problem(password) is None
    stored = hashing.hash(password)
    assert hashing.verify(stored, password)
    changed = password[:100] + ("X" if password[100] != "X" else "Y") + password[101:]
    assert len(changed) == 128
    assert not hashing.verify(stored, changed), "a change at position 100 still verifies"
    assert not hashing.verify(stored, password[:72]), "the first 72 characters alone verify"


def test_length_limits():
    assert MIN_LENGTH == 12 and MAX_LENGTH == 128
    assert password_problem("x7#kq9vz2mw") is not None  # 11 characters
    assert password_problem("x7#kq9vz2mwp") is None  # 12 characters
    assert password_problem("q" * 9 + "zx7" + "m" * 116) is None  # 128
    assert password_problem("q" * 9 + "zx7" + "m" * 117) is not None  # 129


def _common_list() -> list[str]:
    path = (
        Path(passwords.__file__).resolve().parent.parent / "reference" / "common-passwords.txt.gz"
    )
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [line.strip() for line in lines if line.strip()]


def test_common_passwords_are_refused():
    common = _common_list()
    assert len(common) >= 3000
    long_ones = [word for word in common if len(word) >= MIN_LENGTH]
    chosen = "password1234" if "password1234" in common else long_ones[0]
    assert len(chosen) >= MIN_LENGTH
    assert password_problem(chosen) is not None
    assert password_problem(chosen.upper()) is not None
    assert password_problem(f"  {chosen} ") is not None
    for word in long_ones[:200]:
        if len(word) <= MAX_LENGTH:
            assert password_problem(word) is not None, word


def test_no_composition_rules():
    assert password_problem("purple elephants dance quietly") is None  # lower case only
    assert password_problem("correcthorsebatterystaplex") is None  # letters only
    assert password_problem("8302917465018273") is None  # digits only
    assert password_problem("ZEBRA CROSSING AT NOON") is None  # upper case only


def test_signup_form_applies_the_policy(client):
    token = form_token(client, "/account/signup")
    for password in ("password1234", "short pass", "p" * 129):
        response = client.post(
            "/account/signup",
            data={
                "full_name": "Someone",
                "email": "someone@example.com",
                "password": password,
                "confirm": password,
                "csrf_token": token,
            },
        )
        assert response.status_code == 422, (password, response.status_code)
