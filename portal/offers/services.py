"""Offer operations (contract 5): a position's workers, their offers' findings, generating,
issuing and signing versions of the letter. Views commit once; these only flush."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import abort, current_app

from portal.evidence.services import evidence_storage, forget_stored
from portal.extensions import db
from portal.models import Employer, EvidenceFile, OfferVersion, Position, User, Worker, utcnow
from portal.models.offers import OFFER_IDENTITY_KEYS
from portal.models.protection import DocumentCustody, Payment
from portal.models.road import PayrollPeriod, WorkerRoad
from portal.offers import terms
from portal.positions import compliance
from portal.positions.reference import labour_market
from portal.storage import new_key
from portal.tenancy import (
    get_scoped_or_404,
    position_scope,
    position_scoped_select,
    scoped_select,
)

# OFFER-SIGNED is about signatures, which come after issuing: it never blocks the issue.
NOT_BLOCKING = frozenset({"OFFER-SIGNED"})
# Letter inputs that record the signing, not the terms: an agreement signed after it was
# issued is not "out of date" because of its own signatures.
SIGNATURE_KEYS = frozenset(
    {
        "signed_by_employer_name",
        "signed_by_employer_on",
        "signed_by_worker_name",
        "signed_by_worker_on",
    }
)
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class IssueRefused(Exception):
    """The version cannot be issued; the message is for the user."""


class WorkerLimit(Exception):
    """The position already names as many workers as it was approved for."""


class DeleteRefused(Exception):
    """The worker has an issued version or answered an attestation (evidence): it stays."""

    def __init__(self, reason: str = "issued_offer"):
        super().__init__(reason)
        self.reason = reason  # "issued_offer" | "answered_attestation" | "payroll"


def _has_payroll(worker: Worker) -> bool:
    return (
        db.session.scalar(
            scoped_select(PayrollPeriod).where(PayrollPeriod.worker_id == worker.id).limit(1)
        )
        is not None
    )


def keeps_evidence(worker: Worker) -> bool:
    """Whether deleting the worker would destroy evidence: an issued offer, their own answers or
    their pay periods."""
    return (
        any(v.issued_at for v in worker.versions)
        or any(a.answered_at for a in worker.attestations)
        or _has_payroll(worker)
    )


# --- Workers ---------------------------------------------------------------------------------


def worker_of(position: Position, worker_id: int) -> Worker:
    """One worker of this position, through the employer scope; any other id answers 404."""
    worker = get_scoped_or_404(Worker, worker_id)
    if worker.position_id != position.id:
        abort(404)
    return worker


def version_of(worker: Worker, version_id: int) -> OfferVersion:
    version = get_scoped_or_404(OfferVersion, version_id)
    if version.worker_id != worker.id:
        abort(404)
    return version


def workers_of(position: Position) -> list[Worker]:
    return list(position.workers)


def worker_index(position: Position, worker: Worker) -> int:
    """The worker's place in the case (``workers[i]``): the position's workers by id."""
    return [w.id for w in position.workers].index(worker.id)


def can_add_worker(position: Position) -> bool:
    return len(position.workers) < (position.positions or 0)


def _employer(position: Position) -> Employer:
    return db.session.get(Employer, position.employer_id)


def _standard_terms():
    """docs' default_terms(province, on, language), when present."""
    try:
        from portal.offers.standards import default_terms
    except ImportError:  # pragma: no cover - the documents layer not merged yet
        return None
    return default_terms


def _sync_worker_into_offer(worker: Worker) -> None:
    """The offer names the worker, in their language, from their start date."""
    offer = dict(worker.offer or {})
    for key, value in (
        ("worker_name", worker.name),
        ("language", worker.language),
        ("start_date", _iso(worker.planned_start_date)),
    ):
        if value is None:
            offer.pop(key, None)
        else:
            offer[key] = value
    worker.offer = offer


