"""Hourly equivalents of wages, as ``case-format.md`` defines them.

week: amount ÷ hours_per_week; month: amount × 12 ÷ (hours_per_week × 52);
year: amount ÷ (hours_per_week × 52); hour: amount. Nothing is rounded: :func:`hourly_fraction`
is exact (the rules compare with it), :func:`hourly_equivalent` is the same value as a ``Decimal``
(exact whenever the quotient terminates, else to 50 significant digits).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from portal.cases.model import Wage

WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12


def hourly_fraction(amount: Decimal, per: str, hours_per_week: Decimal) -> Fraction:
    """Return the exact hourly equivalent of ``amount`` paid per ``per``."""
    value, hours = Fraction(amount), Fraction(hours_per_week)
    if per == "hour":
        return value
    if per == "week":
        return value / hours
    if per == "month":
        return value * MONTHS_PER_YEAR / (hours * WEEKS_PER_YEAR)
    if per == "year":
        return value / (hours * WEEKS_PER_YEAR)
    raise ValueError(f"unknown wage period {per!r}")


def to_decimal(value: Fraction) -> Decimal:
    """Return ``value`` as a Decimal: exact when it terminates, else 50 significant digits."""
    with localcontext() as context:
        context.prec = 50
        return Decimal(value.numerator) / Decimal(value.denominator)


def hourly_equivalent(wage: Wage, hours_per_week: Decimal) -> Decimal:
    """Return the unrounded hourly equivalent of ``wage`` for a job of ``hours_per_week``."""
    if wage.amount is None:
        raise ValueError("the wage has no amount")
    return to_decimal(hourly_fraction(wage.amount, wage.per, hours_per_week))


def monthly_gross(hourly: Fraction, hours_per_week: Decimal) -> Fraction:
    """Return monthly gross pay: hourly × hours × 52 ÷ 12 (exact)."""
    return hourly * Fraction(hours_per_week) * WEEKS_PER_YEAR / MONTHS_PER_YEAR
