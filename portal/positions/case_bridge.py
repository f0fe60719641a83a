"""Between the database and the portable ``lmia-case/2`` form.

``case_dict`` builds the case of a position as the JSON-shaped dict the format defines (v2: one
``workers[i]`` per Worker row, in id order, each with their offer and latest answered
attestation; the employer's own third parties, then the position's; payments and custody linked
to them by index); ``rows_from_case`` turns a validated case (as that same dict shape, v2 or v1)
into new rows: a v1 file's single ``offer`` becomes the first worker's, and
``attestations_from_case`` adds the workers' answered attestations once the rows have ids. The
parsing, validation and the engine's dataclasses live in ``portal.cases``.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from portal.extensions import db
from portal.models import (
    Applicant,
    Attestation,
    DocumentCustody,
    Employer,
    JobMatchEntry,
    Payment,
    Position,
    RecruitmentActivity,
    ThirdParty,
    Worker,
)

THIRD_PARTY_KEYS = (
    "name",
    "role",
    "province",
    "paid",
    "licence_number",
    "cicc_number",
    "law_society",
    "contract_forbids_worker_fees",
)
# An imported attestation has no link: its stored "hash" can never equal a SHA-256 hex digest.
IMPORTED_TOKEN_PREFIX = "imported-"  # noqa: S105  # nosec B105 # a marker, not a secret

CASE_FORMAT = "lmia-case/2"


def json_number(amount):
    """A Decimal as a JSON number. Floats print their shortest exact form, so 18.5 reads back
    as Decimal("18.5") == Decimal("18.50"); integers stay integers."""
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _wage(amount, per):
    return None if amount is None else {"amount": json_number(amount), "per": per}


def _without_none(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value is not None}


def employer_section(employer: Employer, position: Position) -> dict:
    return _without_none(
        {
            "legal_name": employer.legal_name,
            "operating_name": employer.operating_name or employer.legal_name,
            "business_number": employer.business_number,
            "address": {
                "street": employer.street_address,
                "city": employer.city,
                "province": employer.province,
                "postal_code": employer.postal_code,
            },
            "naics": employer.naics_code,
            "employees_at_location": position.employees_at_location,
            "low_wage_tfws_at_location": position.low_wage_tfws_at_location,
            "on_noncompliance_list": employer.on_noncompliance_list or None,
            "lmia_revoked_on": _iso(employer.lmia_revoked_on),
        }
    )


def case_dict(employer: Employer, position: Position, applicants: list[Applicant]) -> dict:
    """The position as an lmia-case/2 document (a dict ready for json.dumps)."""
    rows = protection_rows(employer, position)
    requirements = _without_none(
        {
            "education": position.education,
            "experience": position.experience,
            "experience_years": json_number(position.experience_years),
            "languages": position.languages,
        }
    )
    position_section = _without_none(
        {
            "title": position.title,
            "noc": position.noc_code,
            "stream": position.stream,
            "program": position.program,
            "caregiver": position.is_caregiver or None,
            "seasonal": position.is_seasonal or None,
            "quebec_facilitated": position.quebec_facilitated or None,
            "advertising_variation": position.advertising_variation,
            "work_location": _without_none(
                {
                    "street": position.street_address,
                    "city": position.city,
                    "province": position.province,
                    "postal_code": position.postal_code,
                    "economic_region": position.economic_region,
                    "cma": position.cma,
                    "admin_region": position.admin_region,
                }
            ),
            "wage": _wage(position.wage_amount, position.wage_per),
            "hours_per_week": json_number(position.hours_per_week),
            "positions": position.positions,
            "duration_months": position.duration_months,
            "duties": position.duties,
            "requirements": requirements or None,
            "language_justification": position.language_justification,
            "benefits": position.benefits,
            "terms": position.terms,
            "prevailing_wage": _wage(position.prevailing_wage_amount, position.prevailing_wage_per),
            "prevailing_wage_source": position.prevailing_wage_source,
            "incumbent_wage": _wage(position.incumbent_wage_amount, position.incumbent_wage_per),
            "live_in_required": position.live_in_required,
        }
    )
    keys = {activity.id: activity.case_key for activity in position.activities}
    recruitment = [
        _without_none(
            {
                "id": activity.case_key,
                "method": activity.method,
                "kind": activity.kind,
                "start": _iso(activity.start_date),
                "end": _iso(activity.end_date),
                "date": _iso(activity.event_date),
                "platform": activity.platform,
                "national": activity.is_national,
                "target_groups": activity.target_groups,
                "reference": activity.reference,
                "direct_apply": activity.direct_apply,
                "ad": activity.ad,
            }
        )
        for activity in position.activities
    ]
    people = [
        _without_none(
            {
                "name": applicant.name,
                "status": applicant.status,
                "source": keys.get(applicant.source_activity_id),
                "channel": applicant.channel,
                "applied_on": _iso(applicant.applied_on),
                "resume_downloaded_on": _iso(applicant.resume_downloaded_on),
                "interviewed_on": _iso(applicant.interviewed_on),
                "offered": applicant.offered,
                "hired": applicant.hired,
                "reason_code": applicant.reason_code,
                "reason_detail": applicant.reason_detail,
            }
        )
        for applicant in applicants
    ]
    job_match = None
    if position.job_match_mode or position.job_matches:
        job_match = {
            "mode": position.job_match_mode or "default",
            "matches": [
                _without_none(
                    {
                        "first_seen": _iso(m.first_seen),
                        "stars": m.stars,
                        "invited_on": _iso(m.invited_on),
                    }
                )
                for m in position.job_matches
            ],
        }
    return _without_none(
        {
            "format": CASE_FORMAT,
            "submission_date": _iso(position.planned_submission_date),
            "employer": employer_section(employer, position),
            "position": position_section,
            "recruitment": recruitment,
            "job_bank_alternative_rationale": position.job_bank_alternative_rationale,
            "job_match": job_match,
            "applicants": people,
            "transition_plan": position.transition_plan,
            "workers": [
                worker_section(worker, attestation)
                for worker, attestation in zip(position.workers, rows.attestations, strict=True)
            ]
            or None,
            "third_parties": [
                third_party_section(party, employer_wide=party.position_id is None)
                for party in rows.third_parties
            ]
            or None,
            "payments": [payment_section(payment, rows) for payment in position.payments] or None,
            "document_custody": [
                _without_none(
                    {
                        "document": c.document,
                        "held_by": c.held_by,
                        "since": _iso(c.since),
                        "worker": rows.worker_index.get(c.worker_id),
                    }
                )
                for c in position.document_custody
            ]
            or None,
        }
    )


@dataclass(frozen=True)
class ProtectionRows:
    """The rows behind a position's worker-protection lists, in the order the case lists them."""

    third_parties: list[ThirdParty]  # the employer's own first, then the position's (id order)
    attestations: list[Attestation | None]  # each worker's latest answered one, or None
    worker_index: dict[int, int]  # Worker.id -> index in ``workers``
    third_party_index: dict[int, int]  # ThirdParty.id -> index in ``third_parties``


