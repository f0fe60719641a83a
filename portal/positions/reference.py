"""The labour-market reference data as the position pages use it."""

from dataclasses import dataclass
from datetime import date

from flask import current_app

from portal.cases import Wage, hourly_equivalent
from portal.forms import options
from portal.reference.labour_market import (
    LabourMarketData,
    NocUnitGroup,
    PrevailingWage,
    WageThreshold,
)


def labour_market() -> LabourMarketData:
    """Packaged data overlaid with any fuller official file loaded with ``flask refdata``."""
    return LabourMarketData.current(current_app.instance_path)


def noc_suggestions() -> list[NocUnitGroup]:
    """All 516 unit groups, for the searchable NOC field (a datalist works without script)."""
    data = labour_market()
    return [unit for digit in "0123456789" for unit in data.search_noc(digit, limit=600)]


def economic_region_choices():
    regions = sorted(labour_market().economic_regions(), key=lambda r: (r.province, r.name_en))
    return options(
        [("", "—")] + [(r.code, f"{r.province} · {r.name_en} ({r.code})") for r in regions]
    )


@dataclass(frozen=True)
class WageContext:
    on: date
    noc: NocUnitGroup | None
    threshold: WageThreshold | None
    prevailing: PrevailingWage | None
    declared_prevailing: bool
    # Which figure the rules compare with: "job_bank", "declared" (the higher of the two, as
    # the rules take it; the declared figure alone when Job Bank has none), or None.
    applies: str | None = None


def wage_context(position, on: date) -> WageContext:
    """Threshold and Job Bank prevailing wage for the position's place and date."""
    data = labour_market()
    prevailing = data.prevailing_wage(
        position.noc_code, position.economic_region, position.province
    )
    declared = None
    if position.prevailing_wage_amount is not None and position.hours_per_week:
        declared = hourly_equivalent(
            Wage(
                amount=position.prevailing_wage_amount, per=position.prevailing_wage_per or "hour"
            ),
            position.hours_per_week,
        )
    if declared is not None and (prevailing is None or declared > prevailing.hourly):
        applies = "declared"
    else:
        applies = "job_bank" if prevailing is not None else None
    return WageContext(
        on=on,
        noc=data.noc(position.noc_code),
        threshold=data.wage_threshold(position.province, on),
        prevailing=prevailing,
        declared_prevailing=position.prevailing_wage_amount is not None,
        applies=applies,
    )


def hourly_equivalent_of(position):
    """The offered wage per hour (unrounded), as the rules convert it."""
    wage = Wage(amount=position.wage_amount, per=position.wage_per)
    return hourly_equivalent(wage, position.hours_per_week)
