"""``flask --app portal worker [--burst]``: the job queue's worker (``portal.queue``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.queue import QUEUE_NAME, queue_of, redis_of
from portal.queue.registry import load_job_modules

# How often (seconds) the worker cleans RQ's registries and recovers builds whose worker died.
MAINTENANCE_SECONDS = 60


@click.command("worker")
@click.option("--burst", is_flag=True, help="Quit once the queue is empty (for tests and cron).")
@click.option("--name", default=None, help="The worker's name in Redis (default: host.pid).")
@with_appcontext
def worker(burst: bool, name: str | None) -> None:
    """Take jobs from the queue (bundles, offer letters, reminders) until stopped."""
    from rq.serializers import JSONSerializer

    from portal.queue.worker import AppWorker, recover_abandoned

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "PORTAL_REDIS_URL is not set: without Redis every job runs in the web process, "
            "and no worker is needed"
        )
    load_job_modules()
    recover_abandoned(app)  # builds a dead worker left half-way go back on the queue
    runner = AppWorker(
        [queue_of(app)],
        connection=redis_of(app),
        serializer=JSONSerializer,
        name=name,
        maintenance_interval=int(app.config.get("QUEUE_MAINTENANCE_SECONDS", MAINTENANCE_SECONDS)),
        app=app,
    )
    click.echo(f"worker {runner.name} on queue {QUEUE_NAME!r}")
    runner.work(burst=burst, logging_level=app.config.get("QUEUE_LOG_LEVEL", "INFO"))