def save_worker(position: Position, worker: Worker, fields: dict) -> Worker:
    """Write the worker form onto ``worker`` (new or existing); a new worker gets a prefilled
    offer."""
    if worker.id is None and not can_add_worker(position):
        raise WorkerLimit()
    worker.name = (fields.get("name") or "").strip() or None
    worker.country = (fields.get("country") or "").strip() or None
    worker.email = (fields.get("email") or "").strip() or None
    worker.language = fields.get("language") or None
    worker.english_requested_on = (
        fields.get("english_requested_on") if worker.language == "en" else None
    )
    worker.planned_start_date = fields.get("planned_start_date")
    if worker.id is None:
        worker.employer_id = position.employer_id
        worker.position_id = position.id
        worker.offer = prefilled_offer(position, worker)
        position.workers.append(worker)
    else:
        _sync_worker_into_offer(worker)
    db.session.add(worker)
    db.session.flush()
    return worker


def delete_worker(worker: Worker) -> list[str]:
    """Delete a worker without an issued version; returns the stored keys to forget after the
    commit."""
    if any(v.issued_at for v in worker.versions):
        raise DeleteRefused("issued_offer")
    # The worker's answers are final and may be all an inspector has of their side of the story.
    if any(a.answered_at for a in worker.attestations):
        raise DeleteRefused("answered_attestation")
    # Pay periods are what an inspection compares with the offer.
    if _has_payroll(worker):
        raise DeleteRefused("payroll")
    keys = [key for v in worker.versions for key in (v.pdf_key, v.docx_key)]
    # What the schema's ON DELETE says, done here so SQLite (foreign keys not enforced) ends the
    # same as PostgreSQL: unanswered links go, records that named the worker stay, unnamed.
    for attestation in worker.attestations:
        db.session.delete(attestation)
    for road in db.session.scalars(
        scoped_select(WorkerRoad).where(WorkerRoad.worker_id == worker.id)
    ):
        db.session.delete(road)
    for model in (EvidenceFile, Payment, DocumentCustody):
        for record in db.session.scalars(scoped_select(model).where(model.worker_id == worker.id)):
            record.worker_id = None
    db.session.delete(worker)
    db.session.flush()
    return keys


def prefilled_offer(position: Position, worker: Worker) -> dict:
    """A new offer for the worker, prefilled from the position and the employer."""
    return terms.new_offer(
        position,
        _employer(position),
        worker_name=worker.name,
        language=worker.language,
        start_date=worker.planned_start_date,
        today=date.today(),
        standard_terms=_standard_terms(),
    )


# The offer form's field for a stored term whose name differs (the rest share their names).
OFFER_FIELD_OF_TERM = {
    "date": "offer_date",
    "wage.amount": "wage_amount",
    "wage.per": "wage_per",
    "work_location.street": "work_street",
    "work_location.city": "work_city",
    "work_location.province": "work_province",
    "work_location.postal_code": "work_postal_code",
}


def offer_fields(worker: Worker, offer: dict | None = None) -> dict:
    """The offer form's fields from the stored offer (or ``offer``)."""
    offer = offer or worker.offer or {}
    wage = offer.get("wage") or {}
    place = offer.get("work_location") or {}

    def day(key):
        value = offer.get(key)
        return date.fromisoformat(value) if value else None

    return {
        "offer_date": day("date"),
        "title": offer.get("title"),
        "noc": offer.get("noc"),
        "duties": offer.get("duties"),
        "work_street": place.get("street"),
        "work_city": place.get("city"),
        "work_province": place.get("province"),
        "work_postal_code": place.get("postal_code"),
        "wage_amount": wage.get("amount"),
        "wage_per": wage.get("per", "hour"),
        "pay_frequency": offer.get("pay_frequency") or "",
        "hours_per_week": offer.get("hours_per_week"),
        "schedule": offer.get("schedule"),
        "overtime": offer.get("overtime"),
        "vacation": offer.get("vacation"),
        "statutory_holidays": offer.get("statutory_holidays"),
        "benefits": offer.get("benefits"),
        "start_date": day("start_date") or worker.planned_start_date,
        "duration_months": offer.get("duration_months"),
        "probation": offer.get("probation"),
        "termination_notice": offer.get("termination_notice"),
        "deductions": [
            {"purpose": d.get("purpose"), "amount": d.get("amount"), "per": d.get("per", "month")}
            for d in offer.get("deductions") or []
        ],
        "employer_paid": list(offer.get("employer_paid") or []),
        "housing_terms": offer.get("housing_terms"),
        "housing_rent_monthly": offer.get("housing_rent_monthly"),
        "states_no_fees": bool(offer.get("states_no_fees")),
        "lmia_number": offer.get("lmia_number"),
        "employer_portal_offer_number": offer.get("employer_portal_offer_number"),
        "rights_information_given_on": day("rights_information_given_on"),
    }