def protection_rows(employer: Employer, position: Position) -> ProtectionRows:
    """Read the employer-wide third parties and the workers' latest answered attestations."""
    # Through the relationships: the employer's and its workers' own rows, never a bare select.
    employer_wide = list(employer.own_third_parties) if employer.id is not None else []
    parties = employer_wide + list(position.third_parties)
    workers = list(position.workers)
    latest: dict[int, Attestation] = {}
    for worker in workers:
        answered = [a for a in worker.attestations if a.answered_at is not None]
        if answered:  # the last answered one wins
            latest[worker.id] = max(answered, key=lambda a: (a.answered_at, a.id))
    return ProtectionRows(
        third_parties=parties,
        attestations=[latest.get(worker.id) for worker in workers],
        worker_index={worker.id: index for index, worker in enumerate(workers)},
        third_party_index={party.id: index for index, party in enumerate(parties)},
    )


def third_party_section(party: ThirdParty, *, employer_wide: bool) -> dict:
    return _without_none(
        {
            "name": party.name,
            "role": party.role,
            "province": party.province,
            "paid": party.paid,
            "licence_number": party.licence_number,
            "cicc_number": party.cicc_number,
            "law_society": party.law_society,
            # Flags are written when true, like the position's (absent: not known to be so).
            "employer_wide": True if employer_wide else None,
            "contract_on_file": True if party.contract_evidence_id is not None else None,
            "contract_forbids_worker_fees": party.contract_forbids_worker_fees,
        }
    )


def payment_section(payment: Payment, rows: ProtectionRows) -> dict:
    return _without_none(
        {
            "date": _iso(payment.paid_on),
            "payer": payment.payer,
            "payee": payment.payee,
            "amount": json_number(payment.amount),
            "purpose": payment.purpose,
            "via": payment.via,
            # A link to a row outside this position's case (another position's worker or
            # third party) is not written: the index would name someone else.
            "worker": rows.worker_index.get(payment.worker_id),
            "third_party": rows.third_party_index.get(payment.third_party_id),
            "note": payment.note,
        }
    )


def attestation_section(attestation: Attestation | None) -> dict | None:
    """``workers[i].attestation``: the stored answers, as given, with the day they were given."""
    if attestation is None or attestation.answers is None or attestation.answered_at is None:
        return None
    return {
        "answered_on": attestation.answered_at.date().isoformat(),
        "language": attestation.language,
        **attestation.answers,
    }


