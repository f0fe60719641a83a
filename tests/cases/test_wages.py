"""Hourly equivalents: week ÷ hours; month × 12 ÷ (hours × 52); year ÷ (hours × 52); unrounded."""

from decimal import Decimal
from fractions import Fraction

import pytest

from portal.cases import Wage, hourly_equivalent, hourly_fraction, monthly_gross


@pytest.mark.parametrize(
    ("amount", "per", "hours", "expected"),
    [
        ("19.50", "hour", "40", "19.50"),
        ("780", "week", "40", "19.5"),
        ("3380", "month", "40", "19.5"),
        ("40560", "year", "40", "19.5"),
        ("74880", "year", "40", "36"),
        ("1000", "week", "37.5", "26.666666666666666666666666666666666666666666666667"),
    ],
)
def test_hourly_equivalent(amount, per, hours, expected):
    wage = Wage(amount=Decimal(amount), per=per)

    assert hourly_equivalent(wage, Decimal(hours)) == Decimal(expected)


def test_hourly_fraction_is_exact():
    assert hourly_fraction(Decimal("3000"), "month", Decimal("40")) == Fraction(36000, 2080)
    assert hourly_fraction(Decimal("1000"), "week", Decimal("37.5")) == Fraction(80, 3)


def test_monthly_gross_undoes_the_monthly_conversion_exactly():
    hourly = hourly_fraction(Decimal("3000"), "month", Decimal("40"))

    assert monthly_gross(hourly, Decimal("40")) == 3000


def test_a_wage_without_amount_has_no_hourly_equivalent():
    with pytest.raises(ValueError, match="no amount"):
        hourly_equivalent(Wage(amount=None, per="hour"), Decimal("40"))