def _text(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def _iso(value):
    return value.isoformat() if value else None


def save_offer(
    worker: Worker, fields: dict, deductions: list[dict], base: dict | None = None
) -> Worker:
    """Write the offer form onto the worker's offer (the ``lmia-case/2`` shape); keys the form
    does not show (employer names, signatures) are kept, or taken from ``base`` (the prefill)
    when the worker has no offer yet."""
    offer = dict(worker.offer or base or {})
    offer.update(
        {
            "date": _iso(fields.get("offer_date")),
            "title": _text(fields.get("title")),
            "noc": _text(fields.get("noc")),
            "duties": _text(fields.get("duties")),
            "work_location": {
                "street": _text(fields.get("work_street")),
                "city": _text(fields.get("work_city")),
                "province": fields.get("work_province"),
                "postal_code": _text(fields.get("work_postal_code")),
            },
            "wage": {
                "amount": terms.json_number(fields.get("wage_amount")),
                "per": fields.get("wage_per") or "hour",
            },
            "pay_frequency": fields.get("pay_frequency") or None,
            "hours_per_week": terms.json_number(fields.get("hours_per_week")),
            "schedule": _text(fields.get("schedule")),
            "overtime": _text(fields.get("overtime")),
            "vacation": _text(fields.get("vacation")),
            "statutory_holidays": _text(fields.get("statutory_holidays")),
            "benefits": _text(fields.get("benefits")),
            "start_date": _iso(fields.get("start_date")),
            "duration_months": fields.get("duration_months"),
            "probation": _text(fields.get("probation")),
            "termination_notice": _text(fields.get("termination_notice")),
            "deductions": [
                {
                    "purpose": d["purpose"],
                    "amount": terms.json_number(d["amount"]),
                    "per": d["per"] or "month",
                }
                for d in deductions
            ]
            or None,
            "employer_paid": list(fields.get("employer_paid") or []) or None,
            "housing_terms": _text(fields.get("housing_terms")),
            "housing_rent_monthly": terms.json_number(fields.get("housing_rent_monthly")),
            "states_no_fees": bool(fields.get("states_no_fees")),
            "lmia_number": _text(fields.get("lmia_number")),
            "employer_portal_offer_number": _text(fields.get("employer_portal_offer_number")),
            "rights_information_given_on": _iso(fields.get("rights_information_given_on")),
        }
    )
    if fields.get("start_date"):
        worker.planned_start_date = fields["start_date"]
    worker.offer = {key: value for key, value in offer.items() if value is not None}
    _sync_worker_into_offer(worker)
    db.session.flush()
    return worker


def position_terms(position: Position) -> dict:
    return terms.mirrored_terms(position, _employer(position))


# --- Findings ---------------------------------------------------------------------------------


def _subject_prefix(position: Position, worker: Worker) -> str:
    return f"workers[{worker_index(position, worker)}]."


def worker_findings(position: Position, worker: Worker, as_of: date, report=None) -> list:
    """The findings about this worker (subjects ``workers[i]…``), as the compliance page shows
    them (``ShownFinding``: rule title, waiver, label), errors first."""
    report = report or compliance.check(position, as_of)
    prefix = _subject_prefix(position, worker)
    found = [
        item
        for _, items in report.groups
        for item in items
        if item.finding.subject.startswith(prefix)
    ]
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda i: (i.waiver is not None, rank[i.finding.severity]))


