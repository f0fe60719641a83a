"""Every module that registers a job with ``@job``: the worker imports each before it takes
its first job, so whatever a web process can enqueue, the worker can run.

A capability adding a job adds its module here (the test in tests/queue checks that each
module of the portal using ``@job`` is listed).
"""

from __future__ import annotations

import importlib

JOB_MODULES = (
    "portal.capture.services",  # ad.capture
    "portal.evidence.bundles",  # bundle.build
    "portal.deadlines.reminders",  # reminders.send
    "portal.offers.jobs",  # offers.render
    "portal.verdicts",  # verdict.refresh
)


def load_job_modules() -> None:
    for name in JOB_MODULES:
        importlib.import_module(name)
