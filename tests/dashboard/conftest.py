"""The dashboard's tests use the evidence views' locker (an employer, its people, a position)."""

from tests.evidence_views.conftest import locker  # noqa: F401
