"""Each worker's road after the LMIA, step by step, in plain Python (no Flask, no database).

``RoadFacts`` is what the position and one worker's road rows say, copied into plain values by
``portal.road.services.facts_of``; ``road_of`` turns them into steps that are done, due (by a
date), waiting for an earlier step, or not applicable, each with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal import crypto
from portal.road import dates


def _l(text: str, **values) -> str:
    # English, like the rules engine's findings; the domain stays importable without Flask.
    return text % values if values else text


DONE = "done"
DUE = "due"
WAITING = "waiting"
NOT_APPLICABLE = "not_applicable"
STATES = (DONE, DUE, WAITING, NOT_APPLICABLE)


@dataclass(frozen=True)
class RoadFacts:
    employer_id: int
    position_id: int
    worker_id: int
    worker_name: str | None
    # The position as the permit must name it.
    employer_legal_name: str
    employer_operating_name: str | None
    position_title: str
    noc_code: str
    city: str
    province: str
    # The LMIA (the position's) or the exemption.
    lmia_exemption_code: str | None = None
    lmia_number: str | None = None
    lmia_decision: str | None = None  # approved | refused | withdrawn | None (waiting)
    lmia_decided_on: date | None = None
    lmia_positions_approved: int | None = None
    lmia_valid_until: date | None = None  # as the letter states, else None
    # The worker's issued offer.
    offer_issued_on: date | None = None
    offer_signed_by_employer_on: date | None = None
    offer_signed_by_worker_on: date | None = None
    # The worker's road row.
    offer_of_employment_number: str | None = None
    offer_of_employment_submitted_on: date | None = None
    compliance_fee_paid_on: date | None = None
    permit_applied_on: date | None = None
    ircc_reference: str | None = None
    visa_required: bool | None = None
    visa_issued_on: date | None = None
    caq_required: bool | None = None
    caq_issued_on: date | None = None
    permit_number: str | None = None
    permit_issued_on: date | None = None
    permit_expires_on: date | None = None
    permit_employer: str | None = None
    permit_occupation: str | None = None
    permit_location: str | None = None
    arrived_on: date | None = None
    first_day_on: date | None = None
    renewal_started_on: date | None = None
    records_deletion_requested_on: date | None = None

    @property
    def exempt(self) -> bool:
        return bool(self.lmia_exemption_code)

    @property
    def valid_until(self) -> date | None:
        """The LMIA's validity end (the letter's date, else the rule's)."""
        if self.lmia_decision != "approved":
            return None
        return dates.lmia_valid_until(self.lmia_decided_on, self.lmia_valid_until)

    @property
    def offer_signed_on(self) -> date | None:
        if self.offer_signed_by_employer_on and self.offer_signed_by_worker_on:
            return max(self.offer_signed_by_employer_on, self.offer_signed_by_worker_on)
        return None

    @property
    def in_quebec(self) -> bool:
        return self.province == "QC"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    state: str
    on: date | None = None
    due_by: date | None = None
    reason: str = ""
    citation: str | None = None


@dataclass(frozen=True)
class Road:
    steps: list[Step]

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if s.state == DUE), None)


def mask(number: str | None) -> str | None:
    """An identity number as steps, findings, lists and deadlines show it, to everyone:
    ``•••391`` (the road and offer pages show it whole to those who file it)."""
    return crypto.mask(number)


