"""Production refuses throttles kept in one process's memory (several workers and machines
would each count alone); a shared storage is accepted."""

import pytest

from portal.config import build_config

PRODUCTION = {
    "PORTAL_ENV": "production",
    "PORTAL_SECRET_KEY": "production-test-key-" + "x" * 40,
    "PORTAL_FIELD_KEYS": "Z2l2ZS1tZS1hLXRoaXJ0eS10d28tYnl0ZS1rZXktMDE=",
    "PORTAL_TRUSTED_HOSTS": "portal.example",
    "PORTAL_SMTP_HOST": "smtp.invalid",
}


@pytest.mark.parametrize("storage", [None, "memory://"])
def test_production_refuses_rate_limits_in_memory(monkeypatch, tmp_path, storage):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    if storage:
        monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URL", storage)
    else:
        monkeypatch.delenv("PORTAL_RATELIMIT_STORAGE_URL", raising=False)
    with pytest.raises(RuntimeError, match="PORTAL_RATELIMIT_STORAGE_URL must name shared"):
        build_config(tmp_path)


def test_production_accepts_rate_limits_in_redis(monkeypatch, tmp_path):
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PORTAL_RATELIMIT_STORAGE_URL", "redis://redis.internal:6379/1")
    assert build_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/1"