def worker_section(worker: Worker, attestation: Attestation | None = None) -> dict:
    """One ``workers[i]`` object: the worker's facts, their offer and latest answered
    attestation, as stored."""
    return _without_none(
        {
            "name": worker.name,
            "country": worker.country,
            "email": worker.email,
            "language": worker.language,
            "english_requested_on": _iso(worker.english_requested_on),
            "planned_start_date": _iso(worker.planned_start_date),
            "offer": worker.offer,
            "attestation": attestation_section(attestation),
        }
    )


def _workers_of(employer: Employer, case: dict) -> list[Worker]:
    """Worker rows of a case dict: v2's ``workers``, or v1's ``offer`` as the first worker."""
    if case.get("workers") is not None:
        return [
            Worker(
                employer_id=employer.id,
                name=item.get("name"),
                country=item.get("country"),
                email=item.get("email"),
                language=item.get("language"),
                english_requested_on=_date(item.get("english_requested_on")),
                planned_start_date=_date(item.get("planned_start_date")),
                offer=item.get("offer"),
            )
            for item in case["workers"]
        ]
    offer = case.get("offer")
    if offer is None:
        return []
    # lmia-case/1: the one offer is the first worker's; the worker's record starts from what
    # the offer says about them.
    return [
        Worker(
            employer_id=employer.id,
            name=offer.get("worker_name"),
            language=offer.get("language"),
            planned_start_date=_date(offer.get("start_date")),
            offer=offer,
        )
    ]


def employer_mismatches(employer: Employer, case: dict) -> list[str]:
    """Where the file's employer differs from this employer's profile (path: what differs)."""
    theirs = case["employer"]
    ours = employer_section(employer, Position())
    # The export leaves a false flag out; a file that states it must still match.
    ours["on_noncompliance_list"] = bool(employer.on_noncompliance_list)
    problems = []
    for key in (
        "legal_name",
        "operating_name",
        "business_number",
        "naics",
        "on_noncompliance_list",
        "lmia_revoked_on",
    ):
        if theirs.get(key) is not None and str(theirs.get(key)) != str(ours.get(key)):
            problems.append(
                f'employer.{key}: the file says "{theirs.get(key)}", this '
                f'employer\'s profile says "{ours.get(key) or ""}"'
            )
    for key, value in theirs["address"].items():
        if str(value) != str(ours["address"][key]):
            problems.append(
                f'employer.address.{key}: the file says "{value}", this '
                f'employer\'s profile says "{ours["address"][key]}"'
            )
    return problems


