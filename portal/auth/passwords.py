"""Password policy and argon2id hashing (plain Python, no Flask).

Policy (ASVS 5.0 6.2.x): 12 to 128 characters, no composition rules, no truncation, and not one
of the 20,000 common passwords Django ships.
"""

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 128
_COMMON_PASSWORDS_FILE = (
    Path(__file__).resolve().parent.parent / "reference" / "common-passwords.txt.gz"
)


@cache
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problem(password: str) -> str | None:
    """Return why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.strip().lower() in _common_passwords():
        return "This password is too common. Choose one that is harder to guess."
    return None


class PasswordHashing:
    """argon2id with parameters from configuration; rehashes on login when they rise."""

    def __init__(self, time_cost: int, memory_cost_kib: int, parallelism: int):
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost_kib,
            parallelism=parallelism,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)

    def burn(self, password: str) -> None:
        """Spend the same time as a real check, so unknown emails do not answer faster."""
        self._hasher.hash(password)
