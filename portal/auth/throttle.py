"""Throttling of sign-in, password reset and invitation attempts, per IP and per account.

Built on Flask-Limiter's storage and strategy (shared storage in production), called explicitly
so that only *failed* sign-ins count and the page can say how long to wait. Throttling, not
lock-out: an attacker cannot lock a real user out for longer than the window.
"""

import hashlib
import time

from flask import current_app, request
from limits import RateLimitItem, parse

from portal.extensions import limiter, rate_limits


class TooManyAttempts(Exception):
    def __init__(self, retry_after_seconds: int):
        super().__init__(f"retry after {retry_after_seconds}s")
        self.retry_after_seconds = retry_after_seconds

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after_seconds // 60))


def _buckets(scope: str, account: str | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    config = current_app.config
    buckets = [(parse(config["LOGIN_LIMIT_PER_IP"]), (scope, "ip", request.remote_addr or "-"))]
    if account:
        # Keyed on a digest so raw email addresses never sit in the limiter's storage.
        digest = hashlib.sha256(account.strip().lower().encode()).hexdigest()
        buckets.append((parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), (scope, "account", digest)))
    return buckets


def check(scope: str, account: str | None = None, *, known_device: bool = False) -> None:
    """Raise TooManyAttempts when the IP or the account has used up its attempts.

    ``known_device``: the browser signed in to this account before (portal.auth.devices), so
    strangers' failures on the account do not lock it out; its IP's limit still applies.
    """
    if not (current_app.config["RATELIMIT_ENABLED"] and limiter.enabled):
        return
    waits = []
    for item, keys in _buckets(scope, None if known_device else account):
        if not rate_limits().test(item, *keys):
            reset_at = rate_limits().get_window_stats(item, *keys).reset_time
            waits.append(int(reset_at - time.time()) + 1)
    if waits:
        raise TooManyAttempts(max(waits))


def count_attempt(scope: str, account: str | None = None) -> None:
    """Count one attempt (a failed sign-in, a reset request) against the IP and the account."""
    if not (current_app.config["RATELIMIT_ENABLED"] and limiter.enabled):
        return
    for item, keys in _buckets(scope, account):
        rate_limits().hit(item, *keys)
