"""Field encryption for identity numbers and second-factor secrets (security bar 2(n)).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a
keyring: the first key encrypts, every key decrypts, so a new key can be put in front and the
old ones kept until ``flask --app portal rotate-keys`` has re-encrypted every value.

Keys come from configuration (``PORTAL_FIELD_KEYS``: comma-separated Fernet keys, newest
first), never from the database. In development a key is made once and kept in
``instance/field_keys`` like the dev secret key; production refuses to start without the
setting. Plain Python: the keyring is importable and testable without Flask.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import JSON, String
from sqlalchemy.types import TypeDecorator

# Fernet tokens start with this (version byte 0x80, base64): how a stored value is told
# apart from a clear one left by an older schema. Not a secret.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105  # nosec B105 # a format marker, not a secret
UNREADABLE = "a stored value cannot be decrypted with any configured key"


class KeyringError(RuntimeError):
    """No usable key, or a stored value that no key of the keyring can open."""


class Keyring:
    """Fernet keys, newest first: the first encrypts, any decrypts."""

    def __init__(self, keys: Iterable[str | bytes]) -> None:
        self.keys = [key.encode() if isinstance(key, str) else key for key in keys if key]
        if not self.keys:
            raise KeyringError("no field-encryption key is configured (PORTAL_FIELD_KEYS)")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in self.keys])
        except ValueError as error:  # a key that is not 32 url-safe base64 bytes
            raise KeyringError(f"a PORTAL_FIELD_KEYS entry is not a Fernet key: {error}") from None

    @classmethod
    def from_setting(cls, setting: str | None) -> Keyring:
        return cls(key.strip() for key in (setting or "").split(","))

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise KeyringError(UNREADABLE) from None

    def rotate(self, token: str) -> str:
        """The same value encrypted under the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise KeyringError(UNREADABLE) from None

    def is_current(self, token: str) -> bool:
        """Whether ``token`` was made with the newest key (rotation skips those)."""
        try:
            Fernet(self.keys[0]).decrypt(token.encode())
        except InvalidToken:
            return False
        return True


_keyring: Keyring | None = None


def configure(keyring: Keyring) -> None:
    """Install a keyring for code that runs outside an app (the app factory also keeps its
    own in ``app.extensions``, so two apps in one process can hold different keys)."""
    global _keyring
    _keyring = keyring


def keyring() -> Keyring:
    """The current app's keyring, else the one installed with :func:`configure`."""
    from flask import current_app, has_app_context

    if has_app_context() and "field_keyring" in current_app.extensions:
        return current_app.extensions["field_keyring"]
    if _keyring is None:
        raise KeyringError("field encryption is not configured: build the app first")
    return _keyring


def mask(value: str | None, shown: int = 3) -> str | None:
    """``U104527391`` → ``•••391``: enough to tell two documents apart, not to copy one."""
    if not value:
        return value
    return "•••" + value[-shown:] if len(value) > shown else "•" * len(value)


class EncryptedString(TypeDecorator):
    """A string column stored encrypted; Python code only ever sees the clear value.

    ``length`` is the longest clear value accepted; the column is sized for its token. The
    stored value is not searchable (each encryption differs): nothing filters on these columns.
    """

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        self.clear_length = length
        # Fernet: 57 bytes of overhead plus the padded UTF-8 text (≤ 4 bytes a character),
        # base64-encoded.
        super().__init__(length=((57 + (length * 4 // 16 + 1) * 16 + 2) // 3) * 4)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if len(value) > self.clear_length:
            raise ValueError(f"value longer than {self.clear_length} characters")
        return keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return keyring().decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON object column whose named keys are stored encrypted (e.g. the LMIA number inside
    a worker's ``lmia-case/2`` offer); the other keys stay as they are, so the object keeps its
    shape and code only ever sees clear values."""

    impl = JSON
    cache_ok = True

    def __init__(self, keys: Iterable[str]) -> None:
        self.encrypted_keys = tuple(sorted(keys))
        super().__init__()

    def _each(self, value, change):
        if not isinstance(value, dict) or not any(
            isinstance(value.get(key), str) for key in self.encrypted_keys
        ):
            return value
        value = dict(value)
        for key in self.encrypted_keys:
            if isinstance(value.get(key), str):
                value[key] = change(value[key])
        return value

    def process_bind_param(self, value, dialect):
        return self._each(value, lambda clear: keyring().encrypt(clear))

    def process_result_value(self, value, dialect):
        return self._each(value, lambda token: keyring().decrypt(token))


def is_encrypted(column_type) -> bool:
    """Whether a column type stores encrypted values (the audit log never records those)."""
    return isinstance(column_type, EncryptedString | EncryptedJSON)


def masked_keys(value, keys: Iterable[str]):
    """``value`` (a JSON object) with ``keys`` masked, for records such as the audit log."""
    if not isinstance(value, dict):
        return value
    return {k: mask(v) if k in keys and isinstance(v, str) else v for k, v in value.items()}
