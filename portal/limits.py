"""Bounds on values that come from outside (URLs, command lines). Plain Python.

The as-of range is wide enough for every rule's effective dates and every reference table (the
oldest starts in 2013), and narrow enough that the engine's date arithmetic (three calendar
months before a date, the day before it) never leaves Python's date range: ``as_of=0001-01-01``
raised "year -1 is out of range" and ``9999-12-31`` overflowed.
"""

from datetime import date

AS_OF_FIRST = date(2000, 1, 1)
AS_OF_LAST = date(2099, 12, 31)

# Any date a person or a file gives the portal (an ad's first day, a permit's expiry, a
# licence held since...). Deadlines add years to them (a permit's renewal, 6 years of keeping
# records), so 9999-12-31 would overflow a page long after the form accepted it.
RECORD_FIRST = date(1900, 1, 1)
RECORD_LAST = date(2099, 12, 31)


def as_of_in_range(day: date) -> bool:
    """Whether checks may run as of ``day``."""
    return AS_OF_FIRST <= day <= AS_OF_LAST


def record_date_in_range(day: date) -> bool:
    """Whether ``day`` may be stored as a date of a record."""
    return RECORD_FIRST <= day <= RECORD_LAST
