"""Signed, expiring links (password reset, invitations), with itsdangerous."""

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidLink(Exception):
    """The link was tampered with, is malformed, or has expired."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def sign(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: timedelta) -> dict:
    try:
        payload = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise InvalidLink(expired=True) from error
    except BadSignature as error:
        raise InvalidLink() from error
    if not isinstance(payload, dict):
        raise InvalidLink()
    return payload


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
