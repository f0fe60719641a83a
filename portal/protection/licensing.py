"""Which provinces license recruiters of foreign workers, since when, and where to check.

Plain Python. Sources: ``lmia-domain.md`` §7.3 and the FEE-RECRUITER-LICENSED row of
``rules.md``. The dates are when the law that licenses recruiters took effect as §7.3 gives
them (for BC the Act's assent, the only date §7.3 records). These feed hints on the
third-party pages only: the rule engine stays the judge of what is a finding.
"""

import re
from dataclasses import dataclass
from datetime import date

CICC_NUMBER = re.compile(r"^R\d{6}$")
CICC_REGISTER = "https://college-ic.ca/protecting-the-public/find-an-immigration-consultant"


@dataclass(frozen=True)
class Licensing:
    province: str
    since: date
    law: str
    register_url: str | None  # None: no public register recorded in §7.3


LICENSING = {
    entry.province: entry
    for entry in (
        Licensing(
            "BC",
            date(2018, 11, 8),
            "Temporary Foreign Worker Protection Act",
            "https://www2.gov.bc.ca/gov/content/employment-business/employment-standards-advice/"
            "employment-standards/hiring/hire-temporary-foreign-workers",
        ),
        Licensing(
            "AB",
            date(2012, 9, 1),
            "Fair Trading Act, Employment Agency Business Licensing Regulation",
            "http://www.albertacanada.com/employers/recruit/using-employment-agencies.aspx",
        ),
        Licensing(
            "SK",
            date(2013, 10, 11),
            "Foreign Worker Recruitment and Immigration Services Act / Immigration Services Act",
            "https://saskatchewan.ca/residents/moving-to-saskatchewan/provide-immigration-services/"
            "immigration-consultant-and-foreign-worker-recruiter-licensing-and-responsibilities",
        ),
        Licensing(
            "MB",
            date(2009, 4, 1),
            "Worker Recruitment and Protection Act",
            "https://www.manitoba.ca/labour/standards/doc,wrpa-license_info,factsheet.html",
        ),
        Licensing(
            "NS",
            date(2013, 5, 1),
            "Labour Standards Code (Worker Recruitment and Protection Act)",
            "https://novascotia.ca/lae/employmentrights/FW/"
            "ForeignWorker_Employer_Registration_Information.asp",
        ),
        Licensing(
            "ON",
            date(2024, 7, 1),
            "Employment Standards Act, 2000 (recruiter licensing)",
            "https://www.ontario.ca/page/licensing-temporary-help-agencies-and-recruiters",
        ),
        Licensing(
            "PE",
            date(2025, 7, 1),
            "Employment Standards Act (recruiter licensing)",
            None,
        ),
        Licensing(
            "QC",
            date(2020, 1, 1),
            "Regulation respecting personnel placement agencies and recruitment agencies for "
            "temporary foreign workers",
            "https://www.cnesst.gouv.qc.ca/clienteles/agences-de-placement/Pages/"
            "placement-personnel-recruitment-en.aspx",
        ),
    )
}


def licensing_in(province: str | None, on: date) -> Licensing | None:
    """The province's recruiter licensing when in force on ``on``, else None."""
    entry = LICENSING.get(province or "")
    return entry if entry is not None and entry.since <= on else None


@dataclass(frozen=True)
class Hint:
    """Something missing from a third party's record, worded as a thing to check."""

    field: str
    code: str
    province: str | None = None
    since: date | None = None
    register_url: str | None = None


def hints_for(
    *,
    role: str,
    province: str | None,
    work_province: str | None,
    paid: bool | None,
    licence_number: str | None,
    cicc_number: str | None,
    law_society: str | None,
    contract_on_file: bool,
    contract_forbids_worker_fees: bool | None,
    on: date,
) -> list[Hint]:
    """What a recruiter's or representative's record lacks, as the page should say it.

    A recruiter's own province decides, else the work province (as FEE-RECRUITER-LICENSED).
    """
    hints: list[Hint] = []
    if role == "recruiter":
        entry = licensing_in(province or work_province, on)
        if entry is not None and not (licence_number or "").strip():
            hints.append(
                Hint("licence_number", "licence", entry.province, entry.since, entry.register_url)
            )
    elif role == "representative" and paid:
        number = (cicc_number or "").strip().upper()
        if not CICC_NUMBER.match(number) and not (law_society or "").strip():
            hints.append(Hint("cicc_number", "authorized", register_url=CICC_REGISTER))
    if not contract_on_file:
        hints.append(Hint("contract_evidence_id", "no_contract"))
    elif not contract_forbids_worker_fees:
        hints.append(Hint("contract_forbids_worker_fees", "contract_silent"))
    return hints