def _authorization_steps(facts: RoadFacts, today: date) -> tuple[list[Step], bool]:
    """The LMIA decision, or the Employer Portal offer and fee for an exempt position; the
    second value says whether the worker may go on to apply for the permit."""
    if facts.exempt:
        fee_done = facts.compliance_fee_paid_on is not None
        offer_done = facts.offer_of_employment_submitted_on is not None
        steps = [
            Step(
                "employer_portal_offer",
                str(_l("Offer of employment in the Employer Portal")),
                DONE if offer_done else DUE,
                on=facts.offer_of_employment_submitted_on,
                reason=str(
                    _l("Offer number %(n)s.", n=mask(facts.offer_of_employment_number) or "—")
                    if offer_done
                    else _l(
                        "The position is LMIA-exempt (%(code)s): submit the offer of employment "
                        "in IRCC's Employer Portal before the worker applies.",
                        code=facts.lmia_exemption_code,
                    )
                ),
                citation=dates.EMPLOYER_PORTAL.citation,
            ),
            Step(
                "compliance_fee",
                str(_l("Employer compliance fee paid")),
                DONE if fee_done else DUE,
                on=facts.compliance_fee_paid_on,
                reason=""
                if fee_done
                else str(_l("Pay the employer compliance fee with the offer of employment.")),
                citation=dates.EMPLOYER_PORTAL.citation,
            ),
        ]
        return steps, offer_done and fee_done
    decision = facts.lmia_decision
    if decision == "approved":
        step = Step(
            "lmia_decision",
            str(_l("LMIA decision")),
            DONE,
            on=facts.lmia_decided_on,
            reason=str(
                _l(
                    "Approved (LMIA %(number)s, %(n)s positions), valid until %(until)s.",
                    number=mask(facts.lmia_number) or "—",
                    n=facts.lmia_positions_approved or "—",
                    until=facts.valid_until.isoformat() if facts.valid_until else "—",
                )
            ),
            citation=dates.LMIA_VALIDITY.citation,
        )
        return [step], True
    if decision in ("refused", "withdrawn"):
        reason = (
            _l("The LMIA was refused: the worker cannot apply for a permit on it.")
            if decision == "refused"
            else _l("The LMIA application was withdrawn: the worker cannot apply on it.")
        )
        step = Step(
            "lmia_decision",
            str(_l("LMIA decision")),
            DONE,
            on=facts.lmia_decided_on,
            reason=str(reason),
        )
        return [step], False
    step = Step(
        "lmia_decision",
        str(_l("LMIA decision")),
        WAITING,
        reason=str(_l("Waiting for ESDC's decision on the LMIA.")),
    )
    return [step], False