def blocking_errors(position: Position, worker: Worker, as_of: date, report=None) -> list:
    """Unwaived errors about the worker's offer; OFFER-SIGNED excluded (signing comes after
    issuing). What the worker reported in an attestation is shown beside the letter but does not
    hold it back: the letter's terms are not what is wrong, and the worker needs their contract."""
    answers = _subject_prefix(position, worker) + "attestation"
    return [
        item
        for item in worker_findings(position, worker, as_of, report)
        if item.finding.severity == "error"
        and item.waiver is None
        and item.finding.rule not in NOT_BLOCKING
        and not item.finding.subject.startswith(answers)
    ]


def waived_errors(position: Position, worker: Worker, as_of: date, report=None) -> list:
    return [
        item
        for item in worker_findings(position, worker, as_of, report)
        if item.finding.severity == "error"
        and item.waiver is not None
        and item.finding.rule not in NOT_BLOCKING
    ]


# --- Letter inputs and versions ---------------------------------------------------------------


def noc_title(code: str | None, language: str) -> str | None:
    unit = labour_market().noc(code) if code else None
    if unit is None:
        return None
    return unit.title_fr if language == "fr" else unit.title_en


def current_inputs(position: Position, worker: Worker, language: str | None = None, case=None):
    """The letter's inputs from the position's current data (``LetterInputs``)."""
    from portal.offers.letter import letter_inputs

    case = case or compliance.case_of(position)
    index = worker_index(position, worker)
    chosen = language or worker.language or (worker.offer or {}).get("language")
    offer = worker.offer or {}
    noc = offer.get("noc") or position.noc_code
    return letter_inputs(
        case,
        index,
        noc_title=noc_title(noc, chosen or ("fr" if position.province == "QC" else "en")),
        language=language,
    )


def _canonical(inputs: dict) -> bytes:
    return json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def inputs_digest(inputs: dict) -> str:
    """The SHA-256 of the inputs, identity numbers left out: the digest is stored in clear, and
    a 7-digit LMIA number could be guessed back from a digest that covered it."""
    return hashlib.sha256(
        _canonical({k: v for k, v in inputs.items() if k not in OFFER_IDENTITY_KEYS})
    ).hexdigest()


def terms_digest(inputs: dict) -> str:
    """The digest of the terms only (signatures left out): what "out of date" compares."""
    # Computed on the fly, never stored: the identity numbers count here.
    kept = {k: v for k, v in inputs.items() if k not in SIGNATURE_KEYS}
    return hashlib.sha256(_canonical(kept)).hexdigest()


def latest_version(worker: Worker) -> OfferVersion | None:
    return worker.versions[-1] if worker.versions else None


def issued_version(worker: Worker) -> OfferVersion | None:
    """The version issued last, if any."""
    issued = [v for v in worker.versions if v.issued_at is not None]
    return issued[-1] if issued else None


def is_current(position: Position, worker: Worker, version: OfferVersion) -> bool:
    """Whether the version states the terms the position's data states now (in its language)."""
    now = current_inputs(position, worker, version.language).to_json()
    return terms_digest(now) == terms_digest(version.inputs)


def is_signed(worker: Worker) -> bool:
    return terms.is_signed(worker.offer)


def offer_status(position: Position, worker: Worker, case=None) -> tuple[str, OfferVersion | None]:
    """Where the worker's offer stands: ("none", None), ("draft", latest), ("issued", issued),
    ("out_of_date", issued) or ("signed", issued)."""
    latest = latest_version(worker)
    if latest is None or not worker.offer:
        return ("none", None) if latest is None else ("draft", latest)
    issued = issued_version(worker)
    if issued is None:
        return "draft", latest
    now = current_inputs(position, worker, issued.language, case=case).to_json()
    if terms_digest(now) != terms_digest(issued.inputs):
        return "out_of_date", issued
    return ("signed" if is_signed(worker) else "issued"), issued


