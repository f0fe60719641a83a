"""Which provinces license recruiters and since when; the hints a record gets."""

from datetime import date

import pytest

from portal.protection.licensing import LICENSING, hints_for, licensing_in

BASE = {
    "role": "recruiter",
    "province": None,
    "work_province": "ON",
    "paid": True,
    "licence_number": None,
    "cicc_number": None,
    "law_society": None,
    "contract_on_file": True,
    "contract_forbids_worker_fees": True,
}


def codes(**changes):
    return [hint.code for hint in hints_for(**(BASE | changes))]


def test_the_list_is_rules_md_list():
    assert set(LICENSING) == {"BC", "AB", "SK", "MB", "NS", "ON", "PE", "QC"}
    assert LICENSING["ON"].since == date(2024, 7, 1)
    assert LICENSING["PE"].since == date(2025, 7, 1)
    assert LICENSING["QC"].since == date(2020, 1, 1)


@pytest.mark.parametrize(
    ("province", "day_before", "first_day"),
    [
        ("ON", date(2024, 6, 30), date(2024, 7, 1)),
        ("PE", date(2025, 6, 30), date(2025, 7, 1)),
        ("QC", date(2019, 12, 31), date(2020, 1, 1)),
    ],
)
def test_licensing_starts_on_its_day(province, day_before, first_day):
    assert licensing_in(province, day_before) is None
    assert licensing_in(province, first_day).province == province
    assert codes(province=province, on=day_before) == []
    assert codes(province=province, on=first_day) == ["licence"]


def test_the_recruiters_own_province_decides_else_the_work_province():
    on = date(2026, 12, 4)
    assert codes(province="NB", on=on) == []  # NB: no recruiter licensing found
    assert codes(province=None, work_province="NB", on=on) == []
    assert codes(province=None, work_province="BC", on=on) == ["licence"]
    assert codes(province="BC", licence_number="TFWR-1", on=on) == []


def test_a_paid_representative_needs_cicc_or_a_law_society():
    on = date(2026, 12, 4)
    rep = {"role": "representative", "on": on}
    assert codes(**rep) == ["authorized"]
    assert codes(**rep, cicc_number="R512345") == []
    assert codes(**rep, cicc_number="R51234") == ["authorized"]
    assert codes(**rep, law_society="Law Society of Ontario") == []
    assert codes(**rep, paid=False) == []


def test_the_contract_hints():
    on = date(2026, 12, 4)
    assert codes(licence_number="X", contract_on_file=False, on=on) == ["no_contract"]
    assert codes(licence_number="X", contract_forbids_worker_fees=None, on=on) == [
        "contract_silent"
    ]
    assert codes(licence_number="X", contract_forbids_worker_fees=False, on=on) == [
        "contract_silent"
    ]
