"""The worker process: ``flask --app portal worker`` (or ``make worker``).

The app is made once per worker, by the ``flask`` command that starts it, and every job runs
in a fresh app context of that app (its own ``g`` and database session). The worker class is
RQ's default, forking ``Worker``, not ``SimpleWorker``: each job runs in a child process (the
"work horse") forked from the loaded app, so it starts in milliseconds yet cannot leak into the
next job; a job that crashes its process (a converter taking all memory, a native library
failing) or runs past its time limit is killed by the worker from outside, which records it and
takes the next. SimpleWorker would run jobs in the worker's own process: one crash would take
the worker down, and the time limit is a signal the stuck native code may never see.

After a fork the child must not use the database connections it inherited (they belong to the
parent's sockets): it drops them first (SQLAlchemy's ``dispose(close=False)``).
"""

from __future__ import annotations

import logging

from flask import Flask
from rq import Worker

from portal.extensions import db

log = logging.getLogger("portal.queue")


class AppWorker(Worker):
    """RQ's forking worker, running each job in an app context of ``app``."""

    def __init__(self, *args, app: Flask, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def main_work_horse(self, *args, **kwargs):
        with self.app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)  # the parent's connections, not ours
        return super().main_work_horse(*args, **kwargs)

    def perform_job(self, *args, **kwargs):
        with self.app.app_context():
            return super().perform_job(*args, **kwargs)

    def subscribe(self):
        """RQ's own, with the listening thread waking every second instead of every 60: with
        redis-py 8 stopping it waits for that wake-up, so each worker took up to a minute to
        quit (a deploy's restart, a burst run's end)."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        recover_abandoned(self.app)


def recover_abandoned(app: Flask) -> None:
    """Put back on the queue the jobs whose worker died half-way (and end those that are over):
    when a worker starts, and at each of its maintenance rounds."""
    from portal.evidence import bundles

    with app.app_context():
        try:
            bundles.sweep_all()
        except Exception:  # the worker keeps taking jobs; the next round tries again
            log.exception("recovering abandoned bundle builds failed")
