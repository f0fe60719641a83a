"""Reading and writing third parties, payments and document custody, always through the
employer scope (portal.tenancy); and matching the position's fee and fraud findings to the
records they are about."""

import re
from dataclasses import dataclass, field
from datetime import date

from flask import abort

from portal.extensions import db
from portal.models import EvidenceFile, Position, Worker
from portal.models.protection import DocumentCustody, Payment, ThirdParty
from portal.positions import compliance
from portal.protection import licensing
from portal.protection.forms import from_yes_no
from portal.protection.ledger_csv import LedgerRow
from portal.tenancy import get_scoped_or_404, scoped_select


class StaleEdit(Exception):
    """Someone else saved the record after this form was opened."""


# --- Loading -----------------------------------------------------------------------------------


def employer_third_parties() -> list[ThirdParty]:
    """The employer's own recruiters and representatives (for every position), in id order."""
    query = scoped_select(ThirdParty).where(ThirdParty.position_id.is_(None))
    return list(db.session.scalars(query.order_by(ThirdParty.id)))


def position_third_parties(position: Position) -> list[ThirdParty]:
    query = scoped_select(ThirdParty).where(ThirdParty.position_id == position.id)
    return list(db.session.scalars(query.order_by(ThirdParty.id)))


def case_third_parties(position: Position) -> list[ThirdParty]:
    """Third parties in the order of the case file: the employer's own, then the position's."""
    return employer_third_parties() + position_third_parties(position)


def payments_of(position: Position) -> list[Payment]:
    query = scoped_select(Payment).where(Payment.position_id == position.id)
    return list(db.session.scalars(query.order_by(Payment.id)))


def custody_of(position: Position) -> list[DocumentCustody]:
    query = scoped_select(DocumentCustody).where(DocumentCustody.position_id == position.id)
    return list(db.session.scalars(query.order_by(DocumentCustody.id)))


def workers_of(position: Position) -> list[Worker]:
    query = scoped_select(Worker).where(Worker.position_id == position.id)
    return list(db.session.scalars(query.order_by(Worker.id)))


def child_of(position: Position, model, object_id: int):
    """One row of this position (through the employer scope); any other id answers 404."""
    found = get_scoped_or_404(model, object_id)
    if found.position_id != position.id:
        abort(404)
    return found


def evidence_files() -> list[EvidenceFile]:
    """The employer's evidence files a contract may be (not archived), newest first."""
    query = scoped_select(EvidenceFile).where(EvidenceFile.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(EvidenceFile.id.desc())))


def evidence_file(evidence_id: int | None) -> EvidenceFile | None:
    if evidence_id is None:
        return None
    return db.session.scalar(scoped_select(EvidenceFile).where(EvidenceFile.id == evidence_id))


# --- Choices (ids as strings, scoped) ------------------------------------------------------------


def _id_or_none(value) -> int | None:
    return int(value) if value not in (None, "") else None


def evidence_choices(blank_label) -> list[tuple[str, str]]:
    return [("", blank_label)] + [
        (str(f.id), f"{f.original_filename}" + (f" ({f.description})" if f.description else ""))
        for f in evidence_files()
    ]


def worker_choices(position: Position, blank_label) -> list[tuple[str, str]]:
    return [("", blank_label)] + [(str(w.id), w.name) for w in workers_of(position)]


def third_party_choices(position: Position, blank_label) -> list[tuple[str, str]]:
    return [("", blank_label)] + [(str(t.id), t.name) for t in case_third_parties(position)]


# --- Saving --------------------------------------------------------------------------------------


def save_third_party(
    party: ThirdParty, data: dict, *, employer_id: int, position_id: int | None
) -> ThirdParty:
    if party.id is not None and str(party.version) != (data.get("version") or ""):
        raise StaleEdit()
    party.employer_id = employer_id
    if party.id is None:
        party.position_id = position_id
    party.name = data["name"].strip()
    party.role = data["role"]
    party.province = data.get("province") or None
    party.paid = from_yes_no(data.get("paid"))
    party.licence_number = (data.get("licence_number") or "").strip() or None
    party.cicc_number = data.get("cicc_number") or None
    party.law_society = (data.get("law_society") or "").strip() or None
    party.contract_evidence_id = _id_or_none(data.get("contract_evidence_id"))
    party.contract_forbids_worker_fees = from_yes_no(data.get("contract_forbids_worker_fees"))
    db.session.add(party)
    db.session.flush()
    return party


