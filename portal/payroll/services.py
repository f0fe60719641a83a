"""Reading and saving a worker's pay periods, and the checks on them (through the tenant scope).

Views call these and commit once; nothing here commits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import abort

from portal.extensions import db
from portal.models import PayrollPeriod, Position, Worker
from portal.models.protection import Payment
from portal.offers import services as offer_services
from portal.offers.letter import LetterInputs
from portal.road.payroll import PayDeduction, PayPeriod, payroll_findings, period_problems
from portal.tenancy import get_scoped_or_404, scoped_select


@dataclass(frozen=True)
class LedgerPayment:
    """A payment of the money ledger as the checks read it (the payee's name when linked)."""

    paid_on: date | None
    payer: str
    payee: str
    amount: Decimal
    purpose: str
    worker_id: int | None
    payee_name: str | None


@dataclass(frozen=True)
class PeriodRow:
    """One saved period for the page: the row, its index in date order, its findings."""

    period: PayrollPeriod
    index: int
    findings: list
    checked: bool

    @property
    def deductions_total(self) -> Decimal:
        return sum((Decimal(d["amount"]) for d in self.period.deductions or ()), Decimal("0.00"))

    @property
    def net(self) -> Decimal:
        return self.period.gross - self.deductions_total

    @property
    def flags(self) -> list[str]:
        return sorted({f.rule for f in self.findings})


def periods_of(worker: Worker) -> list[PayrollPeriod]:
    """The worker's periods, oldest first (the order the findings' indexes count in)."""
    query = scoped_select(PayrollPeriod).where(PayrollPeriod.worker_id == worker.id)
    return list(db.session.scalars(query.order_by(PayrollPeriod.period_start)))


def period_of(worker: Worker, period_id: int) -> PayrollPeriod:
    """One period of this worker, through the employer scope; any other id answers 404."""
    period = get_scoped_or_404(PayrollPeriod, period_id)
    if period.worker_id != worker.id:
        abort(404)
    return period


def issued_offer(worker: Worker) -> LetterInputs | None:
    """The terms of the worker's latest issued offer version, or None."""
    issued = offer_services.issued_version(worker)
    return None if issued is None else LetterInputs.from_json(issued.inputs)


def ledger_payments(position: Position) -> list[LedgerPayment]:
    query = scoped_select(Payment).where(Payment.position_id == position.id)
    return [
        LedgerPayment(
            paid_on=p.paid_on,
            payer=p.payer,
            payee=p.payee,
            amount=p.amount,
            purpose=p.purpose,
            worker_id=p.worker_id,
            payee_name=p.third_party.name if p.third_party is not None else None,
        )
        for p in db.session.scalars(query.order_by(Payment.id))
    ]


@dataclass(frozen=True)
class Payroll:
    rows: list[PeriodRow]  # newest first
    offer: LetterInputs | None
    findings: list
    totals: dict


def payroll_of(position: Position, worker: Worker, today: date) -> Payroll:
    periods = periods_of(worker)
    offer = issued_offer(worker)
    findings = payroll_findings(
        periods,
        offer,
        ledger_payments(position),
        offer_services.worker_index(position, worker),
        today,
        worker_id=worker.id,
    )
    by_index: dict[int, list] = {}
    for finding in findings:
        index = int(finding.subject.rsplit("[", 1)[1].rstrip("]"))
        by_index.setdefault(index, []).append(finding)
    rows = [
        PeriodRow(p, j, by_index.get(j, []), (p.paid_on or p.period_end) <= today)
        for j, p in enumerate(periods)
    ]
    totals = {
        "hours": sum((p.hours for p in periods), Decimal("0.00")),
        "gross": sum((p.gross for p in periods), Decimal("0.00")),
        "deductions": sum((row.deductions_total for row in rows), Decimal("0.00")),
    }
    totals["net"] = totals["gross"] - totals["deductions"]
    return Payroll(list(reversed(rows)), offer, findings, totals)


def overlapping(worker: Worker, start: date, end: date, exclude_id: int | None = None):
    """A saved period of the worker that overlaps [start, end], or None."""
    query = scoped_select(PayrollPeriod).where(
        PayrollPeriod.worker_id == worker.id,
        PayrollPeriod.period_start <= end,
        PayrollPeriod.period_end >= start,
    )
    if exclude_id is not None:
        query = query.where(PayrollPeriod.id != exclude_id)
    return db.session.scalar(query.order_by(PayrollPeriod.period_start).limit(1))


def saved_spans(worker: Worker) -> list[tuple[date, date]]:
    return [(p.period_start, p.period_end) for p in periods_of(worker)]


def form_problems(worker, exclude_id, start, end, hours, gross, deductions) -> dict[str, str]:
    """What the form's values cannot be (field name -> message), the file's rules included."""
    problems = dict(period_problems(start, end, hours, gross, deductions))
    if "period_end" not in problems:
        other = overlapping(worker, start, end, exclude_id)
        if other is not None:
            problems["period_start"] = (
                f"overlaps the period already saved from {other.period_start} to {other.period_end}"
            )
    return problems


def _apply(period: PayrollPeriod, data: PayPeriod) -> None:
    period.period_start = data.period_start
    period.period_end = data.period_end
    period.paid_on = data.paid_on
    period.hours = data.hours
    period.gross = data.gross
    period.deductions = [d.to_json() for d in data.deductions]


def save_period(position: Position, worker: Worker, period: PayrollPeriod, data: PayPeriod):
    if period.id is None:
        period.employer_id = position.employer_id
        period.position_id = position.id
        period.worker_id = worker.id
        period.source = "form"
        db.session.add(period)
    _apply(period, data)
    db.session.flush()
    return period


def import_periods(position: Position, worker: Worker, periods: list[PayPeriod], kind: str) -> int:
    for data in periods:
        row = PayrollPeriod(
            employer_id=position.employer_id,
            position_id=position.id,
            worker_id=worker.id,
            source=kind,
        )
        _apply(row, data)
        db.session.add(row)
    db.session.flush()
    return len(periods)


def delete_period(period: PayrollPeriod) -> None:
    db.session.delete(period)


__all__ = [
    "LedgerPayment",
    "PayDeduction",
    "Payroll",
    "PeriodRow",
    "delete_period",
    "form_problems",
    "import_periods",
    "issued_offer",
    "ledger_payments",
    "overlapping",
    "payroll_of",
    "period_of",
    "periods_of",
    "save_period",
    "saved_spans",
]
