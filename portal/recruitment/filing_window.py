"""When can this LMIA be filed? The dates between which the timing rules all pass.

The rules engine is the single source of truth: for each candidate submission date D we run
the timing rules (minimum duration, the 3-month window, an ad still running) on the case and
keep the days with no error. Plain Python.
"""

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from portal.cases import FORMAT, Case
from portal.rules import ERROR, Context, get_rule

TIMING_RULES = ("REC-DURATION-4W", "REC-AG-14D", "REC-WINDOW-3M", "REC-ONGOING")
HORIZON_DAYS = 400  # how far ahead of the first activity we look
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 256


@dataclass(frozen=True)
class FilingWindow:
    earliest: date | None  # first day all timing rules pass; None: not within the horizon
    latest: date | None  # last day of that stretch; None: open (an ad keeps running)
    open_ended: bool


def _passes(case: Case, day: date, reference) -> bool:
    ctx = Context(replace(case, submission_date=day), day, reference)
    for rule_id in TIMING_RULES:
        rule = get_rule(rule_id)
        if not rule.applies_to(ctx.stream) or not rule.in_force(day) or ctx.exempt:
            continue
        for hit in rule.check(ctx):
            if (hit.severity or rule.severity) == ERROR:
                return False
    return True


def filing_window(case: Case, reference) -> FilingWindow | None:
    """The first stretch of submission dates that meets every timing rule, or None when the
    case has no recruitment to judge."""
    days = [a.start or a.date for a in case.recruitment if (a.start or a.date)]
    if not days:
        return None
    # Applicants, offers, workers and payments do not move these dates; leave them out of the
    # key (and the format, which only says where the offers are).
    timing_case = replace(
        case,
        format=FORMAT,
        applicants=(),
        offer=None,
        workers=None,
        payments=None,
        job_match=None,
        submission_date=None,
    )
    key = (timing_case, getattr(reference, "version", id(reference)))
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    first = min(days) + timedelta(days=1)
    earliest = latest = None
    for offset in range(HORIZON_DAYS):
        day = first + timedelta(days=offset)
        if _passes(timing_case, day, reference):
            earliest = earliest or day
            latest = day
        elif earliest is not None:
            break
    open_ended = earliest is not None and latest == first + timedelta(days=HORIZON_DAYS - 1)
    window = FilingWindow(earliest, None if open_ended else latest, open_ended)
    _CACHE[key] = window
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return window