@dataclass(frozen=True)
class VersionsOverview:
    latest: OfferVersion | None
    issued: OfferVersion | None
    # The latest version states the current terms (in the worker's language).
    latest_is_current: bool
    # What changed since the issued version, in words; None while it is up to date.
    out_of_date: list[str] | None


def versions_overview(
    position: Position, worker: Worker, case, current, language: str
) -> VersionsOverview:
    """Where the worker's versions stand against ``current`` (their LetterInputs, or None
    without an offer): what the page says and which action it offers."""
    latest, issued = latest_version(worker), issued_version(worker)
    out_of_date = None
    if issued is not None and worker.offer:
        now = current_inputs(position, worker, issued.language, case=case).to_json()
        if terms_digest(now) != terms_digest(issued.inputs):
            out_of_date = changes_between(issued, now, language)
    latest_is_current = (
        latest is not None
        and current is not None
        and terms_digest(latest.inputs) == terms_digest(current.to_json())
    )
    return VersionsOverview(latest, issued, latest_is_current, out_of_date)


def is_out_of_date(worker: Worker) -> bool:
    issued = issued_version(worker)
    if issued is None:
        return False
    position = worker.position
    return not is_current(position, worker, issued)


def _store(data: bytes) -> tuple[str, str]:
    """Keep ``data`` in the evidence storage; (key, SHA-256)."""
    directory = Path(current_app.instance_path) / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=directory, prefix="offer-")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        key = new_key()
        evidence_storage().save(key, path)
    finally:
        path.unlink(missing_ok=True)
    return key, hashlib.sha256(data).hexdigest()


class Generated:
    """What ``generate_version`` did: the version, and whether it is new."""

    def __init__(self, version: OfferVersion, new: bool, stored_keys=()):
        self.version, self.new, self.stored_keys = version, new, tuple(stored_keys)


def generate(position: Position, worker: Worker, user: User | int, as_of: date | None = None):
    """Make a version of the letter from the current inputs (a ``Generated``); the latest one is
    reused when its inputs and draft state are unchanged. Its PDF and DOCX are kept in the
    evidence storage with their SHA-256; the caller forgets ``stored_keys`` if the transaction
    fails (no object without a row)."""
    from portal.offers.render import letter_docx, letter_pdf

    as_of = as_of or date.today()
    report = compliance.check(position, as_of)
    inputs = current_inputs(position, worker)
    data = inputs.to_json()
    digest = inputs_digest(data)
    open_errors = blocking_errors(position, worker, as_of, report)
    is_draft = bool(open_errors)
    latest = latest_version(worker)
    if (
        latest is not None
        and latest.inputs_sha256 == digest
        and latest.inputs == data  # the identity numbers too, which the digest leaves out
        and latest.is_draft == is_draft
    ):
        return Generated(latest, new=False)
    pdf = letter_pdf(inputs, draft=is_draft)
    docx = letter_docx(inputs, draft=is_draft)
    stored = []
    try:
        pdf_key, pdf_sha = _store(pdf)
        stored.append(pdf_key)
        docx_key, docx_sha = _store(docx)
        stored.append(docx_key)
        version = OfferVersion(
            employer_id=position.employer_id,
            position_id=position.id,
            worker_id=worker.id,
            number=(latest.number + 1) if latest else 1,
            language=inputs.language,
            inputs=data,
            inputs_sha256=digest,
            pdf_key=pdf_key,
            pdf_sha256=pdf_sha,
            pdf_size=len(pdf),
            docx_key=docx_key,
            docx_sha256=docx_sha,
            docx_size=len(docx),
            is_draft=is_draft,
            open_errors=[_finding_record(item) for item in open_errors] or None,
            created_by_id=user if isinstance(user, int) else user.id,
        )
        worker.versions.append(version)
        db.session.add(version)
        db.session.flush()
    except Exception:
        for key in stored:
            forget_stored(key)
        raise
    return Generated(version, new=True, stored_keys=stored)


