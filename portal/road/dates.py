"""The date rules of the road after the LMIA, each with its source and the dates it applies.

``lmia-domain.md`` gives the LMIA's 6-month validity (§0, 2024-05-01) and the 6-year retention
(§7.1, IRPR 209.2(1)(b) / 209.3(1)(c)); it is silent on permit renewal, so those rules follow
IRCC's own pages named below (the project note says so). Plain Python: no Flask, no database.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class DateRule:
    key: str
    summary: str
    citation: str
    effective_from: date | None = None
    effective_to: date | None = None

    def applies_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


LMIA_VALIDITY = DateRule(
    "lmia-validity",
    "An approved LMIA must be used for a work-permit application within its validity: "
    "6 months from the decision since 2024-05-01 (the decision letter's date governs).",
    "https://www.mondaq.com:443/canada/general-immigration/1458098/the-end-of-the-workforce-"
    "solutions-road-map-special-measures-signifies-several-adjustments-to-canada39s-temporary-"
    "resident-policies-effective-may-1-2024",
    effective_from=date(2024, 5, 1),
)
LMIA_VALIDITY_MONTHS = 6

RETENTION = DateRule(
    "retention",
    "Documents proving compliance are kept 6 years from the worker's first day of work "
    "(IRPR 209.2(1)(b), 209.3(1)(c)).",
    "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2002-227/section-209.3-20220926.html",
)
RETENTION_YEARS = 6

PERMIT_RENEWAL = DateRule(
    "permit-renewal",
    "A worker who applies to extend the permit before it expires may keep working on the same "
    "conditions until IRCC decides (maintained status, IRPR 183(5)); after expiry they may not "
    "work. An LMIA-based extension needs a new LMIA first.",
    "https://www.canada.ca/en/immigration-refugees-citizenship/services/work-canada/"
    "extend-permit.html",
)
# The warning starts this many days before expiry when no renewal is under way.
RENEWAL_WARNING_DAYS = 120
# A new LMIA needs at least 4 weeks of advertising (28 days, REC rules) and ESDC's processing,
# estimated here at 60 days (check current processing times on canada.ca); the extension must be
# filed before expiry. Recruitment should start this many days before the permit expires.
MINIMUM_ADVERTISING_DAYS = 28
LMIA_PROCESSING_ESTIMATE_DAYS = 60
RENEWAL_LEAD_DAYS = MINIMUM_ADVERTISING_DAYS + LMIA_PROCESSING_ESTIMATE_DAYS

PERMIT_CONDITIONS = DateRule(
    "permit-conditions",
    "An employer-specific permit names one employer, one occupation and one location; work "
    "for another employer, in another occupation or place needs a new permit (IRPR 185).",
    "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2002-227/section-185.html",
)

AUTHORIZED_TO_WORK = DateRule(
    "authorized-to-work",
    "A foreign national may not work in Canada unless authorized (IRPA 30(1)): the first day "
    "of work comes on or after the permit is issued.",
    "https://laws-lois.justice.gc.ca/eng/acts/I-2.5/section-30.html",
)

EMPLOYER_PORTAL = DateRule(
    "employer-portal",
    "An LMIA-exempt employer submits the offer of employment through IRCC's Employer Portal "
    "and pays the employer compliance fee ($230) before the worker applies (IRPR 209.11).",
    "https://laws-lois.justice.gc.ca/eng/regulations/SOR-2002-227/section-209.11.html",
)

DATE_RULES = (
    LMIA_VALIDITY,
    RETENTION,
    PERMIT_RENEWAL,
    PERMIT_CONDITIONS,
    AUTHORIZED_TO_WORK,
    EMPLOYER_PORTAL,
)


def lmia_valid_until(decided_on: date | None, stated: date | None) -> date | None:
    """The last day the LMIA can support a permit application: the date the decision letter
    states, else 6 months from a decision made since 2024-05-01 (earlier validity periods
    varied, lmia-domain.md §11.5: those must be entered from the letter)."""
    if stated is not None:
        return stated
    if decided_on is None or not LMIA_VALIDITY.applies_on(decided_on):
        return None
    return decided_on + relativedelta(months=LMIA_VALIDITY_MONTHS) - timedelta(days=1)


def retention_ends(first_day: date | None) -> date | None:
    """The day until which records must be kept (inclusive): 6 years from the first day of
    work, counted as the evidence locker always has (nothing is deleted on or before it)."""
    if first_day is None:
        return None
    return first_day + relativedelta(years=RETENTION_YEARS)


def renewal_warning_from(permit_expires_on: date) -> date:
    """The first day the 'no renewal under way' warning applies."""
    return permit_expires_on - timedelta(days=RENEWAL_WARNING_DAYS)


def start_recruiting_by(permit_expires_on: date) -> date:
    """The last day to start the new LMIA's recruitment so the extension can be filed in time."""
    return permit_expires_on - timedelta(days=RENEWAL_LEAD_DAYS)
