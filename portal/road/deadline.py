"""A dated thing someone must do, shared by the road, the recruitment timeline, the deadline
list, the reminder mails and the calendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Deadline:
    # Stable across runs (e.g. "permit-expiry:worker:7:2027-03-04"): reminders are sent once
    # per key and calendar UIDs are built from it.
    key: str
    due_on: date
    title: str
    kind: str
    employer_id: int
    position_id: int
    worker_id: int | None
    url_endpoint: str
    url_values: tuple[tuple[str, int], ...]
    citation: str | None