def generate_version(position: Position, worker: Worker, user) -> OfferVersion:
    """Contract 5: the version for the current inputs (new, or the latest when unchanged)."""
    return generate(position, worker, user).version


def _finding_record(item) -> dict:
    f = item.finding
    return {"rule": f.rule, "subject": f.subject, "message": f.message}


def issue(version: OfferVersion, user: User | int, as_of: date | None = None) -> OfferVersion:
    """Mark the version issued (frozen); refused while blocking errors stand, or when the
    version no longer states the current terms or was made while errors stood."""
    as_of = as_of or date.today()
    if version.issued_at is not None:
        raise IssueRefused(f"Version {version.number} is already issued.")
    worker = version.worker
    position = worker.position
    report = compliance.check(position, as_of)
    blocking = blocking_errors(position, worker, as_of, report)
    if blocking:
        rules = ", ".join(sorted({item.finding.rule for item in blocking}))
        raise IssueRefused(
            f"Version {version.number} cannot be issued while these errors about the offer "
            f"stand: {rules}. Fix them, or ask the representative to waive them with a reason."
        )
    if not is_current(position, worker, version):
        raise IssueRefused(
            f"Version {version.number} no longer states the current terms: generate a new "
            "version and issue that one."
        )
    if version.is_draft:
        raise IssueRefused(
            f"Version {version.number} was made while errors stood and says DRAFT: generate a "
            "new version and issue that one."
        )
    version.waived_errors = [
        _finding_record(item)
        | {
            "reason": item.waiver.reason,
            "waived_by": item.waiver.waived_by.full_name if item.waiver.waived_by else None,
            "waived_on": item.waiver.created_at.date().isoformat(),
        }
        for item in waived_errors(position, worker, as_of, report)
    ] or None
    version.issued_at = utcnow()
    version.issued_by_id = user if isinstance(user, int) else user.id
    db.session.flush()
    return version


def changes_between(older: OfferVersion, newer: dict, language: str = "en") -> list[str]:
    """What changed from ``older`` to the inputs ``newer``, in words (the letter's
    describe_changes), signatures left out: they record the signing, not the terms."""
    from portal.offers.changes import describe_changes

    def terms_of(inputs: dict) -> dict:
        return {k: v for k, v in inputs.items() if k not in SIGNATURE_KEYS}

    return describe_changes(terms_of(older.inputs), terms_of(newer), language)


def record_signatures(worker: Worker, fields: dict) -> None:
    """Record who signed and when (the form checked the dates); the other side's stays."""
    offer = dict(worker.offer or {})
    for side in ("employer", "worker"):
        name, on = _text(fields.get(f"{side}_name")), fields.get(f"{side}_on")
        if name and on:
            offer[f"signed_by_{side}_name"] = name
            offer[f"signed_by_{side}_on"] = on.isoformat()
    worker.offer = offer
    db.session.flush()


def signed_copies(worker: Worker) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            scoped_select(EvidenceFile)
            .where(
                EvidenceFile.worker_id == worker.id,
                EvidenceFile.category == "signed_offer",
                EvidenceFile.archived_at.is_(None),
            )
            .order_by(EvidenceFile.id)
        )
    )


_ISSUED_WORKER_IDS = (
    position_scoped_select(OfferVersion)
    .with_only_columns(OfferVersion.worker_id)
    .where(OfferVersion.issued_at.is_not(None))
)


def issued_workers(position: Position) -> list[Worker]:
    """Workers with an issued version (their signed agreement is expected in the locker)."""
    ids = set(db.session.scalars(_ISSUED_WORKER_IDS, position_scope(position)))
    return [w for w in position.workers if w.id in ids]


def stream_of(store_key: str):
    return evidence_storage().open(store_key)
