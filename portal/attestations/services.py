"""Sending an attestation link, answering it once, and reading a worker's attestations."""

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date, format_datetime
from flask import current_app, url_for
from sqlalchemy.exc import DBAPIError

from portal.attestations import answers as attest
from portal.extensions import db
from portal.mail.services import send_mail
from portal.models import Attestation, Employer, Position, User, Worker, utcnow
from portal.tenancy import attestation_for_link, scoped_select

LOCALES = {"en": "en_CA", "fr": "fr_CA"}


def now() -> datetime:
    """The current instant (one place, so tests can move the clock)."""
    return utcnow()


class AlreadyAnswered(Exception):
    """Someone answered this link between the page loading and this submission."""


@dataclass(frozen=True)
class Sent:
    attestation: Attestation
    link: str  # shown once to the sender, never stored


def worker_language(worker: Worker) -> str:
    return worker.language if worker.language in attest.LANGUAGES else "en"


def local_date(value: datetime, language: str) -> str:
    """A date as the worker reads it, in the portal's time zone."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if language == "fr":
        return format_datetime(value, "d MMMM y", tzinfo=zone, locale=LOCALES["fr"])
    return format_datetime(value, "MMMM d, y", tzinfo=zone, locale=LOCALES["en"])


def day_text(value, language: str) -> str:
    return format_date(value, "long", locale=LOCALES.get(language, "en_CA"))


def send_attestation(employer: Employer, position: Position, worker: Worker, sender: User) -> Sent:
    """Create the worker's attestation in the worker's language and mail its link.

    Only the token's SHA-256 is stored; the link goes to the worker's e-mail (when there is one)
    and back to the caller to show once."""
    token = attest.new_token()
    language = worker_language(worker)
    sent_at = now()
    attestation = Attestation(
        employer_id=position.employer_id,
        position_id=position.id,
        worker_id=worker.id,
        token_hash=attest.token_hash(token),
        language=language,
        sent_to=worker.email or None,
        created_by_id=sender.id,
        created_at=sent_at,
        expires_at=attest.expires_at(sent_at),
    )
    db.session.add(attestation)
    db.session.flush()
    link = url_for("attestations.answer", token=token, _external=True)
    if worker.email:
        subject = attest.text(language, "title")
        send_mail(
            worker.email,
            f"{subject} · {employer.display_name}",
            "attestation",
            log_body=False,
            language=language,
            worker=worker,
            employer=employer.display_name,
            position=position,
            link=link,
            expires=local_date(attestation.expires_at, language),
            tip_line=attest.TIP_LINE,
        )
    return Sent(attestation, link)


def attestation_for_token(token: str) -> Attestation | None:
    """The attestation a link names, answered or not; None for anything else."""
    if not attest.looks_like_token(token):
        return None
    return attestation_for_link(attest.token_hash(token))


def employer_of(attestation: Attestation) -> Employer:
    """The employer who sent the link (the public page names it)."""
    return db.session.get(Employer, attestation.employer_id)


def state_of(attestation: Attestation, at: datetime | None = None) -> str:
    """``answered``, ``expired`` or ``open``."""
    if attestation.answered_at is not None:
        return "answered"
    if attest.is_expired(attestation.expires_at, at or now()):
        return "expired"
    return "open"


def record_answers(attestation: Attestation, answers: dict, ip: str | None) -> None:
    """Keep the answers exactly as checked, with the time and address; the link is then dead.

    A second submission racing this one meets the database trigger (an answered attestation is
    final) and raises AlreadyAnswered."""
    attestation.answers = attest.stored_form(answers)
    attestation.answered_at = now()
    attestation.answered_ip = (ip or "")[:45] or None
    try:
        db.session.flush()
    except DBAPIError as refused:
        db.session.rollback()
        raise AlreadyAnswered() from refused


def attestations_of(worker: Worker) -> list[Attestation]:
    """The worker's attestations, newest first (the current employer's only)."""
    return list(
        db.session.scalars(
            scoped_select(Attestation)
            .where(Attestation.worker_id == worker.id)
            .order_by(Attestation.created_at.desc(), Attestation.id.desc())
        )
    )


def attestation_of(worker: Worker, attestation_id: int) -> Attestation | None:
    return db.session.scalar(
        scoped_select(Attestation).where(
            Attestation.id == attestation_id, Attestation.worker_id == worker.id
        )
    )
