"""Long jobs (issue 12): run by an RQ worker on Redis when PORTAL_REDIS_URL is set, inline in
the asking process otherwise (the embedded default of `make run`).

How a capability uses it:

    from portal.queue import job, enqueue

    @job("verdict.refresh")
    def refresh_verdict(position_id: int) -> None:   # runs inside an app context
        ...

    enqueue("verdict.refresh", position_id=7)

A job takes plain keyword arguments (ids, not rows: they travel as JSON) and must be safe to
run twice: a worker killed half-way is retried, and two workers may pick the same job. The
module defining a job must be listed in ``portal.queue.registry.JOB_MODULES``: the worker
imports exactly those, so a job a web process can enqueue is one the worker can run.

The worker is ``flask --app portal worker`` (``portal.queue.worker``); every job is the call
``portal.queue.run(name, arguments)``, so what Redis holds names a registered job, never an
arbitrary function, and the arguments are JSON (RQ's ``JSONSerializer``), never a pickle.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, has_app_context

# Job name → function. Filled by @job as each capability's module is imported.
JOBS: dict[str, Callable[..., object]] = {}

QUEUE_NAME = "portal"
# RQ's own limit on one job (the worker kills a job past it). Jobs with a tighter limit of
# their own (a bundle's BUNDLE_TIME_LIMIT_SECONDS) stop themselves earlier.
JOB_TIMEOUT_SECONDS = 3600
# How long Redis keeps a finished job's record (for `rq info` and a look after a failure).
RESULT_TTL_SECONDS = 3600
FAILURE_TTL_SECONDS = 7 * 24 * 3600


def job(name: str):
    """Register ``function`` as the job ``name`` (names are stable: queued jobs refer to them)."""

    def register(function):
        if JOBS.get(name, function) is not function:
            raise ValueError(f"two jobs named {name!r}")
        JOBS[name] = function
        return function

    return register


def enqueue(name: str, **arguments) -> str | None:
    """Run job ``name`` with ``arguments``: on the queue if Redis is configured (returns the
    queued job's id), else now, in this process (returns None)."""
    if name not in JOBS:  # its module not imported yet in this process: the worker's list
        from portal.queue.registry import load_job_modules

        load_job_modules()
    if name not in JOBS:
        raise KeyError(f"no job named {name!r}")
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        JOBS[name](**arguments)
        return None
    queued = queue_of(app).enqueue(
        run,
        name,
        arguments,
        description=name,
        job_timeout=JOB_TIMEOUT_SECONDS,
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
    )
    return queued.id


def run(name: str, arguments: dict) -> None:
    """What the worker executes for every job: the registered function, in the app context
    the worker pushed (``portal.queue.worker.AppWorker``)."""
    if not has_app_context():
        raise RuntimeError("portal jobs run in `flask --app portal worker`, not a bare `rq worker`")
    if name not in JOBS:  # enqueued by a newer release, or its module missing from the registry
        raise KeyError(f"no job named {name!r}: is its module in portal.queue.registry?")
    JOBS[name](**arguments)


def redis_of(app: Flask):
    """The app's Redis connection (one pool per process and app)."""
    connection = app.extensions.get("portal.redis")
    if connection is None:
        import redis

        connection = redis.Redis.from_url(app.config["REDIS_URL"])
        app.extensions["portal.redis"] = connection
    return connection


def queue_of(app: Flask):
    """The RQ queue of ``app``'s Redis, with JSON as the job format."""
    from rq import Queue
    from rq.serializers import JSONSerializer

    return Queue(QUEUE_NAME, connection=redis_of(app), serializer=JSONSerializer)