def save_payment(position: Position, payment: Payment, data: dict, amount) -> Payment:
    payment.employer_id = position.employer_id
    payment.position_id = position.id
    payment.paid_on = data.get("paid_on")
    payment.payer = data["payer"]
    payment.payee = data["payee"]
    payment.amount = amount
    payment.purpose = data["purpose"]
    payment.via = data.get("via") or None
    payment.worker_id = _id_or_none(data.get("worker_id"))
    payment.third_party_id = _id_or_none(data.get("third_party_id"))
    payment.note = (data.get("note") or "").strip() or None
    db.session.add(payment)
    db.session.flush()
    return payment


def import_ledger_rows(position: Position, rows: list[LedgerRow]) -> None:
    for row in rows:
        db.session.add(
            Payment(
                employer_id=position.employer_id,
                position_id=position.id,
                paid_on=row.paid_on,
                payer=row.payer,
                payee=row.payee,
                amount=row.amount,
                purpose=row.purpose,
                via=row.via,
                worker_id=row.worker_id,
                third_party_id=row.third_party_id,
                note=row.note,
            )
        )
    db.session.flush()


def save_custody(position: Position, custody: DocumentCustody, data: dict) -> DocumentCustody:
    custody.employer_id = position.employer_id
    custody.position_id = position.id
    custody.worker_id = _id_or_none(data.get("worker_id"))
    custody.document = data["document"]
    custody.held_by = data["held_by"]
    custody.since = data.get("since")
    db.session.add(custody)
    db.session.flush()
    return custody


# --- Hints and findings --------------------------------------------------------------------------


def hints(party: ThirdParty, work_province: str | None, on: date) -> list[licensing.Hint]:
    return licensing.hints_for(
        role=party.role,
        province=party.province,
        work_province=work_province,
        paid=party.paid,
        licence_number=party.licence_number,
        cicc_number=party.cicc_number,
        law_society=party.law_society,
        contract_on_file=party.contract_evidence_id is not None,
        contract_forbids_worker_fees=party.contract_forbids_worker_fees,
        on=on,
    )


_SUBJECT = re.compile(r"^(third_parties|payments|document_custody)\[(\d+)\]")


def is_fee_or_fraud(rule_id: str) -> bool:
    return rule_id.startswith(("FEE-", "FRAUD-"))


@dataclass
class RecordFindings:
    """The position's fee and fraud findings, by the record they are about (by id)."""

    third_parties: dict[int, list] = field(default_factory=dict)
    payments: dict[int, list] = field(default_factory=dict)
    document_custody: dict[int, list] = field(default_factory=dict)
    other: list = field(default_factory=list)


def record_findings(position: Position, as_of: date) -> RecordFindings:
    """Match each FEE-/FRAUD- finding of ``compliance.check`` to its record by its subject
    (``payments[i]`` is the i-th payment of the case file, in the case's order)."""
    report = compliance.check(position, as_of)
    lists = {
        "third_parties": [p.id for p in case_third_parties(position)],
        "payments": [p.id for p in payments_of(position)],
        "document_custody": [c.id for c in custody_of(position)],
    }
    found = RecordFindings()
    for finding in report.verdict.findings:
        if not is_fee_or_fraud(finding.rule):
            continue
        match = _SUBJECT.match(finding.subject)
        ids = lists.get(match.group(1)) if match else None
        index = int(match.group(2)) if match else -1
        if ids is None or index >= len(ids):
            found.other.append(finding)
            continue
        getattr(found, match.group(1)).setdefault(ids[index], []).append(finding)
    return found


def delete_third_party(party: ThirdParty) -> None:
    """Delete the record; payments that named it stay, unnamed (the schema's ON DELETE SET NULL,
    done here so SQLite, which does not enforce foreign keys, ends like PostgreSQL)."""
    for payment in db.session.scalars(
        scoped_select(Payment).where(Payment.third_party_id == party.id)
    ):
        payment.third_party_id = None
    db.session.delete(party)
    db.session.flush()