def _json_ready(value):
    """Plain JSON values for the JSON columns (Decimal to number, dates to text)."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def rows_from_case(employer: Employer, case: dict):
    """Build a new position, its activities, applicants, Job Match and workers from a valid case
    dict (lmia-case/2, or /1 whose offer becomes the first worker's)."""
    case = _json_ready(case)
    section = case["position"]
    location = section["work_location"]
    requirements = section.get("requirements") or {}
    wage = section["wage"]
    prevailing = section.get("prevailing_wage") or {}
    incumbent = section.get("incumbent_wage") or {}
    job_match = case.get("job_match") or {}
    facts = case["employer"]
    position = Position(
        employer_id=employer.id,
        title=section["title"],
        noc_code=section["noc"],
        stream=section["stream"],
        program=section.get("program"),
        is_caregiver=bool(section.get("caregiver")),
        is_seasonal=bool(section.get("seasonal")),
        quebec_facilitated=bool(section.get("quebec_facilitated")),
        advertising_variation=section.get("advertising_variation"),
        street_address=location["street"],
        city=location["city"],
        province=location["province"],
        postal_code=location["postal_code"],
        economic_region=location.get("economic_region"),
        cma=location.get("cma"),
        admin_region=location.get("admin_region"),
        wage_amount=_decimal(wage["amount"]),
        wage_per=wage["per"],
        hours_per_week=_decimal(section["hours_per_week"]),
        positions=section["positions"],
        duration_months=section["duration_months"],
        duties=section["duties"],
        education=requirements.get("education"),
        experience=requirements.get("experience"),
        experience_years=_decimal(requirements.get("experience_years")),
        languages=requirements.get("languages"),
        language_justification=section.get("language_justification"),
        benefits=section.get("benefits"),
        terms=section.get("terms"),
        prevailing_wage_amount=_decimal(prevailing.get("amount")),
        prevailing_wage_per=prevailing.get("per"),
        prevailing_wage_source=section.get("prevailing_wage_source"),
        incumbent_wage_amount=_decimal(incumbent.get("amount")),
        incumbent_wage_per=incumbent.get("per"),
        live_in_required=section.get("live_in_required"),
        employees_at_location=facts.get("employees_at_location"),
        low_wage_tfws_at_location=facts.get("low_wage_tfws_at_location"),
        planned_submission_date=_date(case.get("submission_date")),
        job_bank_alternative_rationale=case.get("job_bank_alternative_rationale"),
        job_match_mode=job_match.get("mode"),
        transition_plan=case.get("transition_plan"),
    )
    workers = _workers_of(employer, case)
    position.workers.extend(workers)
    parties = _third_parties_of(employer, position, case.get("third_parties") or ())
    for item in case.get("payments") or ():
        position.payments.append(
            Payment(
                employer_id=employer.id,
                paid_on=_date(item.get("date")),
                payer=item["payer"],
                payee=item["payee"],
                amount=_decimal(item["amount"]),
                purpose=item["purpose"],
                via=item.get("via"),
                worker=_at(workers, item.get("worker")),
                third_party=_at(parties, item.get("third_party")),
                note=item.get("note"),
            )
        )
    for item in case.get("document_custody") or ():
        position.document_custody.append(
            DocumentCustody(
                employer_id=employer.id,
                document=item["document"],
                held_by=item["held_by"],
                since=_date(item.get("since")),
                worker=_at(workers, item.get("worker")),
            )
        )
    activities = {}
    for item in case["recruitment"]:
        activity = RecruitmentActivity(
            employer_id=employer.id,
            case_key=item["id"],
            method=item["method"],
            kind=item["kind"],
            start_date=_date(item.get("start")),
            end_date=_date(item.get("end")),
            event_date=_date(item.get("date")),
            platform=item.get("platform"),
            is_national=item.get("national"),
            target_groups=item.get("target_groups"),
            reference=item.get("reference"),
            direct_apply=item.get("direct_apply"),
            ad=item.get("ad"),
        )
        position.activities.append(activity)
        activities[item["id"]] = activity
    for item in job_match.get("matches") or []:
        position.job_matches.append(
            JobMatchEntry(
                employer_id=employer.id,
                first_seen=_date(item["first_seen"]),
                stars=item["stars"],
                invited_on=_date(item.get("invited_on")),
            )
        )
    applicants = [
        Applicant(
            employer_id=employer.id,
            name=item["name"],
            status=item["status"],
            source_activity=activities.get(item.get("source")),
            channel=item.get("channel"),
            applied_on=_date(item["applied_on"]),
            resume_downloaded_on=_date(item.get("resume_downloaded_on")),
            interviewed_on=_date(item.get("interviewed_on")),
            offered=item.get("offered"),
            hired=item.get("hired"),
            reason_code=item.get("reason_code"),
            reason_detail=item.get("reason_detail"),
        )
        for item in case["applicants"]
    ]
    return position, applicants


def _at(rows: list, index: int | None):
    return None if index is None else rows[index]


def _third_parties_of(employer: Employer, position: Position, items) -> list[ThirdParty]:
    """Rows for a case's third parties, index for index: an ``employer_wide`` one is the
    employer's existing identical row if there is one (each row matched once), else a new
    employer row; the others belong to the new position."""
    existing = []
    if employer.id is not None and any(item.get("employer_wide") for item in items):
        existing = list(employer.own_third_parties)
    rows = []
    for item in items:
        if item.get("employer_wide"):
            same = next(
                (
                    party
                    for party in existing
                    if third_party_section(party, employer_wide=True) == item
                ),
                None,
            )
            if same is not None:
                existing.remove(same)
                rows.append(same)
                continue
        # contract_on_file cannot be imported: the contract is an evidence file, not in the case.
        party = ThirdParty(
            employer_id=employer.id, **{key: item.get(key) for key in THIRD_PARTY_KEYS}
        )
        if item.get("employer_wide"):
            db.session.add(party)
        else:
            position.third_parties.append(party)
        rows.append(party)
    return rows


def attestations_from_case(
    position: Position, case: dict, created_by_id: int | None
) -> list[Attestation]:
    """Answered Attestation rows for the workers' attestations of a case dict (call once the
    position and its workers have ids). They have no usable link; ``created_by`` is the importer.
    """
    case = _json_ready(case)
    rows = []
    for worker, item in zip(position.workers, case.get("workers") or (), strict=False):
        answers = item.get("attestation")
        if answers is None:
            continue
        if created_by_id is None:
            raise ValueError("importing an attestation needs the importing user")
        answered_on = date.fromisoformat(answers["answered_on"])
        answered_at = datetime(answered_on.year, answered_on.month, answered_on.day, tzinfo=UTC)
        rows.append(
            Attestation(
                employer_id=position.employer_id,
                position_id=position.id,
                worker_id=worker.id,
                token_hash=IMPORTED_TOKEN_PREFIX + secrets.token_hex(27),
                language=answers["language"],
                created_by_id=created_by_id,
                expires_at=answered_at,
                answered_at=answered_at,
                answers={key: value for key, value in answers.items() if key != "answered_on"},
            )
        )
    return rows