def road_of(facts: RoadFacts, today: date) -> Road:
    steps, authorized = _authorization_steps(facts, today)
    blocked_reason = str(
        _l("Waiting for the Employer Portal offer and fee.")
        if facts.exempt
        else _l("Waiting for an approved LMIA.")
    )

    # Offer issued and signed.
    if facts.offer_signed_on:
        steps.append(
            Step("offer", str(_l("Offer issued and signed")), DONE, on=facts.offer_signed_on)
        )
    elif facts.offer_issued_on:
        steps.append(
            Step(
                "offer",
                str(_l("Offer issued and signed")),
                DUE,
                on=facts.offer_issued_on,
                reason=str(_l("Issued; record both signatures on the worker's offer.")),
            )
        )
    else:
        steps.append(
            Step(
                "offer",
                str(_l("Offer issued and signed")),
                DUE,
                reason=str(_l("Issue the offer from Workers & offers and have it signed.")),
            )
        )

    # The work-permit application.
    valid_until = None if facts.exempt else facts.valid_until
    if facts.permit_applied_on:
        steps.append(
            Step(
                "permit_application",
                str(_l("Work-permit application")),
                DONE,
                on=facts.permit_applied_on,
                reason=str(_l("IRCC reference %(ref)s.", ref=mask(facts.ircc_reference) or "—")),
            )
        )
    elif not authorized:
        steps.append(
            Step(
                "permit_application",
                str(_l("Work-permit application")),
                WAITING,
                reason=blocked_reason,
            )
        )
    else:
        expired = valid_until is not None and valid_until < today
        steps.append(
            Step(
                "permit_application",
                str(_l("Work-permit application")),
                DUE,
                due_by=valid_until,
                reason=str(
                    _l("The LMIA's validity ended: a new LMIA is needed.")
                    if expired
                    else _l("The worker applies while the LMIA is valid.")
                    if valid_until
                    else _l("The worker applies to IRCC with the offer.")
                ),
                citation=None if facts.exempt else dates.LMIA_VALIDITY.citation,
            )
        )
    applied = facts.permit_applied_on is not None

    # Visitor visa.
    if facts.visa_required is False:
        steps.append(
            Step(
                "visa",
                str(_l("Visitor visa")),
                NOT_APPLICABLE,
                reason=str(_l("The worker's passport does not need a visitor visa.")),
            )
        )
    elif facts.visa_issued_on:
        steps.append(Step("visa", str(_l("Visitor visa")), DONE, on=facts.visa_issued_on))
    elif facts.visa_required is None:
        steps.append(
            Step(
                "visa",
                str(_l("Visitor visa")),
                DUE,
                reason=str(_l("Record whether the worker needs a visitor visa.")),
            )
        )
    else:
        steps.append(
            Step(
                "visa",
                str(_l("Visitor visa")),
                DUE if applied else WAITING,
                reason=str(
                    _l("Issued with the permit approval.")
                    if applied
                    else _l("Applied for with the work permit.")
                ),
            )
        )

    # Québec acceptance certificate.
    if not facts.in_quebec:
        steps.append(
            Step(
                "caq",
                str(_l("Québec acceptance certificate (CAQ)")),
                NOT_APPLICABLE,
                reason=str(_l("The work location is outside Québec.")),
            )
        )
    elif facts.caq_required is False:
        steps.append(
            Step(
                "caq",
                str(_l("Québec acceptance certificate (CAQ)")),
                NOT_APPLICABLE,
                reason=str(_l("Recorded as not needed for this worker.")),
            )
        )
    elif facts.caq_issued_on:
        steps.append(
            Step(
                "caq",
                str(_l("Québec acceptance certificate (CAQ)")),
                DONE,
                on=facts.caq_issued_on,
            )
        )
    else:
        steps.append(
            Step(
                "caq",
                str(_l("Québec acceptance certificate (CAQ)")),
                DUE if authorized else WAITING,
                reason=str(
                    _l("The worker needs the CAQ before the permit is issued in Québec.")
                    if authorized
                    else blocked_reason
                ),
            )
        )

    # The permit as printed.
    if facts.permit_issued_on:
        printed = " · ".join(
            p for p in (facts.permit_employer, facts.permit_occupation, facts.permit_location) if p
        )
        steps.append(
            Step(
                "permit",
                str(_l("Work permit issued")),
                DONE,
                on=facts.permit_issued_on,
                due_by=facts.permit_expires_on,
                reason=str(
                    _l(
                        "Permit %(number)s, expires %(expires)s. Printed: %(printed)s.",
                        number=mask(facts.permit_number) or "—",
                        expires=facts.permit_expires_on.isoformat()
                        if facts.permit_expires_on
                        else "—",
                        printed=printed or "—",
                    )
                ),
                citation=dates.PERMIT_CONDITIONS.citation,
            )
        )
    else:
        steps.append(
            Step(
                "permit",
                str(_l("Work permit issued")),
                DUE if applied else WAITING,
                reason=str(
                    _l("Issued at the port of entry; record it as printed.")
                    if applied
                    else _l("Waiting for the work-permit application.")
                ),
            )
        )
    permit = facts.permit_issued_on is not None

    # Arrival and the first day of work.
    if facts.arrived_on:
        steps.append(Step("arrival", str(_l("Arrival in Canada")), DONE, on=facts.arrived_on))
    else:
        steps.append(
            Step(
                "arrival",
                str(_l("Arrival in Canada")),
                DUE if applied else WAITING,
                reason="" if applied else str(_l("Waiting for the work-permit application.")),
            )
        )
    if facts.first_day_on:
        steps.append(
            Step(
                "first_day",
                str(_l("First day of work")),
                DONE,
                on=facts.first_day_on,
                reason=str(
                    _l(
                        "Records are kept until %(day)s.",
                        day=dates.retention_ends(facts.first_day_on).isoformat(),
                    )
                ),
                citation=dates.RETENTION.citation,
            )
        )
    else:
        steps.append(
            Step(
                "first_day",
                str(_l("First day of work")),
                DUE if permit else WAITING,
                reason=str(
                    _l("The worker may start once the permit is issued.")
                    if permit
                    else _l("Not before the permit is issued.")
                ),
                citation=dates.AUTHORIZED_TO_WORK.citation,
            )
        )
    return Road(steps=steps)
