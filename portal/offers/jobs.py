"""Generating a letter version on the job queue: the job "offers.render" (``portal.queue``).

Rendering a version (the PDF with WeasyPrint, the DOCX with python-docx) takes a second or
more; with Redis configured the page queues it and a worker renders it, without Redis the
request renders it itself (``portal.offers.views.generate``). Safe to run twice: ``generate``
reuses the latest version when its inputs are unchanged, and two at once collide on the
version number, the loser forgetting its stored files (no object without a row).
"""

from __future__ import annotations

from datetime import date

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.evidence.services import forget_stored
from portal.extensions import db
from portal.models import Employer, Position, Worker
from portal.offers import services
from portal.queue import job
from portal.tenancy import load_for_operator, scoped_select


@job("offers.render")
def render_version(position_id: int, worker_id: int, user_id: int, as_of: str) -> int | None:
    """Generate the version of worker ``worker_id``'s letter for the current inputs, as user
    ``user_id`` asked on ``as_of`` (ISO date); the version's id (None when there is nothing
    to generate: the worker or the offer is gone)."""
    with current_app.test_request_context():
        position = load_for_operator(Position, position_id)
        if position is None:
            return None
        g.employer = db.session.scalar(select(Employer).where(Employer.id == position.employer_id))
        g.audit_actor_id = user_id
        position = db.session.scalar(scoped_select(Position).where(Position.id == position_id))
        worker = db.session.scalar(
            scoped_select(Worker).where(Worker.id == worker_id, Worker.position_id == position_id)
        )
        if worker is None or not worker.offer:
            return None
        generated = services.generate(position, worker, user_id, date.fromisoformat(as_of))
        try:
            db.session.commit()
        except IntegrityError:  # another render took this number at the same moment: it stands
            db.session.rollback()
            for key in generated.stored_keys:
                forget_stored(key)
            return None
        except Exception:
            db.session.rollback()
            for key in generated.stored_keys:
                forget_stored(key)
            raise
        return generated.version.id
