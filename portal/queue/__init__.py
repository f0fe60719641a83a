"""Long jobs (issue 12): run by an RQ worker on Redis when PORTAL_REDIS_URL is set, inline in
the asking process otherwise (the embedded default of `make run`).

How a capability uses it:

    from portal.queue import job, enqueue

    @job("verdict.refresh")
    def refresh_verdict(position_id: int) -> None:   # runs inside an app context
        ...

    enqueue("verdict.refresh", position_id=7)

A job takes plain keyword arguments (ids, not rows) and must be safe to run twice: a worker
killed half-way is retried, and two workers may pick the same job.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

# Job name → function. Filled by @job as each capability's module is imported.
JOBS: dict[str, Callable[..., object]] = {}


def job(name: str):
    """Register ``function`` as the job ``name`` (names are stable: queued jobs refer to them)."""

    def register(function):
        if JOBS.get(name, function) is not function:
            raise ValueError(f"two jobs named {name!r}")
        JOBS[name] = function
        return function

    return register


def enqueue(name: str, **arguments) -> None:
    """Run job ``name`` with ``arguments``: on the queue if Redis is configured, else now."""
    if name not in JOBS:
        raise KeyError(f"no job named {name!r}")
    if current_app.config.get("REDIS_URL"):
        raise NotImplementedError("the RQ queue is being built (issue 12)")
    JOBS[name](**arguments)
