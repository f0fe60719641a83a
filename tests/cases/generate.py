"""Random valid cases for round-trip tests (seeded; no third-party property-testing library)."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from decimal import Decimal

from portal.cases import model as m


class CaseGenerator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # --- scalars ---------------------------------------------------------------------------------

    def maybe(self, make, chance: float = 0.5):
        return make() if self.rng.random() < chance else None

    def text(self) -> str:
        pool = string.ascii_letters + " éàçÉ'-.,!?\"\\/\u2014\n\t😀"
        return "".join(self.rng.choice(pool) for _ in range(self.rng.randint(0, 20)))

    def day(self) -> date:
        return date(2020, 1, 1) + timedelta(days=self.rng.randint(0, 2500))

    def decimal(self) -> Decimal:
        choice = self.rng.randint(0, 5)
        if choice == 0:
            return Decimal(self.rng.randint(0, 200000))
        if choice == 1:
            return Decimal(f"{self.rng.randint(0, 99999)}.{self.rng.randint(0, 99):02d}")
        if choice == 2:
            return Decimal(f"0.{self.rng.randint(0, 10**12):012d}")
        if choice == 3:
            return Decimal(f"{self.rng.randint(1, 9)}E+{self.rng.randint(1, 5)}")
        if choice == 4:
            return Decimal(f"-{self.rng.randint(0, 999)}.5")
        return Decimal("123456789012345678901234567890.123456789")

    def positive(self) -> Decimal:
        return Decimal(f"{self.rng.randint(1, 80)}.{self.rng.randint(0, 9)}")

    def pick(self, values: tuple[str, ...]) -> str:
        return self.rng.choice(values)

    def some(self, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.rng.choice(values) for _ in range(self.rng.randint(0, 3)))

    def boolean(self) -> bool:
        return self.rng.random() < 0.5

    # --- objects ----------------------------------------------------------------------------------

    def address(self) -> m.Address:
        return m.Address(
            street=self.text(),
            city=self.text(),
            province=self.pick(m.PROVINCES),
            postal_code=self.text(),
        )

    def wage(self) -> m.Wage:
        return m.Wage(amount=self.decimal(), per=self.pick(m.WAGE_PERIODS))

    def ad_wage(self) -> m.Wage | m.WageRange:
        per = self.pick(m.WAGE_PERIODS)
        kind = self.rng.randint(0, 3)
        if kind == 0:
            return m.Wage(amount=None, per=per)
        if kind == 1:
            return m.Wage(amount=self.decimal(), per=per)
        low = self.maybe(self.decimal)
        high = self.decimal() if low is None else self.maybe(self.decimal)
        return m.WageRange(min=low, max=high, per=per)

    def case(self) -> m.Case:
        maybe, text, day = self.maybe, self.text, self.day
        activities = []
        for index in range(self.rng.randint(0, 5)):
            kind = self.pick(m.ACTIVITY_KINDS)
            start = day()
            activities.append(
                m.Activity(
                    id=f"a{index}-{text()}",
                    method=self.pick(m.METHODS),
                    kind=kind,
                    start=start if kind == "posting" else maybe(day),
                    end=(
                        maybe(lambda s=start: s + timedelta(days=self.rng.randint(0, 90)))
                        if kind == "posting"
                        else maybe(day)
                    ),
                    date=day() if kind == "event" else maybe(day),
                    platform=maybe(text),
                    national=maybe(self.boolean),
                    target_groups=maybe(lambda: self.some(m.TARGET_GROUPS)),
                    reference=maybe(text),
                    direct_apply=maybe(self.boolean),
                    ad=maybe(self.ad),
                )
            )
        ids = [a.id for a in activities]
        version = self.pick(m.FORMATS)
        v2 = version == m.FORMAT
        workers = maybe(self.workers) if v2 else None
        parties = maybe(lambda: self.third_parties(v2))
        return m.Case(
            submission_date=maybe(day),
            employer=m.Employer(
                legal_name=text(),
                operating_name=text(),
                business_number=text(),
                address=self.address(),
                naics=maybe(lambda: str(self.rng.randint(10, 999999))),
                employees_at_location=maybe(lambda: self.rng.randint(0, 500)),
                low_wage_tfws_at_location=maybe(lambda: self.rng.randint(0, 50)),
                on_noncompliance_list=maybe(self.boolean),
                lmia_revoked_on=maybe(day),
            ),
            position=m.Position(
                title=text(),
                noc=text(),
                stream=self.pick(m.STREAMS),
                program=maybe(lambda: self.pick(m.PROGRAMS)) if v2 else None,
                caregiver=maybe(self.boolean),
                seasonal=maybe(self.boolean),
                quebec_facilitated=maybe(self.boolean),
                advertising_variation=maybe(text),
                work_location=m.WorkLocation(
                    street=text(),
                    city=text(),
                    province=self.pick(m.PROVINCES),
                    postal_code=text(),
                    economic_region=maybe(text),
                    cma=maybe(text),
                    admin_region=maybe(text),
                ),
                wage=self.wage(),
                hours_per_week=self.positive(),
                positions=self.rng.randint(1, 30),
                duration_months=self.rng.randint(1, 36),
                duties=text(),
                requirements=maybe(
                    lambda: m.Requirements(
                        education=maybe(text),
                        experience=maybe(text),
                        experience_years=maybe(self.decimal),
                        languages=maybe(lambda: tuple(text() for _ in range(2))),
                    )
                ),
                language_justification=maybe(text),
                benefits=maybe(text),
                terms=maybe(text),
                prevailing_wage=maybe(self.wage),
                prevailing_wage_source=maybe(text),
                incumbent_wage=maybe(self.wage),
                live_in_required=maybe(self.boolean),
            ),
            recruitment=tuple(activities),
            job_bank_alternative_rationale=maybe(text),
            job_match=maybe(
                lambda: m.JobMatch(
                    mode=self.pick(m.JOB_MATCH_MODES),
                    matches=tuple(
                        m.Match(
                            first_seen=day(),
                            stars=self.rng.randint(1, 5),
                            invited_on=maybe(day),
                        )
                        for _ in range(self.rng.randint(0, 3))
                    ),
                )
            ),
            applicants=tuple(
                m.Applicant(
                    name=text(),
                    status=self.pick(m.APPLICANT_STATUSES),
                    source=self.rng.choice(ids) if ids and self.boolean() else None,
                    channel=maybe(lambda: self.pick(m.CHANNELS)),
                    applied_on=day(),
                    resume_downloaded_on=maybe(day),
                    interviewed_on=maybe(day),
                    offered=maybe(self.boolean),
                    hired=maybe(self.boolean),
                    reason_code=maybe(lambda: self.pick(m.REASON_CODES)),
                    reason_detail=maybe(text),
                )
                for _ in range(self.rng.randint(0, 4))
            ),
            transition_plan=maybe(
                lambda: m.TransitionPlan(
                    exemption=maybe(text),
                    activities=tuple(
                        m.PlanActivity(kind=self.pick(m.PLAN_KINDS), description=text())
                        for _ in range(self.rng.randint(0, 4))
                    ),
                )
            ),
            # Half the cases are lmia-case/1 (one offer), half lmia-case/2 (workers).
            format=version,
            offer=maybe(self.offer) if version == m.FORMAT_V1 else None,
            workers=workers,
            third_parties=parties,
            payments=maybe(
                lambda: tuple(
                    m.Payment(
                        date=maybe(day),
                        payer=self.pick(m.PARTIES),
                        payee=self.pick(m.PARTIES),
                        amount=self.decimal(),
                        purpose=self.pick(m.PURPOSES_V2 if v2 else m.PURPOSES),
                        via=maybe(lambda: self.pick(m.PAYMENT_VIAS)),
                        **(
                            {
                                "worker": maybe(lambda: self.index(workers)),
                                "third_party": maybe(lambda: self.index(parties)),
                                "note": maybe(text),
                            }
                            if v2
                            else {}
                        ),
                    )
                    for _ in range(self.rng.randint(0, 3))
                )
            ),
            document_custody=maybe(
                lambda: tuple(
                    m.DocumentCustody(
                        document=self.pick(m.DOCUMENTS),
                        held_by=self.pick(m.HOLDERS),
                        since=maybe(day),
                        worker=maybe(lambda: self.index(workers)) if v2 else None,
                    )
                    for _ in range(self.rng.randint(0, 2))
                )
            ),
        )

    def index(self, items) -> int | None:
        """A valid 0-based index into ``items`` (None when it is empty)."""
        return self.rng.randrange(len(items)) if items else None

    def third_parties(self, v2: bool) -> tuple[m.ThirdParty, ...]:
        maybe, text = self.maybe, self.text
        return tuple(
            m.ThirdParty(
                name=text(),
                role=self.pick(m.THIRD_PARTY_ROLES),
                province=maybe(lambda: self.pick(m.PROVINCES)),
                paid=maybe(self.boolean),
                licence_number=maybe(text),
                cicc_number=maybe(text),
                law_society=maybe(text),
                **(
                    {
                        "employer_wide": maybe(self.boolean),
                        "contract_on_file": maybe(self.boolean),
                        "contract_forbids_worker_fees": maybe(self.boolean),
                    }
                    if v2
                    else {}
                ),
            )
            for _ in range(self.rng.randint(0, 2))
        )

    def attestation(self) -> m.Attestation:
        maybe, text, day = self.maybe, self.text, self.day
        return m.Attestation(
            answered_on=day(),
            language=self.pick(m.ATTESTATION_LANGUAGES),
            paid=self.boolean(),
            payments=maybe(
                lambda: tuple(
                    m.ReportedPayment(
                        payee=text(),
                        amount=abs(self.decimal()),
                        paid_on=maybe(day),
                        what_for=maybe(text),
                    )
                    for _ in range(self.rng.randint(0, 2))
                )
            ),
            holds_passport=maybe(self.boolean),
            holds_permit=maybe(self.boolean),
            contract_before_start_in_language=maybe(self.boolean),
            knows_help=maybe(self.boolean),
        )

    def ad(self) -> m.Ad:
        maybe, text = self.maybe, self.text
        return m.Ad(
            operating_name=maybe(text),
            business_address=maybe(text),
            title=maybe(text),
            duties=maybe(text),
            terms=maybe(text),
            wage=maybe(self.ad_wage),
            benefits=maybe(text),
            work_location=maybe(text),
            contact=maybe(text),
            education=maybe(text),
            experience=maybe(text),
            languages=maybe(lambda: tuple(text() for _ in range(self.rng.randint(0, 2)))),
            published_languages=maybe(lambda: self.some(m.PUBLISHED_LANGUAGES)),
        )

    def workers(self) -> tuple[m.Worker, ...]:
        maybe, text, day = self.maybe, self.text, self.day
        return tuple(
            m.Worker(
                name=maybe(text),
                country=maybe(text),
                email=maybe(text),
                language=maybe(lambda: self.pick(m.WORKER_LANGUAGES)),
                english_requested_on=maybe(day),
                planned_start_date=maybe(day),
                offer=maybe(lambda: self.offer(v2=True)),
                attestation=maybe(self.attestation),
            )
            for _ in range(self.rng.randint(0, 3))
        )

    def offer(self, v2: bool = False) -> m.Offer:
        maybe, text, day = self.maybe, self.text, self.day
        extra = {}
        if v2:
            extra = {
                key: maybe(text)
                for key in (
                    "employer_operating_name",
                    "business_number",
                    "schedule",
                    "statutory_holidays",
                    "probation",
                    "termination_notice",
                    "housing_terms",
                    "lmia_number",
                    "employer_portal_offer_number",
                    "signed_by_employer_name",
                    "signed_by_worker_name",
                )
            }
            extra["pay_frequency"] = maybe(lambda: self.pick(m.PAY_FREQUENCIES))
            extra["rights_information_given_on"] = maybe(day)
        return m.Offer(
            **extra,
            date=maybe(day),
            worker_name=maybe(text),
            employer_legal_name=maybe(text),
            employer_address=maybe(self.address),
            title=maybe(text),
            noc=maybe(text),
            duties=maybe(text),
            work_location=maybe(self.address),
            wage=maybe(self.wage),
            hours_per_week=maybe(self.positive),
            overtime=maybe(text),
            vacation=maybe(text),
            benefits=maybe(text),
            start_date=maybe(day),
            duration_months=maybe(lambda: self.rng.randint(1, 36)),
            deductions=maybe(
                lambda: tuple(
                    m.Deduction(
                        purpose=self.pick(m.PURPOSES),
                        amount=self.decimal(),
                        per=self.pick(m.WAGE_PERIODS),
                    )
                    for _ in range(self.rng.randint(0, 2))
                )
            ),
            employer_paid=maybe(lambda: self.some(m.EMPLOYER_PAID)),
            housing_rent_monthly=maybe(self.decimal),
            states_no_fees=maybe(self.boolean),
            language=maybe(lambda: self.pick(m.OFFER_LANGUAGES)),
            signed_by_employer_on=maybe(day),
            signed_by_worker_on=maybe(day),
        )
