"""gunicorn settings for serving the portal in production: ``make serve``, which runs
``.venv/bin/gunicorn -c gunicorn.conf.py`` (see README, "Serving").

Every setting comes from an environment variable with a default fit for one machine behind a
reverse proxy (nginx, a cloud load balancer) that terminates TLS and buffers requests.

- Sync workers: a request is CPU work (the rules engine, Jinja, argon2 on sign-in, WeasyPrint)
  over blocking drivers (psycopg, redis-py, boto3); a sync worker per core or so uses the cores
  without monkey-patching any of them, and one request cannot stall another's in the same
  process. Slow clients are the proxy's to buffer; long work (bundles, letters, mail) belongs to
  the job queue, not to a request.
- No preload: each worker imports and builds the app after the fork, so no database or Redis
  connection, key ring or thread is ever shared between processes, and ``kill -HUP`` of the
  master loads new code. The cost is a second or two per worker at start and more memory.
  Start-up still fails fast: the master checks the settings and the database's schema first
  (``on_starting`` below), and a worker that cannot build the app stops gunicorn.
- The access log leaves out query strings and the Referer (either can carry a token), and the
  app blanks secret-link tokens in the paths it logs (``portal.web.SecretLinkRedactor``).

It never migrates or seeds: with several workers (and machines) starting at once, each would
race the others; ``flask --app portal db upgrade`` is a deployment step, run once before.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# The repository root: gunicorn runs this file as a module of its own.
sys.path.insert(0, str(Path(__file__).resolve().parent))

wsgi_app = "portal:create_app()"
bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000").split(",")
worker_class = "sync"
# gunicorn's rule of thumb for sync workers: two per core and one more.
workers = int(os.environ.get("PORTAL_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# A request that takes longer than this is killed (its worker restarted). The slowest request
# left in a page is an offer letter's render (a second or two); bundles are jobs.
timeout = int(os.environ.get("PORTAL_WEB_TIMEOUT", 60))
# On a restart or a deploy, requests under way get this long to finish.
graceful_timeout = int(os.environ.get("PORTAL_WEB_GRACEFUL_TIMEOUT", 30))
# Recycle a worker now and then (jittered so they do not all restart at once): memory that a
# PDF or an image library keeps is given back.
max_requests = int(os.environ.get("PORTAL_WEB_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
preload_app = False

# Trust X-Forwarded-* from no one here: the app's ProxyFix does it, for exactly
# PORTAL_TRUSTED_PROXY_COUNT proxies, so there is one place that decides whom to believe.
forwarded_allow_ips = ""
# No runtime control socket (gunicornc): nothing uses it, and its one default path in the home
# directory would be shared by every gunicorn of the account.
control_socket_disable = True

accesslog = os.environ.get("PORTAL_WEB_ACCESS_LOG", "-")
errorlog = os.environ.get("PORTAL_WEB_ERROR_LOG", "-")
loglevel = os.environ.get("PORTAL_WEB_LOG_LEVEL", "info")
# Path without the query string, no Referer; the worker's pid tells which process answered.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms pid=%(p)s'


def on_starting(server) -> None:
    """Refuse to start, in the master and before any worker, when the settings are incomplete
    for this environment or the database's schema is not the code's; warn when the sign-in
    limits would be kept per worker. A RuntimeError here is printed by gunicorn as "Error: …"
    and it exits 1.

    Building the settings here also makes the development secret and field keys (files in the
    instance folder) once, before the fork: workers making them at the same moment could each
    write a different key and refuse each other's cookies."""
    from portal.config import build_config, instance_path
    from portal.serving import schema_problem

    settings = build_config(instance_path())
    problem = schema_problem(settings["SQLALCHEMY_DATABASE_URI"])
    if problem:
        raise RuntimeError(problem)
    if settings["RATELIMIT_STORAGE_URI"].startswith("memory://") and server.cfg.workers > 1:
        server.log.warning(
            "RATE LIMITS ARE PER WORKER: PORTAL_RATELIMIT_STORAGE_URL is memory://, so each of "
            "the %d workers counts sign-in attempts alone (the limits are %d times looser). Set "
            "PORTAL_RATELIMIT_STORAGE_URL=redis://… (production refuses to start without it).",
            server.cfg.workers,
            server.cfg.workers,
        )
