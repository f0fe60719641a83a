"""Settings, read from environment variables with safe embedded defaults.

Development runs on an SQLite file under ``instance/``; ``PORTAL_DATABASE_URL`` switches to
PostgreSQL. ``PORTAL_ENV=production`` turns on the hardened cookie and host settings.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """The instance folder (dev secret key, dev database, loaded reference files, bundle work
    files): ``PORTAL_INSTANCE_PATH``, else ``instance/`` beside the package. Flask-free, so the
    ``lmia`` checker reads the same reference files as the app without building it."""
    configured = os.environ.get("PORTAL_INSTANCE_PATH")
    return Path(configured).resolve() if configured else PACKAGE_ROOT / "instance"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """Return a per-checkout random key kept in instance/, so dev sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _dev_field_keys(instance_path: Path) -> str:
    """A per-checkout field-encryption key kept in instance/ (production must configure one)."""
    key_file = instance_path / "field_keys"
    if not key_file.exists():
        from portal.crypto import Keyring

        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Keyring.new_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def build_config(instance_path: Path) -> dict:
    """Return the settings for this process, from the environment."""
    env = os.environ.get("PORTAL_ENV", "development")
    production = env == "production"
    secret_key = os.environ.get("PORTAL_SECRET_KEY")
    if not secret_key:
        if production:
            raise RuntimeError("PORTAL_SECRET_KEY must be set in production")
        secret_key = _dev_secret_key(instance_path)

    # Identity numbers and second-factor secrets are encrypted with these (portal.crypto):
    # comma-separated Fernet keys, the newest first.
    field_keys = os.environ.get("PORTAL_FIELD_KEYS")
    if not field_keys:
        if production:
            raise RuntimeError("PORTAL_FIELD_KEYS must be set in production")
        field_keys = _dev_field_keys(instance_path)

    database_url = os.environ.get(
        "PORTAL_DATABASE_URL", f"sqlite:///{instance_path / 'portal.sqlite3'}"
    )
    trusted_hosts = [h.strip() for h in os.environ.get("PORTAL_TRUSTED_HOSTS", "").split(",")]
    trusted_hosts = [h for h in trusted_hosts if h]
    if production and not trusted_hosts:
        raise RuntimeError("PORTAL_TRUSTED_HOSTS must be set in production")
    # The outbox shows a signed-in user the mail for their address; sign-up does not prove
    # ownership of an address, so in production mail must really leave the machine.
    if production and not os.environ.get("PORTAL_SMTP_HOST"):
        raise RuntimeError("PORTAL_SMTP_HOST must be set in production")

    # Throttles kept in one process's memory are per worker and per machine: behind a load
    # balancer the sign-in limits would be as many times looser as there are processes. A
    # weakened security control must not pass unnoticed in a log, so production refuses.
    ratelimit_storage = os.environ.get("PORTAL_RATELIMIT_STORAGE_URL", "memory://")
    # Ad capture (portal/capture): host:port pairs fetched whatever their address. Only tests
    # serve ads from loopback; in production the guard must see every address.
    capture_allowed = [
        entry.strip()
        for entry in os.environ.get("PORTAL_CAPTURE_ALLOWED_HOSTS", "").split(",")
        if entry.strip()
    ]
    if production and capture_allowed:
        raise RuntimeError(
            "PORTAL_CAPTURE_ALLOWED_HOSTS is for tests; leave it empty in production"
        )
    if production and ratelimit_storage.startswith("memory://"):
        raise RuntimeError(
            "PORTAL_RATELIMIT_STORAGE_URL must name shared storage (redis://…) in production: "
            "memory:// keeps the sign-in limits per process"
        )

    return {
        "PORTAL_ENV": env,
        "SECRET_KEY": secret_key,
        "FIELD_KEYS": field_keys,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # `make bench-scale` only: each response says how many SQL statements it took.
        "COUNT_QUERIES": os.environ.get("PORTAL_BENCH_COUNT_QUERIES") == "1",
        # Sessions: a server-side row per sign-in (portal.auth.sessions) enforces these two.
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(os.environ.get("PORTAL_IDLE_MINUTES", 30))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_COOKIE_NAME": "__Host-session" if production else "portal_session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "TRUSTED_HOSTS": trusted_hosts or None,
        "MAX_CONTENT_LENGTH": int(os.environ.get("PORTAL_MAX_UPLOAD_MB", 20)) * 1024 * 1024
        + 64 * 1024,
        "HSTS": production,
        # Evidence: per-file limit (the request limit above adds room for the form fields),
        # and where the bytes live: a local directory (default) or S3-compatible storage.
        "EVIDENCE_MAX_BYTES": int(os.environ.get("PORTAL_MAX_UPLOAD_MB", 20)) * 1024 * 1024,
        "STORAGE_BACKEND": os.environ.get("PORTAL_STORAGE", "local"),
        "STORAGE_DIR": os.environ.get("PORTAL_STORAGE_DIR", str(instance_path / "evidence")),
        "S3_BUCKET": os.environ.get("PORTAL_S3_BUCKET"),
        "S3_PREFIX": os.environ.get("PORTAL_S3_PREFIX", "evidence/"),
        "S3_ENDPOINT_URL": os.environ.get("PORTAL_S3_ENDPOINT_URL"),
        "S3_REGION": os.environ.get("PORTAL_S3_REGION"),
        "BUNDLE_INLINE": False,
        "CAPTURE_CHROMIUM": os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"),
        "CAPTURE_TIMEOUT_SECONDS": int(os.environ.get("PORTAL_CAPTURE_TIMEOUT_SECONDS", 30)),
        "CAPTURE_ALLOWED_HOSTS": capture_allowed,
        # CSRF tokens live as long as the session rather than a fixed hour, so a long form
        # typed on a phone is not rejected on submit.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        # Login and reset throttles (portal.auth.throttle). Storage must be shared (redis://)
        # when running several worker processes; memory:// is per process.
        "RATELIMIT_STORAGE_URI": ratelimit_storage,
        # The job queue (portal.queue, issue 12): an RQ queue on this Redis; unset, jobs run
        # inline in the process that asks for them (the embedded default of `make run`).
        "REDIS_URL": os.environ.get("PORTAL_REDIS_URL"),
        # Tests only: a pause after each evidence file of a bundle build, so a test can kill
        # the worker half-way through (tests/queue). 0 (no pause) unless set.
        "BUNDLE_STEP_PAUSE_SECONDS": float(os.environ.get("PORTAL_BUNDLE_STEP_PAUSE_SECONDS", 0)),
        "RATELIMIT_ENABLED": True,
        "LOGIN_LIMIT_PER_IP": os.environ.get("PORTAL_LOGIN_LIMIT_PER_IP", "20 per 15 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get(
            "PORTAL_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"
        ),
        # A worker's attestation link (portal.attestations): every request counts, per IP and
        # per link.
        "ATTESTATION_LIMIT_PER_IP": os.environ.get(
            "PORTAL_ATTESTATION_LIMIT_PER_IP", "60 per 15 minutes"
        ),
        "ATTESTATION_LIMIT_PER_LINK": os.environ.get(
            "PORTAL_ATTESTATION_LIMIT_PER_LINK", "20 per 15 minutes"
        ),
        "PROXY_COUNT": int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", 0)),
        # Mail: with no SMTP host, messages go to the outbox table and the log.
        "SMTP_HOST": os.environ.get("PORTAL_SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("PORTAL_SMTP_PORT", 587)),
        "SMTP_USERNAME": os.environ.get("PORTAL_SMTP_USERNAME"),
        "SMTP_PASSWORD": os.environ.get("PORTAL_SMTP_PASSWORD"),
        "SMTP_STARTTLS": _env_bool("PORTAL_SMTP_STARTTLS", True),
        "MAIL_FROM": os.environ.get("PORTAL_MAIL_FROM", "LMIA Portal <no-reply@localhost>"),
        "INVITATION_MAX_AGE": timedelta(days=7),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        "BABEL_DEFAULT_LOCALE": "en_CA",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("PORTAL_TIMEZONE", "America/Toronto"),
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        # argon2id cost; tests lower it (never in production).
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST_KIB": 64 * 1024,
        "ARGON2_PARALLELISM": 1,
    }
